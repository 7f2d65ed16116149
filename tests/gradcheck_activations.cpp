// Finite-difference checks (tests/gradcheck.hpp, in float64) of every activation in
// src/core/engine/activation_ops.cpp, on seeded random inputs kept away from the kinks (relu, leaky_relu and
// elu at 0; softplus at its threshold). softmax and log_softmax along each dim and on a vector.
// Values against PyTorch, and the kinks themselves, are in test_activations.cpp.
// Each check_gradients call is the assertion: it CHECKs that every element's analytic gradient is
// within tolerance of the central difference, and reports the worst element when not.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/engine/ops.hpp"
#include "gradcheck.hpp"

using ember::Shape;
using ember::Tensor;
using gradcheck::check_gradients;
using Inputs = std::vector<Tensor>;

namespace {

// A [4, 5] input, wide enough to reach the saturated tails of sigmoid and tanh.
Tensor input(ember::Generator& gen, std::vector<double> avoid = {}) {
  return gradcheck::away_from(Shape::matrix(4, 5), gen, -4, 4, std::move(avoid));
}

}  // namespace

TEST_CASE("sigmoid and tanh pass the gradient check", "[gradcheck]") {
  ember::Generator gen(21);
  check_gradients([](const Inputs& in) { return ember::sigmoid(in[0]); }, {input(gen)});
  check_gradients([](const Inputs& in) { return ember::tanh(in[0]); }, {input(gen)});
}

TEST_CASE("relu and leaky_relu pass the gradient check away from 0", "[gradcheck]") {
  ember::Generator gen(22);
  check_gradients([](const Inputs& in) { return ember::relu(in[0]); }, {input(gen, {0})});
  for (const double slope : {0.01, 0.2}) {
    INFO("negative_slope " << slope);
    check_gradients([slope](const Inputs& in) { return ember::leaky_relu(in[0], slope); }, {input(gen, {0})});
  }
}

TEST_CASE("gelu and silu pass the gradient check", "[gradcheck]") {
  ember::Generator gen(23);
  check_gradients([](const Inputs& in) { return ember::gelu(in[0]); }, {input(gen)});
  check_gradients([](const Inputs& in) { return ember::silu(in[0]); }, {input(gen)});
}

TEST_CASE("elu passes the gradient check for alpha 1 and 0.5 away from 0", "[gradcheck]") {
  ember::Generator gen(24);
  for (const double alpha : {1.0, 0.5}) {
    INFO("alpha " << alpha);
    check_gradients([alpha](const Inputs& in) { return ember::elu(in[0], alpha); }, {input(gen, {0})});
  }
}

TEST_CASE("softplus passes the gradient check on both sides of its threshold", "[gradcheck]") {
  ember::Generator gen(25);
  check_gradients([](const Inputs& in) { return ember::softplus(in[0]); }, {input(gen)});
  // beta 2, threshold 5: the switch to the identity is at x = 2.5, inside [-4, 4].
  check_gradients([](const Inputs& in) { return ember::softplus(in[0], 2, 5); }, {input(gen, {2.5})});
}

TEST_CASE("softmax and log_softmax pass the gradient check along each dim and on a vector", "[gradcheck]") {
  ember::Generator gen(26);
  for (const int dim : {0, 1, -1}) {
    INFO("dim " << dim);
    check_gradients([dim](const Inputs& in) { return ember::softmax(in[0], dim); }, {input(gen)});
    check_gradients([dim](const Inputs& in) { return ember::log_softmax(in[0], dim); }, {input(gen)});
  }
  const Tensor v = gradcheck::uniform(Shape::vector(6), gen, -3, 3);
  check_gradients([](const Inputs& in) { return ember::softmax(in[0], 0); }, {v});
  check_gradients([](const Inputs& in) { return ember::log_softmax(in[0], 0); }, {v});
}

TEST_CASE("activations pass the gradient check on large inputs, where they saturate", "[gradcheck]") {
  // |x| in [8, 30]: the stable forms must give the tiny true derivative, not 0/0 or a cancelled 1 − 1.
  ember::Generator gen(27);
  const Tensor x = gradcheck::away_from(Shape::matrix(3, 4), gen, -30, 30, {0}, 8);
  check_gradients([](const Inputs& in) { return ember::sigmoid(in[0]); }, {x});
  check_gradients([](const Inputs& in) { return ember::tanh(in[0]); }, {x});
  check_gradients([](const Inputs& in) { return ember::softplus(in[0]); }, {x});
  check_gradients([](const Inputs& in) { return ember::silu(in[0]); }, {x});
  check_gradients([](const Inputs& in) { return ember::softmax(in[0], 1); }, {x});
  check_gradients([](const Inputs& in) { return ember::log_softmax(in[0], 0); }, {x});
}
