// The figure of `ember compare`: loss, accuracy, every layer's gradient norm and the dead units per epoch,
// one curve per activation (its chosen setting, the mean over seeds, the seeds' range shaded), and in a grid
// the sensitivity to the learning rate. Each panel comes with a paragraph on how to read it, for the HTML
// report that shows them one by one (comparison_panels). Drawn by lab/plot/svg_plot.hpp.
#include <algorithm>
#include <cmath>
#include <functional>

#include "ember/lab/formula/formula.hpp"
#include "ember/lab/plot/svg_plot.hpp"
#include "ember/lab/study/compare_report.hpp"
#include "report_text.hpp"

namespace ember {

using namespace report_text;

namespace {

using Figure = std::function<double(const StudyEpoch&)>;

std::size_t runs_of(const CompareResult& result, const std::string& activation) {
  return static_cast<std::size_t>(std::count_if(result.runs.begin(), result.runs.end(),
                                                [&](const CompareRun& run) { return run.activation == activation; }));
}

// An activation's line style: its place in the study's list, so that it looks the same on every panel,
// also on one where another activation has no runs.
int style_of(const CompareConfig& config, const std::string& activation) {
  const auto at = std::find(config.activations.begin(), config.activations.end(), activation);
  return static_cast<int>(at - config.activations.begin());
}

// Widens the range [low, high] to hold v. NaN ends: the range is still empty; a NaN v is no value.
void widen(double& low, double& high, double v) {
  if (std::isnan(v)) return;
  low = std::isnan(low) ? v : std::min(low, v);
  high = std::isnan(high) ? v : std::max(high, v);
}

// The band around mean_curve's line: the lowest and the highest seed's value per epoch (NaN where no
// seed has one).
void set_seed_band(plot::Series& series, const CompareResult& result, const std::string& activation,
                   const Figure& figure) {
  series.band_low.assign(series.x.size(), NAN);
  series.band_high.assign(series.x.size(), NAN);
  for (const CompareRun& run : result.runs) {
    if (run.activation != activation) continue;
    for (std::size_t e = 0; e < std::min(run.epochs.size(), series.x.size()); ++e)
      widen(series.band_low[e], series.band_high[e], figure(run.epochs[e]));
  }
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
  std::vector<std::string> optimizers = result.config.optimizers;
  if (optimizers.empty()) optimizers.push_back(result.config.base.optimizer);
  const int activations = static_cast<int>(result.config.activations.size());
  for (const std::string& activation : result.config.activations) {
    for (std::size_t o = 0; o < optimizers.size(); ++o) {
      const std::string& optimizer = optimizers[o];
      plot::Series series;
      series.label = activation_label(activation) + (optimizers.size() > 1 ? " " + optimizer : "");
      // The first optimizer's lines have the activation's style, as on the other panels; the others' styles
      // follow every activation's, so that no two lines look alike.
      series.style = style_of(result.config, activation) + static_cast<int>(o) * activations;
      for (const GridCell& c : summary.grid) {
        if (c.activation != activation || c.setting.optimizer != optimizer) continue;
        double low = NAN, high = NAN;
        for (const CompareRun& run : result.runs) {
          if (run.activation == activation && same_setting(run.setting, c.setting) && !run.diverged &&
              !run.epochs.empty())
            widen(low, high, run.epochs.back().val_accuracy);
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

// A panel of one figure per epoch.
struct Curve {
  std::string id, title, y_label, how_to_read;
  bool log_y;
  Figure figure;
};

// A line per activation that has runs (one not measured gets no empty entry in the legend): the mean over
// seeds, and with several seeds the band from the lowest to the highest.
plot::Panel curve_panel(const CompareResult& result, const Summary& summary, const Curve& curve) {
  const bool grid = settings_of(result.config).size() > 1;
  plot::Panel panel;
  panel.options.title = curve.title;
  panel.options.x_label = "epoch";
  panel.options.y_label = curve.y_label;
  panel.options.log_y = curve.log_y;
  for (const std::string& activation : result.config.activations) {
    const std::size_t runs = runs_of(result, activation);
    if (runs == 0) continue;
    plot::Series series;
    series.label = activation_label(activation);
    series.style = style_of(result.config, activation);
    if (grid) {
      for (const ActivationSummary& r : summary.rows)
        if (r.activation == activation) series.label += " (lr " + format_general(r.setting.lr, 3) + ")";
    }
    series.y = mean_curve(result, activation, curve.figure);
    for (std::size_t e = 0; e < series.y.size(); ++e) series.x.push_back(static_cast<double>(e + 1));
    if (runs > 1) set_seed_band(series, result, activation, curve.figure);
    panel.options.markers = series.x.size() <= 20;
    panel.series.push_back(std::move(series));
  }
  return panel;
}

// The curves of comparison_panels, in order, each with its paragraph for a learner.
std::vector<Curve> curves(const CompareResult& result) {
  const std::string band = result.config.seeds > 1
                               ? " The line is the mean over the seeds, the shaded band runs from the lowest seed to "
                                 "the highest: lines whose bands overlap may differ by chance alone."
                               : "";
  std::vector<Curve> out;
  out.push_back({"loss", "Training loss", "loss (log scale)",
                 "The cross-entropy loss on the training set after each epoch, on a log scale, so that a halving "
                 "looks the same at any height." +
                     band +
                     " Lower is better; a curve that flattens early has stopped learning, one that turns up has "
                     "begun to diverge.",
                 true, [](const StudyEpoch& e) { return e.train_loss; }});
  const bool test = result.has_test;
  const std::string split = test ? "test" : "training";
  out.push_back({"accuracy", test ? "Test accuracy" : "Training accuracy", "accuracy",
                 "The fraction of the " + split + " samples classified correctly after each epoch." + band +
                     " The steeper the rise, the faster the activation learns; where a curve levels off is as far "
                     "as it gets in these epochs.",
                 false,
                 test ? Figure([](const StudyEpoch& e) { return e.test_accuracy; })
                      : Figure([](const StudyEpoch& e) { return e.train_accuracy; })});
  const std::size_t layers = result.config.base.hidden.size() + 1;
  for (std::size_t k = 0; k < layers; ++k) {
    const std::string fc = "fc" + std::to_string(k + 1), w = "W" + std::to_string(k + 1);
    out.push_back({"grad-" + fc, "Gradient norm, " + fc + (k + 1 == layers ? " (output layer)" : ""),
                   "mean ||dL/d" + w + "|| (log scale)",
                   "How large the gradient of the loss with respect to layer " + fc +
                       "'s weights is, averaged over the epoch's batches, on a log scale: how hard each step "
                       "pushes these weights." +
                       band +
                       " Compare the layers' panels: a first layer whose gradient is many times smaller than "
                       "the last layer's has a vanishing gradient (it learns slowly); a norm that keeps growing "
                       "warns of an exploding one.",
                   true, [k](const StudyEpoch& e) { return k < e.grad_norm.size() ? e.grad_norm[k] : NAN; }});
  }
  const std::vector<Index> hidden = result.config.base.hidden;
  out.push_back({"dead", "Dead hidden units", "fraction of all hidden units",
                 "The fraction of the hidden units whose slope f'(z) was 0 on every training sample of the epoch "
                 "(all hidden layers together, weighted by their sizes). A dead unit passes no gradient back, so "
                 "it cannot learn its way out: a rising curve is units dying (relu at a large learning rate)." +
                     band + " Smooth activations (sigmoid, tanh) stay at 0.",
                 false, [hidden](const StudyEpoch& e) { return unit_weighted(e.dead_fraction, hidden); }});
  return out;
}

}  // namespace

std::vector<FigurePanel> comparison_panels(const CompareResult& all_runs, const Summary& summary,
                                           const std::string& settings) {
  const CompareResult result = chosen_runs(all_runs, summary);
  std::vector<FigurePanel> panels;
  for (const Curve& curve : curves(result))
    panels.push_back({curve.id, curve.how_to_read, curve_panel(result, summary, curve)});
  if (settings_of(result.config).size() > 1) {
    panels.push_back({"sensitivity",
                      "Each activation's final accuracy on the validation split (carved from the training data) "
                      "at each learning rate of the grid, on a log scale: the mean over seeds, shaded from the "
                      "lowest seed to the highest. A wide plateau means the activation forgives a poorly chosen "
                      "rate; a narrow peak means it must be tuned. A gap in a line is a rate at which a seed "
                      "diverged. The other panels show each activation at its best rate here.",
                      sensitivity_panel(summary, all_runs)});
  }
  for (FigurePanel& p : panels) p.panel.options.subtitle = settings;
  return panels;
}

std::string comparison_svg(const CompareResult& result) { return comparison_svg(result, summarize(result)); }

std::string comparison_svg(const CompareResult& result, const Summary& summary) {
  return comparison_svg(result, summary, "");
}

std::string comparison_svg(const CompareResult& all_runs, const Summary& summary, const std::string& settings) {
  // The settings once, under the figure's title, rather than on each of the panels side by side.
  std::vector<plot::Panel> panels;
  for (FigurePanel& p : comparison_panels(all_runs, summary, "")) panels.push_back(std::move(p.panel));
  const CompareResult result = chosen_runs(all_runs, summary);
  std::string notes;
  if (result.config.seeds > 1) {
    notes = result.interrupted || result.incomplete_results
                ? "means of the seeds that finished"
                : "mean of " + std::to_string(result.config.seeds) + " seeds, lowest to highest shaded";
  }
  if (result.interrupted || result.incomplete_results) notes += (notes.empty() ? "" : "; ") + interrupted_note(result);
  return plot::figure_svg("How the activations converge" + (notes.empty() ? "" : " (" + notes + ")"), settings, panels,
                          2);
}

}  // namespace ember
