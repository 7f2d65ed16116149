// Tests for src/lab/plot/autograd_graph.cpp and autograd_graph_render.cpp: the DOT of an autograd
// graph has one vertex per node that ran (the article's model: counted from the code), an edge per
// input, names for parameters, values for constants, escaped labels, gradient norms equal to the
// norms of the gradients, the same text for the same graph; and `dot`, when installed, accepts it.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>

#include "ember/core/engine/format.hpp"
#include "ember/core/engine/ops.hpp"
#include "ember/core/train/trainer.hpp"
#include "ember/lab/plot/autograd_graph.hpp"
#include "test_data_files.hpp"

using Catch::Contains;
using ember::Index;
using ember::Matrix;
using ember::Shape;
using ember::Tensor;
using ember::plot::autograd_graph_dot;
using ember::plot::NodeNames;

namespace {

// True when a program called `name` is on PATH, as posix_spawnp would find it.
bool on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && ::access((std::filesystem::path(dir) / name).c_str(), X_OK) == 0) return true;
  }
  return false;
}

int count(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<int>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

// The article's model on a batch of N rows of D inputs, with everything named as `ember graph` names it.
struct ModelGraph {
  std::unique_ptr<ember::nn::MyModel> model;
  Tensor x, loss;
  NodeNames names;
};
ModelGraph model_graph(Index n, Index d, Index outputs) {
  ember::TrainConfig config;  // relu, hidden {64, 32}, seed 0
  ModelGraph g;
  g.model = ember::build_model(config, d, outputs);
  ember::Generator gen(1);
  g.x = Tensor::normal(Shape::matrix(n, d), 0, 1, gen);
  std::vector<int> y;
  for (Index i = 0; i < n; ++i) y.push_back(static_cast<int>(i % std::max<Index>(outputs, 2)));
  g.loss = ember::classification_loss(g.model->logits(g.x), y);
  for (const auto& [name, p] : g.model->named_parameters()) g.names[&p.node()] = name;
  g.names[&g.x.node()] = "input";
  return g;
}

}  // namespace

