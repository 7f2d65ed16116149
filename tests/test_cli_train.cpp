// ember train, eval, predict and datasets, run as a user runs them: outputs, exit codes, files
// written (or, on failure, not written), the accuracy protocol of issue 4, and reproducibility.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "cli_runner.hpp"

using ember_test::read_file;
using ember_test::run_ember;
using ember_test::TempDir;

namespace {

// The last "test ... acc X" figure of a train run's epoch lines.
double final_test_accuracy(const std::string& out) {
  const std::regex pattern("test loss [0-9.]+ acc ([0-9.]+)");
  double last = -1;
  for (std::sregex_iterator it(out.begin(), out.end(), pattern), end; it != end; ++it) last = std::stod((*it)[1]);
  return last;
}

// Epoch lines without their timing, which legitimately differs between runs.
std::string without_seconds(const std::string& out) { return std::regex_replace(out, std::regex("  [0-9.]+ s"), ""); }

// `ember train <train_args> --save <model>`, then `ember eval --json` of that model with the same
// data options: train_args less --epochs and --classes (eval takes the classes from the model).
struct TrainedThenEvaluated {
  std::string train_output;
  nlohmann::json evaluation;
};
TrainedThenEvaluated train_then_eval(const std::string& train_args, const std::string& model) {
  const auto trained = run_ember("train " + train_args + " --save " + model);
  REQUIRE(trained.status == 0);
  const std::string data_args = std::regex_replace(train_args, std::regex(" ?--(epochs|classes) [0-9]+"), "");
  const auto evaluated = run_ember("eval --model " + model + " " + data_args + " --json");
  REQUIRE(evaluated.status == 0);
  return {trained.out, nlohmann::json::parse(evaluated.out)};
}

}  // namespace

TEST_CASE("ember --help lists the commands and an unknown command is a usage error", "[cli]") {
  const auto help = run_ember("--help");
  CHECK(help.status == 0);
  for (const char* command : {"demo", "datasets", "train", "eval", "predict", "compare"})
    CHECK(help.out.find(command) != std::string::npos);
  const auto unknown = run_ember("fly");
  CHECK(unknown.status == 2);
  CHECK(unknown.err.find("unknown command 'fly'") != std::string::npos);
}

TEST_CASE("every command's --help exits 0 and shows an example", "[cli]") {
  for (const char* command : {"datasets", "train", "eval", "predict", "compare", "demo"}) {
    INFO(command);
    const auto r = run_ember(std::string(command) + " --help");
    CHECK(r.status == 0);
    CHECK(r.out.find("ember " + std::string(command)) != std::string::npos);
    CHECK(r.out.find("example") != std::string::npos);
  }
}

TEST_CASE("ember datasets lists every built-in dataset with its size", "[cli]") {
  const auto r = run_ember("datasets");
  REQUIRE(r.status == 0);
  for (const char* name :
       {"moons", "circles", "spiral", "xor", "blobs", "iris", "wine", "breast_cancer", "digits", "fashion_mnist"})
    CHECK(r.out.find(name) != std::string::npos);
  CHECK(std::regex_search(r.out, std::regex("iris +150 +4 +3")));
}

TEST_CASE("the issue's protocol reaches its accuracies on iris, breast_cancer and moons", "[cli][e2e]") {
  const std::string protocol =
      " --test-split 0.2 --seed 0 --activation relu --optimizer adam --lr 0.001 --batch-size 32 --epochs 200";
  CHECK(final_test_accuracy(run_ember("train --dataset iris" + protocol).out) >= 0.93);
  CHECK(final_test_accuracy(run_ember("train --dataset breast_cancer" + protocol).out) >= 0.94);
  CHECK(final_test_accuracy(run_ember("train --dataset moons --samples 1000 --noise 0.2" + protocol).out) >= 0.96);
}

