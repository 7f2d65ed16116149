// class_report(): the confusion matrix, then each class's precision (hits over predictions of the
// class), recall (hits over samples of the class) and F1 read off it, and their averages; for a
// binary model, ROC AUC and the log loss of its probabilities.
#include "ember/lab/study/class_report.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace ember {

namespace {

double ratio(long numerator, long denominator) {
  return denominator > 0 ? static_cast<double>(numerator) / static_cast<double>(denominator) : NAN;
}

// A figure that does not exist counts as 0 in an average (scikit-learn's zero_division=0).
double or_zero(double v) { return std::isnan(v) ? 0.0 : v; }

}  // namespace

ClassReport class_report(const std::vector<int>& y, const std::vector<int>& predicted, int num_classes) {
  const std::size_t classes = static_cast<std::size_t>(num_classes);
  ClassReport report;
  report.confusion.assign(classes, std::vector<long>(classes, 0));
  long hits_total = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    ++report.confusion[static_cast<std::size_t>(y[i])][static_cast<std::size_t>(predicted[i])];
    hits_total += y[i] == predicted[i];
  }
  const long samples = static_cast<long>(y.size());
  report.accuracy = ratio(hits_total, samples);
  for (std::size_t c = 0; c < classes; ++c) {
    long predicted_c = 0, actual_c = 0;
    for (std::size_t k = 0; k < classes; ++k) {
      predicted_c += report.confusion[k][c];
      actual_c += report.confusion[c][k];
    }
    const long hits = report.confusion[c][c];
    report.precision.push_back(ratio(hits, predicted_c));
    report.recall.push_back(ratio(hits, actual_c));
    // F1 = 2PR / (P + R) = 2·hits / (predictions + samples), defined even where P or R is not.
    report.f1.push_back(ratio(2 * hits, predicted_c + actual_c));
    report.support.push_back(actual_c);
  }
  for (std::size_t c = 0; c < classes; ++c) {
    const double weight = static_cast<double>(report.support[c]);
    report.macro_avg.precision += or_zero(report.precision[c]) / static_cast<double>(classes);
    report.macro_avg.recall += or_zero(report.recall[c]) / static_cast<double>(classes);
    report.macro_avg.f1 += or_zero(report.f1[c]) / static_cast<double>(classes);
    report.weighted_avg.precision += or_zero(report.precision[c]) * weight;
    report.weighted_avg.recall += or_zero(report.recall[c]) * weight;
    report.weighted_avg.f1 += or_zero(report.f1[c]) * weight;
  }
  if (samples > 0) {
    report.weighted_avg.precision /= static_cast<double>(samples);
    report.weighted_avg.recall /= static_cast<double>(samples);
    report.weighted_avg.f1 /= static_cast<double>(samples);
  }
  report.macro_avg.support = report.weighted_avg.support = samples;
  return report;
}

ClassReport binary_class_report(const std::vector<int>& y, const std::vector<int>& predicted,
                                const std::vector<double>& p_positive) {
  ClassReport report = class_report(y, predicted, 2);
  report.roc_auc = roc_auc(y, p_positive);
  report.log_loss = log_loss(y, p_positive);
  return report;
}

ClassReport evaluation_report(const Evaluation& e, const std::vector<int>& y, int num_classes) {
  if (e.probabilities.cols() != 1) return class_report(y, e.predicted, num_classes);
  std::vector<double> p_positive(static_cast<std::size_t>(e.probabilities.rows()));
  for (Index i = 0; i < e.probabilities.rows(); ++i)
    p_positive[static_cast<std::size_t>(i)] = static_cast<double>(e.probabilities(i, 0));
  return binary_class_report(y, e.predicted, p_positive);
}

double roc_auc(const std::vector<int>& y, const std::vector<double>& score) {
  if (y.size() != score.size()) throw std::invalid_argument("roc_auc: labels and scores differ in length");
  // Rank the scores (ties share their mean rank); the positives' rank sum, less the least it could
  // be, counts the (positive, negative) pairs in which the positive scores higher, ties as half.
  std::vector<std::size_t> order(score.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&score](std::size_t a, std::size_t b) { return score[a] < score[b]; });
  double positive_rank_sum = 0;
  long positives = 0;
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start;
    while (end < order.size() && score[order[end]] == score[order[start]]) ++end;
    const double mean_rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2;
    for (std::size_t k = start; k < end; ++k) {
      if (y[order[k]] == 1) {
        positive_rank_sum += mean_rank;
        ++positives;
      }
    }
    start = end;
  }
  const long negatives = static_cast<long>(y.size()) - positives;
  if (positives == 0 || negatives == 0) return NAN;
  const double p = static_cast<double>(positives), n = static_cast<double>(negatives);
  return (positive_rank_sum - p * (p + 1) / 2) / (p * n);
}

double log_loss(const std::vector<int>& y, const std::vector<double>& p) {
  if (y.size() != p.size()) throw std::invalid_argument("log_loss: labels and probabilities differ in length");
  if (y.empty()) return NAN;
  // Clipped, as scikit-learn's log_loss(eps=1e-15): a float probability of exactly 0 or 1 has an infinite log.
  constexpr double eps = 1e-15;
  double sum = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double q = std::clamp(p[i], eps, 1 - eps);
    sum += y[i] == 1 ? std::log(q) : std::log1p(-q);
  }
  return -sum / static_cast<double>(y.size());
}

std::vector<int> predict_above(const Matrix& logits, double threshold) {
  if (logits.cols() != 1) throw std::invalid_argument("a threshold needs a model with one sigmoid output");
  if (!(threshold > 0 && threshold < 1)) throw std::invalid_argument("the threshold must be in (0, 1)");
  const double boundary = std::log(threshold / (1 - threshold));
  std::vector<int> predicted(static_cast<std::size_t>(logits.rows()));
  for (Index i = 0; i < logits.rows(); ++i)
    predicted[static_cast<std::size_t>(i)] = static_cast<double>(logits(i, 0)) > boundary ? 1 : 0;
  return predicted;
}

}  // namespace ember
