// Per-class figures of a classifier's predictions, as `ember eval` prints them and scikit-learn's
// classification_report computes them: the confusion matrix, each class's precision, recall, F1 and
// support, their macro and weighted averages, and for a binary model ROC AUC and the log loss.
// (Loss and accuracy are the core's: core/train/metrics.hpp.)
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ember/core/engine/scalar.hpp"
#include "ember/core/train/metrics.hpp"

namespace ember {

// An average over classes. As scikit-learn does (zero_division=0), a figure that does not exist for a
// class (the precision of a class never predicted) counts as 0 in it.
struct ClassAverage {
  double precision = 0, recall = 0, f1 = 0;
  long support = 0;
};

struct ClassReport {
  std::vector<std::vector<long>> confusion;  // [true class][predicted class], C x C
  std::vector<double> precision;             // (C) hits / predictions of the class; NaN for one never predicted
  std::vector<double> recall;                // (C) hits / samples of the class; NaN for one absent from the data
  std::vector<double> f1;                    // (C) 2·hits / (predictions + samples); NaN when both are 0
  std::vector<long> support;                 // (C) samples of the class
  double accuracy = 0;
  ClassAverage macro_avg;     // each class counts the same
  ClassAverage weighted_avg;  // each class counts as its support
  // Binary models only, from the positive class's probability:
  std::optional<double> roc_auc;   // NaN when the data holds one class only
  std::optional<double> log_loss;  // −mean(y·log p + (1−y)·log(1−p)), p clipped to [1e-15, 1 − 1e-15]
};

// y and predicted: (N) class indices in 0..num_classes-1.
ClassReport class_report(const std::vector<int>& y, const std::vector<int>& predicted, int num_classes);

// class_report() of a two-class model, with ROC AUC and the log loss of p_positive (N): P(class 1).
ClassReport binary_class_report(const std::vector<int>& y, const std::vector<int>& predicted,
                                const std::vector<double>& p_positive);

// The report of evaluate()'s figures: e.predicted against y; with ROC AUC and the log loss of the
// probabilities when the model has one sigmoid output.
ClassReport evaluation_report(const Evaluation& e, const std::vector<int>& y, int num_classes);

// The area under the ROC curve of scores for labels y in {0, 1}: the probability that a positive
// scores above a negative, ties counting half (the Mann–Whitney statistic). NaN without both classes.
double roc_auc(const std::vector<int>& y, const std::vector<double>& score);

// The binary log loss (binary cross-entropy) of probabilities p of class 1, in double.
double log_loss(const std::vector<int>& y, const std::vector<double>& p);

// Class 1 where the logit z of a sigmoid model exceeds logit(threshold) = log(t / (1 − t)): at 0.5 that
// is z > 0, the very prediction evaluate() makes (predict_classes), not a comparison of rounded floats.
std::vector<int> predict_above(const Matrix& logits, double threshold);

// The report as JSON: "classes", "confusion", "precision", "recall", "f1", "support" (arrays, null for
// a figure that does not exist), "accuracy", "macro avg" and "weighted avg" ({precision, recall,
// f1-score, support}, as scikit-learn's output_dict names them), and "roc_auc", "log_loss" if binary.
nlohmann::json class_report_json(const ClassReport& report, const std::vector<std::string>& class_names);

// The table `ember eval` prints: a row per class, the averages, ROC AUC and log loss, the confusion matrix.
std::string format_class_report(const ClassReport& report, const std::vector<std::string>& class_names);

}  // namespace ember
