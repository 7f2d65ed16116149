// run_comparison() and summarize(): the runs of `ember compare`, trained `jobs` at a time on as many
// threads, and the figures drawn from them.
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

namespace ember {

namespace {

Stat stat_of(const std::vector<double>& values) {
  Stat s;
  if (values.empty()) return s;
  double sum = 0;
  for (double v : values) sum += v;
  s.mean = sum / static_cast<double>(values.size());
  double squares = 0;
  for (double v : values) squares += (v - s.mean) * (v - s.mean);
  s.std = values.size() > 1 ? std::sqrt(squares / static_cast<double>(values.size() - 1)) : 0.0;
  return s;
}

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return values.empty() ? NAN : sum / static_cast<double>(values.size());
}

// The accuracy that counts: on the test set when there is one.
double accuracy_of(const EpochStats& e, bool has_test) { return has_test ? e.test_accuracy : e.train_accuracy; }

// The first epoch meeting the target, or -1.
int epoch_reaching(const CompareRun& run, const CompareConfig& config, double accuracy_target, bool has_test) {
  for (const StudyEpoch& e : run.epochs) {
    const bool reached = !std::isnan(config.target_loss) ? e.train_loss <= config.target_loss
                                                         : accuracy_of(e, has_test) >= accuracy_target;
    if (reached) return e.epoch;
  }
  return -1;
}

// One run of the grid: its starting weights, then fit() watched by a divergence check, the
// diagnostics and `observer`. True when it was stopped early.
bool train_run(CompareRun& run, const Dataset& train, const Dataset& test, const TrainConfig& base, Index outputs,
               FitObserver& observer) {
  TrainConfig run_config = base;
  run_config.activation = run.activation;
  run_config.seed = run.seed;
  // The starting weights, drawn once per seed from a model whose activation plays no part in
  // the draw, then copied in: every activation starts from exactly these numbers.
  run.initial_state = build_model(run_config, train.num_features(), outputs)->state_dict();
  auto model = build_model(run_config, train.num_features(), outputs);
  model->load_state_dict(run.initial_state);
  DivergenceCheck divergence(*model, run_config.lr);
  Diagnostics diagnostics(*model);
  ObserverList observers{&divergence, &diagnostics, &observer};
  const auto begin = std::chrono::steady_clock::now();
  const FitResult fitted = fit(*model, train, test, run_config, &observers);
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  run.epochs = diagnostics.epochs();
  return fitted.stopped_early;
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
    if (progress) progress(run.activation, run.seed, i + 1, static_cast<int>(runs.size()));
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
}

CompareResult run_comparison(const Dataset& train, const Dataset& test, const CompareConfig& config,
                             const CompareProgress& progress, FitObserver* observer) {
  validate(config);
  CompareResult result;
  result.config = config;
  result.has_test = test.size() > 0;
  for (Index count : class_counts(result.has_test ? test : train)) {
    result.chance_accuracy =
        std::max(result.chance_accuracy,
                 static_cast<double>(count) / static_cast<double>((result.has_test ? test : train).size()));
  }
  const Index outputs = output_units(train.num_classes(), config.base.classes.value_or(-1));
  for (const std::string& activation : config.activations) {
    for (int k = 0; k < config.seeds; ++k) {
      result.runs.push_back(CompareRun{activation, config.base.seed + static_cast<std::uint64_t>(k), {}, {}, 0});
    }
  }
  result.planned_runs = static_cast<int>(result.runs.size());

  // The runs are independent: each run's figures are the same whichever thread trains it, and
  // whatever runs beside it. So `jobs` threads take them in turn.
  Schedule schedule(result.runs, progress, observer);
  const auto take_runs = [&] {
    for (int i = schedule.take(); i >= 0; i = schedule.take()) {
      try {
        CompareRun& run = result.runs[static_cast<std::size_t>(i)];
        Schedule::Relay relay(schedule, i);
        const bool stopped = train_run(run, train, test, config.base, outputs, relay);
        schedule.finished[static_cast<std::size_t>(i)] = !stopped;
        if (stopped) schedule.halt = true;
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
  result.runs = std::move(runs);
  return result;
}

Summary summarize(const CompareResult& result) {
  const CompareConfig& config = result.config;
  Summary summary;
  // The default target: 95% of the best final accuracy any activation reached (averaged over seeds).
  double accuracy_target = config.target_accuracy;
  if (std::isnan(config.target_loss) && std::isnan(accuracy_target)) {
    double best = 0;
    for (const std::string& activation : config.activations) {
      std::vector<double> finals;
      for (const CompareRun& run : result.runs)
        if (run.activation == activation && !run.epochs.empty())
          finals.push_back(accuracy_of(run.epochs.back(), result.has_test));
      if (!finals.empty()) best = std::max(best, mean_of(finals));
    }
    accuracy_target = 0.95 * best;
    summary.target_description = std::string(result.has_test ? "test" : "train") +
                                 " accuracy >= " + format_fixed(accuracy_target, 3) +
                                 " (95% of the best final accuracy)";
  } else if (!std::isnan(config.target_loss)) {
    summary.target_description = "train loss <= " + format_fixed(config.target_loss, 3);
  } else {
    summary.target_description =
        std::string(result.has_test ? "test" : "train") + " accuracy >= " + format_fixed(accuracy_target, 3);
  }
  summary.accuracy_target = std::isnan(config.target_loss) ? accuracy_target : NAN;
  for (const std::string& activation : config.activations) {
    ActivationSummary row;
    row.activation = activation;
    std::vector<double> loss, test_acc, train_acc, reach, norm, ratio, dead, saturated, seconds;
    for (const CompareRun& run : result.runs) {
      if (run.activation != activation || run.epochs.empty()) continue;
      ++row.seeds;
      const StudyEpoch& first = run.epochs.front();
      const StudyEpoch& last = run.epochs.back();
      loss.push_back(last.train_loss);
      train_acc.push_back(last.train_accuracy);
      if (result.has_test) test_acc.push_back(last.test_accuracy);
      const int reached = epoch_reaching(run, config, accuracy_target, result.has_test);
      if (reached > 0) {
        reach.push_back(reached);
        ++row.seeds_reached;
      }
      norm.push_back(first.grad_norm.front());
      ratio.push_back(first.grad_norm.back() > 0 ? first.grad_norm.front() / first.grad_norm.back() : NAN);
      dead.push_back(unit_weighted(last.dead_fraction, config.base.hidden));
      saturated.push_back(unit_weighted(last.saturated_fraction, config.base.hidden));
      seconds.push_back(run.seconds);
    }
    row.final_train_loss = stat_of(loss);
    row.final_test_accuracy = stat_of(test_acc);
    row.final_train_accuracy = stat_of(train_acc);
    row.epochs_to_target = stat_of(reach);
    row.first_layer_grad_norm = stat_of(norm);
    row.grad_ratio = stat_of(ratio);
    row.dead_fraction = stat_of(dead);
    row.saturated_fraction = stat_of(saturated);
    row.seconds = stat_of(seconds);
    if (row.seeds > 0) summary.rows.push_back(row);  // none: not measured (an interrupted comparison)
  }
  return summary;
}

}  // namespace ember
