// The replications' common parts (replicate.hpp): the list of experiments, the outcome of a whole
// replication, and the two rules that decide a check — a paired bootstrap over seeds, and Wilson's
// interval for a proportion.
#include "ember/lab/study/replicate.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "ember/core/engine/format.hpp"
#include "ember/core/nn/init.hpp"
#include "ember/lab/data/builtin.hpp"
#include "ember/lab/data/split.hpp"
#include "replicate_common.hpp"

namespace ember {

// Defined in replicate_init.cpp and replicate_activations.cpp.
Experiment glorot_2010();
Experiment he_2015();
Experiment lu_2019();
Experiment clevert_2016();
Experiment ramachandran_2017();

std::string outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::reproduced: return "reproduced";
    case Outcome::not_reproduced: return "not reproduced";
    case Outcome::inconclusive: return "inconclusive";
  }
  return "inconclusive";
}

Outcome Replication::outcome() const {
  bool all = !checks.empty();
  for (const Check& c : checks) {
    if (c.outcome == Outcome::not_reproduced) return Outcome::not_reproduced;
    all = all && c.outcome == Outcome::reproduced;
  }
  return all ? Outcome::reproduced : Outcome::inconclusive;
}

const std::vector<Experiment>& replication_experiments() {
  static const std::vector<Experiment> all = {glorot_2010(), he_2015(), lu_2019(), clevert_2016(), ramachandran_2017()};
  return all;
}

const Experiment& find_experiment(const std::string& name) {
  std::string known;
  for (const Experiment& e : replication_experiments()) {
    if (e.name == name) return e;
    known += (known.empty() ? "" : ", ") + e.name;
  }
  throw std::invalid_argument("no experiment \"" + name + "\"; the experiments are " + known +
                              " (ember replicate --list)");
}

Outcome paired_rule(const std::vector<double>& a, const std::vector<double>& b, bool a_greater, std::uint64_t seed,
                    std::string& because) {
  // Five seeds at least, as compare's verdicts: below that a percentile bootstrap has too few resamples.
  const PairedComparison c = compare_paired(a, b, !a_greater, seed, 10000, 0.95, 5);
  because = "mean difference " + format_general(c.mean_difference, 4) + ", 95% interval [" +
            format_general(c.ci.low, 4) + ", " + format_general(c.ci.high, 4) + "] over " + std::to_string(c.pairs) +
            " seeds";
  if (c.verdict == Verdict::too_few_seeds) {
    because += " (fewer than 5: no verdict)";
    return Outcome::inconclusive;
  }
  if (c.verdict == Verdict::within_noise) return Outcome::inconclusive;
  return c.verdict == Verdict::first_better ? Outcome::reproduced : Outcome::not_reproduced;
}

Interval Proportion::wilson() const {
  if (trials <= 0) return {};
  // Wilson (1927): the p whose normal test at z = 1.96 just accepts k of n; unlike p ± z·√(p(1−p)/n) it stays
  // inside [0, 1] and does not collapse to a point when k is 0 or n.
  const double z = 1.959963984540054, n = trials, p = value();
  const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  const double half = z / (1 + z * z / n) * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

}  // namespace ember

// ---- what the experiments share (replicate_common.hpp) ----

