// Tests for src/core/engine/ops_*.cpp: every op's forward value, output shape and input gradients against
// PyTorch (tests/reference/engine_reference.json), including each broadcast form, plus the edge cases
// (clamp's bounds, max ties, argmax's index type). The finite-difference checks of the same ops are
// in gradcheck_ops.cpp; the rules of the graph itself (accumulation, no-grad, errors) in
// test_autograd.cpp.
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "ember/core/engine/ops.hpp"
#include "reference_data.hpp"

using reference::json;
using reference::run_reference_cases;
using Inputs = std::vector<ember::Tensor>;

namespace {

// The dim/keepdim of a reduction case.
int dim_of(const json& p) { return p.at("dim").get<int>(); }
bool keepdim_of(const json& p) { return p.at("keepdim").get<bool>(); }

}  // namespace

// ---- elementwise arithmetic, every broadcast form ----

TEST_CASE("add matches PyTorch for equal shapes and every broadcast form", "[ops]") {
  const auto n = run_reference_cases("ops", "add", [](const Inputs& in, const json&) { return in[0] + in[1]; });
  CHECK(n == 10);
}

TEST_CASE("sub matches PyTorch for equal shapes and every broadcast form", "[ops]") {
  const auto n = run_reference_cases("ops", "sub", [](const Inputs& in, const json&) { return in[0] - in[1]; });
  CHECK(n == 10);
}

TEST_CASE("mul matches PyTorch for equal shapes and every broadcast form", "[ops]") {
  const auto n = run_reference_cases("ops", "mul", [](const Inputs& in, const json&) { return in[0] * in[1]; });
  CHECK(n == 10);
}

TEST_CASE("div matches PyTorch for equal shapes and every broadcast form", "[ops]") {
  const auto n = run_reference_cases("ops", "div", [](const Inputs& in, const json&) { return in[0] / in[1]; });
  CHECK(n == 10);
}

TEST_CASE("neg matches PyTorch", "[ops]") {
  CHECK(run_reference_cases("ops", "neg", [](const Inputs& in, const json&) { return -in[0]; }) == 1);
}

TEST_CASE("operators with a number broadcast it as a scalar tensor", "[ops]") {
  const ember::Tensor x = ember::Tensor::vector({1, 2, 4});
  CHECK((x + 1).value() == ember::Tensor::vector({2, 3, 5}).value());
  CHECK((x - 1).value() == ember::Tensor::vector({0, 1, 3}).value());
  CHECK((x * 2).value() == ember::Tensor::vector({2, 4, 8}).value());
  CHECK((x / 2).value() == ember::Tensor::vector({0.5f, 1, 2}).value());
  CHECK((1 + x).value() == ember::Tensor::vector({2, 3, 5}).value());
  CHECK((1 - x).value() == ember::Tensor::vector({0, -1, -3}).value());
  CHECK((2 * x).value() == ember::Tensor::vector({2, 4, 8}).value());
  CHECK((4 / x).value() == ember::Tensor::vector({4, 2, 1}).value());
  CHECK((x * 2).shape() == x.shape());
}

TEST_CASE("broadcasting incompatible shapes is an error", "[ops]") {
  const ember::Tensor a = ember::Tensor::zeros(ember::Shape::matrix(2, 3));
  CHECK_THROWS_AS(a + ember::Tensor::zeros(ember::Shape::vector(4)), ember::ShapeError);
  CHECK_THROWS_AS(a * ember::Tensor::zeros(ember::Shape::matrix(3, 2)), ember::ShapeError);
  CHECK_THROWS_AS(a / ember::Tensor::zeros(ember::Shape::matrix(2, 2)), ember::ShapeError);
  CHECK_THROWS_AS(a - ember::Tensor::zeros(ember::Shape::matrix(3, 1)), ember::ShapeError);
}

// ---- matrix products ----

TEST_CASE("matmul matches PyTorch", "[ops]") {
  CHECK(run_reference_cases("ops", "matmul",
                            [](const Inputs& in, const json&) { return ember::matmul(in[0], in[1]); }) == 2);
}

TEST_CASE("transpose matches PyTorch, and a vector is its own transpose", "[ops]") {
  CHECK(run_reference_cases("ops", "transpose",
                            [](const Inputs& in, const json&) { return ember::transpose(in[0]); }) == 2);
}

TEST_CASE("linear matches PyTorch with and without bias and for a 1-D input", "[ops]") {
  const auto n = run_reference_cases("ops", "linear", [](const Inputs& in, const json&) {
    return in.size() == 3 ? ember::linear(in[0], in[1], in[2]) : ember::linear(in[0], in[1]);
  });
  CHECK(n == 3);
}

// ---- reductions ----

