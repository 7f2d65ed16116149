// TrainingRun (lab/train/training_run.hpp): early stopping, restore-best, and checkpoints that resume
// exactly — 10 epochs straight and 5 + 5 give byte-identical model files.
#include <catch2/catch.hpp>

#include "cli_runner.hpp"
#include "ember/core/train/metrics.hpp"
#include "ember/lab/data/generators.hpp"
#include "ember/lab/data/split.hpp"
#include "ember/lab/io/model_file.hpp"
#include "ember/lab/train/training_run.hpp"
#include "test_data_files.hpp"

using namespace ember;
using ember_test::read_file;
using ember_test::TempDir;

namespace {

struct Data {
  Dataset train, val, test;
};

// Noisy moons: a few hundred rows, so a wide model overfits and early stopping has something to stop.
Data noisy_moons() {
  Generator gen(3);
  const Dataset all = moons(300, 0.35, gen);
  auto [train_val, test] = stratified_split(all, 0.2, gen);
  auto [train, val] = stratified_split(train_val, 0.25, gen);
  return {train, val, test};
}

// Stops the run at the first batch after `epoch` ends, as Ctrl-C would.
struct StopAfter : FitObserver {
  int epoch;
  bool done = false;
  explicit StopAfter(int e) : epoch(e) {}
  void on_epoch(const EpochStats& s) override { done = s.epoch >= epoch; }
  bool should_stop() override { return done; }
};

std::string model_bytes(const nn::MyModel& model, const std::string& path) {
  save_model(path, model, ModelInfo{});
  return read_file(path);
}

struct Outcome {
  std::string bytes;
  RunResult result;
};

// Trains config.epochs epochs straight, or stops after `split` and resumes from the checkpoint with a
// fresh model and run (everything rebuilt, as a new process would).
Outcome train(const Data& data, const TrainConfig& config, const RunOptions& options, int split, TempDir& dir) {
  RunOptions with_file = options;
  with_file.checkpoint = dir.file(split ? "split.ckpt" : "straight.ckpt");
  auto model = build_model(config, 2, 1);
  RunResult result;
  {
    TrainingRun run(*model, data.train, data.val, data.test, config, with_file);
    StopAfter stop(split ? split : config.epochs + 1);
    result = run.run(&stop);
  }
  if (split) {
    REQUIRE(result.stopped_early);
    model = build_model(config, 2, 1);  // a new process: fresh weights, overwritten by the checkpoint
    TrainingRun run(*model, data.train, data.val, data.test, config, with_file);
    run.resume(with_file.checkpoint);
    CHECK(run.epochs_done() == split);
    result = run.run();
    CHECK(result.resumed_from == split);
  }
  return {model_bytes(*model, dir.file(split ? "split.safetensors" : "straight.safetensors")), result};
}

void same_history(const RunResult& a, const RunResult& b) {
  REQUIRE(a.epochs.size() == b.epochs.size());
  for (std::size_t i = 0; i < a.epochs.size(); ++i) {
    CHECK(a.epochs[i].train_loss == b.epochs[i].train_loss);
    CHECK(a.epochs[i].lr == b.epochs[i].lr);
    if (!std::isnan(a.epochs[i].val_loss)) CHECK(a.epochs[i].val_loss == b.epochs[i].val_loss);
  }
}

}  // namespace

TEST_CASE("10 epochs straight and 5 + resume 5 give byte-identical model files", "[training_run]") {
  const Data data = noisy_moons();
  TempDir dir;
  TrainConfig config;
  config.epochs = 10;
  config.batch_size = 16;
  RunOptions options;
  SECTION("SGD with momentum") {
    config.optimizer = "sgd";
    config.lr = 0.05;
    config.momentum = 0.9;
  }
  SECTION("Adam") { config.lr = 0.01; }
  SECTION("Adam, cosine schedule with warm-up, dropout, validation") {
    config.lr = 0.01;
    config.dropout = 0.2;
    options.lr_schedule = "cosine";
    options.warmup = 2;
    options.restore_best = true;
  }
  SECTION("SGD, plateau schedule on the validation loss") {
    config.optimizer = "sgd";
    config.lr = 0.1;
    options.lr_schedule = "plateau:0.5:1";
  }
  const Outcome straight = train(data, config, options, 0, dir);
  const Outcome split = train(data, config, options, 5, dir);
  CHECK(straight.result.epochs.size() == 10);
  same_history(straight.result, split.result);
  CHECK(straight.bytes == split.bytes);
}

