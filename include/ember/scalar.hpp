// The number type and matrix type every part of Ember shares.
// Ember computes in float32, like PyTorch's default. Defining EMBER_DOUBLE switches the engine to
// float64; only the finite-difference gradient checks are built that way (see tests/gradcheck.hpp).
// Matrices are row-major: a row is one sample, so `X.row(i)` is sample i (N x D).
#pragma once

#include <Eigen/Core>

namespace ember {

#ifdef EMBER_DOUBLE
using Scalar = double;
#else
using Scalar = float;
#endif

using Index = Eigen::Index;
using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace ember
