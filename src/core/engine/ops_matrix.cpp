// Matrix products: matmul, transpose, and linear, the fused x Wᵀ + b of every Linear layer.
// Products use Eigen's .noalias(): the result cannot overlap the operands, so Eigen writes it
// directly instead of into a temporary first.
#include "ember/core/engine/autograd.hpp"
#include "ember/core/engine/ops.hpp"

namespace ember {

// C = A B, A [N, K], B [K, M];  dA = dC Bᵀ,  dB = Aᵀ dC
Tensor matmul(const Tensor& a, const Tensor& b) {
  if (a.dim() != 2 || b.dim() != 2 || a.cols() != b.rows()) {
    throw ShapeError("matmul: shapes " + a.shape().str() + " and " + b.shape().str() +
                     " do not match (need [N, K] and [K, M])");
  }
  Matrix value(a.rows(), b.cols());
  value.noalias() = a.value() * b.value();
  return make_op("matmul", std::move(value), Shape::matrix(a.rows(), b.cols()), {a, b}, [](Node& c) {
    Node& left = *c.parents[0];
    Node& right = *c.parents[1];
    if (left.requires_grad) left.add_grad(c.grad * right.value.transpose());
    if (right.requires_grad) right.add_grad(left.value.transpose() * c.grad);
  });
}

// Y = Xᵀ;  dX = dYᵀ.  A vector or a scalar is its own transpose, as with PyTorch's .t().
Tensor transpose(const Tensor& x) {
  if (x.dim() < 2) {
    return make_op("transpose", x.value(), x.shape(), {x}, [](Node& y) { add_grad_exact(*y.parents[0], y.grad); });
  }
  Matrix value = x.value().transpose();
  return make_op("transpose", std::move(value), Shape::matrix(x.cols(), x.rows()), {x},
                 [](Node& y) { add_grad_exact(*y.parents[0], y.grad.transpose()); });
}

// Y = X Wᵀ + b, X [N, in], W [out, in], b [out]:  dX = dY W,  dW = dYᵀ X,  db = Σ_rows dY
// One op instead of matmul + transpose + add: no transposed copy of W, no broadcast copy of b.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  const bool shapes_ok = x.dim() >= 1 && weight.dim() == 2 && x.cols() == weight.cols() &&
                         (!bias.defined() || (bias.dim() == 1 && bias.cols() == weight.rows()));
  if (!shapes_ok) {
    throw ShapeError("linear: input " + x.shape().str() + ", weight " + weight.shape().str() +
                     (bias.defined() ? ", bias " + bias.shape().str() : std::string()) +
                     " do not match (need [N, in], [out, in], [out])");
  }
  Matrix value(x.rows(), weight.rows());
  value.noalias() = x.value() * weight.value().transpose();
  if (bias.defined()) value.rowwise() += bias.value().row(0);
  const Shape shape = x.dim() == 1 ? Shape::vector(weight.rows()) : Shape::matrix(x.rows(), weight.rows());
  return make_op("linear", std::move(value), shape, {x, weight, bias}, [](Node& y) {
    Node& input = *y.parents[0];
    Node& w = *y.parents[1];
    Node& b = *y.parents[2];
    if (input.requires_grad) input.add_grad(y.grad * w.value);
    if (w.requires_grad) w.add_grad(y.grad.transpose() * input.value);
    if (b.requires_grad) b.add_grad(y.grad.colwise().sum());
  });
}

}  // namespace ember
