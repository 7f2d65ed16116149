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
#include "ember/lab/train/training_run.hpp"

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

// One run of the grid: its starting weights, then a TrainingRun watched by a divergence check, the
// diagnostics and `observer`. True when it was stopped early. In a grid (`keep_divergence`) a run
// that diverges ends there and says so; otherwise its error ends the comparison.
bool train_run(CompareRun& run, const Dataset& train, const Dataset& val, const Dataset& test, const TrainConfig& base,
               Index outputs, bool keep_divergence, bool layer_health, FitObserver& observer) {
  TrainConfig run_config = base;
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
  ObserverList observers{&divergence, &diagnostics, &observer};
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
  if (config.select != "loss" && config.select != "acc")
    throw std::invalid_argument("--select must be loss or acc, got \"" + config.select + "\"");
}

CompareResult run_comparison(const Dataset& train, const Dataset& test, const CompareConfig& config,
                             const CompareProgress& progress, FitObserver* observer) {
  return run_comparison(train, Dataset{}, test, config, progress, observer);
}

CompareResult run_comparison(const Dataset& train, const Dataset& val, const Dataset& test, const CompareConfig& config,
                             const CompareProgress& progress, FitObserver* observer) {
  validate(config);
  const std::vector<Setting> settings = settings_of(config);
  const bool grid = settings.size() > 1;
  if (grid && val.size() == 0)
    throw std::invalid_argument("a grid of " + std::to_string(settings.size()) +
                                " settings needs a validation set to choose from: add --val-split F");
  CompareResult result;
  result.config = config;
  result.has_test = test.size() > 0;
  result.has_validation = val.size() > 0;
  for (Index count : class_counts(result.has_test ? test : train)) {
    result.chance_accuracy =
        std::max(result.chance_accuracy,
                 static_cast<double>(count) / static_cast<double>((result.has_test ? test : train).size()));
  }
  const Index outputs = output_units(train.num_classes(), config.base.classes.value_or(-1));
  for (const std::string& activation : config.activations) {
    for (const Setting& setting : settings) {
      for (int k = 0; k < config.seeds; ++k) {
        CompareRun run;
        run.activation = activation;
        run.setting = setting;
        run.seed = config.base.seed + static_cast<std::uint64_t>(k);
        result.runs.push_back(run);
      }
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
        const bool stopped = train_run(run, train, val, test, config.base, outputs, grid, config.layer_health, relay);
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

namespace {

// Each activation's cells over their seeds, and its choice among them: the lowest mean final
// validation loss (or highest accuracy) among the cells where no seed diverged. Only validation
// figures enter; without a validation set there is one cell per activation, chosen as it is.
std::vector<GridCell> grid_cells(const CompareResult& result) {
  const CompareConfig& config = result.config;
  std::vector<GridCell> cells;
  for (const std::string& activation : config.activations) {
    const std::size_t first = cells.size();
    for (const Setting& setting : settings_of(config)) {
      GridCell cell;
      cell.activation = activation;
      cell.setting = setting;
      std::vector<double> val_loss, val_accuracy, train_loss;
      for (const CompareRun& run : result.runs) {
        if (run.activation != activation || !same_setting(run.setting, setting)) continue;
        ++cell.seeds;
        if (run.diverged || run.epochs.empty()) {
          ++cell.diverged;
          continue;
        }
        val_loss.push_back(run.epochs.back().val_loss);
        val_accuracy.push_back(run.epochs.back().val_accuracy);
        train_loss.push_back(run.epochs.back().train_loss);
      }
      cell.final_val_loss = stat_of(val_loss);
      cell.final_val_accuracy = stat_of(val_accuracy);
      cell.final_train_loss = stat_of(train_loss);
      if (cell.seeds > 0) cells.push_back(cell);
    }
    GridCell* best = nullptr;
    for (std::size_t k = first; k < cells.size(); ++k) {
      GridCell& cell = cells[k];
      if (cell.diverged > 0) continue;
      const bool better =
          !best || (config.select == "acc" ? cell.final_val_accuracy.mean > best->final_val_accuracy.mean
                                           : cell.final_val_loss.mean < best->final_val_loss.mean);
      if (better) best = &cell;
    }
    if (best) best->chosen = true;
  }
  return cells;
}

// Two rows' figures on the seeds both have (an interrupted comparison may lack some), in seed order.
struct Paired {
  std::vector<double> first_epochs, second_epochs, first_accuracy, second_accuracy;
};
Paired on_common_seeds(const ActivationSummary& a, const ActivationSummary& b) {
  Paired paired;
  for (std::size_t i = 0; i < a.seed_of.size(); ++i) {
    const auto found = std::find(b.seed_of.begin(), b.seed_of.end(), a.seed_of[i]);
    if (found == b.seed_of.end()) continue;
    const std::size_t k = static_cast<std::size_t>(found - b.seed_of.begin());
    paired.first_epochs.push_back(a.epochs_to_target_by_seed[i]);
    paired.second_epochs.push_back(b.epochs_to_target_by_seed[k]);
    paired.first_accuracy.push_back(a.final_accuracy_by_seed[i]);
    paired.second_accuracy.push_back(b.final_accuracy_by_seed[k]);
  }
  return paired;
}

std::vector<PairSummary> compare_pairs(const std::vector<ActivationSummary>& rows, std::uint64_t seed) {
  std::vector<PairSummary> pairs;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = i + 1; j < rows.size(); ++j) {
      PairSummary pair;
      pair.first = rows[i].activation;
      pair.second = rows[j].activation;
      const Paired paired = on_common_seeds(rows[i], rows[j]);
      for (std::size_t s = 0; s < paired.first_epochs.size(); ++s) {
        const double a = paired.first_epochs[s], b = paired.second_epochs[s];
        if (std::isnan(a) && std::isnan(b)) continue;  // neither got there: neither was sooner
        if (std::isnan(b) || a < b) ++pair.first_sooner;
        else if (std::isnan(a) || b < a) ++pair.second_sooner;
        else ++pair.same_epoch;
      }
      // A resampling stream of the pair's own, from the comparison's seed: the same intervals every run.
      const std::uint64_t stream = seed + 0x9E3779B97F4A7C15ull * (pairs.size() + 1);
      pair.epochs = compare_paired(paired.first_epochs, paired.second_epochs, true, stream);
      pair.accuracy = compare_paired(paired.first_accuracy, paired.second_accuracy, false, stream + 1);
      pairs.push_back(pair);
    }
  }
  return pairs;
}

}  // namespace

Summary summarize(const CompareResult& result) {
  const CompareConfig& config = result.config;
  Summary summary;
  summary.grid = grid_cells(result);
  // The runs that count for an activation: those of its chosen setting.
  std::vector<const CompareRun*> chosen_runs;
  for (const GridCell& cell : summary.grid) {
    if (!cell.chosen) continue;
    for (const CompareRun& run : result.runs)
      if (run.activation == cell.activation && same_setting(run.setting, cell.setting)) chosen_runs.push_back(&run);
  }
  // The default target: 95% of the best final accuracy any activation reached (averaged over seeds).
  double accuracy_target = config.target_accuracy;
  if (std::isnan(config.target_loss) && std::isnan(accuracy_target)) {
    double best = 0;
    for (const std::string& activation : config.activations) {
      std::vector<double> finals;
      for (const CompareRun* run : chosen_runs)
        if (run->activation == activation && !run->epochs.empty())
          finals.push_back(accuracy_of(run->epochs.back(), result.has_test));
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
  // The sensitivity: which cells get there (on validation data: the test split stays out of the grid).
  for (GridCell& cell : summary.grid) {
    cell.reaches_target =
        cell.diverged == 0 && (std::isnan(config.target_loss) ? cell.final_val_accuracy.mean >= accuracy_target
                                                              : cell.final_train_loss.mean <= config.target_loss);
  }
  for (const GridCell& cell : summary.grid) {
    if (!cell.chosen) continue;
    ActivationSummary row;
    row.activation = cell.activation;
    row.setting = cell.setting;
    std::vector<double> loss, test_acc, train_acc, val_loss, val_acc, reach, norm, ratio, dead, saturated, seconds;
    for (const CompareRun* run : chosen_runs) {
      if (run->activation != cell.activation || run->epochs.empty()) continue;
      ++row.seeds;
      const StudyEpoch& first = run->epochs.front();
      const StudyEpoch& last = run->epochs.back();
      loss.push_back(last.train_loss);
      train_acc.push_back(last.train_accuracy);
      if (result.has_test) test_acc.push_back(last.test_accuracy);
      if (result.has_validation) {
        val_loss.push_back(last.val_loss);
        val_acc.push_back(last.val_accuracy);
      }
      const int reached = epoch_reaching(*run, config, accuracy_target, result.has_test);
      if (reached > 0) {
        reach.push_back(reached);
        ++row.seeds_reached;
      }
      row.seed_of.push_back(run->seed);
      row.epochs_to_target_by_seed.push_back(reached > 0 ? reached : NAN);
      row.final_accuracy_by_seed.push_back(accuracy_of(last, result.has_test));
      norm.push_back(first.grad_norm.front());
      ratio.push_back(first.grad_norm.back() > 0 ? first.grad_norm.front() / first.grad_norm.back() : NAN);
      dead.push_back(unit_weighted(last.dead_fraction, config.base.hidden));
      saturated.push_back(unit_weighted(last.saturated_fraction, config.base.hidden));
      seconds.push_back(run->seconds);
    }
    row.final_train_loss = stat_of(loss);
    row.final_test_accuracy = stat_of(test_acc);
    row.final_train_accuracy = stat_of(train_acc);
    row.final_val_loss = stat_of(val_loss);
    row.final_val_accuracy = stat_of(val_acc);
    row.epochs_to_target = stat_of(reach);
    row.epochs_to_target_median = bootstrap_median(reach, config.base.seed);
    row.first_layer_grad_norm = stat_of(norm);
    row.grad_ratio = stat_of(ratio);
    row.dead_fraction = stat_of(dead);
    row.saturated_fraction = stat_of(saturated);
    row.seconds = stat_of(seconds);
    if (row.seeds > 0) summary.rows.push_back(row);  // none: not measured (an interrupted comparison)
  }
  summary.pairs = compare_pairs(summary.rows, config.base.seed);
  return summary;
}

}  // namespace ember
