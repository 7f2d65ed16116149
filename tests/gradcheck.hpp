// The gradient checks' helpers around the one checker (include/ember/lab/check/gradient_check.hpp,
// which `ember activation --gradcheck` runs too): check_gradients, the assertion every gradcheck_*.cpp
// uses, and seeded random inputs kept away from the points where a derivative does not exist. Built
// with EMBER_DOUBLE, so Scalar is double.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "ember/core/engine/ops.hpp"
#include "ember/lab/check/gradient_check.hpp"

namespace gradcheck {

using ember::gradcheck::compute_gradient_check;
using ember::gradcheck::Fn;
using ember::gradcheck::Options;
using ember::gradcheck::Result;

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
