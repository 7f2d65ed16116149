// Binary losses and MSE: BCE on probabilities (PyTorch's clamped logs), BCE with logits (the
// stable form, with pos_weight), and mean squared error. The gradient flows to the input only;
// targets are data.
#include <cmath>
#include <stdexcept>

#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/engine/autograd.hpp"
#include "ember/core/nn/loss.hpp"

namespace ember::nn {

namespace {

void check_same_shape(const char* loss, const Tensor& input, const Tensor& target) {
  if (input.shape() != target.shape()) {
    throw ShapeError(std::string(loss) + ": input has shape " + input.shape().str() + " but target has shape " +
                     target.shape().str());
  }
}

}  // namespace

// L = −mean(y·log p + (1 − y)·log(1 − p)), each log clamped at −100 (so p = 0 or 1 gives a finite loss);
// dp = (p − y) / max(p(1 − p), 1e−12) / n   — PyTorch's formula, with its guard against dividing by 0
Tensor binary_cross_entropy(const Tensor& probabilities, const Tensor& target) {
  check_same_shape("binary_cross_entropy", probabilities, target);
  const auto& p = probabilities.value().array();
  if (!((p >= 0) && (p <= 1)).all()) {
    throw std::domain_error("binary_cross_entropy: every input must be a probability in [0, 1]; found " +
                            std::to_string(((p < 0) || (p > 1) || p.isNaN()).count()) +
                            " outside (did you mean BCEWithLogitsLoss, which takes logits?)");
  }
  const auto& y = target.value().array();
  const auto log_p = p.log().max(Scalar(-100));
  const auto log_1mp = (1 - p).log().max(Scalar(-100));
  const Scalar n = static_cast<Scalar>(probabilities.numel());
  const Scalar loss = -(y * log_p + (1 - y) * log_1mp).sum() / n;
  return make_op("binary_cross_entropy", Matrix::Constant(1, 1, loss), Shape::scalar(), {probabilities, target},
                 [n](Node& out) {
                   const auto& prob = out.parents[0]->value.array();
                   const auto& t = out.parents[1]->value.array();
                   const auto dp = (prob - t) / (prob * (1 - prob)).max(Scalar(1e-12)) / n;
                   add_grad_exact(*out.parents[0], (out.grad(0, 0) * dp).matrix());
                 });
}

// With l = 1 + (pos_weight − 1)·y:
// L = mean((1 − y)·z + l·(log(1 + e^(−|z|)) + max(−z, 0)))    (no exp of a positive number: no overflow)
// dz = ((1 − y) − l·(1 − σ(z))) / n;   with pos_weight = 1 this is (σ(z) − y) / n
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target, const Tensor& pos_weight) {
  check_same_shape("binary_cross_entropy_with_logits", logits, target);
  Matrix l = Matrix::Ones(logits.rows(), logits.cols());
  if (pos_weight.defined()) {
    if (pos_weight.numel() != logits.cols() && pos_weight.numel() != 1) {
      throw ShapeError("binary_cross_entropy_with_logits: pos_weight has shape " + pos_weight.shape().str() +
                       ", expected one weight per column of " + logits.shape().str());
    }
    const Matrix pw = pos_weight.value()
                          .reshaped<Eigen::RowMajor>(1, pos_weight.numel())
                          .replicate(logits.rows(), pos_weight.numel() == 1 ? logits.cols() : 1);
    l.array() += (pw.array() - 1) * target.value().array();
  }
  const auto& z = logits.value().array();
  const auto& y = target.value().array();
  const Scalar n = static_cast<Scalar>(logits.numel());
  const Scalar loss = ((1 - y) * z + l.array() * ((-z.abs()).exp().log1p() + (-z).max(Scalar(0)))).sum() / n;
  return make_op("binary_cross_entropy_with_logits", Matrix::Constant(1, 1, loss), Shape::scalar(), {logits, target},
                 [l = std::move(l), n](Node& out) {
                   const Matrix sig = stable_sigmoid(out.parents[0]->value);
                   const auto& t = out.parents[1]->value.array();
                   const auto dz = ((1 - t) - l.array() * (1 - sig.array())) / n;
                   add_grad_exact(*out.parents[0], (out.grad(0, 0) * dz).matrix());
                 });
}

// L = mean((x − y)²);  dx = 2(x − y) / n,  dy = −2(x − y) / n
Tensor mse_loss(const Tensor& input, const Tensor& target) {
  check_same_shape("mse_loss", input, target);
  const Scalar n = static_cast<Scalar>(input.numel());
  const Scalar loss = (input.value() - target.value()).squaredNorm() / n;
  return make_op("mse_loss", Matrix::Constant(1, 1, loss), Shape::scalar(), {input, target}, [n](Node& out) {
    const Matrix diff = (2 * out.grad(0, 0) / n) * (out.parents[0]->value - out.parents[1]->value);
    add_grad_exact(*out.parents[0], diff);
    add_grad_exact(*out.parents[1], -diff);
  });
}

}  // namespace ember::nn
