// Dropout, as torch.nn.Dropout: in training mode each element is zeroed with probability p and the
// kept ones are scaled by 1/(1−p) ("inverted" dropout: the expected value is unchanged, so eval mode
// needs no rescaling and is the identity). The mask is a constant tensor, so the engine's mul gives
// the backward. Not here: inplace, Dropout2d/AlphaDropout. MyModel (mymodel.hpp) places one after
// each hidden activation.
#pragma once

#include <string>

#include "ember/core/nn/module.hpp"

namespace ember::nn {

// The scaled mask for a [rows, cols] input: one gen.uniform() per element in row-major order;
// uniform() < p drops the element (0), otherwise it is kept (1/(1−p)). p must be in [0, 1).
Matrix dropout_mask(Index rows, Index cols, Scalar p, Generator& gen);

// y = x ⊙ m, with the scaled mask m given: the op behind Dropout, and what the gradient check uses.
Tensor dropout(const Tensor& x, Matrix mask);  // mask: x.rows() x x.cols()

class Dropout : public Module {
 public:
  Dropout(Scalar p, Generator& gen);  // p in [0, 1); gen must outlive the module
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "Dropout"; }
  std::string extra_repr() const override;  // "p=0.2, inplace=False"
  Scalar p() const { return p_; }

 private:
  Scalar p_;
  Generator& gen_;  // draws a fresh mask on every training-mode call
};

}  // namespace ember::nn
