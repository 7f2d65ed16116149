// Tests for src/lab/monitor/: the derivatives the study's diagnostics use come from the engine's
// backward, at every point an activation is tricky (the stable forms far from 0, the kinks at 0);
// the largest slope found on the grid is each activation's known maximum; the divergence check
// stops a run before its step and names the cause; observers compose.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "ember/core/engine/ops.hpp"
#include "ember/core/nn/activation_modules.hpp"
#include "ember/lab/monitor/diagnostics.hpp"
#include "ember/lab/monitor/divergence.hpp"
#include "ember/lab/monitor/observers.hpp"

using namespace ember;

TEST_CASE("derivative_of gives the gradient of the activation's own op, and never more than max_derivative_of",
          "[monitor]") {
  const std::vector<float> inputs = {-40, -30, -12, -3, -0.5f, -1e-3f, 0, 1e-3f, 0.5f, 3, 12, 30, 40};
  std::vector<std::string> specs = nn::activation_names();
  for (const char* with_parameter : {"leaky_relu:0.05", "elu:0.5", "softplus:2"}) specs.push_back(with_parameter);
  for (const std::string& spec : specs) {
    INFO(spec);
    const auto activation = nn::make_activation(spec);
    Tensor z = Tensor::vector(inputs).requires_grad_(true);
    ember::sum((*activation)(z)).backward();  // d/dzᵢ Σⱼ f(zⱼ) = f'(zᵢ)
    const Matrix derivative = derivative_of(*activation, z.value());
    REQUIRE(derivative.size() == z.grad().size());
    const Scalar largest = max_derivative_of(*activation);
    for (Eigen::Index i = 0; i < derivative.size(); ++i) {
      INFO("z = " << inputs[static_cast<std::size_t>(i)]);
      CHECK(derivative(i) == z.grad()(i));
      CHECK(derivative(i) <= largest);
    }
  }
}

TEST_CASE("max_derivative_of finds each activation's largest slope", "[monitor]") {
  const auto largest = [](const std::string& spec) { return max_derivative_of(*nn::make_activation(spec)); };
  CHECK(largest("sigmoid") == 0.25f);  // σ'(0)
  CHECK(largest("tanh") == 1);
  CHECK(largest("relu") == 1);
  CHECK(largest("leaky_relu:0.05") == 1);
  CHECK(largest("leaky_relu:2") == 2);  // the slope of the negative side, here the larger
  CHECK(largest("elu:2") == 2);         // α eᶻ just below 0
  CHECK(largest("softplus") == 1);
  CHECK(largest("gelu") == Approx(1.1289).margin(1e-4));  // at z = √2: Φ(√2) + √2 φ(√2)
  CHECK(largest("silu") == Approx(1.0998).margin(1e-4));  // at z ≈ 2.3994
}

TEST_CASE("A formula's slope may be negative: its size counts, for the largest slope and for dead units",
          "[monitor][formula]") {
  // f(x) = -x: f' = -1 everywhere. Its largest |slope| is 1; no unit is ever dead or saturated.
  CHECK(max_derivative_of(*nn::make_activation("-x")) == 1);
  CHECK(max_derivative_of(*nn::make_activation("mish")) == Approx(1.0885).margin(1e-4));  // at x ≈ 1.49
  // sqrt(x) has no slope below 0 (nan): the largest is found where it has one.
  CHECK(std::isfinite(max_derivative_of(*nn::make_activation("sqrt(x+31)"))));
  Generator gen(3);
  nn::MyModel model(2, 2, gen, "-x", {8});
  Diagnostics diagnostics(model);
  const Tensor x = Tensor::matrix({{1, 2}, {-3, 0.5f}, {0.25f, -1}});
  sum(model.logits(x)).backward();
  diagnostics.on_step(Step{1, 1, 1, 3, x});
  diagnostics.on_epoch(EpochStats{});
  REQUIRE(diagnostics.epochs().size() == 1);
  CHECK(diagnostics.epochs()[0].dead_fraction[0] == 0);
  CHECK(diagnostics.epochs()[0].saturated_fraction[0] == 0);
}

TEST_CASE("the divergence check names the op that made the loss NaN, before the optimizer steps", "[monitor]") {
  Generator gen(0);
  nn::MyModel model(2, 3, gen, "relu", {4});
  DivergenceCheck check(model, 0.5);
  model.layers()[0]->weight().mutable_value().setConstant(1e30f);  // finite, but x Wᵀ overflows
  const Tensor x = Tensor::matrix({{1e30f, 2}, {3, 4}});
  const Tensor loss = ember::mean(model.logits(x));
  loss.backward();
  try {
    check.on_step({3, 7, 10, 2, loss});
    FAIL("no TrainingDiverged");
  } catch (const TrainingDiverged& e) {
    CHECK(e.epoch == 3);
    CHECK(e.batch == 7);
    CHECK_THAT(e.what(),
               Catch::Contains("at epoch 3, batch 7, first produced by linear (inputs [2, 2], [4, 2], [4])") &&
                   Catch::Contains("--lr 0.05"));
  }
}

TEST_CASE("an ObserverList calls each observer in order and stops when any asks", "[monitor]") {
  std::vector<std::string> calls;
  std::atomic<bool> stop{false};
  Callbacks first, second;
  first.epoch = [&](const EpochStats&) { calls.push_back("first"); };
  second.epoch = [&](const EpochStats&) { calls.push_back("second"); };
  second.stop = &stop;
  ObserverList both{&first, nullptr, &second};
  both.on_epoch(EpochStats{});
  CHECK(calls == std::vector<std::string>{"first", "second"});
  CHECK_FALSE(both.should_stop());
  stop = true;
  CHECK(both.should_stop());
}
