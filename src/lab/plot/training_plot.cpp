// The two panels of training_plot.hpp. The best-epoch marker is a two-point series from the panel's
// lowest to its highest value, so it needs nothing from the chart code but a line.
#include "ember/lab/plot/training_plot.hpp"

#include <algorithm>
#include <cmath>

#include "ember/lab/plot/svg_plot.hpp"

namespace ember::plot {

namespace {

// One series per split that has figures (a run without a validation set has no validation line).
Panel panel(const std::vector<EpochStats>& epochs, const std::string& quantity, int best_epoch,
            double EpochStats::*train, double EpochStats::*val, double EpochStats::*test) {
  Panel p;
  p.options = {quantity + " per epoch", "epoch", quantity, false, epochs.size() <= 30};
  const std::pair<const char*, double EpochStats::*> splits[] = {{"train", train}, {"validation", val}, {"test", test}};
  double low = INFINITY, high = -INFINITY;
  for (const auto& [name, member] : splits) {
    Series series{name, {}, {}};
    for (const EpochStats& s : epochs) {
      series.x.push_back(s.epoch);
      series.y.push_back(s.*member);
      if (std::isfinite(s.*member)) low = std::min(low, s.*member), high = std::max(high, s.*member);
    }
    const bool any = std::any_of(series.y.begin(), series.y.end(), [](double v) { return std::isfinite(v); });
    if (any) p.series.push_back(std::move(series));
  }
  if (best_epoch > 0 && std::isfinite(low))
    p.series.push_back(
        {"best epoch (" + std::to_string(best_epoch) + ")", {double(best_epoch), double(best_epoch)}, {low, high}});
  return p;
}

}  // namespace

std::string training_curves_svg(const std::vector<EpochStats>& epochs, const std::string& title, int best_epoch) {
  const std::vector<Panel> panels = {
      panel(epochs, "loss", best_epoch, &EpochStats::train_loss, &EpochStats::val_loss, &EpochStats::test_loss),
      panel(epochs, "accuracy", best_epoch, &EpochStats::train_accuracy, &EpochStats::val_accuracy,
            &EpochStats::test_accuracy)};
  return figure_svg(title, panels, 2);
}

}  // namespace ember::plot
