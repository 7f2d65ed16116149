// Multiclass losses: cross-entropy (from logits, with class weights and label smoothing) and NLL
// (from log-probabilities). Both are single fused ops: forward by log-sum-exp with the row maximum
// subtracted, backward by the closed form, never through a softmax's Jacobian.
#include <cmath>
#include <iostream>
#include <stdexcept>

#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/engine/autograd.hpp"
#include "ember/core/engine/format.hpp"
#include "ember/core/nn/loss.hpp"

namespace ember::nn {

namespace {

// Checks logits [N, C], N targets in [0, C), and a weight of shape [C]; returns per-class weights.
Eigen::Matrix<Scalar, 1, Eigen::Dynamic> check_inputs(const char* loss, const Tensor& input,
                                                      const std::vector<int>& target, const Tensor& weight) {
  if (input.dim() != 2) {
    throw ShapeError(std::string(loss) + ": input has shape " + input.shape().str() + ", expected [N, C]");
  }
  const Index classes = input.cols();
  if (static_cast<Index>(target.size()) != input.rows()) {
    throw ShapeError(std::string(loss) + ": input has shape " + input.shape().str() + " but there are " +
                     std::to_string(target.size()) + " targets");
  }
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] < 0 || target[i] >= classes) {
      throw std::out_of_range(std::string(loss) + ": target " + std::to_string(target[i]) + " at row " +
                              std::to_string(i) + " is out of range for " + std::to_string(classes) + " classes (0.." +
                              std::to_string(classes - 1) + ")");
    }
  }
  if (!weight.defined()) return Eigen::Matrix<Scalar, 1, Eigen::Dynamic>::Ones(classes);
  if (weight.dim() != 1 || weight.cols() != classes) {
    throw ShapeError(std::string(loss) + ": weight has shape " + weight.shape().str() + ", expected [" +
                     std::to_string(classes) + "]");
  }
  return weight.value().row(0);
}

}  // namespace

// Cross-entropy against a target distribution q over the classes. Row i of q is
//   q_i = ((1 − ε) w_{y_i} onehot(y_i) + ε w / C) / W,   W = Σ_i w_{y_i}
// (w the class weights, all 1 by default; ε the label smoothing) — PyTorch's weighted mean.
// L = −Σ_i Σ_c q_ic log p_ic,  p = softmax(z);   dz = p ⊙ (Σ_c q_ic) − q
// Without weights or smoothing, Σ_c q_ic = 1/N and this is the familiar (softmax(z) − onehot(y)) / N.
Tensor cross_entropy(const Tensor& logits, const std::vector<int>& target, const Tensor& weight,
                     Scalar label_smoothing) {
  const auto w = check_inputs("cross_entropy", logits, target, weight);
  if (!(label_smoothing >= 0 && label_smoothing <= 1)) {
    throw std::invalid_argument("cross_entropy: label_smoothing must be in [0, 1], got " +
                                format_fixed(label_smoothing, 6));
  }
  const Index rows = logits.rows(), classes = logits.cols();
  const Matrix log_p = log_softmax(logits.detach(), 1).value();
  Scalar total_weight = 0;
  for (int y : target) total_weight += w(y);
  Matrix q = (label_smoothing / static_cast<Scalar>(classes)) * w.replicate(rows, 1);
  for (Index i = 0; i < rows; ++i)
    q(i, target[static_cast<std::size_t>(i)]) += (1 - label_smoothing) * w(target[static_cast<std::size_t>(i)]);
  q /= total_weight;
  const Scalar loss = -(q.cwiseProduct(log_p)).sum();
  return make_op("cross_entropy", Matrix::Constant(1, 1, loss), Shape::scalar(), {logits},
                 [q = std::move(q), log_p](Node& out) {
                   const Matrix p = log_p.array().exp().matrix();
                   const Matrix dz = p.cwiseProduct(q.rowwise().sum().replicate(1, p.cols())) - q;
                   add_grad_exact(*out.parents[0], out.grad(0, 0) * dz);
                 });
}

// L = −Σ_i w_{y_i} x_{i, y_i} / Σ_i w_{y_i};   dx_{i, y_i} = −w_{y_i} / W, 0 elsewhere
Tensor nll_loss(const Tensor& log_probs, const std::vector<int>& target, const Tensor& weight) {
  const auto w = check_inputs("nll_loss", log_probs, target, weight);
  Scalar total_weight = 0, weighted = 0;
  for (std::size_t i = 0; i < target.size(); ++i) {
    total_weight += w(target[i]);
    weighted += w(target[i]) * log_probs.value()(static_cast<Index>(i), target[i]);
  }
  return make_op("nll_loss", Matrix::Constant(1, 1, -weighted / total_weight), Shape::scalar(), {log_probs},
                 [target, w, total_weight](Node& out) {
                   Node& input = *out.parents[0];
                   Matrix dx = Matrix::Zero(input.shape.rows, input.shape.cols);
                   for (std::size_t i = 0; i < target.size(); ++i)
                     dx(static_cast<Index>(i), target[i]) = -w(target[i]) / total_weight;
                   add_grad_exact(input, out.grad(0, 0) * dx);
                 });
}

// A softmax output: every entry ≥ 0 and every row summing to 1 (to float precision).
bool rows_look_like_probabilities(const Matrix& values) {
  if (values.size() == 0 || values.cols() < 2 || values.minCoeff() < 0) return false;
  return ((values.rowwise().sum().array() - 1).abs() < Scalar(1e-4)).all();
}

CrossEntropyLoss::CrossEntropyLoss(Tensor weight, Scalar label_smoothing)
    : weight_(std::move(weight)), label_smoothing_(label_smoothing) {}

Tensor CrossEntropyLoss::operator()(const Tensor& logits, const std::vector<int>& target) {
  if (!warned_ && rows_look_like_probabilities(logits.value())) {
    warned_ = true;
    std::cerr << "warning: CrossEntropyLoss was given rows that are already probabilities (non-negative, each "
                 "summing to 1). It applies log_softmax itself, so a softmax before it is applied twice and the "
                 "loss cannot fall below -log(e / (e + C - 1)). Pass the logits instead (MyModel::logits, or drop "
                 "the Softmax head).\n";
  }
  return cross_entropy(logits, target, weight_, label_smoothing_);
}

}  // namespace ember::nn