TEST_CASE("the same seed gives a byte-identical model file and identical epochs; another seed does not", "[cli]") {
  TempDir dir;
  const std::string common = "train --dataset moons --samples 200 --epochs 5";
  const auto a = run_ember(common + " --seed 3 --save " + dir.file("a.safetensors"));
  const auto b = run_ember(common + " --seed 3 --save " + dir.file("b.safetensors"));
  const auto c = run_ember(common + " --seed 4 --save " + dir.file("c.safetensors"));
  REQUIRE(a.status == 0);
  REQUIRE(b.status == 0);
  REQUIRE(c.status == 0);
  CHECK(read_file(dir.file("a.safetensors")) == read_file(dir.file("b.safetensors")));
  CHECK(without_seconds(a.out) == without_seconds(b.out));
  CHECK(read_file(dir.file("a.safetensors")) != read_file(dir.file("c.safetensors")));
  CHECK(without_seconds(a.out) != without_seconds(c.out));
}

TEST_CASE("train --json and --log describe the run", "[cli]") {
  TempDir dir;
  const auto r = run_ember("train --dataset iris --epochs 3 --json --log " + dir.file("log.csv"));
  REQUIRE(r.status == 0);
  const auto summary = nlohmann::json::parse(r.out);  // stdout holds only the JSON
  CHECK(summary["epochs"] == 3);
  CHECK(summary["final"]["test_accuracy"].is_number());
  CHECK(summary["samples_per_second"].get<double>() > 0);
  CHECK(summary["options"]["dataset"] == "iris");
  CHECK(r.err.find("epoch 3/3") != std::string::npos);  // the epoch lines went to stderr
  const std::string log = read_file(dir.file("log.csv"));
  CHECK(log.rfind("epoch,train_loss,train_accuracy,val_loss,val_accuracy,test_loss,test_accuracy,lr,seconds\n", 0) ==
        0);
  CHECK(std::count(log.begin(), log.end(), '\n') == 4);
}

TEST_CASE("eval scores the split train held out, with precision, recall and a confusion matrix", "[cli]") {
  TempDir dir;
  const std::string model = dir.file("iris.safetensors");
  const TrainedThenEvaluated run = train_then_eval("--dataset iris --epochs 50", model);
  CHECK(run.evaluation["samples"] == 30);
  CHECK(run.evaluation["accuracy"].get<double>() == Approx(final_test_accuracy(run.train_output)).margin(5e-5));
  CHECK(run.evaluation["confusion"].size() == 3);
  CHECK(run.evaluation["classes"][0] == "setosa");
  const auto text = run_ember("eval --model " + model + " --dataset iris");
  CHECK(text.out.find("confusion matrix") != std::string::npos);
  CHECK(text.out.find("precision") != std::string::npos);
}

TEST_CASE("eval draws a generated dataset with the model's classes: spiral trained with 4 arms", "[cli]") {
  TempDir dir;
  const TrainedThenEvaluated run =
      train_then_eval("--dataset spiral --classes 4 --epochs 20", dir.file("m.safetensors"));
  REQUIRE(run.evaluation["confusion"].size() == 4);
  int samples_of_arm_3 = 0;  // the confusion matrix's row 3: the samples whose true class is arm 3
  for (int count : run.evaluation["confusion"][3]) samples_of_arm_3 += count;
  CHECK(samples_of_arm_3 > 0);
  CHECK(run.evaluation["accuracy"].get<double>() == Approx(final_test_accuracy(run.train_output)).margin(5e-5));
}

TEST_CASE("predict writes prediction and one probability per class, matching columns by name", "[cli]") {
  TempDir dir;
  const std::string model = dir.file("iris.safetensors");
  REQUIRE(run_ember("train --dataset iris --epochs 50 --save " + model).status == 0);
  // Columns in another order than training, plus the label column: matched by name.
  const std::string input = dir.write(
      "in.csv",
      "species,petal_width,petal_length,sepal_width,sepal_length\nsetosa,0.2,1.4,3.5,5.1\nvirginica,2.5,6.0,3.3,6.3\n");
  const auto r = run_ember("predict --model " + model + " --data " + input + " --output " + dir.file("p.csv"));
  REQUIRE(r.status == 0);
  const std::string csv = read_file(dir.file("p.csv"));
  CHECK(csv.rfind("prediction,prob_setosa,prob_versicolor,prob_virginica\nsetosa,", 0) == 0);
  CHECK(csv.find("\nvirginica,") != std::string::npos);
}

