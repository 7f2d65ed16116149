// The tables of `ember compare` (the summary, the paired comparisons, the grid) and its long CSV.
// The sentences are in compare_findings.cpp, the figure in compare_figure.cpp; the cell formats they
// share in report_text.hpp.
#include "ember/lab/study/compare_report.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "ember/core/engine/format.hpp"
#include "ember/core/nn/activation_modules.hpp"
#include "ember/lab/data/csv.hpp"
#include "ember/lab/formula/formula.hpp"
#include "report_text.hpp"

namespace ember {

using namespace report_text;

std::string verdict_words(Verdict verdict, const std::string& first, const std::string& second,
                          const std::string& better) {
  switch (verdict) {
    case Verdict::first_better: return first + " " + better;
    case Verdict::second_better: return second + " " + better;
    case Verdict::within_noise: return "within noise";
    case Verdict::too_few_seeds: break;
  }
  return "too few seeds";
}

std::string interrupted_note(const CompareResult& result) {
  const std::string counts = std::to_string(result.runs.size()) + " of " + std::to_string(result.planned_runs);
  if (result.incomplete_results) return counts + " runs of the grid (the rest are another shard's, or not run yet)";
  return "interrupted after " + counts + " runs";
}

std::vector<double> mean_curve(const CompareResult& result, const std::string& activation,
                               const std::function<double(const StudyEpoch&)>& figure) {
  std::vector<double> sum, count;
  for (const CompareRun& run : result.runs) {
    if (run.activation != activation) continue;
    for (std::size_t e = 0; e < run.epochs.size(); ++e) {
      if (sum.size() <= e) {
        sum.push_back(0);
        count.push_back(0);
      }
      const double v = figure(run.epochs[e]);
      if (!std::isnan(v)) {
        sum[e] += v;
        count[e] += 1;
      }
    }
  }
  for (std::size_t e = 0; e < sum.size(); ++e) sum[e] = count[e] > 0 ? sum[e] / count[e] : NAN;
  return sum;
}

std::string as_text(const ReportTable& table) { return table.caption + align(table.rows) + table.notes; }

std::string summary_table(const Summary& summary, const CompareResult& result) {
  return as_text(summary_cells(summary, result));
}
std::string pairs_table(const Summary& summary, const CompareResult& result) {
  return as_text(pairs_cells(summary, result));
}
std::string grid_table(const Summary& summary, const CompareResult& result) {
  return as_text(grid_cells(summary, result));
}

ReportTable summary_cells(const Summary& summary, const CompareResult& result) {
  const int seeds = result.config.seeds;
  const bool grid = settings_of(result.config).size() > 1;
  const bool optimizers = result.config.optimizers.size() > 1;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"activation"};
  if (optimizers) header.push_back("optimizer");
  if (grid) header.insert(header.end(), {"lr", "val loss"});
  header.insert(header.end(), {"train loss", result.has_test ? "test acc" : "train acc",
                               seeds > 1 ? "epochs to target (median [95% CI])" : "epochs to target", "grad fc1 (ep 1)",
                               "fc1/last", "dead", "saturated", "seconds"});
  rows.push_back(header);
  for (const ActivationSummary& r : summary.rows) {
    // Over seeds: the median and its bootstrap interval (a mean would let one slow seed speak for all).
    std::string reach = r.seeds_reached > 1
                            ? one(r.epochs_to_target_median.median) + " [" + one(r.epochs_to_target_median.ci.low) +
                                  ", " + one(r.epochs_to_target_median.ci.high) + "]"
                            : cell(r.epochs_to_target, r.seeds_reached, one);
    if (r.seeds_reached == 0) reach = "never";
    else if (r.seeds_reached < r.seeds)
      reach += " (" + std::to_string(r.seeds_reached) + "/" + std::to_string(r.seeds) + " seeds)";
    std::vector<std::string> row = {activation_label(r.activation)};
    if (optimizers) row.push_back(r.setting.optimizer);
    if (grid) row.insert(row.end(), {format_general(r.setting.lr, 3), cell(r.final_val_loss, seeds, four)});
    row.insert(row.end(), {cell(r.final_train_loss, seeds, four),
                           cell(result.has_test ? r.final_test_accuracy : r.final_train_accuracy, seeds, four), reach,
                           cell(r.first_layer_grad_norm, seeds, scientific), cell(r.grad_ratio, seeds, ratio),
                           cell(r.dead_fraction, seeds, percent),
                           saturates(r.activation) ? cell(r.saturated_fraction, seeds, percent) : "-",
                           cell(r.seconds, seeds, two)});
    rows.push_back(row);
  }
  std::string notes;
  for (const std::string& activation : result.config.activations) {
    const bool has_row = std::any_of(summary.rows.begin(), summary.rows.end(),
                                     [&](const ActivationSummary& r) { return r.activation == activation; });
    const bool has_cells = std::any_of(summary.grid.begin(), summary.grid.end(),
                                       [&](const GridCell& c) { return c.activation == activation; });
    if (!has_row && has_cells) notes += activation_label(activation) + ": diverged at every setting: no row\n";
  }
  return {"", rows,
          notes + "target: " + summary.target_description + "\n" +
              (grid ? "each activation at the setting with the " +
                          std::string(result.config.select == "acc" ? "highest mean final validation accuracy"
                                                                    : "lowest mean final validation loss") +
                          " (test figures: that setting's only)\n"
                    : "") +
              (result.interrupted || result.incomplete_results
                   ? interrupted_note(result) + ": only the finished runs are shown\n"
                   : "")};
}

