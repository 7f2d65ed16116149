// summarize(): each activation's setting chosen on validation data, its runs reduced to the table's
// figures (means ± std, the median epochs to target with its interval), and every pair of activations
// compared seed by seed (paired_stats.hpp). The runs themselves come from run_comparison (compare.cpp).
#include <algorithm>
#include <cmath>

#include "ember/core/engine/format.hpp"
#include "ember/lab/study/compare.hpp"

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
      pair.epochs =
          compare_paired(paired.first_epochs, paired.second_epochs, true, stream, 10000, 0.95, kMinPairedSeeds);
      pair.accuracy = compare_paired(paired.first_accuracy, paired.second_accuracy, false, stream + 1, 10000, 0.95,
                                     kMinPairedSeeds);
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
