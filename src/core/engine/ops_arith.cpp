// Elementwise arithmetic with PyTorch's broadcasting for rank <= 2, and the pointwise functions
// exp, log, pow, clamp. Each op: forward value, then its backward with the derivative in one line.
// Broadcasting is undone in backward by add_grad_to (autograd.cpp), which sums the gradient over
// the rows or columns an input was copied across.
#include <algorithm>
#include <cmath>

#include "ember/core/engine/autograd.hpp"
#include "ember/core/engine/format.hpp"
#include "ember/core/engine/ops.hpp"

namespace ember {

namespace {

// The shape two operands broadcast to: along rows and along columns, sizes must match or one be 1.
// Because a vector [n] is stored as a 1 x n row, this one rule gives PyTorch's result for rank <= 2.
Shape broadcast_shape(const char* op, const Shape& a, const Shape& b) {
  auto combine = [&](Index x, Index y) {
    if (x == y || y == 1) return x;
    if (x == 1) return y;
    throw ShapeError(std::string(op) + ": shapes " + a.str() + " and " + b.str() + " cannot be broadcast together");
  };
  return Shape{std::max(a.rank, b.rank), combine(a.rows, b.rows), combine(a.cols, b.cols)};
}

// The operand's values repeated to the broadcast shape (a plain copy when no broadcast is needed).
Matrix expand(const Tensor& t, const Shape& to) {
  if (t.rows() == to.rows && t.cols() == to.cols) return t.value();
  return t.value().replicate(to.rows / t.rows(), to.cols / t.cols());
}

Matrix expand(const Node& n, const Shape& to) {
  if (n.shape.rows == to.rows && n.shape.cols == to.cols) return n.value;
  return n.value.replicate(to.rows / n.shape.rows, to.cols / n.shape.cols);
}

}  // namespace

// ---- the four arithmetic ops ----

// z = x + y;  dx = dz,  dy = dz
Tensor add(const Tensor& a, const Tensor& b) {
  const Shape shape = broadcast_shape("add", a.shape(), b.shape());
  Matrix value = expand(a, shape) + expand(b, shape);
  return make_op("add", std::move(value), shape, {a, b}, [](Node& z) {
    add_grad_to(*z.parents[0], z.grad);
    add_grad_to(*z.parents[1], z.grad);
  });
}

// z = x − y;  dx = dz,  dy = −dz
Tensor sub(const Tensor& a, const Tensor& b) {
  const Shape shape = broadcast_shape("sub", a.shape(), b.shape());
  Matrix value = expand(a, shape) - expand(b, shape);
  return make_op("sub", std::move(value), shape, {a, b}, [](Node& z) {
    add_grad_to(*z.parents[0], z.grad);
    add_grad_to(*z.parents[1], -z.grad);
  });
}

// z = x ⊙ y;  dx = dz ⊙ y,  dy = dz ⊙ x
Tensor mul(const Tensor& a, const Tensor& b) {
  const Shape shape = broadcast_shape("mul", a.shape(), b.shape());
  Matrix value = expand(a, shape).cwiseProduct(expand(b, shape));
  return make_op("mul", std::move(value), shape, {a, b}, [](Node& z) {
    Node& x = *z.parents[0];
    Node& y = *z.parents[1];
    if (x.requires_grad) add_grad_to(x, z.grad.cwiseProduct(expand(y, z.shape)));
    if (y.requires_grad) add_grad_to(y, z.grad.cwiseProduct(expand(x, z.shape)));
  });
}

// z = x / y;  dx = dz / y,  dy = −dz ⊙ x / y² = −dz ⊙ z / y
Tensor div(const Tensor& a, const Tensor& b) {
  const Shape shape = broadcast_shape("div", a.shape(), b.shape());
  Matrix value = expand(a, shape).cwiseQuotient(expand(b, shape));
  return make_op("div", std::move(value), shape, {a, b}, [](Node& z) {
    Node& x = *z.parents[0];
    Node& y = *z.parents[1];
    const Matrix y_full = expand(y, z.shape);
    if (x.requires_grad) add_grad_to(x, z.grad.cwiseQuotient(y_full));
    if (y.requires_grad) add_grad_to(y, -z.grad.cwiseProduct(z.value).cwiseQuotient(y_full));
  });
}

// y = −x;  dx = −dy
Tensor neg(const Tensor& x) {
  return make_op("neg", -x.value(), x.shape(), {x}, [](Node& y) { add_grad_exact(*y.parents[0], -y.grad); });
}

// ---- pointwise functions ----

// y = xᵖ;  dx = dy ⊙ p xᵖ⁻¹
Tensor pow(const Tensor& x, Scalar exponent) {
  Matrix value = x.value().array().pow(exponent).matrix();
  return make_op("pow", std::move(value), x.shape(), {x}, [exponent](Node& y) {
    Node& in = *y.parents[0];
    // p = 0: y = 1 and dx = 0. Said outright because p xᵖ⁻¹ is 0 · ∞ = nan at x = 0 (PyTorch does the same).
    if (exponent == 0) {
      add_grad_exact(in, Matrix::Zero(in.shape.rows, in.shape.cols));
      return;
    }
    add_grad_exact(in, (y.grad.array() * exponent * in.value.array().pow(exponent - 1)).matrix());
  });
}

// y = eˣ;  dx = dy ⊙ y
Tensor exp(const Tensor& x) {
  Matrix value = x.value().array().exp().matrix();
  return make_op("exp", std::move(value), x.shape(), {x},
                 [](Node& y) { add_grad_exact(*y.parents[0], y.grad.cwiseProduct(y.value)); });
}

// y = ln x;  dx = dy / x
Tensor log(const Tensor& x) {
  Matrix value = x.value().array().log().matrix();
  return make_op("log", std::move(value), x.shape(), {x},
                 [](Node& y) { add_grad_exact(*y.parents[0], y.grad.cwiseQuotient(y.parents[0]->value)); });
}

// y = min(max(x, lo), hi);  dx = dy where lo ≤ x ≤ hi, else 0 (PyTorch counts the bounds as inside)
Tensor clamp(const Tensor& x, Scalar min, Scalar max) {
  if (min > max)
    throw std::invalid_argument("clamp: min " + format_fixed(min, 6) + " is above max " + format_fixed(max, 6));
  Matrix value = x.value().cwiseMax(min).cwiseMin(max);
  return make_op("clamp", std::move(value), x.shape(), {x}, [min, max](Node& y) {
    const auto& in = y.parents[0]->value.array();
    add_grad_exact(*y.parents[0], ((in >= min && in <= max).cast<Scalar>() * y.grad.array()).matrix());
  });
}

// ---- operators ----
Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator-(const Tensor& x) { return neg(x); }
Tensor operator+(const Tensor& a, Scalar b) { return add(a, Tensor::scalar(b)); }
Tensor operator-(const Tensor& a, Scalar b) { return sub(a, Tensor::scalar(b)); }
Tensor operator*(const Tensor& a, Scalar b) { return mul(a, Tensor::scalar(b)); }
Tensor operator/(const Tensor& a, Scalar b) { return div(a, Tensor::scalar(b)); }
Tensor operator+(Scalar a, const Tensor& b) { return add(Tensor::scalar(a), b); }
Tensor operator-(Scalar a, const Tensor& b) { return sub(Tensor::scalar(a), b); }
Tensor operator*(Scalar a, const Tensor& b) { return mul(Tensor::scalar(a), b); }
Tensor operator/(Scalar a, const Tensor& b) { return div(Tensor::scalar(a), b); }

}  // namespace ember
