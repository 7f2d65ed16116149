// Tests for src/core/nn/optim.cpp: ten steps of SGD (plain, momentum, Nesterov, dampening with weight
// decay), Adam (default, other betas and eps, weight decay) and AdamW on a MyModel(4, 3, hidden
// [8, 6]) trained on cross-entropy of its logits, and of Adam and SGD on a MyModel(4, 1) with
// BCEWithLogits — each landing on the weights PyTorch reaches from the same start on the same
// batches (tests/reference/nn_reference.json, section "optim", from make_nn_reference.py). Then the
// argument checks, the step counter and the bias correction of Adam's first step.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "ember/core/engine/ops.hpp"
#include "ember/core/nn/loss.hpp"
#include "ember/core/nn/mymodel.hpp"
#include "ember/core/nn/optim.hpp"
#include "reference_data.hpp"

using ember::Matrix;
using ember::Scalar;
using ember::Shape;
using ember::Tensor;
using reference::json;
namespace nn = ember::nn;

namespace {

nn::StateDict state_of(const json& tensors) {
  nn::StateDict state;
  for (const auto& [name, t] : tensors.items()) state.emplace(name, reference::tensor_of(t));
  return state;
}

std::unique_ptr<nn::Optimizer> make_optimizer(const json& run, std::vector<Tensor> params) {
  const std::string kind = run.at("optimizer");
  const json& o = run.at("options");
  const Scalar lr = o.at("lr").get<Scalar>();
  const Scalar weight_decay = o.value("weight_decay", Scalar(0));
  if (kind == "sgd") {
    return std::make_unique<nn::SGD>(std::move(params), lr, o.value("momentum", Scalar(0)),
                                     o.value("dampening", Scalar(0)), weight_decay, o.value("nesterov", false));
  }
  std::pair<Scalar, Scalar> betas{Scalar(0.9), Scalar(0.999)};
  if (o.contains("betas")) betas = {o.at("betas")[0].get<Scalar>(), o.at("betas")[1].get<Scalar>()};
  const Scalar eps = o.value("eps", Scalar(1e-8));
  if (kind == "adam") return std::make_unique<nn::Adam>(std::move(params), lr, betas, eps, weight_decay);
  REQUIRE(kind == "adamw");
  return std::make_unique<nn::AdamW>(std::move(params), lr, betas, eps, weight_decay);
}

// Tolerance for ten steps in float32. Ember and PyTorch sum the products of each matrix multiply in
// different orders (Eigen's kernels vs PyTorch's BLAS), so each step differs in the last bits, and
// the steps feed back. Measured here: the largest difference is 2e-7 absolute (2 ulps of a weight
// near 0.5); relative differences exceed 1e-6 only for weights near 0 (3e-5 relative on a weight of
// 2e-4, 6e-9 absolute), where a relative bound means nothing. Hence 1e-5 relative plus 1e-6 absolute:
// 5x the largest difference seen (room for another CPU's summation order), yet far below what any real
// change to an update rule does in ten steps (lr·|g| per step, 1e-4 to 1e-2 here).
constexpr reference::Tolerance kTolerance{1e-5, 1e-6};

// Replays one run: load the initial weights, then for each step s the rows [8 (s mod 2), +8), the
// loss of the logits, backward, step. Checks each step's loss and the final weights.
void replay(const json& setup, const json& run) {
  const std::string name = run.at("name");
  INFO("run: " << name);
  ember::Generator gen(0);
  nn::MyModel model(setup.at("input_size").get<ember::Index>(), setup.at("num_classes").get<ember::Index>(), gen,
                    setup.at("activation").get<std::string>(), setup.at("hidden").get<std::vector<ember::Index>>());
  model.load_state_dict(state_of(setup.at("initial")));
  const Tensor x = reference::tensor_of(setup.at("x"));
  const bool binary = setup.at("num_classes") == 1;
  auto optimizer = make_optimizer(run, model.parameters());

  const int steps = reference::nn_data().at("optim").at("steps");
  const ember::Index batch = reference::nn_data().at("optim").at("batch_size").get<ember::Index>();
  for (int s = 0; s < steps; ++s) {
    const ember::Index first = batch * (s % 2);
    const Tensor xb = Tensor::from_matrix(x.value().middleRows(first, batch));
    Tensor loss;
    if (binary) {
      const Tensor y = reference::tensor_of(setup.at("y"));
      loss = nn::BCEWithLogitsLoss()(model.logits(xb), Tensor::from_matrix(y.value().middleRows(first, batch)));
    } else {
      const auto all = setup.at("y").get<std::vector<int>>();
      const std::vector<int> yb(all.begin() + first, all.begin() + first + batch);
      loss = nn::CrossEntropyLoss()(model.logits(xb), yb);
    }
    optimizer->zero_grad();
    loss.backward();
    optimizer->step();
    INFO("step " << s);
    CHECK(loss.item() == Approx(run.at("losses")[static_cast<std::size_t>(s)].get<double>())
                             .epsilon(kTolerance.epsilon)
                             .margin(kTolerance.margin));
  }
  CHECK(optimizer->steps() == steps);
  const nn::StateDict final_state = model.state_dict();
  REQUIRE(final_state.size() == run.at("final").size());
  for (const auto& [param, expected] : run.at("final").items()) {
    REQUIRE(final_state.count(param) == 1);
    reference::check_values(final_state.at(param).value(), expected.at("values"), name + ": " + param, kTolerance);
  }
  // The run really moved the weights: a no-op optimizer would not pass by accident.
  const nn::StateDict initial = state_of(setup.at("initial"));
  CHECK_FALSE(final_state.at("fc1.weight").value().isApprox(initial.at("fc1.weight").value(), Scalar(1e-4)));
}

// Replays the named runs of one setup ("multiclass" or "binary"); returns how many it found.
std::size_t replay_runs(const char* setup_name, const std::vector<std::string>& names) {
  const json& setup = reference::nn_data().at("optim").at(setup_name);
  std::size_t count = 0;
  for (const json& run : setup.at("runs")) {
    if (std::find(names.begin(), names.end(), run.at("name").get<std::string>()) == names.end()) continue;
    replay(setup, run);
    ++count;
  }
  return count;
}

}  // namespace

