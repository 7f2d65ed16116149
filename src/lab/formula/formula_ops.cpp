// abs, sqrt, erf, maximum and minimum: the ops formulas need beyond the core's, each with its
// backward beside it, built with the core's make_op like every op in src/core/engine/.
#include "ember/lab/formula/formula_ops.hpp"

#include <cmath>
#include <string>

#include "ember/core/engine/autograd.hpp"

namespace ember {

namespace {

// The operands of maximum/minimum at the output's shape: equal shapes, or a scalar copied to the
// other's shape (the only broadcast a formula makes: max(x, 0)). add_grad_to sums a scalar's
// gradient back over the copies. When both hold one element (max(0, x) on a 1 x 1 x), the higher
// rank wins, as in the core's broadcasting: the output keeps x's shape whichever side x is on.
Shape pair_shape(const char* op, const Tensor& a, const Tensor& b) {
  if (a.numel() == 1 && b.numel() == 1) return a.shape().rank >= b.shape().rank ? a.shape() : b.shape();
  if (a.shape() == b.shape() || b.numel() == 1) return a.shape();
  if (a.numel() == 1) return b.shape();
  throw ShapeError(std::string(op) + ": shapes " + a.shape().str() + " and " + b.shape().str() +
                   " differ (one must be a scalar)");
}

Matrix expand_to(const Matrix& value, const Shape& shape) {
  if (value.rows() == shape.rows && value.cols() == shape.cols) return value;
  return Matrix::Constant(shape.rows, shape.cols, value(0, 0));
}

// One body for both: `a_wins` is true where the output is a's value (a > b for max, a < b for min),
// and the gradient follows it, so on a tie all of it goes to b. (select, not a product with a 0/1
// mask: 0 · ∞ would be nan.)
template <typename Compare>
Tensor select(const char* op, const Tensor& a, const Tensor& b, Compare a_wins) {
  using Mask = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Shape shape = pair_shape(op, a, b);
  const Matrix a_full = expand_to(a.value(), shape), b_full = expand_to(b.value(), shape);
  const Mask take_a = a_wins(a_full.array(), b_full.array());
  Matrix value = take_a.select(a_full.array(), b_full.array()).matrix();
  return make_op(op, std::move(value), shape, {a, b}, [take_a](Node& z) {
    // z = a where a wins, else b;  da = dz where a wins, else 0;  db = dz where b wins or ties, else 0
    add_grad_to(*z.parents[0], take_a.select(z.grad.array(), Scalar(0)).matrix());
    add_grad_to(*z.parents[1], take_a.select(Scalar(0), z.grad.array()).matrix());
  });
}

}  // namespace

// y = |x|;  dx = dy ⊙ sign(x)
Tensor abs(const Tensor& x) {
  return make_op("abs", x.value().cwiseAbs(), x.shape(), {x}, [](Node& y) {
    const auto& in = y.parents[0]->value.array();
    const auto sign = (in > 0).cast<Scalar>() - (in < 0).cast<Scalar>();
    add_grad_exact(*y.parents[0], (y.grad.array() * sign).matrix());
  });
}

// y = √x;  dx = dy / (2y)   (∞ at x = 0, as in PyTorch)
Tensor sqrt(const Tensor& x) {
  return make_op("sqrt", x.value().cwiseSqrt(), x.shape(), {x},
                 [](Node& y) { add_grad_exact(*y.parents[0], (y.grad.array() / (2 * y.value.array())).matrix()); });
}

// y = erf x = (2/√π) ∫₀ˣ e^(−t²) dt;  dx = dy ⊙ (2/√π) e^(−x²)
Tensor erf(const Tensor& x) {
  Matrix value = x.value().unaryExpr([](Scalar v) { return std::erf(v); });
  return make_op("erf", std::move(value), x.shape(), {x}, [](Node& y) {
    const Scalar two_over_sqrt_pi = static_cast<Scalar>(1.1283791670955126);
    const auto& in = y.parents[0]->value.array();
    add_grad_exact(*y.parents[0], (y.grad.array() * two_over_sqrt_pi * (-in.square()).exp()).matrix());
  });
}

Tensor maximum(const Tensor& a, const Tensor& b) {
  return select("maximum", a, b, [](const auto& x, const auto& y) { return x > y; });
}

Tensor minimum(const Tensor& a, const Tensor& b) {
  return select("minimum", a, b, [](const auto& x, const auto& y) { return x < y; });
}

}  // namespace ember
