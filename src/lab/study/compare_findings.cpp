// The sentences under `ember compare`'s table, drawn from its numbers (not canned: each names the
// activations and figures behind it): who reached the target first, where gradients vanished, dead
// and saturated units, the best accuracy, what the paired comparisons call real, and in a grid over
// which learning rates each activation gets there. Read compare_summary.cpp for the numbers.
#include <algorithm>
#include <cmath>

#include "ember/lab/formula/formula.hpp"
#include "ember/lab/study/compare_report.hpp"
#include "report_text.hpp"

namespace ember {

using namespace report_text;

namespace {

// Whether the paired comparison says `better` beat `other` beyond noise: in epochs to target (sooner),
// or else in final accuracy (higher).
bool beyond_noise(const Summary& summary, const std::string& better, const std::string& other, bool epochs) {
  for (const PairSummary& p : summary.pairs) {
    const PairedComparison& c = epochs ? p.epochs : p.accuracy;
    if (p.first == better && p.second == other) return c.verdict == Verdict::first_better;
    if (p.first == other && p.second == better) return c.verdict == Verdict::second_better;
  }
  return false;
}

}  // namespace

std::vector<std::string> findings(const Summary& summary, const CompareResult& result) {
  std::vector<std::string> out;
  const int epochs = result.config.base.epochs;
  const int epoch_decimals = result.config.seeds > 1 ? 1 : 0;  // a mean over seeds is not a whole epoch
  // 1. Who converged first. With kMinPairedSeeds seeds or more, by the median, and activations are named together
  // unless the paired comparison says the difference is beyond noise; with fewer, by the mean.
  std::vector<const ActivationSummary*> reached, never;
  for (const auto& r : summary.rows) (r.seeds_reached > 0 ? reached : never).push_back(&r);
  // Verdicts are used only where every pair concerned has one: enough seeds on both sides (a report of
  // one shard's results may have fewer than the comparison asked for).
  const auto all_judged = [&summary](const std::vector<const ActivationSummary*>& rows, bool epochs) {
    for (const PairSummary& p : summary.pairs) {
      const auto in = [&rows](const std::string& a) {
        return std::any_of(rows.begin(), rows.end(), [&a](const ActivationSummary* r) { return r->activation == a; });
      };
      if (in(p.first) && in(p.second) && (epochs ? p.epochs : p.accuracy).verdict == Verdict::too_few_seeds)
        return false;
    }
    return true;
  };
  const bool paired = result.config.seeds >= kMinPairedSeeds && all_judged(reached, true);
  std::vector<const ActivationSummary*> all_rows;
  for (const auto& r : summary.rows) all_rows.push_back(&r);
  const bool paired_accuracy = result.config.seeds >= kMinPairedSeeds && all_judged(all_rows, false);
  const auto epochs_of = [paired](const ActivationSummary* r) {
    return paired ? r->epochs_to_target_median.median : r->epochs_to_target.mean;
  };
  std::stable_sort(reached.begin(), reached.end(), [&](auto* a, auto* b) { return epochs_of(a) < epochs_of(b); });
  if (!reached.empty()) {
    std::vector<std::vector<const ActivationSummary*>> groups;
    for (const auto* r : reached) {
      const bool new_group =
          groups.empty() || (paired ? beyond_noise(summary, groups.back().front()->activation, r->activation, true)
                                    : epochs_of(groups.back().front()) != epochs_of(r));
      if (new_group) groups.emplace_back();
      groups.back().push_back(r);
    }
    auto names = [](const std::vector<const ActivationSummary*>& items) {
      std::vector<std::string> labels;
      for (const ActivationSummary* r : items) labels.push_back(activation_label(r->activation));
      return join(labels);
    };
    auto epochs = [&](const std::vector<const ActivationSummary*>& group) {
      const double low = epochs_of(group.front()), high = epochs_of(group.back());
      std::string text = (paired ? "median epoch " : "epoch ") + fixed(low, epoch_decimals);
      if (high != low) text += " to " + fixed(high, epoch_decimals);
      if (paired && group.size() > 1) text += ", within noise of each other";
      return text;
    };
    std::string s = names(groups.front()) + " reached the target first (" + epochs(groups.front()) + ")";
    for (std::size_t i = 1; i < groups.size(); ++i)
      s += std::string(i + 1 == groups.size() ? " and " : ", ") + (i == 1 ? "then " : "") + names(groups[i]) + " (" +
           epochs(groups[i]) + ")";
    if (result.config.seeds > 1 && !paired) s += " (too few seeds to call these differences real)";
    out.push_back(s + ".");
  }
  for (const auto* r : reached) {
    const double final_acc = result.has_test ? r->final_test_accuracy.mean : r->final_train_accuracy.mean;
    if (!std::isnan(summary.accuracy_target) && final_acc < summary.accuracy_target) {
      out.push_back(activation_label(r->activation) + " reached the target but did not stay there: it ended at " +
                    fixed(final_acc, 4) + ".");
    }
  }
  for (const auto* r : never)
    out.push_back(activation_label(r->activation) + " never reached the target in " + std::to_string(epochs) +
                  " epochs.");
  // 2. Where the first layer's gradient vanished relative to the last layer's.
  std::vector<std::string> vanished, healthy;
  for (const auto& r : summary.rows) {
    if (std::isnan(r.grad_ratio.mean)) continue;
    (r.grad_ratio.mean < 0.1 ? vanished : healthy)
        .push_back(activation_label(r.activation) + " " + ratio(r.grad_ratio.mean) + "x");
  }
  if (!vanished.empty()) {
    out.push_back("Gradients vanished on the way down for " + join(vanished) +
                  " (first layer's weight-gradient norm over the last layer's, epoch 1)" +
                  (healthy.empty() ? "." : "; they stayed comparable for " + join(healthy) + "."));
  } else if (!healthy.empty()) {
    out.push_back(
        "No activation's gradient vanished: the first layer's gradient norm stayed within 10x of the last layer's (" +
        join(healthy) + ").");
  }
  // 3. Dead and saturated units at the end.
  std::vector<std::string> dead, saturated;
  for (const auto& r : summary.rows) {
    if (r.dead_fraction.mean > 0) dead.push_back(activation_label(r.activation) + " " + percent(r.dead_fraction.mean));
    if (saturates(r.activation) && r.saturated_fraction.mean > 0)
      saturated.push_back(activation_label(r.activation) + " " + percent(r.saturated_fraction.mean));
  }
  out.push_back(
      dead.empty()
          ? "No hidden unit died (every unit had a non-zero derivative on some sample in the last epoch)."
          : "Dead units at the end (zero derivative on every training sample of the last epoch): " + join(dead) + ".");
  if (!saturated.empty())
    out.push_back(
        "Saturated units at the end (derivative below 1% of its maximum on every sample): " + join(saturated) + ".");
  // 4. The best final accuracy (every activation within 0.00005 of it is named), and whether any
  // activation learned much at all: against chance, a relative target says little.
  double best_acc = -1;
  for (const auto& r : summary.rows)
    best_acc = std::max(best_acc, result.has_test ? r.final_test_accuracy.mean : r.final_train_accuracy.mean);
  std::vector<std::string> best;
  for (const auto& r : summary.rows)
    if ((result.has_test ? r.final_test_accuracy.mean : r.final_train_accuracy.mean) >= best_acc - 5e-5)
      best.push_back(activation_label(r.activation));
  if (!best.empty()) {
    std::vector<std::string>
        close;  // with kMinPairedSeeds seeds or more: those the paired comparison cannot tell apart
    for (const auto& r : summary.rows) {
      const std::string label = activation_label(r.activation);
      if (!paired_accuracy || std::find(best.begin(), best.end(), label) != best.end()) continue;
      const auto leader = std::find_if(summary.rows.begin(), summary.rows.end(), [&](const ActivationSummary& x) {
        return activation_label(x.activation) == best.front();
      });
      if (!beyond_noise(summary, leader->activation, r.activation, false)) close.push_back(label);
    }
    out.push_back("Best final " + std::string(result.has_test ? "test" : "train") + " accuracy: " + join(best) + " (" +
                  fixed(best_acc, 4) + ")" + (close.empty() ? "" : "; within noise of it: " + join(close)) + ".");
  }
  // 6. What the seeds say is real: the paired verdicts, never a difference whose interval holds 0.
  if (result.config.seeds > 1 && !summary.pairs.empty()) {
    std::vector<std::string> faster, tied_epochs, accurate, tied_accuracy;
    bool too_few = false;
    for (const PairSummary& p : summary.pairs) {
      const std::string a = activation_label(p.first), b = activation_label(p.second);
      const auto by = [](double d, std::string (*format)(double)) { return format(std::abs(d)); };
      switch (p.epochs.verdict) {
        case Verdict::first_better:
        case Verdict::second_better: {
          const bool first = p.epochs.verdict == Verdict::first_better;
          faster.push_back((first ? a + " than " + b : b + " than " + a) + " (by " + by(p.epochs.mean_difference, two) +
                           " epochs, on " + std::to_string(first ? p.first_sooner : p.second_sooner) + " of " +
                           std::to_string(p.epochs.pairs) + " seeds)");
          break;
        }
        case Verdict::within_noise: tied_epochs.push_back(a + " vs " + b); break;
        case Verdict::too_few_seeds:
          // Seeds on which one never got there drop out of the difference (the sentence above names who
          // never reached it); too few are left only when both got there on some.
          too_few = too_few || (p.first_sooner + p.same_epoch > 0 && p.second_sooner + p.same_epoch > 0);
          break;
      }
      switch (p.accuracy.verdict) {
        case Verdict::first_better:
        case Verdict::second_better: {
          const bool first = p.accuracy.verdict == Verdict::first_better;
          accurate.push_back((first ? a + " than " + b : b + " than " + a) + " (by " +
                             by(p.accuracy.mean_difference, four) + ")");
          break;
        }
        case Verdict::within_noise: tied_accuracy.push_back(a + " vs " + b); break;
        case Verdict::too_few_seeds: too_few = true; break;
      }
    }
    if (!faster.empty())
      out.push_back("Reached the target faster, beyond seed-to-seed noise (paired 95% interval excluding 0): " +
                    join(faster) + ".");
    if (!tied_epochs.empty()) out.push_back("Within noise in epochs to target: " + join(tied_epochs) + ".");
    if (!accurate.empty()) out.push_back("Ended more accurate, beyond noise: " + join(accurate) + ".");
    if (!tied_accuracy.empty()) out.push_back("Within noise in final accuracy: " + join(tied_accuracy) + ".");
    if (too_few)
      out.push_back("Some pairs have fewer than " + std::to_string(kMinPairedSeeds) +
                    " seeds with both figures: no difference between them is called real (use --seeds " +
                    std::to_string(kMinPairedSeeds) + " or more).");
  }
  // 5. In a grid, how wide a range of learning rates gets each activation there.
  if (settings_of(result.config).size() > 1) {
    std::vector<std::string> ranges;
    for (const std::string& activation : result.config.activations) {
      std::vector<double> reaching;
      int cells = 0;
      for (const GridCell& c : summary.grid) {
        if (c.activation != activation) continue;
        ++cells;
        if (c.reaches_target) reaching.push_back(c.setting.lr);
      }
      if (cells == 0) continue;
      std::string text = activation_label(activation) + " at ";
      if (reaching.empty()) {
        text += "none of its " + std::to_string(cells) + " settings";
      } else {
        const auto [low, high] = std::minmax_element(reaching.begin(), reaching.end());
        text +=
            std::to_string(reaching.size()) + " of " + std::to_string(cells) + " (lr " +
            (*low == *high ? format_general(*low, 3) : format_general(*low, 3) + " to " + format_general(*high, 3)) +
            ")";
      }
      ranges.push_back(text);
    }
    const std::string level = std::isnan(summary.accuracy_target)
                                  ? "the target train loss"
                                  : "the target accuracy (" + fixed(summary.accuracy_target, 3) + ") on validation";
    if (!ranges.empty()) out.push_back("Settings that reach " + level + ": " + join(ranges) + ".");
  }
  if (best_acc >= 0 && best_acc < result.chance_accuracy + 0.1) {
    out.push_back("No activation got far beyond chance (always guessing the largest class scores " +
                  fixed(result.chance_accuracy, 4) + "): the epochs to target above compare failures.");
  }
  return out;
}

}  // namespace ember
