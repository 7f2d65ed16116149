// Tests for src/lab/formula/: the parser (precedence, unary minus, whitespace, names, every error
// message), the evaluation (a formula's values and gradients are those of the ops it names, corners
// included), the module and make_activation's reading of formulas, and splitting compare's list.
// Finite-difference checks are in gradcheck_formula.cpp; values against PyTorch in
// test_formula_reference.cpp.
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/engine/ops.hpp"
#include "ember/lab/formula/formula.hpp"
#include "ember/lab/formula/formula_activation.hpp"
#include "ember/lab/formula/formula_ops.hpp"

using ember::Formula;
using ember::FormulaError;
using ember::Scalar;
using ember::Tensor;

namespace {

// f(x) for one number.
double at(const std::string& text, double x) {
  return Formula::parse(text)(Tensor::scalar(static_cast<Scalar>(x))).item();
}

// f'(x) for one number, from autograd.
double slope_at(const std::string& text, double x) {
  Tensor input = Tensor::scalar(static_cast<Scalar>(x), true);
  Formula::parse(text)(input).backward();
  return input.grad()(0, 0);
}

// The message of the FormulaError that parsing `text` throws (fails the test when none is thrown).
std::string error_of(const std::string& text) {
  try {
    Formula::parse(text);
  } catch (const FormulaError& e) {
    return e.what();
  }
  FAIL("no error for \"" << text << "\"");
  return "";
}

}  // namespace

TEST_CASE("Precedence is mathematics' and Python's: ^ before unary minus, then * /, then + -", "[formula]") {
  CHECK(at("-x^2", 3) == -9);      // -(x^2), not (-x)^2
  CHECK(at("1-x-1", 5) == -5);     // (1-x)-1
  CHECK(at("x/2/2", 8) == 2);      // (x/2)/2
  CHECK(at("2^3^2*x", 1) == 512);  // 2^(3^2), right to left
  CHECK(at("x^-1", 4) == 0.25);    // a signed exponent
  CHECK(at("1+2*x^2", 3) == 19);
  CHECK(at("(1+2)*x", 3) == 9);
  CHECK(at("x*-2", 3) == -6);
  CHECK(at("--x", 3) == 3);
  CHECK(at("+x", 3) == 3);
  CHECK(at("-(-x)", 3) == 3);
  CHECK(at("2*-x^2", 3) == -18);
}

TEST_CASE("Whitespace anywhere between tokens, numbers in every written form", "[formula]") {
  CHECK(at("  x  *  2  ", 3) == 6);
  CHECK(at("x\t+\t1", 3) == 4);
  CHECK(at("x*1.5", 2) == 3);
  CHECK(at("x*.5", 2) == 1);
  CHECK(at("x*5.", 2) == 10);
  CHECK(at("x*1e-3", 2000) == Approx(2));
  CHECK(at("x*2E+2", 1) == 200);
  CHECK(Formula::parse("  x * 2 ").spec() == "x * 2");  // trimmed
}

TEST_CASE("A part with no x is computed once, when the formula is read", "[formula]") {
  const Formula formula = Formula::parse("x*(2/4)+exp(0)");
  const ember::Expr& tree = formula.tree();
  REQUIRE(tree.kind == ember::Expr::Kind::Add);
  CHECK(tree.args[0].kind == ember::Expr::Kind::Multiply);
  CHECK(tree.args[0].args[1].kind == ember::Expr::Kind::Number);
  CHECK(tree.args[0].args[1].number == 0.5);
  CHECK(tree.args[1].kind == ember::Expr::Kind::Number);
  CHECK(tree.args[1].number == 1);
}

