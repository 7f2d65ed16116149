// Linear(in_features, out_features, bias): y = x Wᵀ + b, PyTorch's layer.
// weight is [out, in] and bias [out], as in PyTorch, so state dicts move between the two as they are.
// Initialization schemes (PyTorch's default, He, Xavier) are in init.hpp.
#pragma once

#include "ember/core/nn/module.hpp"

namespace ember::nn {

class Linear : public Module {
 public:
  // Draws the initial weights from `gen` with PyTorch's default scheme (see init.hpp).
  Linear(Index in_features, Index out_features, Generator& gen, bool bias = true);

  Tensor forward(const Tensor& input) override;  // [N, in] -> [N, out]

  std::string type_name() const override { return "Linear"; }
  std::string extra_repr() const override;

  Index in_features() const { return in_features_; }
  Index out_features() const { return out_features_; }
  Tensor& weight() { return weight_; }
  Tensor& bias() { return bias_; }  // undefined when built without bias

 private:
  Index in_features_;
  Index out_features_;
  Tensor weight_;  // [out, in]
  Tensor bias_;    // [out]
};

}  // namespace ember::nn
