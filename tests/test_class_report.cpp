// Tests for src/lab/study/class_report*.cpp: per-class precision, recall, F1 and support, their macro
// and weighted averages, accuracy, ROC AUC and the log loss against scikit-learn on fixed predictions
// (tests/reference/metrics_reference.json, from tests/reference/make_metrics_reference.py); a figure
// that does not exist is NaN in Ember exactly where scikit-learn's answer depends on zero_division;
// predict_above() at 0.5 is evaluate()'s own prediction; the JSON and the printed table.
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ember/core/train/metrics.hpp"
#include "ember/lab/study/class_report.hpp"
#include "reference_data.hpp"

using nlohmann::json;

namespace {

const json& metrics_data() {
  static const json document = reference::load("metrics_reference.json", "make_metrics_reference.py");
  return document;
}

// Ember's per-class figure against scikit-learn's: NaN exactly where zero_division decides the answer
// (the two scikit-learn values differ), equal to the zero_division=0 value everywhere else.
void check_per_class(const std::string& figure, const std::vector<double>& ember, const json& c) {
  const auto if_0 = c.at(figure).get<std::vector<double>>();
  const auto if_1 = c.at(figure + "_if_undefined_1").get<std::vector<double>>();
  REQUIRE(ember.size() == if_0.size());
  for (std::size_t k = 0; k < ember.size(); ++k) {
    INFO(figure << " of class " << k);
    if (if_0[k] != if_1[k]) {
      CHECK(std::isnan(ember[k]));
    } else {
      CHECK(ember[k] == Approx(if_0[k]).margin(1e-12));
    }
  }
}

void check_average(const ember::ClassAverage& ember, const json& expected, long samples) {
  CHECK(ember.precision == Approx(expected.at("precision").get<double>()).margin(1e-12));
  CHECK(ember.recall == Approx(expected.at("recall").get<double>()).margin(1e-12));
  CHECK(ember.f1 == Approx(expected.at("f1").get<double>()).margin(1e-12));
  CHECK(ember.support == samples);
}

}  // namespace

TEST_CASE("class_report matches scikit-learn's precision_recall_fscore_support on fixed predictions",
          "[class_report][reference]") {
  const json& cases = metrics_data().at("cases");
  REQUIRE(cases.size() >= 7);
  int binary_cases = 0;
  for (const json& c : cases) {
    INFO("case " << c.at("name").get<std::string>());
    const auto y = c.at("y").get<std::vector<int>>();
    const auto predicted = c.at("predicted").get<std::vector<int>>();
    const int classes = c.at("classes").get<int>();
    ember::ClassReport report;
    if (c.contains("probability")) {
      ++binary_cases;
      report = ember::binary_class_report(y, predicted, c.at("probability").get<std::vector<double>>());
      REQUIRE(report.roc_auc);
      REQUIRE(report.log_loss);
      CHECK(*report.roc_auc == Approx(c.at("roc_auc").get<double>()).margin(1e-12));
      CHECK(*report.log_loss == Approx(c.at("log_loss").get<double>()).margin(1e-12));
    } else {
      report = ember::class_report(y, predicted, classes);
      CHECK_FALSE(report.roc_auc);
      CHECK_FALSE(report.log_loss);
    }
    check_per_class("precision", report.precision, c);
    check_per_class("recall", report.recall, c);
    check_per_class("f1", report.f1, c);
    CHECK(report.support == c.at("support").get<std::vector<long>>());
    CHECK(report.accuracy == Approx(c.at("accuracy").get<double>()).margin(1e-12));
    check_average(report.macro_avg, c.at("macro"), static_cast<long>(y.size()));
    check_average(report.weighted_avg, c.at("weighted"), static_cast<long>(y.size()));
  }
  CHECK(binary_cases == 3);
}

TEST_CASE("roc_auc: ties count half, a perfect ranking is 1, one class only has none", "[class_report]") {
  CHECK(ember::roc_auc({0, 1}, {0.2, 0.8}) == 1.0);
  CHECK(ember::roc_auc({1, 0}, {0.2, 0.8}) == 0.0);
  CHECK(ember::roc_auc({0, 1, 0, 1}, {0.5, 0.5, 0.5, 0.5}) == 0.5);
  // Positive 0.7 beats both negatives, positive 0.4 beats one and ties with the other (half): 3.5 / 4.
  CHECK(ember::roc_auc({1, 1, 0, 0}, {0.7, 0.4, 0.4, 0.1}) == 0.875);
  CHECK(std::isnan(ember::roc_auc({1, 1, 1}, {0.1, 0.2, 0.3})));
  CHECK_THROWS_AS(ember::roc_auc({0, 1}, {0.5}), std::invalid_argument);
}

