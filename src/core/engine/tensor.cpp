// Tensor creation, element access and the node's destructor. The graph machinery is in
// autograd.cpp, the ops in ops_*.cpp and activation_ops.cpp.
#include "ember/core/engine/tensor.hpp"

#include <sstream>

namespace ember {

std::string Shape::str() const {
  std::ostringstream out;
  if (rank == 0) out << "[]";
  if (rank == 1) out << "[" << cols << "]";
  if (rank == 2) out << "[" << rows << ", " << cols << "]";
  return out.str();
}

// Destroying the head of a long chain (a -> b -> c -> ... 100,000 deep) would recurse once per
// node through shared_ptr destructors and overflow the stack. Instead, a dying node adopts the
// parents of any parent it is the last owner of, and releases them in a loop.
Node::~Node() {
  std::vector<NodePtr> pending = std::move(parents);
  while (!pending.empty()) {
    NodePtr parent = std::move(pending.back());
    pending.pop_back();
    if (parent.use_count() == 1) {
      for (NodePtr& grandparent : parent->parents) pending.push_back(std::move(grandparent));
      parent->parents.clear();
    }
  }  // `parent` dies here with no parents of its own: no recursion
}

// ---- creation ----
Tensor::Tensor(Matrix value, Shape shape, bool requires_grad) : node_(std::make_shared<Node>()) {
  if (value.rows() != shape.rows || value.cols() != shape.cols) {
    throw ShapeError("Tensor: a " + std::to_string(value.rows()) + "x" + std::to_string(value.cols()) +
                     " matrix cannot hold shape " + shape.str());
  }
  node_->value = std::move(value);
  node_->shape = shape;
  node_->requires_grad = requires_grad;
}

Tensor Tensor::scalar(Scalar value, bool requires_grad) {
  return Tensor(Matrix::Constant(1, 1, value), Shape::scalar(), requires_grad);
}

Tensor Tensor::vector(const std::vector<Scalar>& values, bool requires_grad) {
  const Index n = static_cast<Index>(values.size());
  Matrix value(1, n);
  for (Index i = 0; i < n; ++i) value(0, i) = values[static_cast<std::size_t>(i)];
  return Tensor(std::move(value), Shape::vector(n), requires_grad);
}

Tensor Tensor::matrix(std::initializer_list<std::initializer_list<Scalar>> rows, bool requires_grad) {
  const Index n_rows = static_cast<Index>(rows.size());
  const Index n_cols = n_rows == 0 ? 0 : static_cast<Index>(rows.begin()->size());
  Matrix value(n_rows, n_cols);
  Index r = 0;
  for (const auto& row : rows) {
    if (static_cast<Index>(row.size()) != n_cols) {
      throw ShapeError("Tensor::matrix: row " + std::to_string(r) + " has " + std::to_string(row.size()) +
                       " values, row 0 has " + std::to_string(n_cols));
    }
    Index c = 0;
    for (Scalar v : row) value(r, c++) = v;
    ++r;
  }
  return Tensor(std::move(value), Shape::matrix(n_rows, n_cols), requires_grad);
}

Tensor Tensor::from_matrix(Matrix value, bool requires_grad) {
  const Shape shape = Shape::matrix(value.rows(), value.cols());
  return Tensor(std::move(value), shape, requires_grad);
}

Tensor Tensor::zeros(Shape shape) { return full(shape, 0); }
Tensor Tensor::ones(Shape shape) { return full(shape, 1); }
Tensor Tensor::full(Shape shape, Scalar fill) { return Tensor(Matrix::Constant(shape.rows, shape.cols, fill), shape); }

// Elements are drawn in row-major order, so a [out, in] weight is filled row by row.
Tensor Tensor::uniform(Shape shape, Scalar low, Scalar high, Generator& gen) {
  Matrix value(shape.rows, shape.cols);
  for (Index i = 0; i < value.size(); ++i) value.data()[i] = static_cast<Scalar>(gen.uniform(low, high));
  return Tensor(std::move(value), shape);
}

Tensor Tensor::normal(Shape shape, Scalar mean, Scalar stddev, Generator& gen) {
  Matrix value(shape.rows, shape.cols);
  for (Index i = 0; i < value.size(); ++i) value.data()[i] = static_cast<Scalar>(gen.normal(mean, stddev));
  return Tensor(std::move(value), shape);
}

// ---- access ----
Node& Tensor::node() const {
  if (!node_) throw std::logic_error("Tensor: use of an undefined tensor");
  return *node_;
}

Scalar Tensor::item() const {
  if (numel() != 1) {
    throw ShapeError("item: only a one-element tensor converts to a number, this one has shape " + shape().str());
  }
  return value()(0, 0);
}

Scalar Tensor::at(Index i) const {
  if (dim() == 2) throw ShapeError("at(i): tensor of shape " + shape().str() + " needs a row and a column");
  if (i < 0 || i >= numel()) {
    throw std::out_of_range("at: index " + std::to_string(i) + " is out of range for shape " + shape().str());
  }
  return value()(0, i);
}

Scalar Tensor::at(Index row, Index col) const {
  if (row < 0 || row >= rows() || col < 0 || col >= cols()) {
    throw std::out_of_range("at: index (" + std::to_string(row) + ", " + std::to_string(col) +
                            ") is out of range for shape " + shape().str());
  }
  return value()(row, col);
}

Tensor& Tensor::requires_grad_(bool requires) {
  if (!node().is_leaf()) {
    throw std::logic_error(std::string("requires_grad_: only a leaf tensor can change it; this one was made by ") +
                           op());
  }
  node().requires_grad = requires;
  return *this;
}

// A leaf keeps its grad anyway; for an intermediate result, backward keeps it instead of dropping it.
Tensor& Tensor::retain_grad() {
  if (!requires_grad()) throw std::logic_error("retain_grad: this tensor does not require grad, so it gets none");
  node().retains_grad = true;
  return *this;
}

Tensor Tensor::grad_tensor() const {
  if (!has_grad()) return Tensor();
  return Tensor(grad(), shape());
}

Tensor Tensor::detach() const {
  Tensor copy(value(), shape());
  copy.node().dtype = dtype();
  return copy;
}

}  // namespace ember
