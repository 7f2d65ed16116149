// Tests for src/lab/study/paired_stats.cpp: quantile_linear(), means and medians against NumPy, and the whole
// bootstrap against an independent Python one that replays Generator's draws (tests/reference/stats_reference.json,
// from tests/reference/make_stats_reference.py); the same seed giving the same bits; the 95% interval's coverage
// over 400 synthetic paired studies; compare_paired()'s counts and verdicts; medians; the messages of bad
// arguments word for word. Not here: `ember compare` itself (test_compare.cpp).
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ember/core/engine/random.hpp"
#include "ember/lab/study/paired_stats.hpp"
#include "reference_data.hpp"

using ember::bootstrap_mean;
using ember::bootstrap_median;
using ember::compare_paired;
using ember::quantile_linear;
using ember::Verdict;
using nlohmann::json;

namespace {

const json& stats_data() {
  static const json document = reference::load("stats_reference.json", "make_stats_reference.py");
  return document;
}

std::vector<double> numbers(const json& values) {
  std::vector<double> out;
  for (const json& v : values) out.push_back(reference::number(v));
  return out;
}

// NumPy and Ember take different roundings to the same quantile (see quantile_linear's comment) and NumPy sums
// a mean pairwise: a few ulps apart. 1e-12 is far above that and far below any real difference.
Approx close(double want) { return Approx(want).epsilon(1e-12).margin(1e-12); }

const double missing = std::numeric_limits<double>::quiet_NaN();  // a figure a seed does not have

}  // namespace

// ---- against NumPy ----

TEST_CASE("quantile_linear, the mean and the median are NumPy's", "[stats]") {
  const json& cases = stats_data().at("quantiles");
  REQUIRE(cases.size() >= 8);
  for (const json& c : cases) {
    INFO("case: " << c.at("name").get<std::string>());
    const std::vector<double> values = numbers(c.at("values"));
    const std::vector<double> qs = numbers(c.at("qs"));
    const std::vector<double> quantiles = numbers(c.at("quantiles"));
    REQUIRE(qs.size() == quantiles.size());
    for (std::size_t k = 0; k < qs.size(); ++k) {
      INFO("q = " << qs[k]);
      CHECK(quantile_linear(values, qs[k]) == close(quantiles[k]));
    }
    CHECK(bootstrap_mean(values, 0, 1).mean == close(c.at("mean").get<double>()));
    CHECK(bootstrap_median(values, 0, 1).median == close(c.at("median").get<double>()));
  }
}

// The Python replays Generator's stream itself (NumPy's MT19937 is the same engine), so this pins everything at
// once: which draws make which resample, each resample's size and statistic, and the quantiles taken of them.
TEST_CASE("the bootstrap intervals are an independent Python bootstrap's, draw for draw", "[stats]") {
  const json& cases = stats_data().at("bootstrap");
  REQUIRE(cases.size() >= 4);
  for (const json& c : cases) {
    INFO("case: " << c.at("name").get<std::string>());
    const std::vector<double> values = numbers(c.at("values"));
    const auto seed = c.at("seed").get<std::uint64_t>();
    const int resamples = c.at("resamples").get<int>();
    const double confidence = c.at("confidence").get<double>();

    const ember::MeanEstimate mean = bootstrap_mean(values, seed, resamples, confidence);
    CHECK(mean.count == c.at("count").get<int>());
    CHECK(mean.mean == close(c.at("mean").get<double>()));
    CHECK(mean.ci.low == close(c.at("mean_ci")[0].get<double>()));
    CHECK(mean.ci.high == close(c.at("mean_ci")[1].get<double>()));

    const ember::MedianEstimate median = bootstrap_median(values, seed, resamples, confidence);
    CHECK(median.count == c.at("count").get<int>());
    CHECK(median.median == close(c.at("median").get<double>()));
    CHECK(median.ci.low == close(c.at("median_ci")[0].get<double>()));
    CHECK(median.ci.high == close(c.at("median_ci")[1].get<double>()));
  }
}

