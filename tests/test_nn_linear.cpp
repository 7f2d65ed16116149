// Tests for src/core/nn/linear.cpp: Linear's forward and backward against PyTorch with given weights
// (tests/reference/nn_reference.json, section "linear", from make_nn_reference.py), and its default
// initialization (uniform in ±1/√in_features, reproducible from the seed). PyTorch's own random draws
// are not compared: the two libraries use different generators, so only the distribution can match.
// The finite-difference check of the linear op itself is in gradcheck_ops.cpp.
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "ember/core/nn/init.hpp"
#include "ember/core/nn/linear.hpp"
#include "reference_data.hpp"

using ember::Generator;
using ember::Matrix;
using ember::Tensor;
using ember::nn::Linear;
using reference::json;

namespace {

const json& nn_reference() { return reference::nn_data(); }

// The largest |value| and the mean |value| of a matrix.
double max_abs(const Matrix& m) { return static_cast<double>(m.cwiseAbs().maxCoeff()); }
double mean_abs(const Matrix& m) { return static_cast<double>(m.cwiseAbs().mean()); }

}  // namespace

TEST_CASE("Linear forward and backward match PyTorch for a batch and for a single vector", "[nn]") {
  REQUIRE(nn_reference().at("linear").size() == 2);
  for (const json& c : nn_reference().at("linear")) {
    const std::string name = c.at("name");
    INFO("case: " << name);
    Generator gen(1);
    Linear layer(4, 3, gen);
    layer.weight().mutable_value() = reference::tensor_of(c.at("weight")).value();
    layer.bias().mutable_value() = reference::tensor_of(c.at("bias")).value();
    const Tensor x = reference::tensor_of(c.at("x"), true);

    const Tensor y = layer(x);
    reference::check_shape(y.shape(), c.at("output").at("shape"), name + " output");
    reference::check_values(y.value(), c.at("output").at("values"), name + " output");

    // Y = X Wᵀ + b:  dX = dY W,  dW = dYᵀ X,  db = Σ_rows dY
    y.backward(reference::tensor_of(c.at("upstream")));
    REQUIRE(x.has_grad());
    REQUIRE(layer.weight().has_grad());
    REQUIRE(layer.bias().has_grad());
    reference::check_values(x.grad(), c.at("grad_x").at("values"), name + " dL/dx");
    reference::check_values(layer.weight().grad(), c.at("grad_weight").at("values"), name + " dL/dW");
    reference::check_values(layer.bias().grad(), c.at("grad_bias").at("values"), name + " dL/db");
  }
}

TEST_CASE("Linear's default initialization fills ±1/sqrt(in_features) for weight and bias", "[nn]") {
  // PyTorch's Linear.reset_parameters: W, b ~ U(−1/√in, 1/√in). With thousands of draws the extremes
  // come within a hair of the bound and the mean |value| is close to bound / 2 (its standard error is
  // 0.29 bound / √n: under 1% here), so a wrong scale (1/in, √(6/in), ...) fails even where it stays
  // inside the bound.
  Generator gen(3);
  for (const auto& [in, out] : std::vector<std::pair<int, int>>{{100, 200}, {16, 2000}, {1, 5000}}) {
    INFO("Linear(" << in << ", " << out << ")");
    Linear layer(in, out, gen);
    const double bound = 1.0 / std::sqrt(static_cast<double>(in));
    CHECK(max_abs(layer.weight().value()) <= bound);
    CHECK(max_abs(layer.bias().value()) <= bound);
    CHECK(max_abs(layer.weight().value()) > 0.95 * bound);
    CHECK(max_abs(layer.bias().value()) > 0.9 * bound);
    CHECK(mean_abs(layer.weight().value()) == Approx(bound / 2).epsilon(0.05));
    CHECK(mean_abs(layer.bias().value()) == Approx(bound / 2).epsilon(0.1));
    // Both signs occur: the interval is symmetric, not [0, bound).
    CHECK(layer.weight().value().minCoeff() < -0.5 * bound);
    CHECK(layer.weight().value().maxCoeff() > 0.5 * bound);
  }
}

