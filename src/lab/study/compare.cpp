// run_comparison(): the runs of `ember compare` (the grid, its shard, less the runs a results file
// already holds), trained `jobs` at a time on as many threads. What is drawn from them, summarize(),
// is in compare_summary.cpp; the grid's learning rates and the choice's helpers in compare_grid.cpp.
#include "ember/lab/study/compare.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

#include "ember/core/engine/format.hpp"
#include "ember/lab/data/split.hpp"
#include "ember/lab/formula/formula_activation.hpp"
#include "ember/lab/monitor/divergence.hpp"
#include "ember/lab/monitor/observers.hpp"
#include "ember/lab/train/training_run.hpp"

namespace ember {

namespace {

// One run of the grid: its starting weights, then a TrainingRun watched by a divergence check, the
// diagnostics, the decision boundaries' recorder and `observer`. True when it was stopped early. In a
// grid (`keep_divergence`) a run that diverges ends there and says so; otherwise its error ends the
// comparison.
bool train_run(CompareRun& run, const Dataset& train, const Dataset& val, const Dataset& test,
               const CompareConfig& config, Index outputs, bool keep_divergence, FitObserver& observer) {
  const bool layer_health = config.layer_health;
  TrainConfig run_config = config.base;
  run_config.activation = run.activation;
  run_config.optimizer = run.setting.optimizer;
  run_config.lr = run.setting.lr;
  run_config.seed = run.seed;
  // The starting weights, drawn once per seed from a model whose activation plays no part in
  // the draw, then copied in: every activation starts from exactly these numbers.
  run.initial_state = build_model(run_config, train.num_features(), outputs)->state_dict();
  auto model = build_model(run_config, train.num_features(), outputs);
  model->load_state_dict(run.initial_state);
  DivergenceCheck divergence(*model, run_config.lr);
  const Matrix probe = layer_health ? probe_rows(train.X) : Matrix();  // the same rows for every run
  Diagnostics diagnostics(*model, layer_health ? &probe : nullptr);
  // The first seed's pictures; drawn without grad and in eval mode, they change nothing of training.
  const bool pictured = !config.boundary.empty() && run.seed == config.base.seed;
  BoundaryRecorder boundaries(*model, pictured ? config.boundary : BoundaryFrame{}, config.boundary_standardizer,
                              pictured ? config.boundary_epochs : std::vector<int>{});
  ObserverList observers{&divergence, &diagnostics, &boundaries, &observer};
  const auto begin = std::chrono::steady_clock::now();
  bool stopped = false;
  try {
    TrainingRun training(*model, train, val, test, run_config, RunOptions{});
    stopped = training.run(&observers).stopped_early;
  } catch (const TrainingDiverged& e) {
    if (!keep_divergence) throw;
    run.diverged = true;
    run.divergence = e.what();
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  run.epochs = diagnostics.epochs();
  run.boundaries = boundaries.snapshots();
  return stopped;
}

// What the threads training the grid share. They take runs in grid order, and call the caller's
// progress and observer under one lock; the observer's on_step and on_epoch reach the caller only
// from the run started last, so that a progress display follows one run at a time.
struct Schedule {
  Schedule(const std::vector<CompareRun>& runs, const CompareProgress& progress, FitObserver* observer)
      : runs(runs), progress(progress), observer(observer), finished(runs.size(), 0), errors(runs.size()) {}

  // The next run, announced to `progress`; -1 when none is left or training halted.
  int take() {
    std::lock_guard<std::mutex> guard(lock);
    if (halt || next_run == static_cast<int>(runs.size())) return -1;
    const int i = next_run++;
    latest_run = i;
    const CompareRun& run = runs[static_cast<std::size_t>(i)];
    if (progress) progress(run, i + 1, static_cast<int>(runs.size()));
    return i;
  }

  // What fit() of run i is watched by, besides its own checks: the caller's observer, relayed.
  struct Relay : FitObserver {
    Relay(Schedule& schedule, int run) : schedule(schedule), run(run) {}
    void on_step(const Step& step) override {
      std::lock_guard<std::mutex> guard(schedule.lock);
      if (!schedule.observer) return;
      if (schedule.observer->should_stop()) schedule.halt = true;  // the caller's stop halts every run
      if (schedule.latest_run == run) schedule.observer->on_step(step);
    }
    void on_epoch(const EpochStats& stats) override {
      std::lock_guard<std::mutex> guard(schedule.lock);
      if (schedule.observer && schedule.latest_run == run) schedule.observer->on_epoch(stats);
    }
    bool should_stop() override { return schedule.halt; }
    Schedule& schedule;
    int run;
  };

  const std::vector<CompareRun>& runs;
  const CompareProgress& progress;
  FitObserver* observer;
  std::mutex lock;
  int next_run = 0, latest_run = -1;       // guarded by `lock`
  std::vector<char> finished;              // entry i written only by the thread training run i,
  std::vector<std::exception_ptr> errors;  // and so is this one; both read once the threads have ended
  std::atomic<bool> halt{false};           // an interrupt, a run stopped early, or an error
};

}  // namespace

double unit_weighted(const std::vector<double>& fractions, const std::vector<Index>& hidden) {
  double units = 0, flagged = 0;
  for (std::size_t k = 0; k < fractions.size() && k < hidden.size(); ++k) {
    flagged += fractions[k] * static_cast<double>(hidden[k]);
    units += static_cast<double>(hidden[k]);
  }
  return units > 0 ? flagged / units : NAN;
}

std::vector<Setting> settings_of(const CompareConfig& config) {
  const std::vector<std::string> optimizers =
      config.optimizers.empty() ? std::vector<std::string>{config.base.optimizer} : config.optimizers;
  const std::vector<double> lrs = config.lrs.empty() ? std::vector<double>{config.base.lr} : config.lrs;
  std::vector<Setting> settings;
  for (const std::string& optimizer : optimizers)
    for (double lr : lrs) settings.push_back({optimizer, lr});
  return settings;
}

bool same_setting(const Setting& a, const Setting& b) { return a.optimizer == b.optimizer && a.lr == b.lr; }

void validate(const CompareConfig& config) {
  register_formula_activations();  // --activations may hold formulas
  validate(config.base);
  if (config.activations.empty()) throw std::invalid_argument("--activations: give at least one activation");
  // Each name is known, and no activation is given twice, under one name or two ("leaky_relu" and
  // "leaky_relu:0.01" are one).
  const std::vector<std::string>& names = config.activations;
  std::vector<std::string> specs;
  for (std::size_t i = 0; i < names.size(); ++i) {
    try {
      specs.push_back(nn::make_activation(names[i])->spec());
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("--activations: ") + e.what());
    }
    const std::size_t first =
        static_cast<std::size_t>(std::find(specs.begin(), specs.end() - 1, specs.back()) - specs.begin());
    if (first == i) continue;
    throw std::invalid_argument(
        "--activations: \"" + names[i] + "\" " +
        (names[first] == names[i] ? "is given twice" : "is the same activation as \"" + names[first] + "\""));
  }
  if (config.seeds < 1) throw std::invalid_argument("--seeds must be at least 1, got " + std::to_string(config.seeds));
  if (config.jobs < 1) throw std::invalid_argument("--jobs must be at least 1, got " + std::to_string(config.jobs));
  // Each setting is a TrainConfig of its own: the same checks, naming the value at fault.
  for (const Setting& setting : settings_of(config)) {
    TrainConfig cell = config.base;
    cell.optimizer = setting.optimizer;
    cell.lr = setting.lr;
    validate(cell);
  }
  for (std::size_t i = 0; i < config.lrs.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (config.lrs[i] == config.lrs[j])
        throw std::invalid_argument("--lr: " + format_general(config.lrs[i], 6) + " is given twice");
  for (std::size_t i = 0; i < config.optimizers.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (config.optimizers[i] == config.optimizers[j])
        throw std::invalid_argument("--optimizer: " + config.optimizers[i] + " is given twice");
  if (config.shards < 1 || config.shard < 1 || config.shard > config.shards)
    throw std::invalid_argument("--shard " + std::to_string(config.shard) + "/" + std::to_string(config.shards) +
                                ": K must be between 1 and N");
  if (!config.boundary.empty()) {
    for (int epoch : config.boundary_epochs)
      if (epoch < 1 || epoch > config.base.epochs)
        throw std::invalid_argument("--boundary-epochs: epoch " + std::to_string(epoch) + " is outside the run's 1.." +
                                    std::to_string(config.base.epochs));
  }
  if (config.select != "loss" && config.select != "acc")
    throw std::invalid_argument("--select must be loss or acc, got \"" + config.select + "\"");
}

CompareResult run_comparison(const Dataset& train, const Dataset& test, const CompareConfig& config,
                             const CompareProgress& progress, FitObserver* observer) {
  return run_comparison(train, Dataset{}, test, config, progress, observer);
}

double chance_accuracy(const Dataset& train, const Dataset& test) {
  const Dataset& measured = test.size() > 0 ? test : train;
  double chance = 0;
  for (Index count : class_counts(measured))
    chance = std::max(chance, static_cast<double>(count) / static_cast<double>(measured.size()));
  return chance;
}

std::vector<CompareRun> grid_runs(const CompareConfig& config) {
  std::vector<CompareRun> runs;
  for (const std::string& activation : config.activations) {
    for (const Setting& setting : settings_of(config)) {
      for (int k = 0; k < config.seeds; ++k) {
        CompareRun run;
        run.activation = activation;
        run.setting = setting;
        run.seed = config.base.seed + static_cast<std::uint64_t>(k);
        runs.push_back(run);
      }
    }
  }
  return runs;
}

CompareResult run_comparison(const Dataset& train, const Dataset& val, const Dataset& test, const CompareConfig& config,
                             const CompareProgress& progress, FitObserver* observer,
                             const CompareRecording* recording) {
  validate(config);
  const std::vector<Setting> settings = settings_of(config);
  const bool many_settings = settings.size() > 1;
  if (many_settings && val.size() == 0)
    throw std::invalid_argument("a grid of " + std::to_string(settings.size()) +
                                " settings needs a validation set to choose from: add --val-split F");
  CompareResult result;
  result.config = config;
  result.has_test = test.size() > 0;
  result.has_validation = val.size() > 0;
  result.chance_accuracy = chance_accuracy(train, test);
  const Index outputs = output_units(train.num_classes(), config.base.classes.value_or(-1));
  // The runs this process trains: its shard of the grid, less those a results file already holds.
  const std::vector<CompareRun> grid = grid_runs(config);
  const auto same_place = [](const CompareRun& a, const CompareRun& b) {
    return a.activation == b.activation && same_setting(a.setting, b.setting) && a.seed == b.seed;
  };
  std::vector<CompareRun> done;
  for (std::size_t i = 0; i < grid.size(); ++i) {
    if (static_cast<int>(i % static_cast<std::size_t>(config.shards)) != config.shard - 1) continue;
    const CompareRun* earlier = nullptr;
    if (recording) {
      for (const CompareRun& d : recording->done)
        if (same_place(d, grid[i])) earlier = &d;
    }
    if (earlier) done.push_back(*earlier);
    else result.runs.push_back(grid[i]);
  }

  // The runs are independent: each run's figures are the same whichever thread trains it, and
  // whatever runs beside it. So `jobs` threads take them in turn.
  Schedule schedule(result.runs, progress, observer);
  const auto take_runs = [&] {
    for (int i = schedule.take(); i >= 0; i = schedule.take()) {
      try {
        CompareRun& run = result.runs[static_cast<std::size_t>(i)];
        Schedule::Relay relay(schedule, i);
        const bool stopped = train_run(run, train, val, test, config, outputs, many_settings, relay);
        schedule.finished[static_cast<std::size_t>(i)] = !stopped;
        if (stopped) schedule.halt = true;
        if (!stopped && recording && recording->finished) {
          std::lock_guard<std::mutex> guard(schedule.lock);
          recording->finished(run);
        }
      } catch (...) {
        schedule.errors[static_cast<std::size_t>(i)] = std::current_exception();
        schedule.halt = true;
      }
    }
  };
  Eigen::initParallel();
  std::vector<std::thread> helpers;
  for (int t = 1; t < std::min(config.jobs, static_cast<int>(result.runs.size())); ++t) helpers.emplace_back(take_runs);
  take_runs();  // the calling thread is one of the `jobs`
  for (std::thread& helper : helpers) helper.join();

  for (const std::exception_ptr& error : schedule.errors) {
    if (error) std::rethrow_exception(error);  // the first run's, in grid order
  }
  // After an interrupt: the finished runs only. A run cut short is not reported as if it were whole,
  // and a run never started is not reported as one that never reached the target.
  std::vector<CompareRun> runs;
  for (std::size_t i = 0; i < result.runs.size(); ++i) {
    if (schedule.finished[i]) runs.push_back(std::move(result.runs[i]));
  }
  result.interrupted = runs.size() < result.runs.size();
  // With the runs finished earlier, in grid order: the result holds this shard's runs.
  for (CompareRun& run : done) runs.push_back(std::move(run));
  std::vector<CompareRun> ordered;
  for (const CompareRun& planned : grid) {
    for (CompareRun& run : runs)
      if (same_place(run, planned)) ordered.push_back(std::move(run));
  }
  result.runs = std::move(ordered);
  result.planned_runs = static_cast<int>(grid.size());
  result.incomplete_results = !result.interrupted && static_cast<int>(result.runs.size()) < result.planned_runs;
  return result;
}

}  // namespace ember
