// Finite-difference checks (tests/gradcheck.hpp, in float64) of the ops formulas add
// (src/lab/formula/formula_ops.cpp: abs, sqrt, erf, maximum, minimum), of formulas built from them,
// and of `ember activation --gradcheck`'s check (apps/activation_gradcheck.cpp) on every preset and
// function. Values against PyTorch are in test_formula_reference.cpp; the parser in test_formula.cpp.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "activation_gradcheck.hpp"
#include "ember/lab/formula/formula.hpp"
#include "ember/lab/formula/formula_ops.hpp"
#include "gradcheck.hpp"

using ember::Shape;
using ember::Tensor;
using gradcheck::check_gradients;
using Inputs = std::vector<Tensor>;

TEST_CASE("abs, sqrt and erf pass the gradient check", "[gradcheck][formula]") {
  ember::Generator gen(61);
  check_gradients([](const Inputs& in) { return ember::abs(in[0]); },
                  {gradcheck::away_from(Shape::matrix(4, 5), gen, -3, 3, {0})});
  check_gradients([](const Inputs& in) { return ember::sqrt(in[0]); },
                  {gradcheck::away_from(Shape::matrix(4, 5), gen, 0.1, 4, {})});
  check_gradients([](const Inputs& in) { return ember::erf(in[0]); },
                  {gradcheck::away_from(Shape::matrix(4, 5), gen, -3, 3, {})});
}

TEST_CASE("maximum and minimum pass the gradient check, tensor with tensor and with a scalar", "[gradcheck][formula]") {
  ember::Generator gen(62);
  // Distinct values: no ties, where the derivative does not exist.
  const Tensor a = gradcheck::distinct(Shape::matrix(3, 4), gen);
  const Tensor b = gradcheck::distinct(Shape::matrix(3, 4), gen);
  check_gradients([](const Inputs& in) { return ember::maximum(in[0], in[1]); }, {a, b});
  check_gradients([](const Inputs& in) { return ember::minimum(in[0], in[1]); }, {a, b});
  const Tensor scalar = Tensor::scalar(0.05, true);  // between the distinct values, never equal
  check_gradients([](const Inputs& in) { return ember::maximum(in[0], in[1]); }, {a, scalar});
  check_gradients([](const Inputs& in) { return ember::minimum(in[1], in[0]); }, {a, scalar});
}

TEST_CASE("formulas pass the gradient check: autograd differentiates what the parser built", "[gradcheck][formula]") {
  ember::Generator gen(63);
  for (const char* text : {"x*tanh(softplus(x))", "x/(1+abs(x))", "-x^2+3*x-1", "x^3/6", "exp(-x^2/2)", "sqrt(x^2+1)",
                           "log(1+exp(x))", "erf(x/sqrt(2))", "max(x,0.1*x)", "mish(2*x)-swish(x)",
                           "elu(x,0.5)*leaky_relu(x,0.2)", "sigmoid(x)^2", "gelu(x)+gelu_tanh(x)"}) {
    INFO(text);
    const ember::Formula formula = ember::Formula::parse(text);
    check_gradients([&](const Inputs& in) { return formula(in[0]); },
                    {gradcheck::away_from(Shape::matrix(3, 5), gen, -3, 3, {0})});
  }
}

TEST_CASE("ember activation --gradcheck passes every preset and function, and fails where f' is nan",
          "[gradcheck][formula]") {
  std::vector<std::string> specs = {"relu", "leaky_relu:0.2", "tanh", "sigmoid", "gelu", "silu", "elu", "softplus"};
  for (const ember::FormulaPreset& preset : ember::formula_presets()) specs.push_back(preset.name);
  for (const std::string& spec : specs) {
    INFO(spec);
    const ember_f64::ActivationGradcheck check = ember_f64::gradcheck_activation(spec);
    INFO(check.report);
    CHECK(check.passed);
    CHECK(check.points + check.corners == 402);
  }
  // relu's corner at 0 is not on the grid; a formula with corners on it has them left out, not failed.
  const ember_f64::ActivationGradcheck corners = ember_f64::gradcheck_activation("max(x, 0.025)");
  CHECK(corners.passed);
  CHECK(corners.corners == 1);
  // sqrt(x) is nan below 0: no derivative to check there, and the check says so.
  const ember_f64::ActivationGradcheck undefined = ember_f64::gradcheck_activation("sqrt(x)");
  CHECK_FALSE(undefined.passed);
  CHECK_THAT(undefined.report, Catch::Contains("nan"));
}
