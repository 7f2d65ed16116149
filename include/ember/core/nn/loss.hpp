// Losses, with PyTorch's names and semantics (mean reduction). Each is one fused op: its forward
// is the stable form and its backward the closed-form gradient (functions below), and each module
// wraps its function. Classification targets are class indices 0..C−1; binary targets are tensors
// of 0/1 (or soft) values shaped like the input. Errors: a target out of range, mismatched shapes,
// a probability outside [0, 1] given to BCELoss.
#pragma once

#include <vector>

#include "ember/core/engine/tensor.hpp"

namespace ember::nn {

// ---- the functions (src/core/nn/loss_*.cpp) ----

// logits [N, C], target indices; optional class weight [C] (undefined: all 1); smoothing ε in [0, 1].
Tensor cross_entropy(const Tensor& logits, const std::vector<int>& target, const Tensor& weight = Tensor(),
                     Scalar label_smoothing = 0);
// log_probs [N, C] (from log_softmax), target indices, optional class weight [C].
Tensor nll_loss(const Tensor& log_probs, const std::vector<int>& target, const Tensor& weight = Tensor());
// probabilities and targets of the same shape; each log clamped at −100 as PyTorch does.
Tensor binary_cross_entropy(const Tensor& probabilities, const Tensor& target);
// logits and targets of the same shape; optional pos_weight [C] weighting the positive term per column.
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target,
                                        const Tensor& pos_weight = Tensor());
Tensor mse_loss(const Tensor& input, const Tensor& target);

// True when every row is non-negative and sums to 1: what a softmax outputs, and a sign that a
// softmax was applied before a loss that applies its own.
bool rows_look_like_probabilities(const Matrix& values);

// ---- the modules ----

class CrossEntropyLoss {
 public:
  explicit CrossEntropyLoss(Tensor weight = Tensor(), Scalar label_smoothing = 0);
  // Warns once (on stderr) if handed rows that are already probabilities: the article's model puts a
  // softmax before this loss, which then applies softmax a second time.
  Tensor operator()(const Tensor& logits, const std::vector<int>& target);

 private:
  Tensor weight_;
  Scalar label_smoothing_;
  bool warned_ = false;
};

class NLLLoss {
 public:
  explicit NLLLoss(Tensor weight = Tensor()) : weight_(std::move(weight)) {}
  Tensor operator()(const Tensor& log_probs, const std::vector<int>& target) const {
    return nll_loss(log_probs, target, weight_);
  }

 private:
  Tensor weight_;
};

class BCELoss {
 public:
  Tensor operator()(const Tensor& probabilities, const Tensor& target) const {
    return binary_cross_entropy(probabilities, target);
  }
};

class BCEWithLogitsLoss {
 public:
  explicit BCEWithLogitsLoss(Tensor pos_weight = Tensor()) : pos_weight_(std::move(pos_weight)) {}
  Tensor operator()(const Tensor& logits, const Tensor& target) const {
    return binary_cross_entropy_with_logits(logits, target, pos_weight_);
  }

 private:
  Tensor pos_weight_;
};

class MSELoss {
 public:
  Tensor operator()(const Tensor& input, const Tensor& target) const { return mse_loss(input, target); }
};

}  // namespace ember::nn