TEST_CASE("quantile_linear: by hand, the ends, NaN and an empty vector", "[stats]") {
  // h = (4-1)·0.5 = 1.5: halfway between m_1 = 2 and m_2 = 3 (n·q = 2 would give m_2 = 3).
  CHECK(quantile_linear({4, 1, 3, 2}, 0.5) == 2.5);
  // h = 3·0.9 = 2.7: 3 + 0.7·(4 - 3).
  CHECK(quantile_linear({4, 1, 3, 2}, 0.9) == Approx(3.7).epsilon(1e-15));
  CHECK(quantile_linear({4, 1, 3, 2}, 0) == 1);
  CHECK(quantile_linear({4, 1, 3, 2}, 1) == 4);
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(quantile_linear({1, inf}, 1) == inf);  // h = 1 lands on ∞ itself, not on ∞ + 0·(∞ - ∞), which is NaN
  CHECK(std::isnan(quantile_linear({}, 0.5)));
  CHECK(std::isnan(quantile_linear({1, missing, 3}, 0.5)));
  CHECK_THROWS_WITH(quantile_linear({1, 2}, 1.5), "quantile_linear: q must lie in [0, 1], got 1.5");
  CHECK_THROWS_WITH(quantile_linear({1, 2}, -0.1), "quantile_linear: q must lie in [0, 1], got -0.1");
}

// ---- reproducible ----

TEST_CASE("the same seed gives the same interval to the bit, another seed another interval", "[stats]") {
  const std::vector<double> x = {0.3, 1.2, -0.4, 0.9, 2.1, 0.0, 1.7, 0.8, -0.2, 1.1};
  const ember::MeanEstimate a = bootstrap_mean(x, 11);
  const ember::MeanEstimate b = bootstrap_mean(x, 11);
  CHECK(a.ci.low == b.ci.low);
  CHECK(a.ci.high == b.ci.high);
  const ember::MeanEstimate other = bootstrap_mean(x, 12);
  CHECK((other.ci.low != a.ci.low || other.ci.high != a.ci.high));
  // Only the interval depends on the seed.
  CHECK(other.mean == a.mean);
  // Another seed moves the ends by a little: each is a quantile of 10000 means.
  CHECK(other.ci.low == Approx(a.ci.low).margin(0.05));
  CHECK(other.ci.high == Approx(a.ci.high).margin(0.05));

  const ember::MedianEstimate m1 = bootstrap_median(x, 11);
  const ember::MedianEstimate m2 = bootstrap_median(x, 11);
  CHECK(m1.ci.low == m2.ci.low);
  CHECK(m1.ci.high == m2.ci.high);

  const std::vector<double> y = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
  const ember::PairedComparison p1 = compare_paired(x, y, true, 5);
  const ember::PairedComparison p2 = compare_paired(x, y, true, 5);
  CHECK(p1.ci.low == p2.ci.low);
  CHECK(p1.ci.high == p2.ci.high);
}

// ---- coverage ----

// 400 synthetic studies of 10 seeds, each seed's difference ~ Normal(0.5, 1): a 95% interval should hold the true
// 0.5 in about 95% of them. The percentile bootstrap is a little too narrow for 10 values (its spread is the
// sample's, which divides by n rather than n-1, and it knows nothing of Student's t): measured here, 365 of 400,
// 91.25%. The bounds catch an interval that is far too narrow (the wrong quantiles) or far too wide.
TEST_CASE("the 95% interval of the mean holds the true difference in about 95% of studies", "[stats]") {
  const double delta = 0.5;
  const int studies = 400, seeds = 10;
  ember::Generator generator(2024);
  int covered = 0;
  for (int study = 0; study < studies; ++study) {
    std::vector<double> differences;
    for (int s = 0; s < seeds; ++s) differences.push_back(generator.normal(delta, 1.0));
    const ember::MeanEstimate estimate = bootstrap_mean(differences, 1000 + static_cast<std::uint64_t>(study), 2000);
    if (estimate.ci.contains(delta)) ++covered;
  }
  const double rate = static_cast<double>(covered) / studies;
  INFO("covered " << covered << " of " << studies);
  CHECK(rate >= 0.85);
  CHECK(rate <= 0.99);
}

// ---- paired comparisons ----

TEST_CASE("compare_paired: a clear difference, either way round", "[stats]") {
  const std::vector<double> first = {10, 11, 12, 10, 11};   // epochs to target
  const std::vector<double> second = {20, 21, 19, 22, 20};  // d = -10 -10 -7 -12 -9

  const ember::PairedComparison lower = compare_paired(first, second, true, 3);
  CHECK(lower.pairs == 5);
  CHECK(lower.first_better == 5);
  CHECK(lower.second_better == 0);
  CHECK(lower.ties == 0);
  CHECK(lower.mean_difference == Approx(-9.6));
  CHECK(lower.ci.high < 0);
  CHECK(lower.ci.low >= -12);  // a mean of resampled differences lies within them
  CHECK(lower.verdict == Verdict::first_better);
  // The interval is the bootstrap's of the differences.
  const ember::MeanEstimate direct = bootstrap_mean({-10, -10, -7, -12, -9}, 3);
  CHECK(lower.ci.low == direct.ci.low);
  CHECK(lower.ci.high == direct.ci.high);

  // The same figures read as accuracies: higher is better, so second wins on every seed.
  const ember::PairedComparison higher = compare_paired(first, second, false, 3);
  CHECK(higher.first_better == 0);
  CHECK(higher.second_better == 5);
  CHECK(higher.verdict == Verdict::second_better);
  // And swapped: first wins.
  CHECK(compare_paired(second, first, false, 3).verdict == Verdict::first_better);
  CHECK(compare_paired(second, first, true, 3).verdict == Verdict::second_better);
}

