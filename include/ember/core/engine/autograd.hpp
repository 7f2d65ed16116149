// How an op joins the graph. Every op in ops.hpp is written the same way:
//   1. compute the forward value with Eigen,
//   2. call make_op(name, value, shape, {inputs}, backward), where `backward` receives the output
//      node (its grad filled in) and adds each input's share with `add_grad_to(input, ...)`.
// make_op records the inputs only when gradients are on and some input requires them; otherwise
// the result is a plain constant. `backward()` itself lives in src/core/engine/autograd.cpp.
#pragma once

#include <initializer_list>

#include "ember/core/engine/tensor.hpp"

namespace ember {

using BackwardFn = std::function<void(Node& out)>;

Tensor make_op(const char* op, Matrix value, Shape shape, std::initializer_list<Tensor> inputs, BackwardFn backward);

// Adds g into input's gradient, if that input wants one. g may be larger than the input when the
// input was broadcast (a bias row over N rows): then it is first summed over the broadcast rows or
// columns, since each copy of the input contributed to the output.
void add_grad_to(Node& input, const Matrix& g);

// The storage axis a reduction or softmax over PyTorch's `dim` runs along: 0 down the rows, 1 along
// each row. `dim` may be negative (-1: the last dim); a vector is stored as one row, so its only dim
// (0) is storage axis 1. A dim out of range throws std::out_of_range naming `op` and the shape.
int storage_axis(const char* op, const Tensor& x, int dim);

// add_grad_to for an expression whose shape already equals the input's (no broadcast to undo).
template <typename Derived>
void add_grad_exact(Node& input, const Eigen::MatrixBase<Derived>& g) {
  if (input.requires_grad) input.add_grad(g);
}

}  // namespace ember
