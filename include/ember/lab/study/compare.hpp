// The study the article promised: how the choice of activation changes training. One model per
// activation, differing in nothing else — the same initial weights (drawn once, then copied into
// every model), the same batches in the same order, the same optimizer — trained by fit(), repeated
// for several seeds. Then a summary per activation and sentences drawn from the numbers.
// The report (table, sentences, CSV, SVG) is in compare_report.hpp.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ember/core/train/trainer.hpp"
#include "ember/lab/monitor/diagnostics.hpp"

namespace ember {

struct CompareConfig {
  TrainConfig base;  // everything but the activation
  std::vector<std::string> activations = {"sigmoid", "tanh", "relu", "leaky_relu"};
  int seeds = 1;                 // runs use seeds base.seed, base.seed + 1, ...
  double target_loss = NAN;      // "epochs to target": first epoch with train loss <= this, or
  double target_accuracy = NAN;  // first epoch with test (else train) accuracy >= this; neither
                                 // given: 95% of the best final accuracy of any activation
  int jobs = 1;                  // runs trained at once, each on its own thread; the figures do not
                                 // depend on it (only the seconds, when runs share a core)
};

struct CompareRun {
  std::string activation;
  std::uint64_t seed = 0;
  nn::StateDict initial_state;     // the weights it started from (identical across activations)
  std::vector<StudyEpoch> epochs;  // fit()'s figures with the diagnostics' (lab/monitor/diagnostics.hpp)
  double seconds = 0;
};

struct CompareResult {
  CompareConfig config;
  std::vector<CompareRun> runs;  // activation-major: all seeds of the first activation, then the next
  int planned_runs = 0;          // activations x seeds; more than runs.size() when interrupted
  bool interrupted = false;      // stopped by callbacks.stop: `runs` holds the finished runs only
  bool has_test = false;
  double chance_accuracy = 0;  // the largest class's share of the set accuracy is measured on
};

// Called as each run starts: (activation, seed, run number from 1, runs in all).
using CompareProgress = std::function<void(const std::string&, std::uint64_t, int, int)>;

// The one check of a CompareConfig (its base too), with the message a user sees; run_comparison
// calls it, and so does the CLI as soon as the options are read. Throws std::invalid_argument.
void validate(const CompareConfig& config);

// Trains the grid, config.jobs runs at a time. `progress` and `observer` are called one at a time
// (under a lock), the observer's on_step and on_epoch only for the run started last. A run that
// throws (TrainingDiverged) stops the others; the first such error in grid order is rethrown. Once
// observer->should_stop(), the result holds the runs that finished, and says it was interrupted.
CompareResult run_comparison(const Dataset& train, const Dataset& test, const CompareConfig& config,
                             const CompareProgress& progress = {}, FitObserver* observer = nullptr);

// ---- the summary, one row per activation, means (and standard deviations) over seeds ----
struct Stat {
  double mean = NAN, std = NAN;
};
struct ActivationSummary {
  std::string activation;
  Stat final_train_loss, final_test_accuracy, final_train_accuracy;
  Stat epochs_to_target;  // over the seeds that reached it
  int seeds_reached = 0, seeds = 0;
  Stat first_layer_grad_norm;              // epoch 1
  Stat grad_ratio;                         // epoch 1: ‖dW₁‖ / ‖dW_K‖; well below 1 means vanishing gradients
  Stat dead_fraction, saturated_fraction;  // final epoch, over all hidden units
  Stat seconds;
};

struct Summary {
  std::vector<ActivationSummary> rows;  // the activations with at least one finished run
  std::string target_description;       // e.g. "test accuracy >= 0.874 (95% of the best final)"
  double accuracy_target = NAN;         // the accuracy target in force (NaN when the target is a loss)
};

Summary summarize(const CompareResult& result);

// The fraction of all hidden units, from per-layer fractions weighted by the layers' sizes.
double unit_weighted(const std::vector<double>& fractions, const std::vector<Index>& hidden);

}  // namespace ember