TEST_CASE("sum matches PyTorch over all elements and along each dim, with and without keepdim", "[ops]") {
  const auto n = run_reference_cases("ops", "sum", [](const Inputs& in, const json& p) {
    return p.contains("dim") ? ember::sum(in[0], dim_of(p), keepdim_of(p)) : ember::sum(in[0]);
  });
  CHECK(n == 10);
}

TEST_CASE("mean matches PyTorch over all elements and along each dim, with and without keepdim", "[ops]") {
  const auto n = run_reference_cases("ops", "mean", [](const Inputs& in, const json& p) {
    return p.contains("dim") ? ember::mean(in[0], dim_of(p), keepdim_of(p)) : ember::mean(in[0]);
  });
  CHECK(n == 10);
}

TEST_CASE("max along a dim matches PyTorch and sends the gradient to the first maximum", "[ops]") {
  const auto n = run_reference_cases(
      "ops", "max", [](const Inputs& in, const json& p) { return ember::max(in[0], dim_of(p), keepdim_of(p)); });
  CHECK(n == 7);
}

TEST_CASE("argmax matches PyTorch, picks the first maximum and returns int64 indices", "[ops]") {
  const auto n = run_reference_cases("ops", "argmax", [](const Inputs& in, const json& p) {
    const ember::Tensor indices = ember::argmax(in[0], dim_of(p), keepdim_of(p));
    CHECK(indices.dtype() == ember::DType::Int64);
    return indices;
  });
  CHECK(n == 7);
}

TEST_CASE("argmax records no graph even when its input requires grad", "[ops]") {
  const ember::Tensor x = ember::Tensor::matrix({{1, 5}, {7, 2}}, true);
  const ember::Tensor indices = ember::argmax(x, 1);
  CHECK_FALSE(indices.requires_grad());
  CHECK(indices.node().parents.empty());
}

TEST_CASE("a reduction along a dim out of range is an error naming the op", "[ops]") {
  const ember::Tensor x = ember::Tensor::zeros(ember::Shape::matrix(2, 3));
  CHECK_THROWS_WITH(ember::sum(x, 2), Catch::Contains("sum") && Catch::Contains("[2, 3]"));
  CHECK_THROWS_WITH(ember::mean(x, -3), Catch::Contains("mean"));
  CHECK_THROWS_WITH(ember::max(ember::Tensor::zeros(ember::Shape::vector(3)), 1), Catch::Contains("max"));
  CHECK_NOTHROW(ember::sum(x, -2));
}

// ---- pointwise functions ----

TEST_CASE("exp and log match PyTorch", "[ops]") {
  CHECK(run_reference_cases("ops", "exp", [](const Inputs& in, const json&) { return ember::exp(in[0]); }) == 1);
  CHECK(run_reference_cases("ops", "log", [](const Inputs& in, const json&) { return ember::log(in[0]); }) == 1);
}

TEST_CASE("pow matches PyTorch for exponents 2, 0.5, -1 and 3, and 0 and 1 at x = 0", "[ops]") {
  const auto n = run_reference_cases("ops", "pow", [](const Inputs& in, const json& p) {
    return ember::pow(in[0], p.at("exponent").get<ember::Scalar>());
  });
  CHECK(n == 6);
}

TEST_CASE("clamp matches PyTorch and passes the gradient at its bounds", "[ops]") {
  const auto n = run_reference_cases("ops", "clamp", [](const Inputs& in, const json& p) {
    return ember::clamp(in[0], p.at("min").get<ember::Scalar>(), p.at("max").get<ember::Scalar>());
  });
  CHECK(n == 1);
  CHECK_THROWS_AS(ember::clamp(ember::Tensor::scalar(0), 1, -1), std::invalid_argument);
}

TEST_CASE("log of 0 is -inf and its gradient inf, as in PyTorch", "[ops]") {
  const ember::Tensor x = ember::Tensor::vector({0, 1}, true);
  const ember::Tensor y = ember::log(x);
  CHECK(std::isinf(y.at(0)));
  CHECK(y.at(0) < 0);
  ember::sum(y).backward();
  CHECK(std::isinf(x.grad()(0, 0)));
  CHECK(x.grad()(0, 1) == 1);
}

// ---- coverage ----

TEST_CASE("every op in the reference file is exercised by a test above", "[ops]") {
  const std::set<std::string> tested = {"add", "sub",  "mul", "div",    "neg", "matmul", "transpose", "linear",
                                        "sum", "mean", "max", "argmax", "exp", "log",    "pow",       "clamp"};
  for (const json& c : reference::data().at("ops")) {
    INFO(c.at("name").get<std::string>());
    CHECK(tested.count(c.at("op").get<std::string>()) == 1);
  }
}
