// Tests for src/core/engine/activation_ops.cpp: each activation's value, shape and gradient against PyTorch
// (tests/reference/engine_reference.json), the kinks (relu, leaky_relu and elu at exactly 0) and the
// extremes (±100, ±1000 into sigmoid, tanh, softplus, softmax, log_softmax: finite values, finite
// gradients). Finite-difference checks are in gradcheck_activations.cpp.
#include <cmath>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/engine/ops.hpp"
#include "reference_data.hpp"

using reference::json;
using reference::run_reference_cases;
using Inputs = std::vector<ember::Tensor>;

namespace {

bool is_extreme(const json& c) { return c.at("name").get<std::string>().find("extreme") != std::string::npos; }

// Runs the cases of `op`, the ordinary ones or only the extreme ones; returns how many ran.
std::size_t run(const std::string& op, bool extreme, const reference::OpFn& fn) {
  std::size_t n = 0;
  for (const json& c : reference::cases("activations", op)) {
    if (is_extreme(c) != extreme) continue;
    reference::run_reference_case(c, fn);
    ++n;
  }
  return n;
}

ember::Tensor apply(const std::string& op, const Inputs& in, const json& p) {
  const ember::Tensor& x = in[0];
  if (op == "sigmoid") return ember::sigmoid(x);
  if (op == "tanh") return ember::tanh(x);
  if (op == "relu") return ember::relu(x);
  if (op == "leaky_relu") return ember::leaky_relu(x, p.at("negative_slope").get<ember::Scalar>());
  if (op == "gelu") return ember::gelu(x);
  if (op == "silu") return ember::silu(x);
  if (op == "elu") return ember::elu(x, p.at("alpha").get<ember::Scalar>());
  if (op == "softplus") {
    return ember::softplus(x, p.at("beta").get<ember::Scalar>(), p.at("threshold").get<ember::Scalar>());
  }
  if (op == "softmax") return ember::softmax(x, p.at("dim").get<int>());
  if (op == "log_softmax") return ember::log_softmax(x, p.at("dim").get<int>());
  throw std::logic_error("test_activations: no Ember function for " + op);
}

reference::OpFn fn_for(const std::string& op) {
  return [op](const Inputs& in, const json& p) { return apply(op, in, p); };
}

// True when every element of the value and of the gradient is finite.
bool all_finite(const ember::Matrix& m) { return m.allFinite(); }

}  // namespace

// ---- the article's four ----

TEST_CASE("sigmoid matches PyTorch", "[activations]") { CHECK(run("sigmoid", false, fn_for("sigmoid")) == 1); }

TEST_CASE("tanh matches PyTorch", "[activations]") { CHECK(run("tanh", false, fn_for("tanh")) == 1); }

TEST_CASE("relu matches PyTorch, with gradient 0 at exactly 0", "[activations]") {
  CHECK(run("relu", false, fn_for("relu")) == 1);
  const ember::Tensor x = ember::Tensor::vector({-1, 0, 2}, true);
  ember::sum(ember::relu(x)).backward();
  CHECK(x.grad()(0, 1) == 0);  // the subgradient PyTorch picks at the kink
  CHECK(x.grad()(0, 2) == 1);
}

TEST_CASE("leaky_relu matches PyTorch for slopes 0.01 and 0.2, with the slope as gradient at 0", "[activations]") {
  CHECK(run("leaky_relu", false, fn_for("leaky_relu")) == 2);
  const ember::Tensor x = ember::Tensor::vector({-1, 0, 2}, true);
  ember::sum(ember::leaky_relu(x, 0.2f)).backward();
  CHECK(x.grad()(0, 0) == Approx(0.2).margin(1e-7));
  CHECK(x.grad()(0, 1) == Approx(0.2).margin(1e-7));
  CHECK(x.grad()(0, 2) == 1);
}

TEST_CASE("leaky_relu's default slope is PyTorch's 0.01", "[activations]") {
  CHECK(ember::leaky_relu(ember::Tensor::scalar(-1)).item() == Approx(-0.01).margin(1e-8));
}

