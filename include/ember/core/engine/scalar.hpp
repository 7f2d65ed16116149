// The number type and matrix type every part of Ember shares.
// Ember computes in float32, like PyTorch's default. Defining EMBER_DOUBLE switches the engine to
// float64; only the finite-difference gradient checks are built that way (see tests/gradcheck.hpp).
// Matrices are row-major: a row is one sample, so `X.row(i)` is sample i (N x D).
#pragma once

// GCC 12 warns "'__Y' may be used uninitialized" (and "is used uninitialized") hundreds of times in
// its own AVX-512 intrinsics header (avx512fintrin.h: `__m512 __Y = __Y;` in _mm512_undefined_ps),
// wherever Eigen's AVX-512 packets are inlined into our code: a false positive (GCC bug 105593),
// shown although the header is a system one. Silenced for the text of Eigen and the intrinsics
// headers it includes only: pragmas apply by location, so these two warnings stay on for every line
// of Ember. Every Ember file gets Eigen through this header.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <Eigen/Core>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace ember {

#ifdef EMBER_DOUBLE
using Scalar = double;
#else
using Scalar = float;
#endif

using Index = Eigen::Index;
using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace ember
