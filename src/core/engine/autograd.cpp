// The graph: how ops record themselves (make_op), and backward(): order the graph so every node
// comes after all the nodes it feeds, seed dL/dL = 1, then walk that order in reverse, calling each
// node's backward function. Intermediate gradients are dropped after use, as PyTorch does, unless
// retain_grad() asked to keep one.
#include "ember/core/engine/autograd.hpp"

#include <algorithm>
#include <unordered_set>
#include <utility>

namespace ember {

// ---- no-grad mode ----
namespace {
thread_local bool grad_enabled = true;
}

bool is_grad_enabled() { return grad_enabled; }
NoGradGuard::NoGradGuard() : previous_(grad_enabled) { grad_enabled = false; }
NoGradGuard::~NoGradGuard() { grad_enabled = previous_; }

// ---- recording ----
Tensor make_op(const char* op, Matrix value, Shape shape, std::initializer_list<Tensor> inputs, BackwardFn backward) {
  Tensor out(std::move(value), shape);
  Node& node = out.node();
  node.op = op;
  bool needs_grad = false;
  for (const Tensor& input : inputs) needs_grad = needs_grad || (input.defined() && input.requires_grad());
  if (grad_enabled && needs_grad) {
    node.requires_grad = true;
    node.parents.reserve(inputs.size());
    for (const Tensor& input : inputs) {
      // An absent optional input (a Linear without bias) keeps its slot, so parents[i] is input i.
      node.parents.push_back(input.defined() ? input.node_ptr() : std::make_shared<Node>());
    }
    node.backward = std::move(backward);
  }
  return out;
}

// Broadcasting copied a row over every row (or a column over every column); each copy received
// part of the gradient, so the input's gradient is their sum.
void add_grad_to(Node& input, const Matrix& g) {
  if (!input.requires_grad) return;
  const bool summed_rows = input.shape.rows == 1 && g.rows() != 1;
  const bool summed_cols = input.shape.cols == 1 && g.cols() != 1;
  if (summed_rows && summed_cols) {
    input.add_grad(Matrix::Constant(1, 1, g.sum()));
  } else if (summed_rows) {
    input.add_grad(g.colwise().sum());
  } else if (summed_cols) {
    input.add_grad(g.rowwise().sum());
  } else {
    input.add_grad(g);
  }
}

int storage_axis(const char* op, const Tensor& x, int dim) {
  const int rank = std::max(x.dim(), 1);
  const int resolved = dim < 0 ? dim + rank : dim;
  if (resolved < 0 || resolved >= rank) {
    throw std::out_of_range(std::string(op) + ": dim " + std::to_string(dim) + " is out of range for shape " +
                            x.shape().str());
  }
  return x.dim() <= 1 ? 1 : resolved;
}

// ---- backward ----
namespace {

// Phase 1: a topological order of the nodes that need gradients, by depth-first search with an
// explicit stack (recursion would overflow on a chain of 100,000 ops). A node is appended after
// all of its parents, so the reversed list visits each node before any of its inputs.
std::vector<Node*> topological_order(Node& root) {
  std::vector<Node*> order;
  std::unordered_set<Node*> visited{&root};
  std::vector<std::pair<Node*, std::size_t>> stack{{&root, 0}};  // node, next parent to visit
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->parents.size()) {
      Node* parent = node->parents[next++].get();
      if (parent->requires_grad && visited.insert(parent).second) stack.push_back({parent, 0});
    } else {
      order.push_back(node);
      stack.pop_back();
    }
  }
  return order;
}

}  // namespace

void Tensor::backward() const {
  if (numel() != 1) {
    throw ShapeError("backward: the output has shape " + shape().str() +
                     "; a gradient can be created implicitly only for a scalar output, so pass one of that shape");
  }
  backward(Tensor::ones(shape()));
}

void Tensor::backward(const Tensor& gradient) const {
  if (!requires_grad()) {
    throw std::logic_error("backward: this tensor does not require grad (no input of it has requires_grad set)");
  }
  if (gradient.shape() != shape()) {
    throw ShapeError("backward: the gradient has shape " + gradient.shape().str() + ", the output " + shape().str());
  }
  std::vector<Node*> order = topological_order(node());
  // A gradient kept by retain_grad() from an earlier pass must not flow again: set it aside, and add
  // it back once this pass's gradient has gone through, so it accumulates as a leaf's does.
  std::vector<Matrix> kept(order.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    if (order[i]->retains_grad && !order[i]->is_leaf()) kept[i].swap(order[i]->grad);
  // Phase 2: seed dL/d(output), then each node, outputs before inputs, passes its gradient on.
  node().add_grad(gradient.value());
  for (std::size_t i = order.size(); i-- > 0;) {
    Node& current = *order[i];
    if (current.is_leaf()) continue;  // leaves keep their gradients
    if (current.grad.size() != 0) current.backward(current);
    if (!current.retains_grad) current.grad.resize(0, 0);  // an intermediate gradient is used once
    else if (kept[i].size() != 0) current.add_grad(kept[i]);
  }
}

}  // namespace ember