TEST_CASE("a binary model predicts one probability column, of the positive class", "[cli]") {
  TempDir dir;
  const std::string model = dir.file("m.safetensors");
  REQUIRE(run_ember("train --dataset moons --samples 200 --epochs 5 --save " + model).status == 0);
  const std::string input = dir.write("in.csv", "x1,x2\n0.5,0.2\n-1,0.5\n");
  const auto r = run_ember("predict --model " + model + " --data " + input);
  REQUIRE(r.status == 0);
  CHECK(r.out.rfind("prediction,prob_1\n", 0) == 0);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 3);
}

TEST_CASE("predict reads PyTorch's model files when told their activation", "[cli][io]") {
  TempDir dir;
  const std::string model = std::string(EMBER_TEST_DATA_DIR) + "/models/torch_mymodel_4_3.safetensors";
  const std::string input = dir.write("in.csv", "a,b,c,d\n0.1,0.2,0.3,0.4\n");
  const auto without = run_ember("predict --model " + model + " --data " + input);
  CHECK(without.status == 1);
  CHECK(without.err.find("--activation") != std::string::npos);
  const auto with = run_ember("predict --model " + model + " --data " + input + " --activation relu");
  CHECK(with.status == 0);
  CHECK(with.out.rfind("prediction,prob_0,prob_1,prob_2\n", 0) == 0);
}

// ---- errors: the exit code, one message naming what and where, nothing written ----

TEST_CASE("a malformed CSV fails with file, line and column, and writes no model", "[cli]") {
  TempDir dir;
  const std::string ragged = dir.write("ragged.csv", "a,b,label\n1,2,x\n3,4\n5,6,y\n");
  const auto r = run_ember("train --data " + ragged + " --save " + dir.file("m.safetensors"));
  CHECK(r.status == 1);
  CHECK(r.err.find(ragged + ":3") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("m.safetensors")));
  const std::string text = dir.write("text.csv", "a,b,label\n1,2,x\n3,oops,y\n5,6,x\n");
  const auto t = run_ember("train --data " + text);
  CHECK(t.status == 1);
  CHECK(t.err.find(text + ":3:3") != std::string::npos);
}

TEST_CASE("train --quiet prints only the final summary line, and still shows errors", "[cli]") {
  TempDir dir;
  const auto r = run_ember("train --dataset iris --epochs 4 --quiet --save " + dir.file("m.safetensors"));
  REQUIRE(r.status == 0);
  INFO("stdout: " << r.out);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
  CHECK(std::regex_match(
      r.out,
      std::regex("trained 4 epochs in [0-9.]+ s: train loss [0-9.]+ acc [0-9.]+  test loss [0-9.]+ acc [0-9.]+\n")));
  CHECK(r.err.empty());  // no data line, no progress, no "saved model to": only the summary
  CHECK(read_file(dir.file("m.safetensors")).size() > 0);
  // Its figures are the last epoch's.
  const auto loud = run_ember("train --dataset iris --epochs 4");
  REQUIRE(loud.status == 0);
  CHECK(final_test_accuracy(r.out) == final_test_accuracy(loud.out));
  // Without a test split there are no test figures to summarize.
  const auto all = run_ember("train --dataset iris --epochs 2 --test-split 0 --quiet");
  CHECK(std::regex_match(all.out, std::regex("trained 2 epochs in [0-9.]+ s: train loss [0-9.]+ acc [0-9.]+\n")));
  // Errors are not quietened.
  const auto diverged = run_ember("train --dataset iris --epochs 50 --optimizer sgd --lr 1e30 --quiet");
  CHECK(diverged.status == 1);
  CHECK(diverged.err.find("training diverged") != std::string::npos);
  CHECK(diverged.out.empty());
}

