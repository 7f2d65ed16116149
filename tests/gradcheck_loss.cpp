// Finite-difference checks of every loss's backward (src/core/nn/loss_*.cpp), in float64 through the shared
// checker (gradcheck.hpp): BCE on probabilities, BCE with logits (with pos_weight, soft targets, one
// column), cross-entropy (class weights, label smoothing, both), NLL (with weights) and MSE (both
// arguments). The checker sums the loss times a random weight, so the upstream gradient is not 1:
// this also checks that each backward scales by dL/dloss. Values against PyTorch: test_nn_loss.cpp.
#include <vector>

#include <catch2/catch.hpp>

#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/nn/loss.hpp"
#include "gradcheck.hpp"

using ember::Generator;
using ember::Shape;
using ember::Tensor;
using Inputs = std::vector<Tensor>;
namespace nn = ember::nn;

namespace {

// A constant (no gradient) tensor of uniform values in [low, high).
Tensor data(Shape shape, Generator& gen, double low, double high) { return Tensor::uniform(shape, low, high, gen); }

// 0/1 targets.
Tensor binary(Shape shape, Generator& gen) {
  Tensor t = data(shape, gen, 0, 1);
  t.mutable_value() = (t.value().array() < 0.5).cast<ember::Scalar>().matrix();
  return t;
}

const std::vector<int> kTargets{0, 3, 1, 1, 2, 3};

}  // namespace

TEST_CASE("BCELoss's gradient matches finite differences, for hard and soft targets", "[gradcheck][loss]") {
  Generator gen(1);
  // Probabilities kept inside (0.05, 0.95): the loss's clamp and the 1e-12 guard are far away.
  const Tensor p = gradcheck::uniform(Shape::matrix(4, 3), gen, 0.05, 0.95);
  const Tensor hard = binary(Shape::matrix(4, 3), gen);
  const Tensor soft = data(Shape::matrix(4, 3), gen, 0, 1);
  gradcheck::check_gradients([&](const Inputs& in) { return nn::BCELoss()(in[0], hard); }, {p});
  gradcheck::check_gradients([&](const Inputs& in) { return nn::BCELoss()(in[0], soft); }, {p});
}

TEST_CASE("BCEWithLogitsLoss's gradient matches finite differences, with and without pos_weight", "[gradcheck][loss]") {
  Generator gen(2);
  const Tensor z = gradcheck::uniform(Shape::matrix(5, 3), gen, -4, 4);
  const Tensor soft = data(Shape::matrix(5, 3), gen, 0, 1);
  const Tensor hard = binary(Shape::matrix(5, 3), gen);
  const Tensor pos_weight = Tensor::vector({0.5, 2, 3});
  gradcheck::check_gradients([&](const Inputs& in) { return nn::BCEWithLogitsLoss()(in[0], hard); }, {z});
  gradcheck::check_gradients([&](const Inputs& in) { return nn::BCEWithLogitsLoss(pos_weight)(in[0], soft); }, {z});
  gradcheck::check_gradients([&](const Inputs& in) { return nn::BCEWithLogitsLoss(Tensor::scalar(4))(in[0], hard); },
                             {z});
  // One column, as MyModel(D, 1) trains.
  const Tensor z1 = gradcheck::uniform(Shape::matrix(6, 1), gen, -3, 3);
  const Tensor y1 = binary(Shape::matrix(6, 1), gen);
  gradcheck::check_gradients([&](const Inputs& in) { return nn::BCEWithLogitsLoss()(in[0], y1); }, {z1});
}

TEST_CASE("CrossEntropyLoss's gradient matches finite differences: plain, weighted, smoothed, both",
          "[gradcheck][loss]") {
  Generator gen(3);
  const Tensor z = gradcheck::uniform(Shape::matrix(6, 4), gen, -3, 3);
  const Tensor weight = Tensor::vector({0.2, 1.0, 2.5, 0.7});
  gradcheck::check_gradients([&](const Inputs& in) { return nn::CrossEntropyLoss()(in[0], kTargets); }, {z});
  gradcheck::check_gradients([&](const Inputs& in) { return nn::CrossEntropyLoss(weight)(in[0], kTargets); }, {z});
  gradcheck::check_gradients([&](const Inputs& in) { return nn::CrossEntropyLoss(Tensor(), 0.1)(in[0], kTargets); },
                             {z});
  gradcheck::check_gradients([&](const Inputs& in) { return nn::CrossEntropyLoss(weight, 0.25)(in[0], kTargets); },
                             {z});
  // Large logits: the max-subtracted form keeps the derivative exact.
  const Tensor big = gradcheck::uniform(Shape::matrix(6, 4), gen, 40, 60);
  gradcheck::check_gradients([&](const Inputs& in) { return nn::cross_entropy(in[0], kTargets); }, {big});
}

TEST_CASE("NLLLoss's gradient matches finite differences, alone and after log_softmax", "[gradcheck][loss]") {
  Generator gen(4);
  const Tensor x = gradcheck::uniform(Shape::matrix(6, 4), gen, -3, 0);
  const Tensor weight = Tensor::vector({0.2, 1.0, 2.5, 0.7});
  gradcheck::check_gradients([&](const Inputs& in) { return nn::NLLLoss()(in[0], kTargets); }, {x});
  gradcheck::check_gradients([&](const Inputs& in) { return nn::NLLLoss(weight)(in[0], kTargets); }, {x});
  const Tensor z = gradcheck::uniform(Shape::matrix(6, 4), gen, -3, 3);
  gradcheck::check_gradients(
      [&](const Inputs& in) { return nn::NLLLoss(weight)(ember::log_softmax(in[0], 1), kTargets); }, {z});
}

TEST_CASE("MSELoss's gradient matches finite differences for both arguments", "[gradcheck][loss]") {
  Generator gen(5);
  const Tensor a = gradcheck::uniform(Shape::matrix(4, 3), gen);
  const Tensor b = gradcheck::uniform(Shape::matrix(4, 3), gen);
  gradcheck::check_gradients([](const Inputs& in) { return nn::MSELoss()(in[0], in[1]); }, {a, b});
}

TEST_CASE("The checker catches a loss whose gradient is wrong", "[gradcheck][loss]") {
  // A deliberately wrong backward: BCE-with-logits's value with half its gradient. Proves the checks
  // above could fail.
  Generator gen(6);
  const Tensor z = gradcheck::uniform(Shape::matrix(3, 2), gen, -2, 2);
  const Tensor y = binary(Shape::matrix(3, 2), gen);
  const auto wrong = [&](const Inputs& in) {
    const Tensor loss = nn::BCEWithLogitsLoss()(in[0], y);
    return loss * 0.5 + loss.detach() * 0.5;  // same value, half the slope
  };
  CHECK_FALSE(gradcheck::compute_gradient_check(wrong, {z}).passed);
}
