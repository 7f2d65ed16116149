// The layer report: the long CSV of every run's per-layer figures, and the figure of the activations'
// percentiles per hidden layer (the chosen settings only, as compare's own figure). The figures themselves
// are measured in src/lab/monitor/diagnostics.cpp (measure_probe); the drawing is src/lab/plot/svg_plot.cpp's.
// Not here: the compare table, sentences and main figure (compare_report.cpp).
#include "ember/lab/study/layer_report.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "ember/core/engine/format.hpp"
#include "ember/lab/data/csv.hpp"
#include "ember/lab/formula/formula.hpp"
#include "ember/lab/plot/svg_plot.hpp"
#include "ember/lab/study/compare_report.hpp"

namespace ember {

namespace {

// The quantities of LayerHealth, in the CSV's order, with how to read each.
struct Quantity {
  const char* name;
  double LayerHealth::*field;
};
const Quantity kHealth[] = {
    {"preact_mean", &LayerHealth::preact_mean}, {"preact_std", &LayerHealth::preact_std},
    {"act_mean", &LayerHealth::act_mean},       {"act_std", &LayerHealth::act_std},
    {"act_p2", &LayerHealth::act_p2},           {"act_p50", &LayerHealth::act_p50},
    {"act_p98", &LayerHealth::act_p98},
};

// Nine significant digits (as compare's CSV); NaN is an empty cell.
std::string number(double v) { return std::isnan(v) ? std::string() : format_general(v, 9); }

// The mean over seeds, per epoch, of one figure of hidden layer k (NaN where not measured).
std::vector<double> layer_curve(const CompareResult& result, const std::string& activation, std::size_t k,
                                double LayerHealth::*field) {
  return mean_curve(result, activation,
                    [k, field](const StudyEpoch& e) { return k < e.layers.size() ? e.layers[k].*field : NAN; });
}

}  // namespace

std::string layer_health_csv(const CompareResult& result, const Summary& summary) {
  std::ostringstream csv;
  csv << "activation,optimizer,lr,seed,chosen,epoch,layer,quantity,value\n";
  for (const CompareRun& run : result.runs) {
    // A formula may hold commas ("max(x,0.1*x)"): quoted then.
    const std::string prefix = csv_field(run.activation) + ',' + run.setting.optimizer + ',' + number(run.setting.lr) +
                               ',' + std::to_string(run.seed) + ',' + (is_chosen(summary, run) ? "yes" : "no") + ',';
    for (const StudyEpoch& e : run.epochs) {
      const auto row = [&](std::size_t k, const char* quantity, double value) {
        csv << prefix << e.epoch << ",fc" << k + 1 << ',' << quantity << ',' << number(value) << '\n';
      };
      for (std::size_t k = 0; k < e.grad_norm.size(); ++k) {
        if (k < e.layers.size())
          for (const Quantity& q : kHealth) row(k, q.name, e.layers[k].*q.field);
        if (k < e.dead_fraction.size()) row(k, "dead_fraction", e.dead_fraction[k]);
        if (k < e.saturated_fraction.size()) row(k, "saturated_fraction", e.saturated_fraction[k]);
        row(k, "grad_norm", e.grad_norm[k]);
      }
    }
  }
  return csv.str();
}

namespace {

// One activation's hidden layer k: its median per epoch (mean over seeds), shaded from the mean 2nd to the
// mean 98th percentile.
plot::Panel layer_panel(const CompareResult& result, const Summary& summary, const std::string& activation,
                        std::size_t k) {
  plot::Panel panel;
  panel.options.title = activation_label(activation);
  const bool grid = settings_of(result.config).size() > 1;
  for (const ActivationSummary& r : summary.rows)
    if (grid && r.activation == activation) panel.options.title += " (lr " + format_general(r.setting.lr, 3) + ")";
  panel.options.title +=
      ", fc" + std::to_string(k + 1) + " (" + std::to_string(result.config.base.hidden[k]) + " units)";
  panel.options.x_label = "epoch";
  panel.options.y_label = "a = f(z)";
  plot::Series series;
  series.label = "median";
  // The activation's colour and dash, as on compare's figure.
  const auto at = std::find(result.config.activations.begin(), result.config.activations.end(), activation);
  series.style = static_cast<int>(at - result.config.activations.begin());
  series.y = layer_curve(result, activation, k, &LayerHealth::act_p50);
  series.band_low = layer_curve(result, activation, k, &LayerHealth::act_p2);
  series.band_high = layer_curve(result, activation, k, &LayerHealth::act_p98);
  for (std::size_t e = 0; e < series.y.size(); ++e) series.x.push_back(static_cast<double>(e + 1));
  panel.options.markers = series.x.size() <= 20;
  panel.series.push_back(std::move(series));
  return panel;
}

}  // namespace

std::string layer_health_svg(const CompareResult& result, const Summary& summary) {
  return layer_health_svg(result, summary, "");
}

std::string layer_health_svg(const CompareResult& all_runs, const Summary& summary, const std::string& settings) {
  const CompareResult result = chosen_runs(all_runs, summary);
  Index probe = 0;
  std::vector<std::string> activations;  // those with a finished run: one column each
  for (const std::string& activation : result.config.activations) {
    for (const CompareRun& run : result.runs) {
      if (run.activation != activation || run.epochs.empty()) continue;
      probe = std::max(probe, run.epochs.front().probe_samples);
      if (activations.empty() || activations.back() != activation) activations.push_back(activation);
    }
  }
  // A row per hidden layer (fc1 on top), a column per activation, one band per panel: bands drawn over
  // one another hide each other, and each panel's axis fits its activation (sigmoid's (0, 1), relu's [0, ∞)).
  std::vector<plot::Panel> panels;
  for (std::size_t k = 0; k < result.config.base.hidden.size(); ++k)
    for (const std::string& activation : activations) panels.push_back(layer_panel(result, summary, activation, k));
  std::string title = "Inside each layer: the activations' median, 2nd–98th percentile shaded, on " +
                      std::to_string(probe) + " training samples";
  if (probe == 0) title = "Inside each layer: not measured (the runs had no probe: CompareConfig::layer_health)";
  else if (result.config.seeds > 1)
    title += result.interrupted ? " (means of the seeds that finished)"
                                : " (mean of " + std::to_string(result.config.seeds) + " seeds)";
  // Wide enough for the title (about 10.5 pixels a character at its size) over few columns.
  const int columns = static_cast<int>(std::max<std::size_t>(activations.size(), 1));
  const double width = std::max(340.0, (10.5 * static_cast<double>(title.size()) + 40) / columns);
  return plot::figure_svg(title, settings, panels, columns, width, 260);
}

}  // namespace ember
