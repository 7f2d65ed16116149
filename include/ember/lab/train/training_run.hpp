// Training as people expect it from PyTorch, built on the core's Trainer: a validation set measured
// every epoch, early stopping that keeps the best weights, a learning-rate schedule (lr_schedule.hpp),
// and checkpoints a run resumes from exactly. `ember train` runs one of these; the core's fit() is the
// plain loop the article describes.
//
// One epoch, in order: the learning rate from the schedule, the core's train_epoch, the validation and
// test figures (model in eval mode), early stopping and the schedule look at the validation loss, the
// observers see the epoch, and the checkpoint is written. Resuming restores everything a later epoch
// reads: weights, optimizer buffers and step count, the shuffle's and dropout's generators, the
// schedule, early stopping (with the best weights) and the epochs so far; so 5 + 5 epochs give the very
// weights of 10.
#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "ember/core/nn/module.hpp"
#include "ember/core/train/trainer.hpp"
#include "ember/lab/train/lr_schedule.hpp"

namespace ember {

// The options beyond TrainConfig (the CLI's names in comments).
struct RunOptions {
  std::string lr_schedule = "constant";  // --lr-schedule
  int warmup = 0;                        // --warmup N
  int patience = 0;                      // --patience N: 0 is no early stopping
  double min_delta = 0;                  // --min-delta
  bool restore_best = false;             // --restore-best: end with the weights of the best validation epoch
  std::string checkpoint;                // --checkpoint FILE ("" none)
  int checkpoint_every = 1;              // --checkpoint-every N
  // The options a resumed run must share with the run that wrote the checkpoint, as "--name" -> value
  // text; the CLI fills it. A checkpoint whose options differ is refused, naming each difference.
  std::vector<std::pair<std::string, std::string>> identity;
};

// Early stopping on the validation loss (mode min, as PyTorch Lightning's EarlyStopping): an epoch
// improves when its loss is below the best by more than min_delta; `patience` epochs in a row that do
// not improve end the run.
struct EarlyStopping {
  int patience = 0;
  double min_delta = 0;
  double best_loss = INFINITY;
  int best_epoch = 0;
  int epochs_without_improvement = 0;

  bool observe(int epoch, double val_loss);  // true when this epoch is the new best
  bool should_stop() const { return patience > 0 && epochs_without_improvement >= patience; }
};

struct RunResult : FitResult {
  int best_epoch = 0;  // the epoch of the lowest validation loss (0 without validation)
  double best_val_loss = NAN;
  bool restored_best = false;  // the model now holds best_epoch's weights
  std::string stop_reason;     // "completed 10 epochs", "early stopping: no improvement ... for 5 epochs", ...
  int resumed_from = 0;        // epochs the checkpoint had done (0: a fresh run)
};

// One epoch's figures as JSON (NaN as null): a checkpoint's history and `ember train --json`'s.
nlohmann::json epoch_json(const EpochStats& stats);

class TrainingRun {
 public:
  // `val` may be empty (0 rows): then no early stopping, no plateau schedule, no restore-best.
  // Everything must outlive the run. Throws std::invalid_argument for options that do not fit.
  TrainingRun(nn::MyModel& model, const Dataset& train, const Dataset& val, const Dataset& test,
              const TrainConfig& config, RunOptions options);

  // Continues the run saved in `path` (from --checkpoint): refuses, naming them, the options that differ.
  void resume(const std::string& path);
  // Trains up to config.epochs in all (counting a resumed run's); `observer` as fit()'s.
  RunResult run(FitObserver* observer = nullptr);

  int epochs_done() const { return trainer_.epochs_done(); }

 private:
  void save_checkpoint();

  nn::MyModel& model_;
  const Dataset &train_, &val_, &test_;
  TrainConfig config_;
  RunOptions options_;
  Trainer trainer_;
  LrScheduler schedule_;
  EarlyStopping early_stopping_;
  nn::StateDict best_weights_;
  std::vector<EpochStats> history_;  // every epoch so far, a resumed run's included
  double seconds_before_ = 0;        // training seconds of the run the checkpoint continues
};

}  // namespace ember
