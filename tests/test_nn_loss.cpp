// Tests for src/core/nn/loss_*.cpp: every loss's value and input gradient against PyTorch
// (tests/reference/nn_reference.json, section "losses", from make_nn_reference.py), the edge cases
// (probabilities exactly 0 and 1 in BCELoss, logits of ±100 and ±1000), the error messages, and the
// warning for a softmax placed before CrossEntropyLoss. Finite-difference checks of the same losses are
// in gradcheck_loss.cpp.
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/nn/loss.hpp"
#include "ember/core/nn/mymodel.hpp"
#include "reference_data.hpp"

using ember::Matrix;
using ember::Shape;
using ember::Tensor;
using reference::json;
namespace nn = ember::nn;

namespace {

Tensor optional_tensor(const json& params, const char* key) {
  return params.contains(key) ? reference::tensor_of(params.at(key)) : Tensor();
}

// The Ember module for one case, applied to its inputs (built fresh: CrossEntropyLoss warns once per object).
Tensor apply_loss(const json& c, const std::vector<Tensor>& inputs) {
  const std::string loss = c.at("loss");
  const json& params = c.at("params");
  if (loss == "bce") return nn::BCELoss()(inputs[0], reference::tensor_of(c.at("target")));
  if (loss == "bce_logits") {
    return nn::BCEWithLogitsLoss(optional_tensor(params, "pos_weight"))(inputs[0],
                                                                        reference::tensor_of(c.at("target")));
  }
  if (loss == "mse") return nn::MSELoss()(inputs[0], inputs[1]);
  const auto target = c.at("target").get<std::vector<int>>();
  if (loss == "nll") return nn::NLLLoss(optional_tensor(params, "weight"))(inputs[0], target);
  REQUIRE(loss == "cross_entropy");
  return nn::CrossEntropyLoss(optional_tensor(params, "weight"), params.value("label_smoothing", 0.0))(inputs[0],
                                                                                                       target);
}

// Runs every reference case of one loss: the value (a scalar) and the gradient of each input after
// loss.backward(). Returns how many cases ran.
std::size_t run_loss_cases(const std::string& loss, reference::Tolerance tol = {}) {
  std::size_t count = 0;
  for (const json& c : reference::nn_data().at("losses")) {
    if (c.at("loss") != loss) continue;
    ++count;
    const std::string name = c.at("name");
    INFO("case: " << name);
    std::vector<Tensor> inputs;
    for (const json& input : c.at("inputs")) inputs.push_back(reference::tensor_of(input, true));
    const Tensor value = apply_loss(c, inputs);
    CHECK(value.shape() == Shape::scalar());
    CHECK(value.item() == Approx(c.at("value").get<double>()).epsilon(tol.epsilon).margin(tol.margin));
    value.backward();
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      REQUIRE(inputs[k].has_grad());
      reference::check_values(inputs[k].grad(), c.at("grads")[k].at("values"),
                              name + ": gradient of input " + std::to_string(k), tol);
    }
  }
  return count;
}

// Runs `body` with std::cerr redirected into a string, and returns what it printed.
template <typename Body>
std::string capture_cerr(Body body) {
  std::ostringstream captured;
  std::streambuf* previous = std::cerr.rdbuf(captured.rdbuf());
  try {
    body();
  } catch (...) {
    std::cerr.rdbuf(previous);
    throw;
  }
  std::cerr.rdbuf(previous);
  return captured.str();
}

// Counts occurrences of `needle` in `text`.
std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

// ---- values and gradients against PyTorch ----

TEST_CASE("BCELoss matches PyTorch, including probabilities exactly 0 and 1", "[loss]") {
  // The edge case has gradients of ±1.25e11 (PyTorch divides by max(p(1 − p), 1e−12)): relative tolerance.
  CHECK(run_loss_cases("bce") == 3);
}

TEST_CASE("BCEWithLogitsLoss matches PyTorch: plain, one column, pos_weight, logits of ±100 and ±1000", "[loss]") {
  CHECK(run_loss_cases("bce_logits") == 5);
}

