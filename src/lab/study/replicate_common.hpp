// What the experiments of replicate_init.cpp and replicate_activations.cpp share: their data (a
// built-in dataset, split and standardized as `ember compare` does), one arm of an experiment (a
// comparison of activations under one training setup), and the figures read from its runs. Internal
// to src/lab/study/: not an installed header.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ember/lab/study/compare.hpp"
#include "ember/lab/study/replicate.hpp"

namespace ember::replicate {

struct Data {
  Dataset train, test;      // standardized with the training split's statistics
  std::string description;  // "spiral (240 training points, 60 test, 2 features, 3 classes)"
};
// `dataset` as `ember compare --dataset NAME --seed SEED` gives it (test split 0.2).
Data load(const std::string& dataset, std::uint64_t seed);

// The runs of `activations` under `base` (its init, optimizer, depth), seeds seed .. seed + seeds − 1.
// options.progress hears of it first.
CompareResult run_arm(const Data& data, const TrainConfig& base, const std::vector<std::string>& activations, int seeds,
                      const ReplicateOptions& options, bool layer_health = false);

// Per seed, in seed order, figure(run) of the runs of `activation`.
std::vector<double> per_seed(const CompareResult& arm, const std::string& activation,
                             const std::function<double(const CompareRun&)>& figure);

// "2, 5, 10": the numbers of a setup line.
std::string number_list(const std::vector<int>& numbers);

// "32,32,...": `depth` hidden layers of `width` units.
std::vector<Index> layers(int depth, Index width);

// A check decided by paired_rule: a − b claimed positive (a_greater) or negative.
Check paired_check(const std::string& claim, const std::string& rule, std::vector<Measured> figures,
                   const std::vector<double>& a, const std::vector<double>& b, bool a_greater, std::uint64_t seed);

// One activation's training loss per epoch in `arm`: the mean over seeds, banded from the lowest seed to the
// highest; `style` its line style (plot::line_style).
plot::Series loss_curve(const CompareResult& arm, const std::string& activation, const std::string& label, int style);

// A check of one figure against a threshold: reproduced when the 95% bootstrap interval of its mean over
// seeds lies on the claimed side (above it, or below), not reproduced when it lies on the other side.
Check threshold_check(const std::string& claim, const std::string& rule, const Measured& figure, double threshold,
                      bool above, std::uint64_t seed);

}  // namespace ember::replicate
