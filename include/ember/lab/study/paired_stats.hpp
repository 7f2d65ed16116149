// Whether a difference between two activations in `ember compare` is real or seed-to-seed noise: bootstrap
// confidence intervals for a mean and a median, and the paired comparison of two activations' figures, seed
// by seed (seed s gives both the same initial weights and batches, so their difference on s is the effect).
// Here only the statistics, on plain vectors of doubles; which figures are compared and how the verdicts are
// shown belong to the study (compare.hpp, compare_report.hpp). Next: src/lab/study/paired_stats.cpp.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace ember {

struct Interval {
  double low = NAN, high = NAN;
  bool contains(double v) const;  // low <= v <= high; false for a NaN interval
};

// The q-quantile of the values (sorted here, in the copy), linear between order statistics as NumPy's
// default method: with sorted m_0..m_{n-1} and h = (n-1)·q, m_⌊h⌋ + (h - ⌊h⌋)·(m_⌈h⌉ - m_⌊h⌋).
// NaN when there are no values or any is NaN (as np.quantile); q outside [0, 1] throws.
double quantile_linear(std::vector<double> sorted_or_not, double q);
// Several quantiles of one set, each exactly quantile_linear's, in the order of qs; found by selection
// (nth_element: linear time) rather than a sort, for large sets (a layer's activations: lab/monitor/diagnostics.hpp).
std::vector<double> quantiles_linear(std::vector<double> values, const std::vector<double>& qs);

// The mean of x with a percentile-bootstrap interval: `resamples` resamples of x (with replacement, same
// size) drawn from Generator(seed), each one's mean; the interval runs between the (1-confidence)/2 and
// (1+confidence)/2 quantiles of those means. NaN entries are skipped first; count is what remains.
// Empty: mean and interval NaN. One value v: mean v, interval [v, v].
struct MeanEstimate {
  double mean = NAN;
  Interval ci;
  int count = 0;
};
MeanEstimate bootstrap_mean(const std::vector<double>& x, std::uint64_t seed, int resamples = 10000,
                            double confidence = 0.95);

// The same for the median (of an even count: the mean of the two middle values).
struct MedianEstimate {
  double median = NAN;
  Interval ci;
  int count = 0;
};
MedianEstimate bootstrap_median(const std::vector<double>& x, std::uint64_t seed, int resamples = 10000,
                                double confidence = 0.95);

enum class Verdict { first_better, second_better, within_noise, too_few_seeds };

// first[s] and second[s]: one figure of two activations on seed s. A pair with a NaN on either side is
// skipped (a seed that never reached the target), and so is one whose difference is NaN (∞ on both sides).
// d_s = first[s] - second[s].
struct PairedComparison {
  int pairs = 0;                                      // seeds with both figures
  int first_better = 0, second_better = 0, ties = 0;  // seeds on which each was better (by lower_is_better)
  double mean_difference = NAN;                       // mean of d_s
  Interval ci;                                        // bootstrap_mean(d, seed, resamples, confidence).ci
  Verdict verdict = Verdict::too_few_seeds;
};

// Fewer than min_pairs pairs: too_few_seeds (an interval from one or two seeds means nothing); an interval
// holding 0: within_noise; otherwise the side it lies on. lower_is_better: epochs to target and loss (a
// negative d is first's win); false for accuracy (a positive d is).
PairedComparison compare_paired(const std::vector<double>& first, const std::vector<double>& second,
                                bool lower_is_better, std::uint64_t seed, int resamples = 10000,
                                double confidence = 0.95, int min_pairs = 3);

// Bad arguments throw std::invalid_argument, naming the function and the value: resamples < 1, a confidence
// outside (0, 1), first and second of different lengths, min_pairs < 1 (and quantile_linear's q outside [0, 1]).

// Words for tables: "first better", "second better", "within noise", "too few seeds".
std::string verdict_name(Verdict v);

}  // namespace ember
