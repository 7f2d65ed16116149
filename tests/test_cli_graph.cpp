// ember graph, run as a user runs it: the DOT of the article's model on moons has exactly the
// vertices and edges the code makes (counted from MyModel::logits and classification_loss), names
// its parameters, shows gradient norms equal to the gradients' own; --output, --svg (when Graphviz
// is installed), the message when it is not, and the usage errors.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>

#include "cli_runner.hpp"
#include "ember/core/engine/format.hpp"
#include "ember/core/train/trainer.hpp"
#include "ember/lab/data/builtin.hpp"
#include "ember/lab/data/split.hpp"

using Catch::Contains;
using ember_test::read_file;
using ember_test::run_ember;
using ember_test::TempDir;

namespace {

int count(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<int>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

bool dot_installed() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && ::access((std::filesystem::path(dir) / "dot").c_str(), X_OK) == 0) return true;
  }
  return false;
}

// `ember args` with PATH set to `path` (a folder without dot in it).
ember_test::CliResult run_ember_with_path(const std::string& path, const std::string& args) {
  TempDir capture;
  const std::string out = capture.file("stdout"), err = capture.file("stderr");
  const int raw = std::system(
      ("PATH='" + path + "' " + EMBER_BINARY + " " + args + " >" + out + " 2>" + err + " </dev/null").c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read_file(out), read_file(err)};
}

// The gradient norm of `name` that a DOT label shows: "fc1.weight\n[64, 2]\n|grad| 1.234e-02".
std::string shown_norm(const std::string& dot, const std::string& name) {
  std::smatch match;
  const std::regex pattern("label=\"" + name + R"re(\\n\[[0-9, ]*\]\\n\|grad\| ([^"]+)")re");
  return std::regex_search(dot, match, pattern) ? match[1].str() : "";
}

}  // namespace