TEST_CASE("compare_paired: identical figures are within noise, with every seed a tie", "[stats]") {
  const std::vector<double> same = {0.91, 0.93, 0.90, 0.92};
  const ember::PairedComparison c = compare_paired(same, same, false, 1);
  CHECK(c.pairs == 4);
  CHECK(c.ties == 4);
  CHECK(c.first_better == 0);
  CHECK(c.second_better == 0);
  CHECK(c.mean_difference == 0);
  CHECK(c.ci.low == 0);
  CHECK(c.ci.high == 0);
  CHECK(c.verdict == Verdict::within_noise);
}

TEST_CASE("compare_paired: a noisy difference is within noise", "[stats]") {
  // d = +1 -1 +2 -2 +1 -1: half each way.
  const ember::PairedComparison c = compare_paired({11, 9, 12, 8, 11, 9}, {10, 10, 10, 10, 10, 10}, true, 2);
  CHECK(c.first_better == 3);
  CHECK(c.second_better == 3);
  CHECK(c.ci.low < 0);
  CHECK(c.ci.high > 0);
  CHECK(c.verdict == Verdict::within_noise);
}

TEST_CASE("compare_paired: too few seeds, NaN pairs skipped, ties counted", "[stats]") {
  // Two pairs, however clear: too few.
  const ember::PairedComparison two = compare_paired({1, 2}, {10, 20}, true, 1);
  CHECK(two.pairs == 2);
  CHECK(two.first_better == 2);
  CHECK(two.verdict == Verdict::too_few_seeds);
  // The same two pairs are enough when the caller asks for 2.
  CHECK(compare_paired({1, 2}, {10, 20}, true, 1, 1000, 0.95, 2).verdict == Verdict::first_better);

  // Seeds 1 and 3 never reached the target on one side; seed 4 is a tie.
  const std::vector<double> first = {5, missing, 6, 7, 8, 4};
  const std::vector<double> second = {9, 9, 10, missing, 8, 9};
  const ember::PairedComparison c = compare_paired(first, second, true, 4);
  CHECK(c.pairs == 4);
  CHECK(c.first_better == 3);
  CHECK(c.second_better == 0);
  CHECK(c.ties == 1);
  CHECK(c.mean_difference == Approx((-4 - 4 + 0 - 5) / 4.0));
  CHECK(c.verdict == Verdict::first_better);
  // Skipped pairs drop out of the bootstrap as well: the interval is that of the 4 differences.
  const ember::MeanEstimate direct = bootstrap_mean({-4, -4, 0, -5}, 4);
  CHECK(c.ci.low == direct.ci.low);
  CHECK(c.ci.high == direct.ci.high);

  // ∞ on both sides has no difference; ∞ on one side is a clear one.
  const double inf = std::numeric_limits<double>::infinity();
  const ember::PairedComparison infinite = compare_paired({inf, inf, 3}, {inf, 5, 4}, true, 1);
  CHECK(infinite.pairs == 2);
  CHECK(infinite.second_better == 1);
  CHECK(infinite.first_better == 1);

  // Nothing at all.
  const ember::PairedComparison none = compare_paired({missing, 1}, {2, missing}, true, 1);
  CHECK(none.pairs == 0);
  CHECK(std::isnan(none.mean_difference));
  CHECK(std::isnan(none.ci.low));
  CHECK(none.verdict == Verdict::too_few_seeds);
}

TEST_CASE("verdict_name and Interval::contains", "[stats]") {
  CHECK(ember::verdict_name(Verdict::first_better) == "first better");
  CHECK(ember::verdict_name(Verdict::second_better) == "second better");
  CHECK(ember::verdict_name(Verdict::within_noise) == "within noise");
  CHECK(ember::verdict_name(Verdict::too_few_seeds) == "too few seeds");

  const ember::Interval interval{-1, 2};
  CHECK(interval.contains(-1));
  CHECK(interval.contains(2));
  CHECK(interval.contains(0));
  CHECK_FALSE(interval.contains(2.5));
  CHECK_FALSE(interval.contains(missing));
  CHECK_FALSE(ember::Interval{}.contains(0));
}

