// Tensor: a value of rank 0, 1 or 2 that remembers how it was computed, so `backward()` can find
// dL/dx for every input x that asked for it (`requires_grad`).
// Read this first, then autograd.hpp (how ops record themselves and how backward walks the graph),
// then ops.hpp. Conventions: float32 (see scalar.hpp), rows are samples (`x` is N x D), a Linear
// weight is [out, in] as in PyTorch. Not here: views, strides, dtypes beyond float32, ranks above 2,
// printing (the lab's, as PyTorch prints: lab/text/tensor_print.hpp).
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "ember/core/engine/random.hpp"
#include "ember/core/engine/scalar.hpp"

namespace ember {

// A shape error: names the op and both shapes, e.g. "matmul: shapes [2, 3] and [4, 5] do not match".
class ShapeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// ---- Shape ----
// Every tensor is stored as a row-major matrix. rank 0 is 1 x 1, rank 1 of length n is a 1 x n row
// (so a bias [out] lines up with the rows of an [N, out] batch, as PyTorch broadcasting does),
// rank 2 is rows x cols. The rank is kept so a vector prints as `tensor([...])`, not as a matrix.
struct Shape {
  int rank = 0;
  Index rows = 1;
  Index cols = 1;

  static Shape scalar() { return {0, 1, 1}; }
  static Shape vector(Index n) { return {1, 1, n}; }
  static Shape matrix(Index rows, Index cols) { return {2, rows, cols}; }

  Index numel() const { return rows * cols; }
  std::string str() const;  // "[]", "[4]", "[2, 3]": PyTorch's torch.Size, in brackets
  bool operator==(const Shape& other) const { return rank == other.rank && rows == other.rows && cols == other.cols; }
  bool operator!=(const Shape& other) const { return !(*this == other); }
};

// Index tensors (argmax) hold whole numbers in float storage and print without decimals.
enum class DType { Float32, Int64 };

// ---- Node: one vertex of the graph ----
// A node owns its parents (shared_ptr), never the other way round, and its backward function gets
// the node by reference instead of capturing it: no ownership cycle, so a graph is freed as soon
// as the last Tensor handle to its output goes away.
struct Node {
  Matrix value;  // the forward result, shape.rows x shape.cols
  Matrix grad;   // dL/dvalue; empty (0 x 0) until backward reaches this node
  Shape shape;
  DType dtype = DType::Float32;
  bool requires_grad = false;
  bool retains_grad = false;                   // keep grad after backward, leaf or not (retain_grad)
  const char* op = "leaf";                     // the op that made it, for errors and printing
  std::vector<std::shared_ptr<Node>> parents;  // the inputs of that op
  std::function<void(Node& self)> backward;    // adds self.grad's share into each parent's grad

  // Gradients accumulate (+=), as in PyTorch; resetting is explicit (zero_grad).
  // noalias(): g is made from other nodes (the output's grad, the inputs' values), never from this
  // node's grad, so Eigen may write a product straight into `grad` instead of into a temporary first.
  template <typename Derived>
  void add_grad(const Eigen::MatrixBase<Derived>& g) {
    if (grad.size() == 0) {
      grad.resize(g.rows(), g.cols());
      grad.noalias() = g;
    } else {
      grad.noalias() += g;
    }
  }

  bool is_leaf() const { return !backward; }

  Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  ~Node();  // releases long parent chains without recursion (see tensor.cpp)
};

using NodePtr = std::shared_ptr<Node>;

// ---- Tensor: a cheap handle to a node ----
// Copying a Tensor copies the handle, not the data (like PyTorch's Python objects).
class Tensor {
 public:
  Tensor() = default;  // undefined: `defined()` is false
  explicit Tensor(NodePtr node) : node_(std::move(node)) {}
  Tensor(Matrix value, Shape shape, bool requires_grad = false);

  // ---- creation ----
  static Tensor scalar(Scalar value, bool requires_grad = false);
  static Tensor vector(const std::vector<Scalar>& values, bool requires_grad = false);
  static Tensor matrix(std::initializer_list<std::initializer_list<Scalar>> rows, bool requires_grad = false);
  static Tensor from_matrix(Matrix value, bool requires_grad = false);  // rank 2
  static Tensor zeros(Shape shape);
  static Tensor ones(Shape shape);
  static Tensor full(Shape shape, Scalar fill);
  static Tensor uniform(Shape shape, Scalar low, Scalar high, Generator& gen);  // U[low, high)
  static Tensor normal(Shape shape, Scalar mean, Scalar stddev, Generator& gen);

  // ---- what it is ----
  bool defined() const { return node_ != nullptr; }
  const Shape& shape() const { return node().shape; }
  int dim() const { return shape().rank; }
  Index rows() const { return shape().rows; }
  Index cols() const { return shape().cols; }
  Index numel() const { return shape().numel(); }
  DType dtype() const { return node().dtype; }
  const char* op() const { return node().op; }

  // ---- values ----
  const Matrix& value() const { return node().value; }
  Matrix& mutable_value() { return node().value; }  // for optimizers and loaders: edits in place
  Scalar item() const;                              // the single value of a one-element tensor
  Scalar at(Index i) const;                         // element i of a vector (or of a scalar, i = 0)
  Scalar at(Index row, Index col) const;

  // ---- gradients ----
  bool requires_grad() const { return node().requires_grad; }
  Tensor& requires_grad_(bool requires = true);
  Tensor& retain_grad();  // an intermediate result keeps its grad after backward, as in PyTorch
  bool has_grad() const { return node().grad.size() != 0; }
  const Matrix& grad() const { return node().grad; }  // empty until a backward pass fills it
  Tensor grad_tensor() const;                         // the gradient as a tensor of this shape
  void zero_grad() { node().grad.resize(0, 0); }      // like PyTorch's set_to_none=True
  void backward() const;                              // from a scalar: seeds dL/dL = 1
  void backward(const Tensor& gradient) const;        // from any shape, with dL/dthis given
  Tensor detach() const;                              // same values, cut from the graph

  Node& node() const;
  const NodePtr& node_ptr() const { return node_; }

 private:
  NodePtr node_;
};

// ---- no-grad mode ----
// Inside a NoGradGuard's scope ops record no graph (evaluation, optimizer updates), like
// `with torch.no_grad():`. Guards nest; the mode is per thread.
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};
bool is_grad_enabled();

}  // namespace ember
