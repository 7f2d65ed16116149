// The activation functions of the article (sigmoid, tanh, relu, leaky_relu, softmax) and four
// more that `compare` can study (gelu, silu, elu, softplus), plus log_softmax for the losses.
// Each: the forward value, then its backward with the derivative written above it.
#include <cmath>

#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/engine/autograd.hpp"

namespace ember {

namespace {

using Array = Eigen::Array<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// eˣ of every element: Eigen's vectorized exp, with std::exp's results far below 0 (the fast path,
// at the end of this file).
Array exp_of(const Array& x);

// x − max − log Σ exp(x − max) along the axis. Subtracting the maximum keeps every exponent ≤ 0,
// so exp cannot overflow and at least one term is exactly 1 (the sum is never 0).
Matrix log_softmax_rows(const Matrix& x) {
  Matrix shifted = x.colwise() - x.rowwise().maxCoeff();
  const Eigen::Matrix<Scalar, Eigen::Dynamic, 1> log_sum = shifted.array().exp().rowwise().sum().log();
  return shifted.colwise() - log_sum;
}

Matrix log_softmax_along(const Matrix& x, int axis) {
  return axis == 1 ? log_softmax_rows(x) : Matrix(log_softmax_rows(x.transpose()).transpose());
}

// Σ along the axis, kept as a column (axis 1) or row (axis 0) for broadcasting back.
Matrix sum_along(const Matrix& m, int axis) {
  return axis == 1 ? Matrix(m.rowwise().sum()) : Matrix(m.colwise().sum());
}

Matrix broadcast_back(const Matrix& reduced, int axis, Index rows, Index cols) {
  return axis == 1 ? Matrix(reduced.replicate(1, cols)) : Matrix(reduced.replicate(rows, 1));
}

}  // namespace

// σ(x) evaluated so that exp never overflows: exp only ever sees x ≤ 0.
// σ = e^min(x,0) / (1 + e^−|x|), which is 1/(1+e⁻ˣ) for x ≥ 0 and eˣ/(1+eˣ) for x < 0.
// (Two exps rather than a choice per element: Eigen vectorizes these, not a per-element select.)
Matrix stable_sigmoid(const Matrix& x) {
  const Array numerator = exp_of(x.array().min(Scalar(0)));
  const Array e = exp_of(-x.array().abs());
  return (numerator / (1 + e)).matrix();
}

// y = σ(x) = 1 / (1 + e⁻ˣ);  dx = dy ⊙ y(1 − y)
Tensor sigmoid(const Tensor& x) {
  Matrix value = stable_sigmoid(x.value());
  return make_op("sigmoid", std::move(value), x.shape(), {x}, [](Node& y) {
    add_grad_exact(*y.parents[0], (y.grad.array() * y.value.array() * (1 - y.value.array())).matrix());
  });
}

// y = tanh x;  dx = dy ⊙ (1 − y²)
Tensor tanh(const Tensor& x) {
  Matrix value = x.value().array().tanh().matrix();
  return make_op("tanh", std::move(value), x.shape(), {x}, [](Node& y) {
    add_grad_exact(*y.parents[0], (y.grad.array() * (1 - y.value.array().square())).matrix());
  });
}

// y = max(x, 0);  dx = dy ⊙ [x > 0]
// At exactly x = 0 ReLU has no derivative; like PyTorch we take 0 (the subgradient that keeps a unit
// at 0 switched off), so the mask is x > 0, not x ≥ 0.
Tensor relu(const Tensor& x) {
  Matrix value = x.value().cwiseMax(Scalar(0));
  return make_op("relu", std::move(value), x.shape(), {x}, [](Node& y) {
    const auto positive = y.parents[0]->value.array() > 0;
    add_grad_exact(*y.parents[0], positive.select(y.grad.array(), Scalar(0)).matrix());
  });
}

// y = x if x > 0 else s·x;  dx = dy ⊙ (1 if x > 0 else s)   (s = negative_slope; at 0, s as in PyTorch)
Tensor leaky_relu(const Tensor& x, Scalar negative_slope) {
  const auto& in = x.value().array();
  Matrix value = (in > 0).select(in, negative_slope * in).matrix();
  return make_op("leaky_relu", std::move(value), x.shape(), {x}, [negative_slope](Node& y) {
    const auto& input = y.parents[0]->value.array();
    const auto slope = (input > 0).select(Scalar(1), Eigen::Array<Scalar, Eigen::Dynamic, Eigen::Dynamic>::Constant(
                                                         input.rows(), input.cols(), negative_slope));
    add_grad_exact(*y.parents[0], (y.grad.array() * slope).matrix());
  });
}

// y = x Φ(x), Φ the standard normal CDF = ½(1 + erf(x/√2));  dx = dy ⊙ (Φ(x) + x φ(x)), φ(x) = e^(−x²/2)/√(2π)
Tensor gelu(const Tensor& x) {
  const Scalar inv_sqrt2 = Scalar(0.70710678118654752440);
  Matrix value = x.value().unaryExpr([inv_sqrt2](Scalar v) { return v * Scalar(0.5) * (1 + std::erf(v * inv_sqrt2)); });
  return make_op("gelu", std::move(value), x.shape(), {x}, [inv_sqrt2](Node& y) {
    const Scalar inv_sqrt_2pi = Scalar(0.39894228040143267794);
    const Matrix derivative = y.parents[0]->value.unaryExpr([&](Scalar v) {
      return Scalar(0.5) * (1 + std::erf(v * inv_sqrt2)) + v * inv_sqrt_2pi * std::exp(Scalar(-0.5) * v * v);
    });
    add_grad_exact(*y.parents[0], y.grad.cwiseProduct(derivative));
  });
}

// y = x σ(x);  dx = dy ⊙ σ(x)(1 + x(1 − σ(x)))
Tensor silu(const Tensor& x) {
  Matrix value = x.value().cwiseProduct(stable_sigmoid(x.value()));
  return make_op("silu", std::move(value), x.shape(), {x}, [](Node& y) {
    const auto& in = y.parents[0]->value.array();
    const Array s = stable_sigmoid(y.parents[0]->value).array();
    add_grad_exact(*y.parents[0], (y.grad.array() * (s * (1 + in * (1 - s)))).matrix());
  });
}

// y = x if x > 0 else α(eˣ − 1);  dx = dy ⊙ (1 if x > 0 else α eˣ)
Tensor elu(const Tensor& x, Scalar alpha) {
  Matrix value = x.value().unaryExpr([alpha](Scalar v) { return v > 0 ? v : alpha * std::expm1(v); });
  return make_op("elu", std::move(value), x.shape(), {x}, [alpha](Node& y) {
    const Matrix derivative =
        y.parents[0]->value.unaryExpr([alpha](Scalar v) { return v > 0 ? Scalar(1) : alpha * std::exp(v); });
    add_grad_exact(*y.parents[0], y.grad.cwiseProduct(derivative));
  });
}

// y = log(1 + e^(βx)) / β, or x where βx > threshold (there the two agree to float precision);
// dx = dy ⊙ σ(βx), or dy above the threshold
Tensor softplus(const Tensor& x, Scalar beta, Scalar threshold) {
  Matrix value = x.value().unaryExpr(
      [beta, threshold](Scalar v) { return v * beta > threshold ? v : std::log1p(std::exp(v * beta)) / beta; });
  return make_op("softplus", std::move(value), x.shape(), {x}, [beta, threshold](Node& y) {
    const Matrix scaled = beta * y.parents[0]->value;
    const Array derivative = (scaled.array() > threshold).select(Scalar(1), stable_sigmoid(scaled).array());
    add_grad_exact(*y.parents[0], (y.grad.array() * derivative).matrix());
  });
}

// s = softmax(x) = eˣ / Σ eˣ along dim;  Jacobian diag(s) − s sᵀ, applied to dy:
// dx = s ⊙ (dy − Σ(dy ⊙ s))
Tensor softmax(const Tensor& x, int dim) {
  const int axis = storage_axis("softmax", x, dim);
  Matrix value = log_softmax_along(x.value(), axis).array().exp().matrix();
  return make_op("softmax", std::move(value), x.shape(), {x}, [axis](Node& s) {
    const Matrix dot = sum_along(s.grad.cwiseProduct(s.value), axis);
    const Matrix centered = s.grad - broadcast_back(dot, axis, s.shape.rows, s.shape.cols);
    add_grad_exact(*s.parents[0], s.value.cwiseProduct(centered));
  });
}

// y = log softmax(x) = x − log Σ eˣ along dim;  dx = dy − softmax(x) ⊙ Σ dy
Tensor log_softmax(const Tensor& x, int dim) {
  const int axis = storage_axis("log_softmax", x, dim);
  Matrix value = log_softmax_along(x.value(), axis);
  return make_op("log_softmax", std::move(value), x.shape(), {x}, [axis](Node& y) {
    const Matrix probabilities = y.value.array().exp().matrix();
    const Matrix grad_sum = broadcast_back(sum_along(y.grad, axis), axis, y.shape.rows, y.shape.cols);
    add_grad_exact(*y.parents[0], y.grad - probabilities.cwiseProduct(grad_sum));
  });
}

// ---- the fast path ----

namespace {

// eˣ, 8 elements at a time: std::exp one at a time made sigmoid half of a tiny training step
// (bench/README.md). Eigen's vectorized exp stops at e^−88.7 ≈ 3·10⁻³⁹, where std::exp, like
// PyTorch, goes on through the denormals to 0: elements that far out take std::exp.
Array exp_of(const Array& x) {
  Array result = x.exp();
  if (x.size() == 0 || x.minCoeff() >= Scalar(-87)) return result;  // the usual case: one vectorized pass
  for (Index i = 0; i < x.size(); ++i) {
    if (x(i) < Scalar(-87)) result(i) = std::exp(x(i));
  }
  return result;
}

}  // namespace

}  // namespace ember
