// The ops: each computes its forward value and records its backward beside it (see autograd.hpp).
// Letters: N batch rows, D input features, H hidden units, C classes. `dim` is 0 (down the rows)
// or 1 (along each row); -1 means the last dim, as in PyTorch. Elementwise ops broadcast like
// PyTorch for rank <= 2: a scalar over everything, a row ([C] or [1, C]) over every row, a column
// ([N, 1]) over every column. Activations are in activation_ops.hpp.
#pragma once

#include <vector>

#include "ember/core/engine/tensor.hpp"

namespace ember {

// ---- elementwise arithmetic (ops_arith.cpp) ----
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor neg(const Tensor& x);
Tensor pow(const Tensor& x, Scalar exponent);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor clamp(const Tensor& x, Scalar min, Scalar max);

Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& x);
Tensor operator+(const Tensor& a, Scalar b);
Tensor operator-(const Tensor& a, Scalar b);
Tensor operator*(const Tensor& a, Scalar b);
Tensor operator/(const Tensor& a, Scalar b);
Tensor operator+(Scalar a, const Tensor& b);
Tensor operator-(Scalar a, const Tensor& b);
Tensor operator*(Scalar a, const Tensor& b);
Tensor operator/(Scalar a, const Tensor& b);

// ---- matrix products (ops_matrix.cpp) ----
Tensor matmul(const Tensor& a, const Tensor& b);  // [N, K] x [K, M] -> [N, M]
Tensor transpose(const Tensor& x);                // [R, C] -> [C, R]; a vector stays itself, like .t()
// y = x Wᵀ + b, PyTorch's F.linear: x [N, in] (or [in]), weight [out, in], bias [out] or undefined.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());

// ---- reductions (ops_reduce.cpp) ----
Tensor sum(const Tensor& x);  // all elements -> scalar
Tensor sum(const Tensor& x, int dim, bool keepdim = false);
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, int dim, bool keepdim = false);
Tensor max(const Tensor& x, int dim, bool keepdim = false);     // the values; the gradient goes to the first maximum
Tensor argmax(const Tensor& x, int dim, bool keepdim = false);  // Int64 indices, no gradient

}  // namespace ember
