// What `ember compare` shows: the summary table, plain sentences drawn from the numbers (not
// canned: each names the activations and figures that support it), the long CSV (one row per
// activation, seed and epoch) and the SVG figure (loss, test accuracy, first-layer gradient norm
// and dead units per epoch, one curve per activation).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ember/lab/study/compare.hpp"

namespace ember {

std::string summary_table(const Summary& summary, const CompareResult& result);
// "interrupted after 5 of 12 runs": the table and the figure say so when result.interrupted.
std::string interrupted_note(const CompareResult& result);
std::vector<std::string> findings(const Summary& summary, const CompareResult& result);
std::string comparison_csv(const CompareResult& result);
std::string comparison_svg(const CompareResult& result);

// The mean over seeds of one figure per epoch, for one activation (NaN where no seed has it).
std::vector<double> mean_curve(const CompareResult& result, const std::string& activation,
                               const std::function<double(const StudyEpoch&)>& figure);

}  // namespace ember