// ---- ten steps against PyTorch ----

TEST_CASE("SGD lands on PyTorch's weights after ten steps: plain, momentum, Nesterov, dampening with weight decay",
          "[optim]") {
  CHECK(replay_runs("multiclass", {"sgd", "sgd_momentum", "sgd_nesterov", "sgd_momentum_dampening_weight_decay"}) == 4);
}

TEST_CASE("Adam lands on PyTorch's weights after ten steps: default, other betas and eps, weight decay", "[optim]") {
  CHECK(replay_runs("multiclass", {"adam", "adam_betas_eps", "adam_weight_decay"}) == 3);
}

TEST_CASE("AdamW with decoupled weight decay lands on PyTorch's weights after ten steps", "[optim]") {
  CHECK(replay_runs("multiclass", {"adamw"}) == 1);
}

TEST_CASE("Adam and SGD on a one-output MyModel with BCEWithLogits land on PyTorch's weights", "[optim]") {
  CHECK(replay_runs("binary", {"adam", "sgd_momentum"}) == 2);
}

// ---- the rules, by hand ----

TEST_CASE("Adam's first step moves every weight by lr, whatever the gradient's scale (bias correction)", "[optim]") {
  // m̂₁ = g and v̂₁ = g², so the step is lr · g / (|g| + ε) ≈ lr · sign(g). Without the bias correction
  // it would be lr · 0.1 g / (√0.001 |g|) ≈ 3.16 lr. Two parameters: the correction uses the same t for
  // both (a counter advanced per parameter would give the second one t = 2).
  Tensor a = Tensor::vector({1, 2, 3}, true);
  Tensor b = Tensor::vector({1, 2, 3}, true);
  nn::Adam adam({a, b}, Scalar(0.1));
  a.node().grad = Matrix::Constant(1, 3, Scalar(1e-3));
  a.node().grad(0, 1) = Scalar(-50);
  b.node().grad = a.grad();
  adam.step();
  CHECK(adam.steps() == 1);
  CHECK(a.at(0) == Approx(0.9).epsilon(1e-5));
  CHECK(a.at(1) == Approx(2.1).epsilon(1e-5));
  CHECK(a.at(2) == Approx(2.9).epsilon(1e-5));
  CHECK(b.value() == a.value());
}