TEST_CASE("log_loss clips probabilities of exactly 0 and 1 as scikit-learn does", "[class_report]") {
  CHECK(ember::log_loss({1, 0}, {0.5, 0.5}) == Approx(std::log(2.0)).epsilon(1e-15));
  CHECK(ember::log_loss({1}, {0.0}) == Approx(-std::log(1e-15)).epsilon(1e-12));
  CHECK(std::isfinite(ember::log_loss({0}, {1.0})));
  CHECK(std::isnan(ember::log_loss({}, {})));
}

TEST_CASE("predict_above at 0.5 is evaluate()'s prediction, even for logits whose sigmoid rounds to 0.5",
          "[class_report]") {
  ember::Matrix logits(6, 1);
  logits << 0.0f, 1e-9f, -1e-9f, 2.0f, -2.0f, 0.84f;  // σ(±1e-9) is 0.5 in float32
  CHECK(ember::predict_above(logits, 0.5) == ember::predict_classes(logits, true));
  CHECK(ember::predict_above(logits, 0.5) == std::vector<int>{0, 1, 0, 1, 0, 1});
  // logit(0.3) = −0.847, logit(0.7) = 0.847: a lower threshold calls more samples positive.
  CHECK(ember::predict_above(logits, 0.3) == std::vector<int>{1, 1, 1, 1, 0, 1});
  CHECK(ember::predict_above(logits, 0.7) == std::vector<int>{0, 0, 0, 1, 0, 0});
  CHECK_THROWS_WITH(ember::predict_above(logits, 1.0), Catch::Contains("(0, 1)"));
  CHECK_THROWS_WITH(ember::predict_above(ember::Matrix::Zero(2, 3), 0.5), Catch::Contains("one sigmoid output"));
}

TEST_CASE("evaluation_report adds ROC AUC and the log loss for a sigmoid model only", "[class_report]") {
  ember::Evaluation binary;
  binary.probabilities = ember::Matrix(4, 1);
  binary.probabilities << 0.9f, 0.2f, 0.6f, 0.4f;
  binary.predicted = {1, 0, 1, 0};
  const ember::ClassReport b = ember::evaluation_report(binary, {1, 0, 0, 1}, 2);
  REQUIRE(b.roc_auc);
  CHECK(*b.roc_auc == 0.75);
  CHECK(b.accuracy == 0.5);
  ember::Evaluation softmax;
  softmax.probabilities = ember::Matrix::Constant(2, 3, 1.0f / 3);
  softmax.predicted = {0, 2};
  const ember::ClassReport s = ember::evaluation_report(softmax, {0, 1}, 3);
  CHECK_FALSE(s.roc_auc);
  CHECK(s.confusion[1][2] == 1);
}

TEST_CASE("class_report_json names the averages as scikit-learn's output_dict, null where a figure is missing",
          "[class_report]") {
  const ember::ClassReport report = ember::class_report({0, 0, 1}, {0, 0, 0}, 2);
  const json out = ember::class_report_json(report, {"cat", "dog"});
  CHECK(out.at("classes") == json({"cat", "dog"}));
  CHECK(out.at("precision")[0].get<double>() == Approx(2.0 / 3));
  CHECK(out.at("precision")[1].is_null());  // dog is never predicted
  CHECK(out.at("support") == json({2, 1}));
  CHECK(out.at("macro avg").at("precision").get<double>() == Approx(1.0 / 3));
  CHECK(out.at("weighted avg").at("f1-score").get<double>() == Approx(2 * 0.8 / 3));
  CHECK(out.at("macro avg").at("support") == 3);
  CHECK_FALSE(out.contains("roc_auc"));
  const std::string table = ember::format_class_report(report, {"cat", "dog"});
  CHECK(table.find("class         precision  recall  f1-score  support\n") == 0);
  CHECK(table.find("dog           -          0.0000  0.0000    1\n") != std::string::npos);
  CHECK(table.find("macro avg     0.3333     0.5000  0.4000    3\n") != std::string::npos);
  CHECK(table.find("ROC AUC") == std::string::npos);
  const ember::ClassReport binary = ember::binary_class_report({0, 1}, {0, 1}, {0.25, 0.75});
  CHECK(ember::format_class_report(binary, {"no", "yes"}).find("ROC AUC       1.0000\n") != std::string::npos);
  CHECK(ember::class_report_json(binary, {"no", "yes"}).at("roc_auc") == 1.0);
}
