// The figure of `ember compare`: loss, accuracy, first-layer gradient norm and dead units per epoch,
// one curve per activation (its chosen setting, mean over seeds), and in a grid the sensitivity to the
// learning rate. Drawn by lab/plot/svg_plot.hpp.
#include <algorithm>
#include <cmath>

#include "ember/lab/formula/formula.hpp"
#include "ember/lab/plot/svg_plot.hpp"
#include "ember/lab/study/compare_report.hpp"
#include "report_text.hpp"

namespace ember {

using namespace report_text;

namespace {

bool has_runs(const CompareResult& result, const std::string& activation) {
  return std::any_of(result.runs.begin(), result.runs.end(),
                     [&](const CompareRun& run) { return run.activation == activation; });
}

// Final validation accuracy against the learning rate, a line per activation and optimizer: the mean
// over seeds, the band the seeds' lowest and highest. A diverged cell breaks the line.
plot::Panel sensitivity_panel(const Summary& summary, const CompareResult& result) {
  plot::Panel panel;
  panel.options.title = "Sensitivity to the learning rate";
  panel.options.x_label = "learning rate (log scale)";
  panel.options.y_label = "final validation accuracy";
  panel.options.log_x = true;
  panel.options.markers = true;
  const std::vector<Setting> settings = settings_of(result.config);
  for (const std::string& activation : result.config.activations) {
    std::vector<std::string> optimizers = result.config.optimizers;
    if (optimizers.empty()) optimizers.push_back(result.config.base.optimizer);
    for (const std::string& optimizer : optimizers) {
      plot::Series series;
      series.label = activation_label(activation) + (optimizers.size() > 1 ? " " + optimizer : "");
      for (const GridCell& c : summary.grid) {
        if (c.activation != activation || c.setting.optimizer != optimizer) continue;
        double low = INFINITY, high = -INFINITY;
        for (const CompareRun& run : result.runs) {
          if (run.activation != activation || !same_setting(run.setting, c.setting) || run.diverged ||
              run.epochs.empty())
            continue;
          low = std::min(low, run.epochs.back().val_accuracy);
          high = std::max(high, run.epochs.back().val_accuracy);
        }
        const bool usable = c.diverged == 0;
        series.x.push_back(c.setting.lr);
        series.y.push_back(usable ? c.final_val_accuracy.mean : NAN);
        series.band_low.push_back(usable ? low : NAN);
        series.band_high.push_back(usable ? high : NAN);
      }
      if (!series.x.empty()) panel.series.push_back(std::move(series));
    }
  }
  return panel;
}

// The dead fraction of all hidden units per epoch (layers weighted by size, as in the table), mean over seeds.
std::vector<double> dead_curve(const CompareResult& result, const std::string& activation) {
  const std::vector<Index>& hidden = result.config.base.hidden;
  return mean_curve(result, activation,
                    [&hidden](const StudyEpoch& e) { return unit_weighted(e.dead_fraction, hidden); });
}

}  // namespace

std::string comparison_svg(const CompareResult& result) { return comparison_svg(result, summarize(result)); }

std::string comparison_svg(const CompareResult& all_runs, const Summary& summary) {
  const CompareResult result = chosen_runs(all_runs, summary);
  const bool grid = settings_of(result.config).size() > 1;
  struct Figure {
    const char* title;
    const char* y_label;
    bool log_y;
    double (*figure)(const StudyEpoch&);
  };
  const bool has_test = result.has_test;
  const Figure figures[] = {
      {"Training loss", "loss (log scale)", true, [](const StudyEpoch& e) { return e.train_loss; }},
      {has_test ? "Test accuracy" : "Training accuracy", "accuracy", false,
       has_test ? +[](const StudyEpoch& e) { return e.test_accuracy; }
                : +[](const StudyEpoch& e) { return e.train_accuracy; }},
      {"First-layer gradient norm", "mean ||dL/dW1|| (log scale)", true,
       [](const StudyEpoch& e) { return e.grad_norm.front(); }},
      {"Dead hidden units", "fraction of all hidden units", false, nullptr},
  };
  std::vector<plot::Panel> panels;
  for (const Figure& f : figures) {
    plot::Panel panel;
    panel.options.title = f.title;
    panel.options.x_label = "epoch";
    panel.options.y_label = f.y_label;
    panel.options.log_y = f.log_y;
    for (const std::string& activation : result.config.activations) {
      if (!has_runs(result, activation)) continue;  // not measured: no empty entry in the legend
      plot::Series series;
      series.label = activation_label(activation);
      if (grid) {
        for (const ActivationSummary& r : summary.rows)
          if (r.activation == activation) series.label += " (lr " + format_general(r.setting.lr, 3) + ")";
      }
      series.y = f.figure ? mean_curve(result, activation, f.figure) : dead_curve(result, activation);
      for (std::size_t e = 0; e < series.y.size(); ++e) series.x.push_back(static_cast<double>(e + 1));
      panel.options.markers = series.x.size() <= 20;
      panel.series.push_back(std::move(series));
    }
    panels.push_back(std::move(panel));
  }
  if (grid) panels.push_back(sensitivity_panel(summary, all_runs));
  std::string notes;
  if (result.config.seeds > 1) {
    notes = result.interrupted || result.incomplete_results
                ? "means of the seeds that finished"
                : "mean of " + std::to_string(result.config.seeds) + " seeds";
  }
  if (result.interrupted || result.incomplete_results) notes += (notes.empty() ? "" : "; ") + interrupted_note(result);
  return plot::figure_svg("How the activations converge" + (notes.empty() ? "" : " (" + notes + ")"), panels, 2);
}

}  // namespace ember