TEST_CASE("the article's binary model: one vertex per op that ran and per leaf it read", "[plot][graph]") {
  ModelGraph g = model_graph(32, 2, 1);
  const auto graph = autograd_graph_dot(g.loss, g.names, false);
  // MyModel::logits: fc1, relu, fc2, relu, fc3 (5 ops; the sigmoid head is not in the logits), then
  // classification_loss: one fused binary_cross_entropy_with_logits op (trainer.cpp, loss_binary.cpp).
  CHECK(graph.op_nodes == 6);
  // The batch, fc1..fc3's weight and bias, and the targets that BCEWithLogits takes as a tensor.
  CHECK(graph.leaf_nodes == 8);
  // Each linear reads x, W, b (3 x 3), each relu one input (2), the loss the logits and the targets (2).
  CHECK(graph.edges == 13);
  CHECK(count(graph.dot, R"(\n  n[0-9]+ \[label=)") == 14);
  CHECK(count(graph.dot, R"( -> )") == 13);
  CHECK(count(graph.dot, R"(label="linear\\n)") == 3);
  CHECK(count(graph.dot, R"(label="relu\\n)") == 2);
  CHECK(count(graph.dot, R"(label="binary_cross_entropy_with_logits\\n\[\])") == 1);
  CHECK_THAT(graph.dot, Contains(R"(label="linear\n[32, 64]")"));
  CHECK_THAT(graph.dot, Contains(R"(label="linear\n[32, 1]")"));
  for (const char* name : {"fc1.weight\\n[64, 2]", "fc1.bias\\n[64]", "fc2.weight\\n[32, 64]", "fc2.bias\\n[32]",
                           "fc3.weight\\n[1, 32]", "fc3.bias\\n[1]", "input\\n[32, 2]"})
    CHECK_THAT(graph.dot, Contains("label=\"" + std::string(name) + "\""));
  CHECK_THAT(graph.dot, Contains(R"(label="constant\n[32, 1]")"));  // the targets: not named here
  CHECK(graph.dot.rfind("digraph autograd {\n", 0) == 0);
  CHECK(graph.dot.substr(graph.dot.size() - 2) == "}\n");
}

TEST_CASE("a softmax model's cross-entropy reads class indices: no target leaf", "[plot][graph]") {
  ModelGraph g = model_graph(8, 4, 3);
  const auto graph = autograd_graph_dot(g.loss, g.names, false);
  CHECK(graph.op_nodes == 6);    // 3 linear, 2 relu, cross_entropy (log-softmax and NLL fused)
  CHECK(graph.leaf_nodes == 7);  // the batch and 6 parameters
  CHECK(graph.edges == 12);
  CHECK_THAT(graph.dot, Contains(R"(label="cross_entropy\n[]")"));
}

TEST_CASE("with grads, each node shows the Frobenius norm of its gradient after backward", "[plot][graph]") {
  ModelGraph g = model_graph(32, 2, 1);
  ember::plot::retain_graph_grads(g.loss);
  g.loss.backward();
  const auto graph = autograd_graph_dot(g.loss, g.names, true);
  for (const auto& [name, p] : g.model->named_parameters()) {
    INFO(name);
    REQUIRE(p.has_grad());
    const std::string norm = ember::format_scientific(p.grad().cast<double>().norm(), 3);
    CHECK_THAT(graph.dot, Contains(name + "\\n" + p.shape().str() + "\\n|grad| " + norm + "\""));
  }
  // Every op kept its gradient (retain_grad); the loss's is dL/dL = 1. The batch and targets have none.
  CHECK(count(graph.dot, R"(\|grad\| )") == 6 + 6);
  CHECK_THAT(graph.dot, Contains(R"(binary_cross_entropy_with_logits\n[]\n|grad| 1.000e+00")"));
  CHECK_THAT(graph.dot, Contains(R"(label="input\n[32, 2]")"));
  CHECK_THAT(graph.dot, !Contains("no grad"));
}

TEST_CASE("without retain_grad the ops' gradients are gone, and the graph says so", "[plot][graph]") {
  ModelGraph g = model_graph(4, 2, 1);
  g.loss.backward();
  const auto graph = autograd_graph_dot(g.loss, g.names, true);
  CHECK(count(graph.dot, R"(\\nno grad")") == 6);
  CHECK(count(graph.dot, R"(\|grad\| )") == 6);  // the parameters: leaves keep theirs
}

TEST_CASE("constants: one number shows its value, a larger one its shape", "[plot][graph]") {
  const Tensor x = Tensor::vector({1, 2}, true);
  const Tensor y = ember::sum(x * 0.5f + Tensor::from_matrix(Matrix::Ones(1, 2)));
  const auto graph = autograd_graph_dot(y, {}, false);
  CHECK(graph.op_nodes == 3);  // mul, add, sum
  CHECK(graph.leaf_nodes == 3);
  CHECK_THAT(graph.dot, Contains(R"(label="0.5", shape=ellipse, style=dashed)"));
  CHECK_THAT(graph.dot, Contains(R"(label="constant\n[1, 2]")"));
  CHECK_THAT(graph.dot, Contains(R"(label="tensor\n[2]")"));  // an unnamed leaf that requires grad
}

TEST_CASE("an absent bias is no vertex, and a tensor used twice has two edges", "[plot][graph]") {
  ember::Generator gen(0);
  const Tensor x = Tensor::normal(Shape::matrix(3, 2), 0, 1, gen);
  const Tensor w = Tensor::normal(Shape::matrix(4, 2), 0, 1, gen).requires_grad_();
  const auto linear = autograd_graph_dot(ember::linear(x, w, Tensor()), {}, false);
  CHECK(linear.op_nodes == 1);
  CHECK(linear.leaf_nodes == 2);
  CHECK(linear.edges == 2);
  const auto square = autograd_graph_dot(w * w, {}, false);
  CHECK(square.leaf_nodes == 1);
  CHECK(square.edges == 2);
  CHECK(count(square.dot, "n0 -> n1;") == 2);
}

TEST_CASE("labels are escaped for DOT", "[plot][graph]") {
  const Tensor w = Tensor::vector({1, 2}, true);
  const Tensor y = ember::sum(w);
  const auto graph = autograd_graph_dot(y, {{&w.node(), "a \"quoted\" \\name\nnext"}}, false);
  CHECK_THAT(graph.dot, Contains(R"(label="a \"quoted\" \\name\nnext\n[2]")"));
}

TEST_CASE("the same graph gives byte-identical DOT, and a leaf alone is a graph", "[plot][graph]") {
  CHECK(autograd_graph_dot(model_graph(8, 2, 1).loss, {}, false).dot ==
        autograd_graph_dot(model_graph(8, 2, 1).loss, {}, false).dot);
  const Tensor leaf = Tensor::scalar(2, true);
  const auto graph = autograd_graph_dot(leaf, {}, false);
  CHECK(graph.op_nodes == 0);
  CHECK(graph.leaf_nodes == 1);
  CHECK(graph.edges == 0);
}

TEST_CASE("a chain of 100,000 ops is walked without recursion", "[plot][graph]") {
  Tensor x = Tensor::scalar(1, true);
  Tensor y = x;
  for (int i = 0; i < 100000; ++i) y = y * 1.0f;
  const auto graph = autograd_graph_dot(y, {}, false);
  CHECK(graph.op_nodes == 100000);
  CHECK(graph.leaf_nodes == 100001);  // x and one constant per mul
  CHECK(graph.edges == 200000);
}

TEST_CASE("Graphviz's dot renders the DOT as SVG, when it is installed", "[plot][graph]") {
  if (!on_path("dot")) {
    WARN("dot is not on PATH (apt-get install graphviz): not checked");
    return;
  }
  ModelGraph g = model_graph(32, 2, 1);
  ember::plot::retain_graph_grads(g.loss);
  g.loss.backward();
  const std::string svg = ember::plot::render_svg(autograd_graph_dot(g.loss, g.names, true).dot);
  CHECK_THAT(svg, Contains("<svg"));
  CHECK_THAT(svg, Contains("fc1.weight"));
  CHECK(count(svg, R"(<g id="node[0-9]+" class="node">)") == 14);
  CHECK(count(svg, R"(<g id="edge[0-9]+" class="edge">)") == 13);
  CHECK_THROWS_WITH(ember::plot::render_svg("digraph { this is not DOT"), Contains("dot -Tsvg failed"));
}

TEST_CASE("without dot on PATH, render_svg says Graphviz is missing", "[plot][graph]") {
  ember_test::TempDir empty;
  const char* old = std::getenv("PATH");
  const std::string saved = old ? old : "";
  ::setenv("PATH", empty.path().c_str(), 1);
  CHECK_THROWS_AS(ember::plot::render_svg("digraph { a -> b }"), ember::plot::GraphvizMissing);
  if (old) ::setenv("PATH", saved.c_str(), 1);
  else ::unsetenv("PATH");
}
