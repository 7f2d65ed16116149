// Reductions: sum and mean (of everything, or along a dim), max and argmax along a dim.
// dim 0 reduces down the rows (one result per column), dim 1 along each row (one per row).
// Without keepdim the reduced dim disappears: [N, C].sum(1) is [N], as in PyTorch.
#include "ember/core/engine/autograd.hpp"
#include "ember/core/engine/ops.hpp"

namespace ember {

namespace {

// The shape left after reducing storage dim `dim` (0: rows collapse, 1: columns collapse).
Shape reduced_shape(const Tensor& x, int dim, bool keepdim) {
  if (x.dim() <= 1) return keepdim ? Shape::vector(1) : Shape::scalar();
  if (keepdim) return dim == 0 ? Shape::matrix(1, x.cols()) : Shape::matrix(x.rows(), 1);
  return dim == 0 ? Shape::vector(x.cols()) : Shape::vector(x.rows());
}

// A reduced result stored as a row, reshaped for storage as `shape` (a [N] result of dim 1 is a
// column of values that becomes a 1 x N row).
Matrix as_storage(Matrix m, const Shape& shape) {
  if (m.rows() != shape.rows) m = Eigen::Map<Matrix>(m.data(), shape.rows, shape.cols).eval();
  return m;
}

// The gradient of a reduced output, laid out again along the reduced dim (1 x C or N x 1).
Matrix grad_along(const Node& out, int dim, Index rows, Index cols) {
  return dim == 0 ? Eigen::Map<const Matrix>(out.grad.data(), 1, cols).eval()
                  : Eigen::Map<const Matrix>(out.grad.data(), rows, 1).eval();
}

}  // namespace

// s = Σᵢ xᵢ;  dx = ds (the same for every element)
Tensor sum(const Tensor& x) {
  return make_op("sum", Matrix::Constant(1, 1, x.value().sum()), Shape::scalar(), {x}, [](Node& s) {
    Node& in = *s.parents[0];
    add_grad_exact(in, Matrix::Constant(in.shape.rows, in.shape.cols, s.grad(0, 0)));
  });
}

// s_j = Σᵢ x_ij (dim 0) or s_i = Σ_j x_ij (dim 1);  dx_ij = ds of its row or column
Tensor sum(const Tensor& x, int dim, bool keepdim) {
  const int d = storage_axis("sum", x, dim);
  const Shape shape = reduced_shape(x, d, keepdim);
  Matrix value = d == 0 ? Matrix(x.value().colwise().sum()) : Matrix(x.value().rowwise().sum());
  return make_op("sum", as_storage(std::move(value), shape), shape, {x}, [d](Node& s) {
    Node& in = *s.parents[0];
    const Index rows = in.shape.rows, cols = in.shape.cols;
    const Matrix g = grad_along(s, d, rows, cols);
    add_grad_exact(in, d == 0 ? Matrix(g.replicate(rows, 1)) : Matrix(g.replicate(1, cols)));
  });
}

// m = (1/n) Σ x;  dx = dm / n
Tensor mean(const Tensor& x) { return sum(x) / static_cast<Scalar>(x.numel()); }

Tensor mean(const Tensor& x, int dim, bool keepdim) {
  const int d = storage_axis("mean", x, dim);
  const Index n = d == 0 ? x.rows() : x.cols();
  return sum(x, dim, keepdim) / static_cast<Scalar>(n);
}

// m = max along dim;  dx = dm at the (first) position of the maximum, 0 elsewhere
Tensor max(const Tensor& x, int dim, bool keepdim) {
  const int d = storage_axis("max", x, dim);
  const Shape shape = reduced_shape(x, d, keepdim);
  const Index groups = d == 0 ? x.cols() : x.rows();
  Matrix value(1, groups);
  std::vector<Index> where(static_cast<std::size_t>(groups));
  for (Index k = 0; k < groups; ++k) {
    Index at;
    value(0, k) = d == 0 ? x.value().col(k).maxCoeff(&at) : x.value().row(k).maxCoeff(&at);
    where[static_cast<std::size_t>(k)] = at;
  }
  return make_op("max", as_storage(std::move(value), shape), shape, {x}, [d, where](Node& m) {
    Node& in = *m.parents[0];
    Matrix g = Matrix::Zero(in.shape.rows, in.shape.cols);
    for (Index k = 0; k < static_cast<Index>(where.size()); ++k) {
      const Index at = where[static_cast<std::size_t>(k)];
      (d == 0 ? g(at, k) : g(k, at)) = m.grad.data()[k];
    }
    add_grad_exact(in, g);
  });
}

// The index of the (first) maximum along dim: an Int64 tensor, not differentiable.
Tensor argmax(const Tensor& x, int dim, bool keepdim) {
  const int d = storage_axis("argmax", x, dim);
  const Shape shape = reduced_shape(x, d, keepdim);
  const Index groups = d == 0 ? x.cols() : x.rows();
  Matrix value(1, groups);
  for (Index k = 0; k < groups; ++k) {
    Index at;
    if (d == 0) x.value().col(k).maxCoeff(&at);
    else x.value().row(k).maxCoeff(&at);
    value(0, k) = static_cast<Scalar>(at);
  }
  Tensor indices(as_storage(std::move(value), shape), shape);
  indices.node().dtype = DType::Int64;
  return indices;
}

}  // namespace ember