TEST_CASE("CrossEntropyLoss matches PyTorch: plain, class weight, label smoothing, both, extreme logits", "[loss]") {
  CHECK(run_loss_cases("cross_entropy") == 6);
}

TEST_CASE("NLLLoss matches PyTorch with and without class weights", "[loss]") { CHECK(run_loss_cases("nll") == 2); }

TEST_CASE("MSELoss matches PyTorch, with a gradient for both arguments", "[loss]") {
  CHECK(run_loss_cases("mse") == 1);
}

// ---- edge cases, by hand ----

TEST_CASE("BCELoss clamps each log at -100: p = 0 with target 1 costs exactly 100", "[loss]") {
  const Tensor p = Tensor::vector({0, 1}, true);
  const Tensor loss = nn::BCELoss()(p, Tensor::vector({1, 0}));
  CHECK(loss.item() == Approx(100).epsilon(1e-6));
  loss.backward();
  // dL/dp = (p − y) / max(p(1 − p), 1e−12) / n: finite, huge, and pushing p towards its target.
  CHECK(std::isfinite(p.grad()(0, 0)));
  CHECK(p.grad()(0, 0) < -1e11);
  CHECK(p.grad()(0, 1) > 1e11);
  // Right on target: zero loss and zero gradient, not 0 · (−inf) = nan.
  const Tensor exact = Tensor::vector({0, 1}, true);
  const Tensor none = nn::BCELoss()(exact, Tensor::vector({0, 1}));
  CHECK(none.item() == 0);
  none.backward();
  CHECK(exact.grad().isZero());
}

TEST_CASE("BCEWithLogitsLoss stays finite and exact for logits of ±1000", "[loss]") {
  const Tensor z = Tensor::vector({1000, -1000, 1000, -1000}, true);
  const Tensor loss = nn::BCEWithLogitsLoss()(z, Tensor::vector({1, 0, 0, 1}));
  CHECK(loss.item() == Approx(500).epsilon(1e-6));  // two right (cost 0), two wrong by 1000 each, mean of 4
  loss.backward();
  // (σ(z) − y) / n
  CHECK(z.grad()(0, 0) == 0);
  CHECK(z.grad()(0, 1) == 0);
  CHECK(z.grad()(0, 2) == Approx(0.25));
  CHECK(z.grad()(0, 3) == Approx(-0.25));
}

TEST_CASE("CrossEntropyLoss of logits equals NLLLoss of log_softmax, and its gradient is (softmax − onehot) / N",
          "[loss]") {
  const Tensor z = Tensor::matrix({{1, 2, 3}, {0.5f, -1, 0}}, true);
  const std::vector<int> y{2, 0};
  const Tensor ce = nn::CrossEntropyLoss()(z, y);
  CHECK(ce.item() == Approx(nn::NLLLoss()(ember::log_softmax(z, 1), y).item()));
  ce.backward();
  Matrix expected = ember::softmax(z.detach(), 1).value();
  expected(0, 2) -= 1;
  expected(1, 0) -= 1;
  expected /= 2;
  CHECK(z.grad().isApprox(expected, 1e-6f));
}

// ---- errors ----

TEST_CASE("A classification target out of range names the row and the class count", "[loss]") {
  const Tensor z = Tensor::zeros(Shape::matrix(3, 4));
  CHECK_THROWS_WITH(nn::CrossEntropyLoss()(z, {0, 1, 4}), Catch::Contains("row 2") && Catch::Contains("4 classes"));
  CHECK_THROWS_WITH(nn::NLLLoss()(z, {-1, 1, 2}), Catch::Contains("row 0") && Catch::Contains("4 classes"));
  CHECK_THROWS_AS(nn::cross_entropy(z, {0, 1, 4}), std::out_of_range);
}