// ---- means and medians ----

TEST_CASE("bootstrap_mean and bootstrap_median: empty, one value, NaN skipped", "[stats]") {
  const ember::MeanEstimate empty = bootstrap_mean({}, 1);
  CHECK(empty.count == 0);
  CHECK(std::isnan(empty.mean));
  CHECK(std::isnan(empty.ci.low));
  CHECK(std::isnan(empty.ci.high));
  const ember::MedianEstimate empty_median = bootstrap_median({missing, missing}, 1);
  CHECK(empty_median.count == 0);
  CHECK(std::isnan(empty_median.median));
  CHECK(std::isnan(empty_median.ci.low));

  const ember::MeanEstimate one = bootstrap_mean({missing, 2.5}, 1);
  CHECK(one.count == 1);
  CHECK(one.mean == 2.5);
  CHECK(one.ci.low == 2.5);
  CHECK(one.ci.high == 2.5);

  const ember::MeanEstimate with_nan = bootstrap_mean({1, missing, 2, 6}, 1);
  CHECK(with_nan.count == 3);
  CHECK(with_nan.mean == 3);
  CHECK(with_nan.ci.low >= 1);
  CHECK(with_nan.ci.high <= 6);
}

TEST_CASE("bootstrap_median: odd and even counts, NaN skipped", "[stats]") {
  CHECK(bootstrap_median({7, 1, 3}, 1).median == 3);
  CHECK(bootstrap_median({7, 1, 3, 4}, 1).median == 3.5);  // (3 + 4) / 2
  CHECK(bootstrap_median({7, missing, 1, 3, 4, missing}, 1).median == 3.5);
  CHECK(bootstrap_median({7, missing, 1, 3, 4, missing}, 1).count == 4);
  CHECK(bootstrap_median({2, 2, 9, 2}, 1).median == 2);
  // A resample's median is one of the values or the mean of two: the interval stays within them.
  const ember::MedianEstimate m = bootstrap_median({5, 1, 4, 2, 3, 8}, 9);
  CHECK(m.ci.low >= 1);
  CHECK(m.ci.high <= 8);
  CHECK(m.ci.low <= m.median);
  CHECK(m.median <= m.ci.high);
}

// ---- bad arguments ----

TEST_CASE("bad arguments throw, naming the function and the value", "[stats]") {
  CHECK_THROWS_AS(compare_paired({1, 2, 3}, {1, 2}, true, 1), std::invalid_argument);
  CHECK_THROWS_WITH(compare_paired({1, 2, 3}, {1, 2}, true, 1),
                    "compare_paired: first has 3 figures and second 2; they must be paired, one figure per seed each");
  CHECK_THROWS_AS(bootstrap_mean({1, 2}, 1, 0), std::invalid_argument);
  CHECK_THROWS_WITH(bootstrap_mean({1, 2}, 1, 0), "bootstrap_mean: resamples must be at least 1, got 0");
  CHECK_THROWS_WITH(bootstrap_median({1, 2}, 1, -3), "bootstrap_median: resamples must be at least 1, got -3");
  CHECK_THROWS_AS(bootstrap_mean({1, 2}, 1, 100, 1.0), std::invalid_argument);
  CHECK_THROWS_WITH(bootstrap_mean({1, 2}, 1, 100, 1.0),
                    "bootstrap_mean: confidence must lie strictly between 0 and 1, got 1");
  CHECK_THROWS_WITH(bootstrap_median({1, 2}, 1, 100, 0.0),
                    "bootstrap_median: confidence must lie strictly between 0 and 1, got 0");
  CHECK_THROWS_WITH(bootstrap_mean({1, 2}, 1, 100, 95),
                    "bootstrap_mean: confidence must lie strictly between 0 and 1, got 95");
  CHECK_THROWS_WITH(bootstrap_mean({1, 2}, 1, 100, missing),
                    "bootstrap_mean: confidence must lie strictly between 0 and 1, got nan");
  CHECK_THROWS_WITH(compare_paired({1}, {2}, true, 1, 0), "compare_paired: resamples must be at least 1, got 0");
  CHECK_THROWS_WITH(compare_paired({1}, {2}, true, 1, 100, 1.0),
                    "compare_paired: confidence must lie strictly between 0 and 1, got 1");
  CHECK_THROWS_WITH(compare_paired({1}, {2}, true, 1, 100, 0.95, 0),
                    "compare_paired: min_pairs must be at least 1, got 0");
  // Arguments are checked even where there is nothing to resample.
  CHECK_THROWS_AS(bootstrap_mean({}, 1, 0), std::invalid_argument);
}
