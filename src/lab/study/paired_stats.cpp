// The bootstrap behind `ember compare`'s verdicts: resample the seeds with replacement many times, take the
// statistic of each resample, and read the interval off the quantiles of those statistics (the percentile
// bootstrap: no normality assumed, slightly too narrow for few seeds). Then the paired comparison, which
// bootstraps the seed-by-seed differences. Declared and documented in include/ember/lab/study/paired_stats.hpp;
// tested against NumPy in tests/test_paired_stats.cpp.
#include "ember/lab/study/paired_stats.hpp"

#include <algorithm>
#include <stdexcept>

#include "ember/core/engine/format.hpp"
#include "ember/core/engine/random.hpp"

namespace ember {

namespace {

std::vector<double> without_nan(const std::vector<double>& x) {
  std::vector<double> kept;
  kept.reserve(x.size());
  for (double v : x)
    if (!std::isnan(v)) kept.push_back(v);
  return kept;
}

// x̄ = Σ x_i / n, summed in index order so that every compiler gives the same bits.
double mean_of(const std::vector<double>& x) {
  if (x.empty()) return NAN;
  double sum = 0;
  for (double v : x) sum += v;
  return sum / static_cast<double>(x.size());
}

// median = m_{(n-1)/2} for odd n, (m_{n/2-1} + m_{n/2}) / 2 for even n, m sorted. Reorders `values`:
// nth_element places the upper middle value and leaves the smaller ones before it, unsorted, which costs
// O(n) instead of a sort's O(n log n) in each of the thousands of resamples.
double median_in_place(std::vector<double>& values) {
  if (values.empty()) return NAN;
  const std::size_t n = values.size();
  const auto upper_middle = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), upper_middle, values.end());
  if (n % 2 == 1) return *upper_middle;
  const double lower_middle = *std::max_element(values.begin(), upper_middle);
  return (lower_middle + *upper_middle) / 2;
}

double median_of(std::vector<double> values) { return median_in_place(values); }

void check_bootstrap_arguments(const std::string& function, int resamples, double confidence) {
  if (resamples < 1)
    throw std::invalid_argument(function + ": resamples must be at least 1, got " + std::to_string(resamples));
  // Written so that a NaN confidence fails too.
  if (!(confidence > 0 && confidence < 1))
    throw std::invalid_argument(function + ": confidence must lie strictly between 0 and 1, got " +
                                format_general(confidence, 6));
}

// The percentile interval of `statistic` over `resamples` resamples of x (no NaN in x). Resample r takes its
// n indices as the next n draws of Generator(seed).below(n), never std::uniform_int_distribution (whose draws
// differ between standard libraries): the same seed gives the same interval on every machine and compiler.
template <typename Statistic>
Interval percentile_interval(const std::vector<double>& x, std::uint64_t seed, int resamples, double confidence,
                             Statistic statistic) {
  if (x.empty()) return {};
  const auto n = static_cast<std::uint32_t>(x.size());
  Generator generator(seed);
  std::vector<double> resample(x.size());
  std::vector<double> statistics;
  statistics.reserve(static_cast<std::size_t>(resamples));
  for (int r = 0; r < resamples; ++r) {
    for (double& v : resample) v = x[generator.below(n)];
    statistics.push_back(statistic(resample));
  }
  std::sort(statistics.begin(), statistics.end());
  return {quantile_linear(statistics, (1 - confidence) / 2), quantile_linear(statistics, (1 + confidence) / 2)};
}

}  // namespace

bool Interval::contains(double v) const { return low <= v && v <= high; }

double quantile_linear(std::vector<double> sorted_or_not, double q) {
  return quantiles_linear(std::move(sorted_or_not), {q}).front();
}