TEST_CASE("Linear's weights are reproducible: the same seed gives the same weights, another seed others", "[nn]") {
  Generator a(42), b(42), c(43);
  Linear first(5, 7, a), same(5, 7, b), other(5, 7, c);
  CHECK(first.weight().value() == same.weight().value());
  CHECK(first.bias().value() == same.bias().value());
  CHECK(first.weight().value() != other.weight().value());
  // Layers built one after another from one generator continue its sequence: fc2 differs from fc1.
  Linear next(5, 7, a);
  CHECK(next.weight().value() != first.weight().value());
}

TEST_CASE("Linear has parameters weight [out, in] and bias [out], which require grad", "[nn]") {
  Generator gen(0);
  Linear layer(4, 3, gen);
  const auto named = layer.named_parameters();
  REQUIRE(named.size() == 2);
  CHECK(named[0].first == "weight");
  CHECK(named[0].second.shape() == ember::Shape::matrix(3, 4));
  CHECK(named[1].first == "bias");
  CHECK(named[1].second.shape() == ember::Shape::vector(3));
  CHECK(named[0].second.requires_grad());
  CHECK(named[1].second.requires_grad());
  CHECK(layer.in_features() == 4);
  CHECK(layer.out_features() == 3);
}

TEST_CASE("Linear without bias computes x Wᵀ and has only a weight", "[nn]") {
  Generator gen(0);
  Linear layer(2, 2, gen, false);
  CHECK_FALSE(layer.bias().defined());
  REQUIRE(layer.named_parameters().size() == 1);
  layer.weight().mutable_value() << 1, 2, 3, 4;
  const Tensor y = layer(Tensor::matrix({{1, 1}, {0, 2}}));
  CHECK(y.value() == Tensor::matrix({{3, 7}, {4, 8}}).value());
}

TEST_CASE("Linear rejects a size of zero and an input of the wrong width", "[nn]") {
  Generator gen(0);
  CHECK_THROWS_AS(Linear(0, 3, gen), std::invalid_argument);
  CHECK_THROWS_AS(Linear(3, -1, gen), std::invalid_argument);
  Linear layer(4, 3, gen);
  CHECK_THROWS_AS(layer(Tensor::zeros(ember::Shape::matrix(2, 5))), ember::ShapeError);
}

TEST_CASE("Linear prints as PyTorch's repr", "[nn]") {
  const json& repr = nn_reference().at("repr");
  Generator gen(0);
  std::ostringstream with_bias, without_bias;
  with_bias << Linear(10, 64, gen);
  without_bias << Linear(3, 2, gen, false);
  CHECK(with_bias.str() == repr.at("linear").get<std::string>());
  CHECK(without_bias.str() == repr.at("linear_no_bias").get<std::string>());
}

TEST_CASE("He and Xavier initialization use their bounds and zero the bias", "[nn]") {
  Generator gen(5);
  Linear layer(50, 400, gen);
  ember::nn::initialize(layer, ember::nn::InitScheme::He, gen);
  CHECK(max_abs(layer.weight().value()) <= std::sqrt(6.0 / 50));
  CHECK(max_abs(layer.weight().value()) > 0.95 * std::sqrt(6.0 / 50));
  CHECK(layer.bias().value().isZero());
  ember::nn::initialize(layer, ember::nn::InitScheme::Xavier, gen);
  CHECK(max_abs(layer.weight().value()) <= std::sqrt(6.0 / 450));
  CHECK(max_abs(layer.weight().value()) > 0.95 * std::sqrt(6.0 / 450));
  CHECK(ember::nn::parse_init_scheme("xavier") == ember::nn::InitScheme::Xavier);
  CHECK_THROWS_WITH(ember::nn::parse_init_scheme("orthogonal"), Catch::Contains("default, he, xavier"));
}