TEST_CASE("Optimizers advance their step counter once per step(), not once per parameter", "[optim]") {
  ember::Generator gen(0);
  nn::MyModel model(3, 2, gen, "relu", {4});
  const Tensor x = Tensor::matrix({{1, 2, 3}, {-1, 0, 1}});
  nn::Adam adam(model.parameters());
  nn::SGD sgd(model.parameters(), Scalar(0.1), Scalar(0.9));
  for (int i = 0; i < 3; ++i) {
    model.zero_grad();
    nn::CrossEntropyLoss()(model.logits(x), {0, 1}).backward();
    adam.step();
    sgd.step();
  }
  CHECK(adam.steps() == 3);
  CHECK(sgd.steps() == 3);
}

TEST_CASE("SGD's update is θ − lr·g, and a parameter without a gradient is left alone", "[optim]") {
  Tensor used = Tensor::vector({1, 1}, true);
  Tensor unused = Tensor::vector({5, 5}, true);
  nn::SGD sgd({used, unused}, Scalar(0.5));
  used.node().grad = Tensor::vector({2, -4}).value();
  sgd.step();
  CHECK(used.value() == Tensor::vector({0, 3}).value());
  CHECK(unused.value() == Tensor::vector({5, 5}).value());
  nn::AdamW adamw({unused}, Scalar(0.1));  // no gradient: not even the decoupled decay applies, as in PyTorch
  adamw.step();
  CHECK(unused.value() == Tensor::vector({5, 5}).value());
}

TEST_CASE("An optimizer's zero_grad clears the gradients of its parameters", "[optim]") {
  Tensor p = Tensor::vector({1, 2}, true);
  (p * p).backward(Tensor::vector({1, 1}));
  REQUIRE(p.has_grad());
  nn::SGD sgd({p}, Scalar(0.1));
  sgd.zero_grad();
  CHECK_FALSE(p.has_grad());
}

TEST_CASE("Optimizers reject a negative lr, Nesterov without momentum, and betas outside 0 <= beta < 1", "[optim]") {
  std::vector<Tensor> params{Tensor::vector({1}, true)};
  CHECK_THROWS_WITH(nn::SGD(params, Scalar(-0.1)), Catch::Contains("learning rate"));
  CHECK_THROWS_WITH(nn::Adam(params, Scalar(-1e-3)), Catch::Contains("learning rate"));
  CHECK_THROWS_WITH(nn::AdamW(params, Scalar(-1e-3)), Catch::Contains("AdamW") && Catch::Contains("learning rate"));
  CHECK_THROWS_WITH(nn::SGD(params, Scalar(0.1), 0, 0, 0, true), Catch::Contains("Nesterov"));
  CHECK_THROWS_WITH(nn::SGD(params, Scalar(0.1), Scalar(0.9), Scalar(0.1), 0, true), Catch::Contains("dampening"));
  CHECK_THROWS_WITH(nn::SGD(params, Scalar(0.1), Scalar(-0.9)), Catch::Contains("momentum"));
  CHECK_THROWS_WITH(nn::SGD(params, Scalar(0.1), 0, 0, Scalar(-1)), Catch::Contains("weight_decay"));
  CHECK_THROWS_WITH(nn::Adam(params, Scalar(1e-3), {Scalar(1), Scalar(0.999)}), Catch::Contains("beta1"));
  CHECK_THROWS_WITH(nn::Adam(params, Scalar(1e-3), {Scalar(-0.1), Scalar(0.999)}), Catch::Contains("beta1"));
  CHECK_THROWS_WITH(nn::Adam(params, Scalar(1e-3), {Scalar(0.9), Scalar(1)}), Catch::Contains("beta2"));
  CHECK_THROWS_WITH(nn::Adam(params, Scalar(1e-3), {Scalar(0.9), Scalar(0.999)}, Scalar(-1)), Catch::Contains("eps"));
  CHECK_THROWS_AS(nn::AdamW(params, Scalar(1e-3), {Scalar(0.9), Scalar(0.999)}, Scalar(1e-8), Scalar(-0.01)),
                  std::invalid_argument);
  CHECK_NOTHROW(nn::SGD(params, 0));  // lr = 0 is allowed, as in PyTorch
}
