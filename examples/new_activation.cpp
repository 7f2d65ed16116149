// Adding an activation Ember does not have: Mish (Misra 2019), mish(x) = x · tanh(softplus(x)).
// 1. the op: forward value and backward in one function, through ember::make_op (autograd.hpp);
// 2. a finite-difference gradient check, written inline, that must pass -- and must catch a wrong
//    derivative, or it proves nothing;
// 3. a module (nn::Activation), trained inside a Sequential on the XOR data.
// Exits 1 if any step fails. Walked through in docs/04-activations.md.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <string>

#include "ember/core/engine/autograd.hpp"
#include "ember/core/engine/ops.hpp"
#include "ember/core/nn/activation_modules.hpp"
#include "ember/core/nn/linear.hpp"
#include "ember/core/nn/loss.hpp"
#include "ember/core/nn/optim.hpp"
#include "ember/core/nn/sequential.hpp"
#include "ember/lab/data/generators.hpp"

using namespace ember;

namespace {

// softplus(x) = log(1 + eˣ); above 20 it equals x to float precision (and eˣ would overflow near 89).
Scalar softplus_of(Scalar x) { return x > 20 ? x : std::log1p(std::exp(x)); }
Scalar sigmoid_of(Scalar x) { return x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x)); }

// mish'(x) = tanh(sp) + x · (1 − tanh²(sp)) · σ(x),  sp = softplus(x), because sp'(x) = σ(x)
Scalar mish_derivative(Scalar x) {
  const Scalar t = std::tanh(softplus_of(x));
  return t + x * (1 - t * t) * sigmoid_of(x);
}

// ---- 1. the op ----
// y = x · tanh(softplus(x));  dx = dy ⊙ mish'(x)
Tensor mish(const Tensor& x) {
  Matrix value = x.value().unaryExpr([](Scalar v) { return v * std::tanh(softplus_of(v)); });
  return make_op("mish", std::move(value), x.shape(), {x}, [](Node& y) {
    Node& input = *y.parents[0];
    add_grad_exact(input, y.grad.cwiseProduct(input.value.unaryExpr(&mish_derivative)));
  });
}

// The same op with a classic mistake: tanh(softplus(x)) treated as a constant, so dx = dy ⊙ tanh(sp).
Tensor mish_wrong(const Tensor& x) {
  Matrix value = x.value().unaryExpr([](Scalar v) { return v * std::tanh(softplus_of(v)); });
  return make_op("mish", std::move(value), x.shape(), {x}, [](Node& y) {
    const Matrix slope = y.parents[0]->value.unaryExpr([](Scalar v) { return std::tanh(softplus_of(v)); });
    add_grad_exact(*y.parents[0], y.grad.cwiseProduct(slope));
  });
}

// ---- 2. the gradient check ----
// L(x) = Σ w ⊙ f(x), with fixed random weights w so every output counts. The op's gradient comes from
// one backward pass; the numeric one from central differences (L(x + h eᵢ) − L(x − h eᵢ)) / 2h.
// In float32 the rounding error of that quotient is about ε|L|/h, so h = 1e-2 and a loose tolerance;
// Ember's own checks (tests/gradcheck.hpp) build the engine in float64 to be far stricter.
bool gradient_check(const std::function<Tensor(const Tensor&)>& f, const Matrix& at, Generator& gen) {
  const Matrix w = Tensor::uniform(Shape::matrix(at.rows(), at.cols()), -1, 1, gen).value();
  auto loss = [&](const Matrix& x) {
    NoGradGuard no_grad;
    return (f(Tensor::from_matrix(x)).value().cast<double>().array() * w.cast<double>().array()).sum();
  };
  Tensor x = Tensor::from_matrix(at, /*requires_grad=*/true);
  sum(f(x) * Tensor::from_matrix(w)).backward();  // the analytic dL/dx, in x.grad()
  const double h = 1e-2;
  double worst = 0;
  for (Index i = 0; i < at.size(); ++i) {
    Matrix plus = at, minus = at;
    plus.data()[i] += static_cast<Scalar>(h);
    minus.data()[i] -= static_cast<Scalar>(h);
    const double numeric = (loss(plus) - loss(minus)) / (2 * h);
    const double analytic = x.grad().data()[i];
    worst = std::max(worst, std::abs(analytic - numeric) / (1e-3 + 1e-2 * std::abs(numeric)));
  }
  std::printf("  worst error / tolerance: %.3g (passes at <= 1)\n", worst);
  return worst <= 1;
}

// ---- 3. the module ----
// An nn::Activation is a Module with a name make_activation reads back; forward() is all that
// training needs, and the dead and saturated unit counts of `ember compare` get f'(z) from the op's
// own backward. MyModel and the CLI build activations by name (nn::make_activation,
// src/core/nn/activation_modules.cpp): add "mish" there to use it with them.
class Mish : public nn::Activation {
 public:
  Tensor forward(const Tensor& input) override { return mish(input); }
  std::string spec() const override { return "mish"; }
  std::string type_name() const override { return "Mish"; }
};

}  // namespace

int main() {
  Generator gen(0);
  int failures = 0;

  // Points spread over [-4, 4], on both sides of 0 and into the flat negative tail.
  const Matrix points = Tensor::uniform(Shape::matrix(4, 5), -4, 4, gen).value();
  std::cout << "mish, gradient check:\n";
  if (!gradient_check(mish, points, gen)) ++failures;
  std::cout << "mish with a wrong derivative, gradient check (must fail):\n";
  if (gradient_check(mish_wrong, points, gen)) ++failures;

  // A 2 -> 16 -> Mish -> 2 network on XOR, which no linear model separates.
  const Dataset data = xor_data(400, 0.05, gen);
  nn::Sequential net;
  net.push_back(std::make_unique<nn::Linear>(2, 16, gen));
  net.push_back(std::make_unique<Mish>());
  net.push_back(std::make_unique<nn::Linear>(16, 2, gen));
  std::cout << net << "\n";
  nn::Adam optimizer(net.parameters(), 0.05f);
  const Tensor x = Tensor::from_matrix(data.X);
  for (int step = 1; step <= 200; ++step) {
    const Tensor loss = nn::cross_entropy(net(x), data.y);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    if (step % 50 == 0) std::printf("step %3d  loss %.4f\n", step, loss.item());
  }
  NoGradGuard no_grad;
  const Tensor predicted = argmax(net(x), 1);
  int correct = 0;
  for (Index i = 0; i < data.size(); ++i) correct += predicted.at(i) == data.y[static_cast<std::size_t>(i)];
  const double accuracy = correct / static_cast<double>(data.size());
  std::printf("XOR training accuracy with Mish: %.4f\n", accuracy);
  if (accuracy < 0.9) ++failures;  // a linear model scores about 0.5 here
  return failures == 0 ? 0 : 1;
}
