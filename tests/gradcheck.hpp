// The one finite-difference gradient checker, shared by every gradcheck_*.cpp (built with EMBER_DOUBLE,
// so Scalar is double: in float32 the rounding error of (f(x+h) − f(x−h)) / 2h is as large as the
// errors the check is meant to find).
//   check_gradients(fn, inputs): fn maps the input tensors to a tensor. The output is reduced to
//   L = Σ out ⊙ w, w a fixed random weighting (so every output element matters and no two errors
//   cancel by symmetry). The analytic dL/dx comes from out.backward(w); the numeric one from central
//   differences (L(x + h e_i) − L(x − h e_i)) / 2h, for every element of every input. Passes when
//   |analytic − numeric| ≤ atol + rtol |numeric| everywhere; on failure it reports the worst element.
// Keep inputs away from kinks (relu at 0, clamp bounds, max ties): the derivative is undefined there.
#pragma once

#include <cmath>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "ember/core/engine/ops.hpp"
#include "ember/core/engine/tensor.hpp"

namespace gradcheck {

static_assert(sizeof(ember::Scalar) == 8, "gradient checks need the engine built with EMBER_DOUBLE");

using Fn = std::function<ember::Tensor(const std::vector<ember::Tensor>&)>;

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
inline double weighted_sum(const Fn& fn, const std::vector<ember::Tensor>& inputs, const ember::Matrix& w) {
  ember::NoGradGuard no_grad;
  return fn(inputs).value().cwiseProduct(w).sum();
}

}  // namespace detail

// Computes the check without asserting (the self-test uses this to prove a wrong gradient is caught).
inline Result compute_gradient_check(const Fn& fn, const std::vector<ember::Tensor>& inputs, Options opt = {}) {
  Result result;
  auto fail = [&](const std::string& why) {
    result.passed = false;
    result.report = why;
    return result;
  };

  // The analytic side: one backward pass with dL/dout = w.
  for (const ember::Tensor& x : inputs) x.node().grad.resize(0, 0);
  const ember::Tensor out = fn(inputs);
  if (!out.requires_grad()) return fail("the output does not require grad: no input reaches it");
  ember::Generator gen(12345);  // the weighting is fixed: a failure is reproducible
  const ember::Tensor w = ember::Tensor::uniform(out.shape(), -1, 1, gen);
  out.backward(w);

  std::ostringstream worst;
  worst.precision(12);
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    ember::Tensor x = inputs[k];
    // An input that gets no gradient at all has analytic gradient 0; that is still checked below.
    const ember::Matrix analytic = x.has_grad() ? x.grad() : ember::Matrix::Zero(x.rows(), x.cols());
    if (analytic.rows() != x.rows() || analytic.cols() != x.cols()) {
      return fail("input " + std::to_string(k) + " of shape " + x.shape().str() + " got a gradient of " +
                  std::to_string(analytic.rows()) + "x" + std::to_string(analytic.cols()));
    }
    // The numeric side: perturb one element at a time, in place, and put it back.
    for (ember::Index i = 0; i < x.numel(); ++i) {
      ember::Scalar& element = x.mutable_value().data()[i];
      const ember::Scalar saved = element;
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

// The assertion every gradcheck test uses: fails with the worst element in the message.
inline Result check_gradients(const Fn& fn, const std::vector<ember::Tensor>& inputs, Options opt = {}) {
  const Result result = compute_gradient_check(fn, inputs, opt);
  INFO(result.report);
  CHECK(result.passed);
  return result;
}

// ---- random inputs (seeded), kept away from the points where a derivative does not exist ----

// Uniform in [low, high) but at least `margin` from every point in `avoid`.
inline ember::Tensor away_from(ember::Shape shape, ember::Generator& gen, double low, double high,
                               std::vector<double> avoid, double margin = 0.05) {
  ember::Matrix m(shape.rows, shape.cols);
  for (ember::Index i = 0; i < m.size(); ++i) {
    double v;
    bool near;
    do {
      v = gen.uniform(low, high);
      near = false;
      for (double p : avoid) near = near || std::abs(v - p) < margin;
    } while (near);
    m.data()[i] = v;
  }
  return ember::Tensor(std::move(m), shape, true);
}

inline ember::Tensor uniform(ember::Shape shape, ember::Generator& gen, double low = -2, double high = 2) {
  return away_from(shape, gen, low, high, {});
}

inline ember::Tensor normal(ember::Shape shape, ember::Generator& gen) {
  return ember::Tensor::normal(shape, 0, 1, gen).requires_grad_();
}

// Distinct values at least 0.1 apart in a random order: max has a unique winner everywhere.
inline ember::Tensor distinct(ember::Shape shape, ember::Generator& gen) {
  std::vector<double> values(static_cast<std::size_t>(shape.numel()));
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = 0.1 * static_cast<double>(i) - 1 + 0.02 * gen.uniform();
  gen.shuffle(values);
  ember::Matrix m(shape.rows, shape.cols);
  for (ember::Index i = 0; i < m.size(); ++i) m.data()[i] = values[static_cast<std::size_t>(i)];
  return ember::Tensor(std::move(m), shape, true);
}

}  // namespace gradcheck