namespace ember::replicate {

Data load(const std::string& dataset, std::uint64_t seed) {
  DataOptions options;
  options.dataset = dataset;
  options.seed = seed;
  auto [train, test] = load_train_test(options, 0.2);
  const Standardizer standardizer = Standardizer::fit(train.X);
  standardizer.apply(train.X);
  standardizer.apply(test.X);
  Data data{train, test, ""};
  data.description = dataset + " (" + std::to_string(train.size()) + " training points, " +
                     std::to_string(test.size()) + " test, " + std::to_string(train.num_features()) + " features, " +
                     std::to_string(train.num_classes()) + " classes)";
  return data;
}

CompareResult run_arm(const Data& data, const TrainConfig& base, const std::vector<std::string>& activations, int seeds,
                      const ReplicateOptions& options, bool layer_health) {
  if (options.progress) {
    std::string names;
    for (const std::string& a : activations) names += (names.empty() ? "" : ", ") + a;
    options.progress(names + ": " + std::to_string(base.hidden.size()) + " hidden layers of " +
                     std::to_string(base.hidden.front()) + ", init " + nn::to_string(base.init_scheme) + ", " +
                     base.optimizer + " lr " + format_general(base.lr, 3) + ", " + std::to_string(base.epochs) +
                     " epochs, " + std::to_string(seeds) + " seeds");
  }
  CompareConfig config;
  config.base = base;
  config.activations = activations;
  config.seeds = seeds;
  config.jobs = options.jobs;
  config.layer_health = layer_health;
  return run_comparison(data.train, data.test, config);
}

std::vector<double> per_seed(const CompareResult& arm, const std::string& activation,
                             const std::function<double(const CompareRun&)>& figure) {
  std::vector<double> values;
  for (const CompareRun& run : arm.runs)
    if (run.activation == activation) values.push_back(figure(run));
  return values;
}

std::string number_list(const std::vector<int>& numbers) {
  std::string list;
  for (int n : numbers) list += (list.empty() ? "" : ", ") + std::to_string(n);
  return list;
}

std::vector<Index> layers(int depth, Index width) { return std::vector<Index>(static_cast<std::size_t>(depth), width); }

Check paired_check(const std::string& claim, const std::string& rule, std::vector<Measured> figures,
                   const std::vector<double>& a, const std::vector<double>& b, bool a_greater, std::uint64_t seed) {
  Check check;
  check.claim = claim;
  check.rule = rule;
  check.figures = std::move(figures);
  check.outcome = paired_rule(a, b, a_greater, seed, check.because);
  return check;
}

plot::Series loss_curve(const CompareResult& arm, const std::string& activation, const std::string& label, int style) {
  plot::Series series;
  series.label = label;
  series.style = style;
  for (const CompareRun& run : arm.runs) {
    if (run.activation != activation) continue;
    for (std::size_t e = 0; e < run.epochs.size(); ++e) {
      if (series.x.size() <= e) {
        series.x.push_back(static_cast<double>(e + 1));
        series.y.push_back(0);
        series.band_low.push_back(INFINITY);
        series.band_high.push_back(-INFINITY);
      }
      const double loss = run.epochs[e].train_loss;
      series.y[e] += loss;
      series.band_low[e] = std::min(series.band_low[e], loss);
      series.band_high[e] = std::max(series.band_high[e], loss);
    }
  }
  const double seeds = static_cast<double>(std::count_if(
      arm.runs.begin(), arm.runs.end(), [&](const CompareRun& run) { return run.activation == activation; }));
  for (double& y : series.y) y /= seeds;
  return series;
}

Check threshold_check(const std::string& claim, const std::string& rule, const Measured& figure, double threshold,
                      bool above, std::uint64_t seed) {
  Check check;
  check.claim = claim;
  check.rule = rule;
  check.figures = {figure};
  const MeanEstimate m = bootstrap_mean(figure.values, seed);
  check.because = "mean " + format_general(m.mean, 4) + ", 95% interval [" + format_general(m.ci.low, 4) + ", " +
                  format_general(m.ci.high, 4) + "] over " + std::to_string(m.count) + " seeds, against " +
                  format_general(threshold, 4);
  const bool claimed_side = above ? m.ci.low > threshold : m.ci.high < threshold;
  const bool other_side = above ? m.ci.high < threshold : m.ci.low > threshold;
  if (m.count < 5) {
    check.because += " (fewer than 5 seeds: no verdict)";
    check.outcome = Outcome::inconclusive;
  } else {
    check.outcome = claimed_side ? Outcome::reproduced : other_side ? Outcome::not_reproduced : Outcome::inconclusive;
  }
  return check;
}

}  // namespace ember::replicate
