// `ember train --plot FILE.svg`: a run's loss and accuracy per epoch, one panel each, with a line
// per split (train, validation, test, where present) and, when early stopping or restore-best chose
// an epoch, a vertical line at that best epoch. Built on svg_plot.hpp's figure.
#pragma once

#include <string>
#include <vector>

#include "ember/core/train/trainer.hpp"

namespace ember::plot {

// `title`: the figure's heading (the dataset and settings). best_epoch 0: no marker.
std::string training_curves_svg(const std::vector<EpochStats>& epochs, const std::string& title, int best_epoch = 0);

}  // namespace ember::plot
