// TrainingRun: the epoch loop of training_run.hpp — schedule, train, measure, stop early, checkpoint.
// Saving and resuming a checkpoint are in training_run_checkpoint.cpp.
#include "ember/lab/train/training_run.hpp"

#include <chrono>
#include <stdexcept>

#include "ember/core/engine/format.hpp"
#include "ember/core/train/metrics.hpp"

namespace ember {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void require(bool condition, const std::string& message) {
  if (!condition) throw std::invalid_argument(message);
}

// The checks that need both the options and the data, each naming the option to add or change.
RunOptions checked(RunOptions options, bool has_validation) {
  require(options.patience >= 0, "--patience must be >= 0, got " + std::to_string(options.patience));
  require(options.min_delta >= 0, "--min-delta must be >= 0, got " + format_general(options.min_delta, 6));
  require(options.checkpoint_every >= 1,
          "--checkpoint-every must be at least 1, got " + std::to_string(options.checkpoint_every));
  const std::string add = " needs a validation set: add --val-split F (e.g. --val-split 0.1)";
  require(has_validation || options.patience == 0, "--patience" + add);
  require(has_validation || !options.restore_best, "--restore-best" + add);
  return options;
}

}  // namespace

bool EarlyStopping::observe(int epoch, double val_loss) {
  // "Better by more than min_delta" — also what decides the best epoch, so the epoch kept by
  // restore-best is the one early stopping counts from.
  if (best_epoch == 0 || best_loss - val_loss > min_delta) {
    best_loss = val_loss;
    best_epoch = epoch;
    epochs_without_improvement = 0;
    return true;
  }
  ++epochs_without_improvement;
  return false;
}

TrainingRun::TrainingRun(nn::MyModel& model, const Dataset& train, const Dataset& val, const Dataset& test,
                         const TrainConfig& config, RunOptions options)
    : model_(model), train_(train), val_(val), test_(test), config_(config),
      options_(checked(std::move(options), val.size() > 0)), trainer_(model, train, config),
      schedule_(parse_lr_schedule(options_.lr_schedule), config.lr, config.epochs, options_.warmup) {
  require(
      val.size() > 0 || !schedule_.needs_validation(),
      "--lr-schedule " + options_.lr_schedule + " needs a validation set: add --val-split F (e.g. --val-split 0.1)");
  early_stopping_.patience = options_.patience;
  early_stopping_.min_delta = options_.min_delta;
}

RunResult TrainingRun::run(FitObserver* observer) {
  FitObserver nobody;
  FitObserver& watch = observer ? *observer : nobody;
  RunResult result;
  result.resumed_from = trainer_.epochs_done();
  const auto run_start = std::chrono::steady_clock::now();
  const Index samples_before = trainer_.samples_seen();
  while (trainer_.epochs_done() < config_.epochs && !early_stopping_.should_stop()) {
    const auto epoch_start = std::chrono::steady_clock::now();
    const double lr = schedule_.lr();
    trainer_.optimizer().set_lr(static_cast<Scalar>(lr));
    std::optional<EpochStats> stats = trainer_.train_epoch(watch);
    if (!stats) {  // stopped mid-epoch: the partial epoch is not reported, scheduled or checkpointed
      result.stopped_early = true;
      break;
    }
    stats->lr = lr;
    if (val_.size() > 0) {
      const Evaluation eval = evaluate(model_, val_.X, val_.y);
      stats->val_loss = eval.loss;
      stats->val_accuracy = eval.accuracy;
      if (early_stopping_.observe(stats->epoch, eval.loss) && options_.restore_best)
        best_weights_ = model_.state_dict();
    }
    if (test_.size() > 0) {
      const Evaluation eval = evaluate(model_, test_.X, test_.y);
      stats->test_loss = eval.loss;
      stats->test_accuracy = eval.accuracy;
    }
    schedule_.step(stats->val_loss);
    stats->seconds = seconds_since(epoch_start);
    history_.push_back(*stats);
    watch.on_epoch(*stats);
    const bool last = trainer_.epochs_done() == config_.epochs || early_stopping_.should_stop();
    if (!options_.checkpoint.empty() && (stats->epoch % options_.checkpoint_every == 0 || last)) save_checkpoint();
  }
  result.epochs = history_;
  result.train_seconds = seconds_since(run_start);
  result.samples_seen = trainer_.samples_seen() - samples_before;
  result.best_epoch = early_stopping_.best_epoch;
  result.best_val_loss = early_stopping_.best_epoch > 0 ? early_stopping_.best_loss : NAN;
  const int done = trainer_.epochs_done();
  if (result.stopped_early) {
    result.stop_reason = "interrupted after " + std::to_string(done) + " complete epoch(s)";
  } else if (early_stopping_.should_stop()) {
    result.stop_reason = "early stopping at epoch " + std::to_string(done) + ": the validation loss did not improve" +
                         (options_.min_delta > 0 ? " by more than " + format_general(options_.min_delta, 6) : "") +
                         " for " + std::to_string(options_.patience) + " epochs";
  } else {
    result.stop_reason = "completed " + std::to_string(done) + " epochs";
  }
  if (!result.stopped_early && options_.restore_best && !best_weights_.empty()) {
    model_.load_state_dict(best_weights_);
    result.restored_best = true;
  }
  return result;
}

}  // namespace ember
