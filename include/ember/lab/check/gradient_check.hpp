// The finite-difference gradient checker: the tests' (tests/gradcheck.hpp) and `ember activation
// --gradcheck`'s. It needs the engine in float64 (EMBER_DOUBLE): in float32 the rounding error of
// (f(x+h) − f(x−h)) / 2h is as large as the errors the check is meant to find. The `ember` program
// gets a float64 engine of its own beside its float32 one (CMakeLists.txt, "float64").
//   compute_gradient_check(fn, inputs): fn maps the input tensors to a tensor. The output is reduced
//   to L = Σ out ⊙ w, w a fixed random weighting (so every output element matters and no two errors
//   cancel by symmetry). The analytic dL/dx comes from out.backward(w); the numeric one from central
//   differences (L(x + h e_i) − L(x − h e_i)) / 2h, for every element of every input. Passes when
//   |analytic − numeric| ≤ atol + rtol |numeric| everywhere; the report names the worst element.
// Keep inputs away from kinks (relu at 0, clamp bounds, max ties): the derivative is undefined there.
#pragma once

#include <cmath>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "ember/core/engine/random.hpp"
#include "ember/core/engine/tensor.hpp"

namespace ember::gradcheck {

static_assert(sizeof(Scalar) == 8, "gradient checks need the engine built with EMBER_DOUBLE");

using Fn = std::function<Tensor(const std::vector<Tensor>&)>;

struct Options {
  double h = 1e-6;     // step of the central difference
  double atol = 1e-6;  // absolute tolerance
  double rtol = 1e-4;  // relative tolerance, against |numeric|
};

struct Result {
  bool passed = true;
  double worst = 0;    // the largest |analytic − numeric| / (atol + rtol |numeric|); ≤ 1 passes
  std::string report;  // the worst element (or the structural fault), for the failure message
};

namespace detail {

// L = Σ out ⊙ w, computed in plain Eigen: the numeric side must not depend on the ops under test.
inline double weighted_sum(const Fn& fn, const std::vector<Tensor>& inputs, const Matrix& w) {
  NoGradGuard no_grad;
  return fn(inputs).value().cwiseProduct(w).sum();
}

}  // namespace detail

// Computes the check without asserting (the self-test uses this to prove a wrong gradient is caught).
inline Result compute_gradient_check(const Fn& fn, const std::vector<Tensor>& inputs, Options opt = {}) {
  Result result;
  auto fail = [&](const std::string& why) {
    result.passed = false;
    result.report = why;
    return result;
  };

  // The analytic side: one backward pass with dL/dout = w.
  for (const Tensor& x : inputs) x.node().grad.resize(0, 0);
  const Tensor out = fn(inputs);
  if (!out.requires_grad()) return fail("the output does not require grad: no input reaches it");
  Generator gen(12345);  // the weighting is fixed: a failure is reproducible
  const Tensor w = Tensor::uniform(out.shape(), -1, 1, gen);
  out.backward(w);

  std::ostringstream worst;
  worst.precision(12);
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    Tensor x = inputs[k];
    // An input that gets no gradient at all has analytic gradient 0; that is still checked below.
    const Matrix analytic = x.has_grad() ? x.grad() : Matrix::Zero(x.rows(), x.cols());
    if (analytic.rows() != x.rows() || analytic.cols() != x.cols()) {
      return fail("input " + std::to_string(k) + " of shape " + x.shape().str() + " got a gradient of " +
                  std::to_string(analytic.rows()) + "x" + std::to_string(analytic.cols()));
    }
    // The numeric side: perturb one element at a time, in place, and put it back.
    for (Index i = 0; i < x.numel(); ++i) {
      Scalar& element = x.mutable_value().data()[i];
      const Scalar saved = element;
      element = saved + opt.h;
      const double plus = detail::weighted_sum(fn, inputs, w.value());
      element = saved - opt.h;
      const double minus = detail::weighted_sum(fn, inputs, w.value());
      element = saved;
      const double numeric = (plus - minus) / (2 * opt.h);
      const double a = analytic.data()[i];
      const double ratio = std::abs(a - numeric) / (opt.atol + opt.rtol * std::abs(numeric));
      if (!(ratio <= result.worst)) {  // also catches nan
        result.worst = std::isnan(ratio) ? INFINITY : ratio;
        worst.str("");
        worst << "worst element: input " << k << " (shape " << x.shape().str() << "), index " << i << " (row "
              << i / x.cols() << ", col " << i % x.cols() << "), x = " << saved << ": analytic " << a << ", numeric "
              << numeric << ", |difference| " << std::abs(a - numeric) << " is " << ratio << "x the tolerance (atol "
              << opt.atol << ", rtol " << opt.rtol << ")";
      }
    }
  }
  result.passed = result.worst <= 1;
  result.report = worst.str().empty() ? "every gradient matches exactly" : worst.str();
  return result;
}

}  // namespace ember::gradcheck
