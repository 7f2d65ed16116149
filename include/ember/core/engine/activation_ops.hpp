// The activation functions, as functions of tensors (the modules in nn/activation_modules.hpp wrap them).
// Each is numerically stable for any finite input: sigmoid is evaluated piecewise, softmax and
// log_softmax subtract the row maximum, softplus switches to the identity above its threshold.
// Derivatives of sigmoid and tanh are computed from the saved output, as PyTorch does.
#pragma once

#include "ember/core/engine/tensor.hpp"

namespace ember {

Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor relu(const Tensor& x);
Tensor leaky_relu(const Tensor& x, Scalar negative_slope = 0.01);
Tensor gelu(const Tensor& x);  // the exact form x Φ(x), PyTorch's default (approximate='none')
Tensor silu(const Tensor& x);
Tensor elu(const Tensor& x, Scalar alpha = 1.0);
Tensor softplus(const Tensor& x, Scalar beta = 1.0, Scalar threshold = 20.0);
Tensor softmax(const Tensor& x, int dim);
Tensor log_softmax(const Tensor& x, int dim);

// σ of each element, with no graph: the stable form the sigmoid op computes, for code that needs
// σ's values themselves (BCE with logits' gradient).
Matrix stable_sigmoid(const Matrix& x);

}  // namespace ember