TEST_CASE("Mismatched shapes name both shapes", "[loss]") {
  const Tensor a = Tensor::zeros(Shape::matrix(2, 3));
  const Tensor b = Tensor::zeros(Shape::matrix(3, 2));
  CHECK_THROWS_WITH(nn::MSELoss()(a, b), Catch::Contains("[2, 3]") && Catch::Contains("[3, 2]"));
  CHECK_THROWS_WITH(nn::BCEWithLogitsLoss()(a, b), Catch::Contains("[2, 3]") && Catch::Contains("[3, 2]"));
  CHECK_THROWS_WITH(nn::BCELoss()(Tensor::full(Shape::matrix(2, 3), 0.5f), b),
                    Catch::Contains("[2, 3]") && Catch::Contains("[3, 2]"));
  CHECK_THROWS_AS(nn::MSELoss()(a, b), ember::ShapeError);
  // Classification: N targets for N rows, a weight per class.
  CHECK_THROWS_WITH(nn::CrossEntropyLoss()(a, {0, 1, 2}), Catch::Contains("[2, 3]") && Catch::Contains("3 targets"));
  CHECK_THROWS_WITH(nn::CrossEntropyLoss(Tensor::ones(Shape::vector(2)))(a, {0, 1}),
                    Catch::Contains("[2]") && Catch::Contains("[3]"));
  CHECK_THROWS_AS(nn::BCEWithLogitsLoss(Tensor::ones(Shape::vector(2)))(a, a), ember::ShapeError);
}

TEST_CASE("BCELoss rejects a probability outside [0, 1] and suggests BCEWithLogitsLoss", "[loss]") {
  const Tensor y = Tensor::vector({1, 0});
  CHECK_THROWS_WITH(nn::BCELoss()(Tensor::vector({1.5f, 0.5f}), y),
                    Catch::Contains("[0, 1]") && Catch::Contains("BCEWithLogitsLoss"));
  CHECK_THROWS_AS(nn::BCELoss()(Tensor::vector({0.5f, -0.01f}), y), std::domain_error);
  CHECK_THROWS_AS(nn::BCELoss()(Tensor::vector({std::numeric_limits<float>::quiet_NaN(), 0.5f}), y), std::domain_error);
}

TEST_CASE("CrossEntropyLoss rejects label smoothing outside [0, 1]", "[loss]") {
  CHECK_THROWS_AS(nn::cross_entropy(Tensor::zeros(Shape::matrix(1, 2)), {0}, Tensor(), 1.5f), std::invalid_argument);
}

// ---- the softmax-before-CrossEntropyLoss warning ----

TEST_CASE("CrossEntropyLoss warns once when given probability rows, and never for logits", "[loss]") {
  const Tensor logits = Tensor::matrix({{2, -1, 0.5f}, {0.1f, 0.2f, 3}});
  const Tensor probabilities = ember::softmax(logits, 1);
  const std::vector<int> y{0, 2};

  nn::CrossEntropyLoss quiet;
  const std::string for_logits = capture_cerr([&] {
    quiet(logits, y);
    quiet(logits, y);
  });
  CHECK(for_logits.empty());

  nn::CrossEntropyLoss loss;
  const std::string for_probabilities = capture_cerr([&] {
    for (int i = 0; i < 3; ++i) loss(probabilities, y);
  });
  CHECK(count_of(for_probabilities, "warning:") == 1);
  CHECK_THAT(for_probabilities, Catch::Contains("CrossEntropyLoss") && Catch::Contains("softmax"));
}

TEST_CASE("The article's mistake, a Softmax head fed to CrossEntropyLoss, triggers the warning", "[loss]") {
  ember::Generator gen(0);
  nn::MyModel model(4, 3, gen, "relu", {8});
  const Tensor x = Tensor::matrix({{1, 2, 3, 4}, {-1, 0, 1, 2}});
  nn::CrossEntropyLoss loss;
  CHECK_FALSE(capture_cerr([&] { loss(model(x), {0, 1}); }).empty());
  nn::CrossEntropyLoss right;
  CHECK(capture_cerr([&] { right(model.logits(x), {0, 1}); }).empty());
}