TEST_CASE("A resumed run with --patience stops at the epoch the uninterrupted one stops at", "[training_run]") {
  const Data data = noisy_moons();
  TempDir dir;
  TrainConfig config;
  config.epochs = 200;
  config.lr = 0.03;
  config.hidden = {128, 128};
  RunOptions options;
  options.patience = 5;
  options.restore_best = true;
  const Outcome straight = train(data, config, options, 0, dir);
  const int stopped_at = static_cast<int>(straight.result.epochs.size());
  INFO(straight.result.stop_reason);
  REQUIRE(stopped_at < 200);  // the data overfits: early stopping ends the run
  CHECK(straight.result.best_epoch == stopped_at - 5);
  const Outcome split = train(data, config, options, straight.result.best_epoch + 2, dir);
  CHECK(split.result.epochs.size() == straight.result.epochs.size());
  CHECK(split.result.best_epoch == straight.result.best_epoch);
  same_history(straight.result, split.result);
  CHECK(straight.bytes == split.bytes);
}

TEST_CASE("Early stopping ends an overfitting run and keeps the best epoch's weights", "[training_run]") {
  const Data data = noisy_moons();
  TrainConfig config;
  config.epochs = 300;
  config.lr = 0.03;
  config.hidden = {128, 128};
  RunOptions options;
  options.patience = 8;
  options.restore_best = true;
  auto model = build_model(config, 2, 1);
  TrainingRun run(*model, data.train, data.val, data.test, config, options);
  const RunResult result = run.run();
  INFO(result.stop_reason);
  REQUIRE(result.epochs.size() < 300);
  CHECK(result.stop_reason.find("early stopping at epoch " + std::to_string(result.epochs.size())) == 0);
  CHECK(result.restored_best);
  // The best logged validation loss is the lowest of the run, and the model now has exactly it.
  double lowest = INFINITY;
  for (const EpochStats& s : result.epochs) lowest = std::min(lowest, s.val_loss);
  CHECK(result.best_val_loss == lowest);
  CHECK(result.epochs[static_cast<std::size_t>(result.best_epoch - 1)].val_loss == lowest);
  CHECK(evaluate(*model, data.val.X, data.val.y).loss == result.best_val_loss);
  // The last epoch's weights were worse: restoring changed them.
  CHECK(result.epochs.back().val_loss > lowest);
}

TEST_CASE("Early stopping counts an epoch as better only by more than min_delta", "[training_run]") {
  EarlyStopping stopping;
  stopping.patience = 2;
  stopping.min_delta = 0.1;
  CHECK(stopping.observe(1, 1.0));
  CHECK_FALSE(stopping.observe(2, 0.95));  // better, but by less than 0.1
  CHECK_FALSE(stopping.should_stop());
  CHECK(stopping.observe(3, 0.85));  // 0.15 below the best
  CHECK(stopping.best_epoch == 3);
  CHECK_FALSE(stopping.observe(4, 0.8));
  CHECK_FALSE(stopping.observe(5, 0.9));
  CHECK(stopping.should_stop());
  EarlyStopping none;  // patience 0: tracks the best, never stops
  none.observe(1, 1.0);
  for (int e = 2; e < 50; ++e) none.observe(e, 2.0);
  CHECK_FALSE(none.should_stop());
}

TEST_CASE("Options that need a validation set say so", "[training_run]") {
  const Data data = noisy_moons();
  TrainConfig config;
  auto model = build_model(config, 2, 1);
  RunOptions options;
  options.patience = 3;
  const Dataset empty = subset(data.train, {});
  CHECK_THROWS_WITH(TrainingRun(*model, data.train, empty, data.test, config, options),
                    "--patience needs a validation set: add --val-split F (e.g. --val-split 0.1)");
  options.patience = 0;
  options.lr_schedule = "plateau:0.5:2";
  CHECK_THROWS_WITH(TrainingRun(*model, data.train, empty, data.test, config, options),
                    "--lr-schedule plateau:0.5:2 needs a validation set: add --val-split F (e.g. --val-split 0.1)");
}
