// The report of `ember compare`: table, findings, CSV and SVG.
#include "ember/lab/study/compare_report.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "ember/core/engine/format.hpp"
#include "ember/core/nn/activation_modules.hpp"
#include "ember/lab/formula/formula.hpp"
#include "ember/lab/plot/svg_plot.hpp"

namespace ember {

namespace {

// Table cells: "-" for a missing figure (NaN).
std::string fixed(double v, int decimals) { return std::isnan(v) ? "-" : format_fixed(v, decimals); }

std::string scientific(double v) { return std::isnan(v) ? "-" : format_scientific(v, 2); }

// "0.1234" for one seed, "0.1234 ± 0.0012" for several.
std::string cell(const Stat& s, int seeds, std::string (*format)(double)) {
  if (std::isnan(s.mean)) return "-";
  return seeds > 1 ? format(s.mean) + " ± " + format(s.std) : format(s.mean);
}

std::string four(double v) { return fixed(v, 4); }
// A ratio that may be tiny (1.6e-07 at depth 8): two significant digits, never rounded to 0.00.
std::string ratio(double v) {
  if (std::isnan(v)) return "-";
  return v >= 0.01 ? format_fixed(v, 2) : format_scientific(v, 1);
}
std::string percent(double v) { return std::isnan(v) ? "-" : fixed(100 * v, 1) + "%"; }
std::string one(double v) { return fixed(v, 1); }
std::string two(double v) { return fixed(v, 2); }

// The saturated units are shown for the activations that flatten out (sigmoid, tanh) and for every
// formula; for relu and its kin a flat unit is a dead one, already counted.
bool saturates(const std::string& activation) {
  if (activation == "sigmoid" || activation == "tanh") return true;
  const auto& core = nn::activation_names();
  return std::find(core.begin(), core.end(), activation.substr(0, activation.find(':'))) == core.end();
}

bool has_runs(const CompareResult& result, const std::string& activation) {
  return std::any_of(result.runs.begin(), result.runs.end(),
                     [&](const CompareRun& run) { return run.activation == activation; });
}

// Pads every column of a table of strings to its widest cell (counting UTF-8 characters).
std::string align(const std::vector<std::vector<std::string>>& rows) {
  auto width_of = [](const std::string& s) {
    std::size_t n = 0;
    for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
    return n;
  };
  std::vector<std::size_t> widths;
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (widths.size() <= c) widths.push_back(0);
      widths[c] = std::max(widths[c], width_of(row[c]));
    }
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - width_of(row[c]), ' ');
      out += c == 0 ? row[c] + pad : "  " + pad + row[c];
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();  // an empty last cell leaves no trailing spaces
    out += "\n";
  }
  return out;
}

}  // namespace

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

std::string summary_table(const Summary& summary, const CompareResult& result) {
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
  return align(rows) + notes + "target: " + summary.target_description + "\n" +
         (grid ? "each activation at the setting with the " +
                     std::string(result.config.select == "acc" ? "highest mean final validation accuracy"
                                                               : "lowest mean final validation loss") +
                     " (test figures: that setting's only)\n"
               : "") +
         (result.interrupted || result.incomplete_results
              ? interrupted_note(result) + ": only the finished runs are shown\n"
              : "");
}

std::string pairs_table(const Summary& summary, const CompareResult& result) {
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
  return "paired by seed (seed s gives A and B the same weights and batches; a verdict only where the\n"
         "interval of the mean difference excludes 0):\n" +
         align(rows);
}

std::string grid_table(const Summary& summary, const CompareResult& result) {
  const int seeds = result.config.seeds;
  std::vector<std::vector<std::string>> rows = {
      {"activation", "optimizer", "lr", "val loss", "val acc", "diverged", "chosen"}};
  for (const GridCell& c : summary.grid) {
    rows.push_back({activation_label(c.activation), c.setting.optimizer, format_general(c.setting.lr, 3),
                    cell(c.final_val_loss, seeds, four), cell(c.final_val_accuracy, seeds, four),
                    c.diverged > 0 ? std::to_string(c.diverged) + "/" + std::to_string(c.seeds) : "-",
                    c.chosen ? "*" : ""});
  }
  return "the grid (validation figures, final epoch" + std::string(seeds > 1 ? ", mean ± std over seeds" : "") +
         "):\n" + align(rows);
}

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
      std::string s;
      for (std::size_t i = 0; i < items.size(); ++i)
        s += (i == 0 ? "" : (i + 1 == items.size() ? " and " : ", ")) + activation_label(items[i]->activation);
      return s;
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
  auto join = [](const std::vector<std::string>& items) {
    std::string s;
    for (std::size_t i = 0; i < items.size(); ++i)
      s += (i == 0 ? "" : (i + 1 == items.size() ? " and " : ", ")) + items[i];
    return s;
  };
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
      csv << run.activation << ',' << run.setting.optimizer << ',' << number(run.setting.lr) << ',' << run.seed << ','
          << (chosen ? "yes" : "no") << ',' << e.epoch << ',' << number(e.train_loss) << ',' << number(e.train_accuracy)
          << ',' << optional(e.val_loss) << ',' << optional(e.val_accuracy) << ',';
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