TEST_CASE("Names: name=formula, a preset, a named activation with its parameter", "[formula]") {
  const Formula named = Formula::parse("mish=x*tanh(softplus(x))");
  CHECK(named.name() == "mish");
  CHECK(named.expression() == "x*tanh(softplus(x))");
  CHECK(named.label() == "mish");
  CHECK(named.spec() == "mish=x*tanh(softplus(x))");
  const Formula unnamed = Formula::parse("x/(1+abs(x))");
  CHECK(unnamed.name().empty());
  CHECK(unnamed.label() == "x/(1+abs(x))");
  const Formula preset = Formula::parse("softsign");
  CHECK(preset.name() == "softsign");
  CHECK(preset.expression() == "x/(1+abs(x))");
  CHECK(Formula::parse("elu:0.5").expression() == "elu(x,0.5)");
  CHECK(at("elu:0.5", -1) == Approx(0.5 * (std::exp(-1.0) - 1)));
  CHECK(at("relu", -2) == 0);
  CHECK(at("exp", 0) == 1);  // a function of one input reads alone as f(x)
  CHECK(ember::activation_label("mish=x*tanh(softplus(x))") == "mish");
  CHECK(ember::activation_label("leaky_relu:0.05") == "leaky_relu:0.05");
}

TEST_CASE("A formula computes what its ops compute: same values, same gradients", "[formula]") {
  const Tensor x = Tensor::vector({-3, -1, -0.25, 0, 0.25, 1, 3});
  auto same = [&](const std::string& text, const std::function<Tensor(const Tensor&)>& op) {
    INFO(text);
    Tensor a = x.detach().requires_grad_(), b = x.detach().requires_grad_();
    const Tensor fa = Formula::parse(text)(a), fb = op(b);
    CHECK(fa.value().isApprox(fb.value(), 1e-6f));
    ember::sum(fa).backward();
    ember::sum(fb).backward();
    CHECK(a.grad().isApprox(b.grad(), 1e-6f));
  };
  same("x*sigmoid(x)", [](const Tensor& t) { return ember::silu(t); });
  same("swish", [](const Tensor& t) { return ember::silu(t); });
  same("log(1+exp(x))", [](const Tensor& t) { return ember::softplus(t); });
  same("leaky_relu(x, 0.2)", [](const Tensor& t) { return ember::leaky_relu(t, 0.2f); });
  same("0.5*x*(1+erf(x/sqrt(2)))", [](const Tensor& t) { return ember::gelu(t); });
}

TEST_CASE("At a tie max and min give the gradient to their second argument: PyTorch's corners", "[formula]") {
  CHECK(slope_at("max(x,0)", 0) == 0);                // relu'(0) = 0
  CHECK(slope_at("max(0,x)", 0) == 1);                // the other order: the tie goes to x
  CHECK(slope_at("max(x,0.1*x)", 0) == Approx(0.1));  // leaky_relu'(0) = negative_slope
  CHECK(slope_at("hardtanh", 1) == 0);
  CHECK(slope_at("hardtanh", -1) == 0);
  CHECK(slope_at("hardtanh", 0.5) == 1);
  CHECK(slope_at("hardsigmoid", 3) == 0);
  CHECK(slope_at("hardsigmoid", -3) == 0);
  CHECK(slope_at("hardsigmoid", 0) == Approx(1.0 / 6));
  CHECK(slope_at("abs(x)", 0) == 0);
  // max(-inf, 0) is 0, not nan: the values are selected, not mixed by a 0/1 mask.
  const Tensor wide = Tensor::vector({-INFINITY, INFINITY});
  const Tensor clipped = ember::maximum(wide, Tensor::scalar(0));
  CHECK(clipped.at(0) == 0);
  CHECK(clipped.at(1) == INFINITY);
}

