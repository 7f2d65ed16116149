// The metrics `ember eval` and `train --json` report, run as a user runs them: F1, support and the
// averages for every model, ROC AUC and the log loss for a sigmoid one, --threshold, and train's
// test_metrics scoring the weights it saved. The figures themselves are proved against scikit-learn
// in test_class_report.cpp.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.hpp"

using ember_test::run_ember;
using ember_test::TempDir;
using nlohmann::json;

namespace {

const std::string moons = "--dataset moons --samples 400 --noise 0.3 --seed 2";

json eval_json(const std::string& args) {
  const auto run = run_ember("eval " + args + " --json");
  REQUIRE(run.status == 0);
  return json::parse(run.out);
}

long predicted_positive(const json& evaluation) {
  return evaluation["confusion"][0][1].get<long>() + evaluation["confusion"][1][1].get<long>();
}

}  // namespace

TEST_CASE("eval reports F1, support and the averages, and ROC AUC and log loss for a sigmoid model", "[cli]") {
  TempDir dir;
  const std::string model = dir.file("moons.safetensors");
  REQUIRE(run_ember("train " + moons + " --epochs 30 --save " + model).status == 0);
  const json e = eval_json("--model " + model);
  CHECK(e["samples"] == 80);
  CHECK(e["support"][0].get<long>() + e["support"][1].get<long>() == 80);
  CHECK(e["f1"].size() == 2);
  CHECK(e["macro avg"]["support"] == 80);
  CHECK(e["weighted avg"]["f1-score"].get<double>() > 0.5);
  CHECK(e["roc_auc"].get<double>() > 0.8);
  CHECK(e["roc_auc"].get<double>() <= 1.0);
  // The log loss of the float probabilities is the model's BCE loss, computed from the logits.
  CHECK(e["log_loss"].get<double>() == Approx(e["loss"].get<double>()).epsilon(1e-4));
  const auto text = run_ember("eval --model " + model);
  REQUIRE(text.status == 0);
  for (const char* line : {"precision  recall  f1-score  support", "macro avg", "weighted avg", "ROC AUC", "log loss"})
    CHECK(text.out.find(line) != std::string::npos);
}

TEST_CASE("eval --threshold moves a sigmoid model's decision; 0.5 is the default's", "[cli]") {
  TempDir dir;
  const std::string model = dir.file("moons.safetensors");
  REQUIRE(run_ember("train " + moons + " --epochs 30 --save " + model).status == 0);
  const json plain = eval_json("--model " + model);
  const json half = eval_json("--model " + model + " --threshold 0.5");
  CHECK(half["confusion"] == plain["confusion"]);
  CHECK(half["accuracy"] == plain["accuracy"]);
  CHECK(half["threshold"] == 0.5);
  const json low = eval_json("--model " + model + " --threshold 0.05");
  const json high = eval_json("--model " + model + " --threshold 0.95");
  CHECK(predicted_positive(low) > predicted_positive(plain));
  CHECK(predicted_positive(high) < predicted_positive(plain));
  // The accuracy is the thresholded predictions': the confusion matrix's diagonal over the samples.
  const double diagonal = low["confusion"][0][0].get<double>() + low["confusion"][1][1].get<double>();
  CHECK(low["accuracy"].get<double>() == Approx(diagonal / 80));
  CHECK(low["roc_auc"] == plain["roc_auc"]);  // a ranking measure: no threshold in it
  CHECK(run_ember("eval --model " + model + " --threshold 0.3").out.find("(threshold 0.3)") != std::string::npos);
}

TEST_CASE("eval --threshold refuses a softmax model and a threshold outside (0, 1)", "[cli]") {
  TempDir dir;
  const std::string iris = dir.file("iris.safetensors");
  REQUIRE(run_ember("train --dataset iris --epochs 5 --save " + iris).status == 0);
  const auto softmax = run_ember("eval --model " + iris + " --threshold 0.5");
  CHECK(softmax.status == 2);
  CHECK(softmax.err.find("--threshold is for a sigmoid (binary) model; this one has a softmax over 3 classes") !=
        std::string::npos);
  CHECK(run_ember("eval --model " + iris).out.find("ROC AUC") == std::string::npos);
  const std::string moons_model = dir.file("moons.safetensors");
  REQUIRE(run_ember("train " + moons + " --epochs 2 --save " + moons_model).status == 0);
  const auto outside = run_ember("eval --model " + moons_model + " --threshold 1");
  CHECK(outside.status == 2);
  CHECK(outside.err.find("--threshold must be between 0 and 1, exclusive (got 1)") != std::string::npos);
}

TEST_CASE("train --json scores the saved weights on the test split: the best epoch's after restore-best", "[cli]") {
  const auto plain = run_ember("train " + moons + " --epochs 5 --json");
  REQUIRE(plain.status == 0);
  const json p = json::parse(plain.out);
  REQUIRE(p["test_metrics"].contains("macro avg"));
  CHECK(p["test_metrics"]["weights_of_epoch"] == 5);
  CHECK(p["test_metrics"]["accuracy"].get<double>() == Approx(p["final"]["test_accuracy"].get<double>()));
  CHECK(p["test_metrics"]["roc_auc"].is_number());

  const auto early = run_ember("train " + moons + " --epochs 500 --hidden 128,128 --lr 0.03 --val-split 0.25 " +
                               "--patience 5 --json");
  REQUIRE(early.status == 0);
  const json e = json::parse(early.out);
  REQUIRE(e["restored_best"] == true);
  const int best = e["best_epoch"].get<int>();
  CHECK(e["test_metrics"]["weights_of_epoch"] == best);
  CHECK(best < e["epochs"].get<int>());
  const json& best_epoch = e["history"][static_cast<std::size_t>(best - 1)];
  CHECK(e["test_metrics"]["accuracy"].get<double>() == Approx(best_epoch["test_accuracy"].get<double>()));
  CHECK(e["test_metrics"]["loss"].get<double>() == Approx(best_epoch["test_loss"].get<double>()).epsilon(1e-6));
}