ReportTable pairs_cells(const Summary& summary, const CompareResult& result) {
  const std::string accuracy = result.has_test ? "test acc" : "train acc";
  std::vector<std::vector<std::string>> rows = {{"A vs B", "sooner A/B/same", "epochs A−B [95% CI]", "verdict",
                                                 "final " + accuracy + " A−B [95% CI]", "verdict"}};
  auto interval = [](const PairedComparison& c, std::string (*format)(double)) {
    if (std::isnan(c.mean_difference)) return std::string("-");
    return format(c.mean_difference) + " [" + format(c.ci.low) + ", " + format(c.ci.high) + "]";
  };
  for (const PairSummary& p : summary.pairs) {
    const std::string a = activation_label(p.first), b = activation_label(p.second);
    rows.push_back(
        {a + " vs " + b,
         std::to_string(p.first_sooner) + "/" + std::to_string(p.second_sooner) + "/" + std::to_string(p.same_epoch),
         interval(p.epochs, two), verdict_words(p.epochs.verdict, a, b, "faster"), interval(p.accuracy, four),
         verdict_words(p.accuracy.verdict, a, b, "more accurate")});
  }
  return {
      "paired by seed (seed s gives A and B the same weights and batches; a verdict only where the\n"
      "interval of the mean difference excludes 0):\n",
      rows, ""};
}

ReportTable grid_cells(const Summary& summary, const CompareResult& result) {
  const int seeds = result.config.seeds;
  std::vector<std::vector<std::string>> rows = {
      {"activation", "optimizer", "lr", "val loss", "val acc", "diverged", "chosen"}};
  for (const GridCell& c : summary.grid) {
    rows.push_back({activation_label(c.activation), c.setting.optimizer, format_general(c.setting.lr, 3),
                    cell(c.final_val_loss, seeds, four), cell(c.final_val_accuracy, seeds, four),
                    c.diverged > 0 ? std::to_string(c.diverged) + "/" + std::to_string(c.seeds) : "-",
                    c.chosen ? "*" : ""});
  }
  return {
      "the grid (validation figures, final epoch" + std::string(seeds > 1 ? ", mean ± std over seeds" : "") + "):\n",
      rows, ""};
}

std::string comparison_csv(const CompareResult& result) { return comparison_csv(result, summarize(result)); }

std::string comparison_csv(const CompareResult& result, const Summary& summary) {
  std::ostringstream csv;
  const auto number = [](double v) { return format_general(v, 9); };  // nine significant digits
  const std::size_t layers = result.runs.empty() || result.runs.front().epochs.empty()
                                 ? 0
                                 : result.runs.front().epochs.front().grad_norm.size();
  csv << "activation,optimizer,lr,seed,chosen,epoch,train_loss,train_accuracy,val_loss,val_accuracy,test_loss,"
         "test_accuracy,seconds";
  for (std::size_t k = 1; k <= layers; ++k) csv << ",grad_norm_fc" << k;
  for (std::size_t k = 1; k + 1 <= layers; ++k) csv << ",dead_h" << k;
  for (std::size_t k = 1; k + 1 <= layers; ++k) csv << ",saturated_h" << k;
  csv << "\n";
  const auto optional = [&number](double v) { return std::isnan(v) ? std::string() : number(v); };
  for (const CompareRun& run : result.runs) {
    const bool chosen = is_chosen(summary, run);  // the test figures of the chosen settings only
    for (const StudyEpoch& e : run.epochs) {
      csv << csv_field(run.activation) << ',' << run.setting.optimizer << ',' << number(run.setting.lr) << ','
          << run.seed << ',' << (chosen ? "yes" : "no") << ',' << e.epoch << ',' << number(e.train_loss) << ','
          << number(e.train_accuracy) << ',' << optional(e.val_loss) << ',' << optional(e.val_accuracy) << ',';
      if (chosen && !std::isnan(e.test_loss)) csv << number(e.test_loss) << ',' << number(e.test_accuracy);
      else csv << ',';
      csv << ',' << number(e.seconds);
      for (double v : e.grad_norm) csv << ',' << number(v);
      for (double v : e.dead_fraction) csv << ',' << number(v);
      for (double v : e.saturated_fraction) csv << ',' << number(v);
      csv << "\n";
    }
  }
  return csv.str();
}

}  // namespace ember
