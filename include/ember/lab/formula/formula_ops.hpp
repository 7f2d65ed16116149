// The engine ops a formula activation needs beyond the core's (ops.hpp, activation_ops.hpp): abs,
// sqrt, erf and the elementwise minimum and maximum of two tensors. They are written exactly as the
// core's ops are (forward value, then make_op with the backward, the derivative in one line above
// it), from outside the core: the way to add an op of your own (docs/your-own-activation.md).
#pragma once

#include "ember/core/engine/tensor.hpp"

namespace ember {

Tensor abs(const Tensor& x);  // d|x|/dx = sign(x), 0 at x = 0 as in PyTorch
Tensor sqrt(const Tensor& x);
Tensor erf(const Tensor& x);

// Elementwise max(a, b) and min(a, b), PyTorch's torch.maximum / torch.minimum. a and b have one
// shape, or one of them is a scalar. Where a == b the whole gradient goes to b, the second
// argument (torch.maximum splits it in half): so max(x, 0) has relu's derivative 0 at x = 0,
// max(x, 0.1*x) has leaky_relu's 0.1, and min(max(x, -1), 1) has hardtanh's 0 at ±1.
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);

}  // namespace ember