TEST_CASE("Every error names the formula and the column", "[formula]") {
  CHECK(error_of("x*tanh(softplus(x)") ==
        "activation \"x*tanh(softplus(x)\": missing ')' at column 19 (to close the '(' at column 7)");
  CHECK(error_of("x)") == "activation \"x)\": unmatched ')' at column 2");
  CHECK(error_of("2x") == "activation \"2x\": unexpected 'x' at column 2 (write * to multiply: 2*x)");
  CHECK(error_of("x $ 2") == "activation \"x $ 2\": unexpected character '$' at column 3");
  CHECK(error_of("x \xE2\x88\x92 1") ==
        "activation \"x \xE2\x88\x92 1\": unexpected character '\xE2\x88\x92' at column 3 (type '-' for minus)");
  CHECK(error_of("x:2") ==
        "activation \"x:2\": unexpected character ':' at column 2 (only a named activation takes ':', as in elu:0.5)");
  CHECK(error_of("x^x") ==
        "activation \"x^x\": '^' needs a constant exponent at column 2 (x^2, x^0.5; for a^x write exp(x*log(a)))");
  CHECK(error_of("0.5") == "activation \"0.5\": has no x: an activation is a function of x (e.g. x*sigmoid(x))");
  CHECK(error_of("exp(1)*2") ==
        "activation \"exp(1)*2\": has no x: an activation is a function of x (e.g. x*sigmoid(x))");
  CHECK(error_of("") == "activation \"\": is empty: give an activation name or a formula in x");
  CHECK(error_of("x*") == "activation \"x*\": expected a number, x, a function or '(' before the end at column 3");
  CHECK(error_of("x*)") == "activation \"x*)\": expected a number, x, a function or '(', found ')' at column 3");
  CHECK(error_of("y*2") == "activation \"y*2\": unknown name 'y' at column 1: a formula has one variable, x");
  CHECK(error_of("X+1") == "activation \"X+1\": unknown name 'X' at column 1: the variable is x, in lower case");
  CHECK(error_of("tanh*2") == "activation \"tanh*2\": 'tanh' is a function at column 1: write tanh(x)");
  CHECK(error_of("tanh(x, 2)") == "activation \"tanh(x, 2)\": tanh takes 1 argument, got 2 at column 1");
  CHECK(error_of("max(x)") == "activation \"max(x)\": max takes 2 arguments, got 1 at column 1");
  CHECK(error_of("elu(x, 1, 2)") == "activation \"elu(x, 1, 2)\": elu takes (x, [alpha]), got 3 at column 1");
  CHECK(error_of("elu(x, x)") ==
        "activation \"elu(x, x)\": elu's alpha must be a constant, not depend on x at column 8");
  CHECK(error_of("softplus(x, -1)") == "activation \"softplus(x, -1)\": softplus's beta must be positive at column 13");
  CHECK(error_of("x*1e") == "activation \"x*1e\": malformed number '1e' at column 3");
  CHECK(error_of("x*.") == "activation \"x*.\": malformed number '.' at column 3");
  CHECK(error_of("x*1e999") == "activation \"x*1e999\": number '1e999' is out of range at column 3");
  CHECK(error_of("x*1e39") == "activation \"x*1e39\": number '1e39' is out of range at column 3");  // beyond float
  CHECK(error_of("x*log(0)") == "activation \"x*log(0)\": the constant part starting here is -inf at column 3");
  CHECK(error_of("x=x") == "activation \"x=x\": cannot be named x at column 1: x is the variable (name=formula)");
  CHECK(error_of("mish=") == "activation \"mish=\": expected a formula after '=' at column 6");
  CHECK(error_of("a=b=x") == "activation \"a=b=x\": unknown name 'b' at column 3: a formula has one variable, x");
  CHECK(error_of("swsh").rfind("activation \"swsh\": unknown activation 'swsh'; functions: exp, log,", 0) == 0);
  const std::string unknown = error_of("x*tnah(x)");
  CHECK(unknown.rfind("activation \"x*tnah(x)\": unknown function 'tnah' at column 3; functions: exp, log, sqrt,", 0) ==
        0);
  CHECK_THAT(unknown, Catch::Contains("activations: leaky_relu, gelu, silu, elu"));
  CHECK_THAT(unknown, Catch::Contains("presets: swish, mish, softsign, hardtanh, hardsigmoid, selu, gelu_tanh"));
}

TEST_CASE("No formula can exhaust the stack or the memory: depth and length are bounded", "[formula]") {
  const std::string deep = std::string(101, '(') + "x" + std::string(101, ')');
  CHECK(error_of(deep) == "activation \"" + deep + "\": nests too deeply (more than 100 levels) at column 101");
  CHECK(at(std::string(50, '(') + "x" + std::string(50, ')'), 2) == 2);
  CHECK_THAT(error_of(std::string(600, '-') + "x"), Catch::Contains("nests too deeply"));
  std::string sum = "x";
  while (sum.size() <= 1000) sum += "+x";
  CHECK_THAT(error_of(sum), Catch::EndsWith("is longer than 1000 characters"));
}

