// The study the article promised: how the choice of activation changes training. One model per
// activation, differing in nothing else — the same initial weights (drawn once, then copied into
// every model), the same batches in the same order, the same optimizer — trained epoch by epoch (a
// TrainingRun: lab/train/training_run.hpp), repeated for several seeds, and optionally over a grid of
// learning rates and optimizers from which each activation's best setting is chosen on validation
// data. Then a summary per activation and sentences drawn from the numbers.
// The report (table, sentences, CSV, SVG) is in compare_report.hpp.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ember/core/train/trainer.hpp"
#include "ember/lab/monitor/diagnostics.hpp"
#include "ember/lab/plot/decision_boundary.hpp"
#include "ember/lab/study/paired_stats.hpp"

namespace ember {

struct CompareConfig {
  TrainConfig base;  // everything but the activation (and the grid's learning rates and optimizers)
  std::vector<std::string> activations = {"sigmoid", "tanh", "relu", "leaky_relu"};
  // The grid: every activation is trained at every (optimizer, learning rate), each from the seed's
  // shared weights and batches. Empty: base.optimizer, base.lr alone. With more than one setting,
  // each activation's is chosen on the validation set, never the test set (summarize()).
  std::vector<double> lrs;
  std::vector<std::string> optimizers;
  std::string select = "loss";   // choose by the lowest mean final validation loss, or "acc": the highest accuracy
  int seeds = 1;                 // runs use seeds base.seed, base.seed + 1, ...
  double target_loss = NAN;      // "epochs to target": first epoch with train loss <= this, or
  double target_accuracy = NAN;  // first epoch with test (else train) accuracy >= this; neither
                                 // given: 95% of the best final accuracy of any activation
  int jobs = 1;                  // runs trained at once, each on its own thread; the figures do not
                                 // depend on it (only the seconds, when runs share a core)
  int shard = 1, shards = 1;     // --shard K/N: train only runs K-1, K-1+N, ... of the grid (in grid order)
  bool layer_health = false;     // each epoch's LayerHealth on a probe of the training set (probe_rows):
                                 // layer_report.hpp; it changes no other figure
  // Decision boundaries (data of two features): each setting's run of the first seed (base.seed) records
  // the predictions over the frame's grid at boundary_epochs (lab/plot/decision_boundary.hpp). The inputs
  // are standardized by boundary_standardizer first, as the training split was. An empty frame: none.
  BoundaryFrame boundary;
  std::vector<int> boundary_epochs;
  Standardizer boundary_standardizer;
};

// One cell of the grid, without the seed.
struct Setting {
  std::string optimizer;
  double lr = 0;
};
// The grid's settings, optimizer-major then learning rate, as given.
std::vector<Setting> settings_of(const CompareConfig& config);

// --lr "1e-4,3e-4,1e-3": the rates as given. --lr-grid "1e-4:1e-1:7": 7 rates spaced evenly in log
// from 1e-4 to 1e-1, both ends included. Throws std::invalid_argument naming the option and the text.
std::vector<double> parse_lr_list(const std::string& text);
std::vector<double> parse_lr_grid(const std::string& text);

struct CompareRun {
  std::string activation;
  Setting setting;
  std::uint64_t seed = 0;
  nn::StateDict initial_state;     // the weights it started from (identical across activations)
  std::vector<StudyEpoch> epochs;  // fit()'s figures with the diagnostics' (lab/monitor/diagnostics.hpp)
  double seconds = 0;
  // In a grid, a run whose loss diverged (a learning rate too large) ends there and is kept as such:
  // its setting cannot be chosen. (With one setting, divergence stops the comparison with its error.)
  bool diverged = false;
  std::string divergence;                    // the divergence check's message
  std::vector<BoundarySnapshot> boundaries;  // at config.boundary_epochs (the first seed's runs only)
};

struct CompareResult {
  CompareConfig config;
  std::vector<CompareRun> runs;  // activation-major: all seeds of the first activation, then the next
  int planned_runs = 0;          // activations x seeds; more than runs.size() when interrupted
  bool interrupted = false;      // stopped by callbacks.stop: `runs` holds the finished runs only
  bool has_test = false;
  bool has_validation = false;      // a validation set was given: the runs' epochs carry val figures
  bool incomplete_results = false;  // runs of the grid are missing: another shard's, or not run yet
  double chance_accuracy = 0;       // the largest class's share of the set accuracy is measured on
};

// The accuracy of always guessing the largest class, on the set accuracy is measured on (test, else train).
double chance_accuracy(const Dataset& train, const Dataset& test);

// Every run of the grid, in grid order (activation, then optimizer and lr, then seed), figures empty.
std::vector<CompareRun> grid_runs(const CompareConfig& config);

// What a comparison keeps beyond its result: runs finished earlier (--resume), included as they are
// and not trained again, and a call as each new run finishes (--results writes it to the file).
struct CompareRecording {
  std::vector<CompareRun> done;
  std::function<void(const CompareRun&)> finished;
};

// Called as each run starts: (the run, its number from 1, runs in all).
using CompareProgress = std::function<void(const CompareRun&, int, int)>;

// The one check of a CompareConfig (its base too), with the message a user sees; run_comparison
// calls it, and so does the CLI as soon as the options are read. Throws std::invalid_argument.
void validate(const CompareConfig& config);

// Trains the grid, config.jobs runs at a time. `progress` and `observer` are called one at a time
// (under a lock), the observer's on_step and on_epoch only for the run started last. A run that
// throws (TrainingDiverged) stops the others; the first such error in grid order is rethrown. Once
// observer->should_stop(), the result holds the runs that finished, and says it was interrupted.
// `val` may be empty (0 rows); a grid of more than one setting needs one to choose from.
CompareResult run_comparison(const Dataset& train, const Dataset& val, const Dataset& test, const CompareConfig& config,
                             const CompareProgress& progress = {}, FitObserver* observer = nullptr,
                             const CompareRecording* recording = nullptr);
// Without a validation set.
CompareResult run_comparison(const Dataset& train, const Dataset& test, const CompareConfig& config,
                             const CompareProgress& progress = {}, FitObserver* observer = nullptr);

// ---- the summary, one row per activation, means (and standard deviations) over seeds ----
struct Stat {
  double mean = NAN, std = NAN;
};
struct ActivationSummary {
  std::string activation;
  Setting setting;  // the chosen one (the only one without a grid)
  Stat final_train_loss, final_test_accuracy, final_train_accuracy;
  Stat final_val_loss, final_val_accuracy;  // NaN without a validation set
  Stat epochs_to_target;                    // over the seeds that reached it
  MedianEstimate epochs_to_target_median;   // the median over the seeds that reached it, with its bootstrap interval
  int seeds_reached = 0, seeds = 0;
  // Per seed, in seed order: what the paired comparisons take, seed by seed.
  std::vector<std::uint64_t> seed_of;
  std::vector<double> epochs_to_target_by_seed;  // NaN: never reached
  std::vector<double> final_accuracy_by_seed;    // test (else train) accuracy, last epoch
  Stat first_layer_grad_norm;                    // epoch 1
  Stat grad_ratio;                         // epoch 1: ‖dW₁‖ / ‖dW_K‖; well below 1 means vanishing gradients
  Stat dead_fraction, saturated_fraction;  // final epoch, over all hidden units
  Stat seconds;
};

// A cell of the grid over its seeds: the validation figures that chose, and whether it was chosen.
struct GridCell {
  std::string activation;
  Setting setting;
  int seeds = 0, diverged = 0;  // finished runs, and those of them that diverged
  Stat final_val_loss, final_val_accuracy;
  Stat final_train_loss;
  bool chosen = false;
  bool reaches_target = false;  // mean final validation accuracy (a loss target: train loss) meets the target
};

// Two activations compared seed by seed (seed s gives both the same weights and batches): on how many
// seeds each reached the target sooner and ended more accurate, and whether the mean paired difference
// is real (its 95% bootstrap interval excludes 0) or within noise. paired_stats.hpp has the statistics.
// The fewest seeds a paired verdict is drawn from. Below five, a percentile bootstrap has too few
// distinct resamples to mean anything (three seeds give ten): three seeds that agree in sign would
// always be called "beyond noise", a result a sign test puts at p = 0.25.
constexpr int kMinPairedSeeds = 5;

struct PairSummary {
  std::string first, second;
  int first_sooner = 0, second_sooner = 0, same_epoch = 0;  // reaching it beats never reaching it
  PairedComparison epochs;    // epochs to target, first − second, over the seeds where both reached it
  PairedComparison accuracy;  // final accuracy, first − second
};

struct Summary {
  std::vector<ActivationSummary> rows;  // per activation its chosen setting's runs; none: no setting finished
  std::vector<PairSummary> pairs;       // every pair of rows, in row order
  std::vector<GridCell> grid;           // every cell with a finished run, in grid order
  std::string target_description;       // e.g. "test accuracy >= 0.874 (95% of the best final)"
  double accuracy_target = NAN;         // the accuracy target in force (NaN when the target is a loss)
};

// Chooses each activation's setting (the lowest mean final validation loss, or the highest accuracy
// with select "acc", among the cells where no seed diverged; the first in grid order on a tie), then
// summarizes the chosen cell's runs.
Summary summarize(const CompareResult& result);

bool same_setting(const Setting& a, const Setting& b);
// Whether `run` is of its activation's chosen setting: its test figures are reported, the others' are not.
bool is_chosen(const Summary& summary, const CompareRun& run);
// Those runs alone: the study's curves (the figure, mean_curve) are of the chosen settings.
CompareResult chosen_runs(const CompareResult& result, const Summary& summary);
// "adam, sgd at lr 0.0001 .. 0.1 (7)": the grid in a few words.
std::string describe_grid(const CompareConfig& config);

// The fraction of all hidden units, from per-layer fractions weighted by the layers' sizes.
double unit_weighted(const std::vector<double>& fractions, const std::vector<Index>& hidden);

}  // namespace ember