TEST_CASE("train --every N prints every Nth epoch line and always the last", "[cli]") {
  const auto r = run_ember("train --dataset iris --epochs 7 --every 3");
  REQUIRE(r.status == 0);
  std::vector<std::string> epochs;
  const std::regex line("epoch ([0-9])/7  train loss");
  for (std::sregex_iterator it(r.out.begin(), r.out.end(), line), end; it != end; ++it) epochs.push_back((*it)[1]);
  CHECK(epochs == std::vector<std::string>{"3", "6", "7"});
  // --every 1 is the default: every epoch.
  const auto every_one = run_ember("train --dataset iris --epochs 3 --every 1");
  CHECK(std::count(every_one.out.begin(), every_one.out.end(), '\n') == 3);
  for (const char* bad : {"--every 0", "--every -2", "--quiet --every 2"}) {
    INFO(bad);
    const auto refused = run_ember(std::string("train --dataset iris --epochs 3 ") + bad);
    CHECK(refused.status == 2);
    CHECK(refused.err.find("--every") != std::string::npos);
  }
}

TEST_CASE("usage errors exit 2 and name the option", "[cli]") {
  struct Case {
    const char* args;
    const char* says;
  };
  const Case cases[] = {
      {"train --dataset iris --activation sparkle", "unknown activation \"sparkle\""},
      {"train --dataset iris --epochs 0", "--epochs"},
      {"train --dataset iris --hidden 64,x", "--hidden"},
      {"train --dataset iris --optimizer rmsprop", "--optimizer"},
      {"train --dataset iris --test-split 1.5", "--test-split"},
      {"train --dataset iris --bogus", "bogus"},
      {"train", "no data"},
      {"train --dataset iris --classes 5", "--classes 5"},
      {"eval --dataset iris", "--model"},
      {"compare --activations relu,nope", "nope"},
  };
  for (const Case& c : cases) {
    INFO(c.args);
    const auto r = run_ember(c.args);
    CHECK(r.status == 2);
    CHECK(r.err.find(c.says) != std::string::npos);
  }
}

TEST_CASE("other failures exit 1 with a clear message", "[cli]") {
  TempDir dir;
  CHECK(run_ember("train --data " + dir.file("missing.csv")).status == 1);
  CHECK(run_ember("train --dataset nosuch").err.find("iris") != std::string::npos);  // lists the known names
  const std::string one_class = dir.write("one.csv", "a,label\n1,x\n2,x\n");
  const auto single = run_ember("train --data " + one_class);
  CHECK(single.status == 1);
  CHECK(single.err.find("single class") != std::string::npos);
  const std::string truncated = dir.write("bad.safetensors", std::string("\x40\0\0\0\0\0\0\0{", 9));
  const auto bad_model = run_ember("eval --model " + truncated + " --dataset iris");
  CHECK(bad_model.status == 1);
  CHECK(bad_model.err.find(truncated) != std::string::npos);
  const auto unwritable = run_ember("train --dataset iris --epochs 1 --save /nonexistent-dir/m.safetensors");
  CHECK(unwritable.status == 1);
  CHECK(unwritable.err.find("/nonexistent-dir") != std::string::npos);
}

TEST_CASE("a diverging run stops with the epoch and batch, and leaves the previous model whole", "[cli]") {
  TempDir dir;
  const std::string model = dir.file("m.safetensors");
  REQUIRE(run_ember("train --dataset iris --epochs 2 --save " + model).status == 0);
  const std::string before = read_file(model);
  const auto r = run_ember("train --dataset iris --epochs 50 --optimizer sgd --lr 1e30 --save " + model);
  CHECK(r.status == 1);
  CHECK(std::regex_search(r.err, std::regex("epoch [0-9]+, batch [0-9]+")));
  CHECK(r.err.find("lower learning rate") != std::string::npos);
  CHECK(read_file(model) == before);
}