TEST_CASE("make_activation reads formulas and presets; the spec reads back; PyTorch's names print", "[formula]") {
  ember::register_formula_activations();
  const auto mish = ember::nn::make_activation("mish");
  CHECK(mish->spec() == "mish");
  CHECK(mish->repr() == "Mish()");
  CHECK(ember::nn::make_activation("hardtanh")->repr() == "Hardtanh(min_val=-1.0, max_val=1.0)");
  CHECK(ember::nn::make_activation("gelu_tanh")->repr() == "GELU(approximate='tanh')");
  const auto formula = ember::nn::make_activation("x*sigmoid(x)");
  CHECK(formula->spec() == "x*sigmoid(x)");
  CHECK(formula->repr() == "Formula(x*sigmoid(x))");
  CHECK(ember::nn::make_activation(formula->spec())->spec() == "x*sigmoid(x)");
  CHECK(ember::nn::make_activation("x")->spec() == "x");  // the identity: a lone name, but a formula
  // The core's own names stay the core's modules.
  CHECK(ember::nn::make_activation("relu")->repr() == "ReLU()");
  // An unknown lone name gets the core's message, with the presets and formulas added to what it knows.
  try {
    ember::nn::make_activation("swsh");
    FAIL("no error");
  } catch (const std::invalid_argument& e) {
    CHECK_THAT(e.what(), Catch::StartsWith("unknown activation \"swsh\"; known: sigmoid, tanh, relu"));
    CHECK_THAT(e.what(), Catch::Contains("presets: swish, mish, softsign"));
    CHECK_THAT(e.what(), Catch::Contains("or a formula in x"));
  }
  CHECK_THROWS_AS(ember::nn::make_activation("x*tanh(softplus(x)"), FormulaError);
}

TEST_CASE("compare's list splits at the commas outside parentheses", "[formula]") {
  using List = std::vector<std::string>;
  CHECK(ember::split_activation_list("relu,max(x,0.1*x),mish") == List{"relu", "max(x,0.1*x)", "mish"});
  CHECK(ember::split_activation_list("min(max(x,-1),1),x") == List{"min(max(x,-1),1)", "x"});
  CHECK(ember::split_activation_list("relu") == List{"relu"});
  CHECK(ember::split_activation_list("").empty());
  CHECK(ember::split_activation_list("relu,") == List{"relu", ""});
  CHECK(ember::split_activation_list("max(x,0") == List{"max(x,0"});  // the parser reports the missing ')'
}

// Found by tests/fuzz/fuzz_formula.cpp: " x" read as the formula x, whose recorded spec "x" then
// did not read back (a lone name that is no function was left to the core, which knows no "x").
TEST_CASE("The identity formula x reads through make_activation, alone or padded, and its spec reads back",
          "[formula]") {
  ember::register_formula_activations();
  const auto padded = ember::nn::make_activation(" x");
  CHECK(padded->spec() == "x");
  const auto identity = ember::nn::make_activation(padded->spec());
  CHECK(identity->spec() == "x");
  CHECK(identity->repr() == "Formula(x)");
  const ember::Tensor x = ember::Tensor::vector({-2, 0, 3});
  CHECK(identity->forward(x).value() == x.value());
}

// Found by tests/fuzz/fuzz_formula.cpp (minimized to "min(1,x)"): with x of one element, a constant
// first argument of min or max gave the output the constant's shape (rank 0), not x's.
TEST_CASE("min and max keep x's shape when x has one element, whichever side the constant is on", "[formula]") {
  for (const char* spec : {"min(1,x)", "max(0,x)", "min(x,1)", "max(x,0)"}) {
    const Formula f = Formula::parse(spec);
    for (const Tensor& input : {Tensor::matrix({{0.5f}}), Tensor::vector({0.5f}), Tensor::matrix({{0.5f, -2}})}) {
      const Tensor x = Tensor(input.value(), input.shape(), true);
      const Tensor y = f(x);
      CHECK(y.shape() == x.shape());
      ember::sum(y).backward();
      CHECK(x.grad().rows() == x.value().rows());
      CHECK(x.grad().cols() == x.value().cols());
    }
  }
}
