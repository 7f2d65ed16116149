// Finding where a run diverged. When a loss comes out NaN or infinite, the graph that computed it
// is still there: the op to blame is the first one whose output holds a non-finite value although
// all of its inputs were finite (like PyTorch's anomaly detection, but after the fact and free
// when nothing goes wrong). For gradients, the parameter whose gradient is not finite is named.
#pragma once

#include <string>

#include "ember/nn/module.hpp"

namespace ember {

// "linear" (with the shapes of its inputs), or "" if every op's output is finite.
std::string first_non_finite_op(const Tensor& output);

// The name of the first parameter ("fc2.weight") whose gradient holds a NaN or infinity, or "".
std::string first_non_finite_gradient(const nn::Module& model);

}  // namespace ember
