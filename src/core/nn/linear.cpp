// Linear: the layer y = x Wᵀ + b; its initial weights are drawn by init.cpp.
#include "ember/core/nn/linear.hpp"

#include <stdexcept>

#include "ember/core/engine/ops.hpp"
#include "ember/core/nn/init.hpp"

namespace ember::nn {

Linear::Linear(Index in_features, Index out_features, Generator& gen, bool bias)
    : in_features_(in_features), out_features_(out_features) {
  if (in_features <= 0 || out_features <= 0) {
    throw std::invalid_argument("Linear: in_features and out_features must be positive, got " +
                                std::to_string(in_features) + " and " + std::to_string(out_features));
  }
  weight_ = register_parameter("weight", Tensor::zeros(Shape::matrix(out_features, in_features)));
  if (bias) bias_ = register_parameter("bias", Tensor::zeros(Shape::vector(out_features)));
  initialize(*this, InitScheme::Default, gen);
}

Tensor Linear::forward(const Tensor& input) { return linear(input, weight_, bias_); }

std::string Linear::extra_repr() const {
  return "in_features=" + std::to_string(in_features_) + ", out_features=" + std::to_string(out_features_) +
         ", bias=" + (bias_.defined() ? "True" : "False");
}

}  // namespace ember::nn
