// Dropout: the mask, the op (x ⊙ mask) and the module that draws a mask per training-mode call.
#include "ember/core/nn/dropout.hpp"

#include <stdexcept>
#include <string>
#include <utility>

#include "ember/core/engine/format.hpp"
#include "ember/core/engine/ops.hpp"

namespace ember::nn {

Matrix dropout_mask(Index rows, Index cols, Scalar p, Generator& gen) {
  const Scalar scale = Scalar(1) / (1 - p);  // PyTorch's 1/(1−p), so a kept 1 becomes exactly this
  Matrix mask(rows, cols);
  for (Index i = 0; i < mask.size(); ++i) mask.data()[i] = gen.uniform() < p ? Scalar(0) : scale;
  return mask;
}

// y = x ⊙ m;  dL/dx = dL/dy ⊙ m. No backward of its own: m is a constant tensor (no requires_grad),
// so mul's backward gives x exactly this and nothing to m.
Tensor dropout(const Tensor& x, Matrix mask) {
  if (mask.rows() != x.rows() || mask.cols() != x.cols())
    throw ShapeError("dropout: input " + x.shape().str() + " and a " + std::to_string(mask.rows()) + "x" +
                     std::to_string(mask.cols()) + " mask do not match");
  return mul(x, Tensor(std::move(mask), x.shape()));
}

// p = 1 is refused: PyTorch then outputs all zeros, and a network whose every unit is dropped passes
// no signal forward and no gradient back, so it learns nothing (and 1/(1−p) is infinite). NaN fails too.
Dropout::Dropout(Scalar p, Generator& gen) : p_(p), gen_(gen) {
  if (!(p >= 0 && p < 1))
    throw std::invalid_argument("Dropout: p must be in [0, 1) (the probability of zeroing an element), got " +
                                format_general(p, 6));
}

// Eval mode, and p = 0, return the input tensor itself: no mask is drawn and no op is recorded.
Tensor Dropout::forward(const Tensor& input) {
  if (!is_training() || p_ == 0) return input;
  return dropout(input, dropout_mask(input.rows(), input.cols(), p_, gen_));
}

std::string Dropout::extra_repr() const { return "p=" + format_python_float(p_) + ", inplace=False"; }

}  // namespace ember::nn