// h = (n-1)·q; Q(q) = m_⌊h⌋ + (h - ⌊h⌋)·(m_⌈h⌉ - m_⌊h⌋). NumPy 1.24 computes h as n·q + (1-q) - 1 and, for
// h - ⌊h⌋ >= 0.5, the interpolation from the upper end; both agree with this to a few units of the last bit.
// m_⌊h⌋ and m_⌈h⌉ are found by selection, not by a full sort: the very values a sort would put there.
std::vector<double> quantiles_linear(std::vector<double> values, const std::vector<double>& qs) {
  for (double q : qs)
    if (!(q >= 0 && q <= 1))
      throw std::invalid_argument("quantile_linear: q must lie in [0, 1], got " + format_general(q, 6));
  std::vector<double> quantiles(qs.size(), NAN);
  std::vector<double>& m = values;
  // A NaN has no place in an order (and would break std::nth_element's); np.quantile answers NaN too.
  if (m.empty() || std::any_of(m.begin(), m.end(), [](double v) { return std::isnan(v); })) return quantiles;
  // In ascending q, each selection searches only above the last: nth_element(i) leaves every value after
  // position i at least m_i, and every value before it at most m_i.
  std::vector<std::size_t> order(qs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&qs](std::size_t a, std::size_t b) { return qs[a] < qs[b]; });
  auto searched_from = m.begin();
  for (std::size_t i : order) {
    const double h = static_cast<double>(m.size() - 1) * qs[i];
    const double below = std::floor(h);
    const auto lower = static_cast<std::size_t>(below);
    const double fraction = h - below;
    const auto at = m.begin() + static_cast<std::ptrdiff_t>(lower);
    std::nth_element(searched_from, at, m.end());  // m_⌊h⌋
    searched_from = at;
    // A fraction of 0 (h on an order statistic, q = 1 included) takes m_lower as it is: 0·(∞ - ∞) is NaN.
    if (fraction == 0) {
      quantiles[i] = *at;
      continue;
    }
    const double upper = *std::min_element(at + 1, m.end());  // m_⌈h⌉ = m_⌊h⌋₊₁, the least value after it
    quantiles[i] = *at + fraction * (upper - *at);
  }
  return quantiles;
}

MeanEstimate bootstrap_mean(const std::vector<double>& x, std::uint64_t seed, int resamples, double confidence) {
  check_bootstrap_arguments("bootstrap_mean", resamples, confidence);
  const std::vector<double> values = without_nan(x);
  MeanEstimate estimate;
  estimate.count = static_cast<int>(values.size());
  estimate.mean = mean_of(values);
  estimate.ci = percentile_interval(values, seed, resamples, confidence, mean_of);
  return estimate;
}

MedianEstimate bootstrap_median(const std::vector<double>& x, std::uint64_t seed, int resamples, double confidence) {
  check_bootstrap_arguments("bootstrap_median", resamples, confidence);
  const std::vector<double> values = without_nan(x);
  MedianEstimate estimate;
  estimate.count = static_cast<int>(values.size());
  estimate.median = median_of(values);
  estimate.ci = percentile_interval(values, seed, resamples, confidence, median_in_place);
  return estimate;
}

PairedComparison compare_paired(const std::vector<double>& first, const std::vector<double>& second,
                                bool lower_is_better, std::uint64_t seed, int resamples, double confidence,
                                int min_pairs) {
  if (first.size() != second.size())
    throw std::invalid_argument("compare_paired: first has " + std::to_string(first.size()) + " figures and second " +
                                std::to_string(second.size()) + "; they must be paired, one figure per seed each");
  // With min_pairs 0 an empty comparison (a NaN interval, which holds nothing) would get a side's verdict.
  if (min_pairs < 1)
    throw std::invalid_argument("compare_paired: min_pairs must be at least 1, got " + std::to_string(min_pairs));
  check_bootstrap_arguments("compare_paired", resamples, confidence);

  // d_s = first_s - second_s, over the seeds with both figures. A NaN on either side makes d_s NaN, and so
  // does ∞ - ∞ (both sides infinite), which has no sign either: one test skips them all.
  std::vector<double> differences;
  for (std::size_t s = 0; s < first.size(); ++s) {
    const double d = first[s] - second[s];
    if (!std::isnan(d)) differences.push_back(d);
  }

  PairedComparison comparison;
  comparison.pairs = static_cast<int>(differences.size());
  for (double d : differences) {
    if (d == 0) {
      ++comparison.ties;
    } else if ((d < 0) == lower_is_better) {
      ++comparison.first_better;
    } else {
      ++comparison.second_better;
    }
  }
  const MeanEstimate estimate = bootstrap_mean(differences, seed, resamples, confidence);
  comparison.mean_difference = estimate.mean;
  comparison.ci = estimate.ci;

  if (comparison.pairs < min_pairs) {
    comparison.verdict = Verdict::too_few_seeds;
  } else if (comparison.ci.contains(0)) {
    comparison.verdict = Verdict::within_noise;
  } else {
    // The whole interval lies on one side of 0: below it, first's figures are the lower ones.
    const bool first_lower = comparison.ci.high < 0;
    comparison.verdict = first_lower == lower_is_better ? Verdict::first_better : Verdict::second_better;
  }
  return comparison;
}

std::string verdict_name(Verdict v) {
  switch (v) {
    case Verdict::first_better: return "first better";
    case Verdict::second_better: return "second better";
    case Verdict::within_noise: return "within noise";
    case Verdict::too_few_seeds: return "too few seeds";
  }
  return "unknown verdict";
}

}  // namespace ember