TEST_CASE("ember graph: the article's model on moons has one vertex per op that ran", "[cli][graph]") {
  const auto r = run_ember("graph --dataset moons");
  REQUIRE(r.status == 0);
  INFO(r.out);
  CHECK(r.out.rfind("digraph autograd {", 0) == 0);
  // MyModel::logits runs fc1, relu, fc2, relu, fc3; classification_loss of one output runs one fused
  // binary_cross_entropy_with_logits (the sigmoid head is not part of the logits): 6 ops.
  CHECK(count(r.out, R"(label="linear\\n)") == 3);
  CHECK(count(r.out, R"(label="relu\\n)") == 2);
  CHECK(count(r.out, R"(label="binary_cross_entropy_with_logits\\n\[\])") == 1);
  // Leaves: the batch, fc1..fc3's weight and bias, and the targets tensor the loss reads: 8.
  for (const char* leaf : {"input\\n[32, 2]", "target\\n[32, 1]", "fc1.weight\\n[64, 2]", "fc1.bias\\n[64]",
                           "fc2.weight\\n[32, 64]", "fc2.bias\\n[32]", "fc3.weight\\n[1, 32]", "fc3.bias\\n[1]"})
    CHECK_THAT(r.out, Contains("label=\"" + std::string(leaf) + "\""));
  CHECK(count(r.out, R"(\n  n[0-9]+ \[label=)") == 6 + 8);
  // Edges: x, W, b into each linear (9), one into each relu (2), logits and targets into the loss (2).
  CHECK(count(r.out, " -> ") == 13);
  CHECK_THAT(r.err, Contains("6 ops, 8 leaves, 13 edges"));
  CHECK(r.out.find("|grad|") == std::string::npos);
}

TEST_CASE("ember graph: a 3-class model ends in cross_entropy, which reads no target tensor", "[cli][graph]") {
  const auto r = run_ember("graph --dataset iris --hidden 16 --batch-size 5");
  REQUIRE(r.status == 0);
  CHECK(count(r.out, R"(label="linear\\n)") == 2);
  CHECK(count(r.out, R"(label="relu\\n)") == 1);
  CHECK_THAT(r.out, Contains(R"(label="cross_entropy\n[]")"));
  CHECK_THAT(r.out, Contains(R"(label="linear\n[5, 3]")"));
  CHECK_THAT(r.err, Contains("4 ops, 5 leaves, 8 edges"));
}

TEST_CASE("ember graph: a formula activation shows the ops it is made of, its constants as leaves",
          "[cli][graph][formula]") {
  // Each of the two activations runs softplus, tanh and mul (x*tanh(softplus(x))), then mul by the
  // constant 0.5 and add: 5 ops each, 3 linear, 1 loss = 14 ops. The constant 0.5 is a leaf of each
  // activation's mul: 8 leaves + 2. Edges: 9 into the linears; per activation 1 + 1 + 2 + 2 + 2 = 8;
  // 2 into the loss: 27.
  const auto r = run_ember("graph --dataset moons --activation 'x*tanh(softplus(x))+0.5*x' --batch-size 4");
  REQUIRE(r.status == 0);
  INFO(r.out);
  CHECK(count(r.out, R"(label="softplus\\n\[4, )") == 2);
  CHECK(count(r.out, R"(label="tanh\\n\[4, )") == 2);
  CHECK(count(r.out, R"(label="mul\\n\[4, )") == 4);
  CHECK(count(r.out, R"(label="add\\n\[4, )") == 2);
  CHECK(count(r.out, R"(label="0.5")") == 2);
  CHECK_THAT(r.err, Contains("14 ops, 10 leaves, 27 edges"));
}

TEST_CASE("ember graph --grads: each parameter's norm is the norm of its gradient", "[cli][graph]") {
  const auto r = run_ember("graph --dataset moons --grads");
  REQUIRE(r.status == 0);
  CHECK(count(r.out, R"(\|grad\| )") == 6 + 6);  // every op (retained) and every parameter
  CHECK_THAT(r.out, Contains(R"(binary_cross_entropy_with_logits\n[]\n|grad| 1.000e+00")"));

  // The same model and batch, made here as `ember train` makes them: prepare the data, standardize
  // with the training split, build the model from seed 0, take the first 32 training rows.
  ember::DataOptions data;
  data.dataset = "moons";
  ember::PreparedSplit split = ember::prepare_split(data, 0.2);
  ember::Standardizer::fit(split.train.X).apply(split.train.X);
  ember::TrainConfig config;
  auto model = ember::build_model(config, split.train.num_features(), 1);
  const ember::Tensor x = ember::Tensor::from_matrix(split.train.X.topRows(32));
  const std::vector<int> y(split.train.y.begin(), split.train.y.begin() + 32);
  ember::classification_loss(model->logits(x), y).backward();
  for (const auto& [name, parameter] : model->named_parameters()) {
    INFO(name);
    CHECK(shown_norm(r.out, name) == ember::format_scientific(parameter.grad().cast<double>().norm(), 3));
  }
}

TEST_CASE("ember graph --output writes the DOT to a file, the same bytes every run", "[cli][graph]") {
  TempDir dir;
  const std::string dot = dir.file("graph.dot");
  const auto r = run_ember("graph --dataset moons --batch-size 4 --output " + dot);
  REQUIRE(r.status == 0);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Contains("wrote " + dot));
  CHECK(read_file(dot) == run_ember("graph --dataset moons --batch-size 4").out);
  CHECK_THAT(read_file(dot), Contains(R"(label="linear\n[4, 64]")"));
  // A batch larger than the training set is the whole training set (800 of moons' 1000 rows).
  CHECK_THAT(run_ember("graph --dataset moons --batch-size 5000").out, Contains(R"(label="input\n[800, 2]")"));
}

TEST_CASE("ember graph --svg renders with Graphviz's dot, when it is installed", "[cli][graph]") {
  if (!dot_installed()) {
    WARN("dot is not on PATH (apt-get install graphviz): --svg not checked");
    return;
  }
  TempDir dir;
  const std::string svg = dir.file("graph.svg");
  const auto r = run_ember("graph --dataset moons --grads --svg " + svg);
  REQUIRE(r.status == 0);
  CHECK(r.out.empty());  // with --svg and no --output, no DOT on stdout
  CHECK_THAT(r.err, Contains("wrote " + svg));
  const std::string text = read_file(svg);
  CHECK_THAT(text, Contains("<svg"));
  CHECK_THAT(text, Contains("fc3.bias"));
  CHECK(count(text, R"(<g id="node[0-9]+" class="node">)") == 14);
  CHECK(count(text, R"(<g id="edge[0-9]+" class="edge">)") == 13);
}

TEST_CASE("ember graph --svg without Graphviz says how to install it and keeps the old file", "[cli][graph]") {
  TempDir dir, empty;
  const std::string dot = dir.file("graph.dot"), svg = dir.write("graph.svg", "old");
  const auto r = run_ember_with_path(empty.path(), "graph --dataset moons --output " + dot + " --svg " + svg);
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("Graphviz is not installed"));
  CHECK_THAT(r.err, Contains("apt-get install graphviz"));
  CHECK_THAT(r.err, Contains("the DOT text is in " + dot));
  CHECK_THAT(read_file(dot), Contains("digraph autograd"));
  CHECK(read_file(svg) == "old");
  const auto no_output = run_ember_with_path(empty.path(), "graph --dataset moons --svg " + svg);
  CHECK(no_output.status == 1);
  CHECK_THAT(no_output.err, Contains("--output FILE.dot"));
}

TEST_CASE("ember graph: usage errors exit 2 with a message, and --help has an example", "[cli][graph]") {
  const auto help = run_ember("graph --help");
  CHECK(help.status == 0);
  CHECK_THAT(help.out, Contains("ember graph"));
  CHECK_THAT(help.out, Contains("example"));
  CHECK_THAT(run_ember("--help").out, Contains("graph"));
  const std::pair<const char*, const char*> errors[] = {
      {"graph", "no data"},
      {"graph --dataset moons --batch-size 0", "--batch-size must be at least 1"},
      {"graph --dataset moons --activation sparkle", "unknown activation"},
      {"graph --dataset moons --output same.dot --svg same.dot", "the same file"},
      {"graph --dataset moons --epochs 5", "unknown option --epochs"},
  };
  for (const auto& [args, message] : errors) {
    INFO(args);
    const auto r = run_ember(args);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Contains(message));
  }
}