// ---- softmax and log_softmax ----

TEST_CASE("softmax matches PyTorch along dim 0, dim 1, dim -1 and for a vector", "[activations]") {
  CHECK(run("softmax", false, fn_for("softmax")) == 4);
}

TEST_CASE("log_softmax matches PyTorch along dim 0, dim 1, dim -1 and for a vector", "[activations]") {
  CHECK(run("log_softmax", false, fn_for("log_softmax")) == 4);
}

TEST_CASE("softmax along a dim out of range is an error naming the op", "[activations]") {
  const ember::Tensor x = ember::Tensor::zeros(ember::Shape::matrix(2, 3));
  CHECK_THROWS_WITH(ember::softmax(x, 2), Catch::Contains("softmax") && Catch::Contains("[2, 3]"));
  CHECK_THROWS_WITH(ember::log_softmax(ember::Tensor::zeros(ember::Shape::vector(3)), 1),
                    Catch::Contains("log_softmax"));
}

// ---- the four more ----

TEST_CASE("gelu (exact erf form) matches PyTorch", "[activations]") { CHECK(run("gelu", false, fn_for("gelu")) == 1); }

TEST_CASE("silu matches PyTorch", "[activations]") { CHECK(run("silu", false, fn_for("silu")) == 1); }

TEST_CASE("elu matches PyTorch for alpha 1 and 0.5, with gradient alpha at exactly 0", "[activations]") {
  CHECK(run("elu", false, fn_for("elu")) == 2);
}

TEST_CASE("softplus matches PyTorch, default and with beta 2 and threshold 5", "[activations]") {
  CHECK(run("softplus", false, fn_for("softplus")) == 2);
}

// ---- extremes ----

TEST_CASE("sigmoid matches PyTorch on extreme inputs", "[activations]") {
  CHECK(run("sigmoid", true, fn_for("sigmoid")) == 1);
}

TEST_CASE("tanh matches PyTorch on extreme inputs", "[activations]") { CHECK(run("tanh", true, fn_for("tanh")) == 1); }

TEST_CASE("softplus matches PyTorch on extreme inputs", "[activations]") {
  CHECK(run("softplus", true, fn_for("softplus")) == 1);
}

TEST_CASE("softmax matches PyTorch on extreme inputs along both dims", "[activations]") {
  CHECK(run("softmax", true, fn_for("softmax")) == 2);
}

TEST_CASE("log_softmax matches PyTorch on extreme inputs along both dims", "[activations]") {
  CHECK(run("log_softmax", true, fn_for("log_softmax")) == 2);
}

TEST_CASE("no activation overflows or produces nan on inputs of -1000 to 1000", "[activations]") {
  const ember::Tensor x = ember::Tensor::matrix({{-1000, -100, 0}, {100, 1000, -1000}});
  for (const std::string op :
       {"sigmoid", "tanh", "relu", "leaky_relu", "gelu", "silu", "elu", "softplus", "softmax", "log_softmax"}) {
    INFO(op);
    json p = {{"negative_slope", 0.01}, {"alpha", 1.0}, {"beta", 1.0}, {"threshold", 20.0}, {"dim", 1}};
    const ember::Tensor leaf = x.detach().requires_grad_();
    const ember::Tensor y = apply(op, {leaf}, p);
    CHECK(all_finite(y.value()));
    ember::sum(y * ember::Tensor::full(y.shape(), 0.5f)).backward();
    CHECK(all_finite(leaf.grad()));
  }
}

// ---- coverage ----

TEST_CASE("every activation in the reference file is exercised by a test above", "[activations]") {
  const std::set<std::string> tested = {"sigmoid",     "tanh", "relu", "leaky_relu", "softmax",
                                        "log_softmax", "gelu", "silu", "elu",        "softplus"};
  for (const json& c : reference::data().at("activations")) {
    INFO(c.at("name").get<std::string>());
    CHECK(tested.count(c.at("op").get<std::string>()) == 1);
  }
}
