// The autograd graph behind a tensor, as Graphviz DOT text: one vertex per node of the graph (each op
// that ran, each leaf it read: a parameter, the input batch, a constant), an edge from each input to
// the op it fed, and on request each node's gradient norm after backward. For `ember graph`.
// Not here: the layout (Graphviz's `dot` does it; render_svg runs it) or several roots at once.
// Read src/lab/plot/autograd_graph.cpp (the walk and the DOT) and autograd_graph_render.cpp (`dot`).
#pragma once

#include <map>
#include <stdexcept>
#include <string>

#include "ember/core/engine/tensor.hpp"

namespace ember::plot {

// What to call a leaf: a parameter "fc1.weight" (from named_parameters()), the batch "input".
using NodeNames = std::map<const Node*, std::string>;

// The DOT text, and what it holds.
struct GraphDot {
  std::string dot;
  int op_nodes = 0;    // the ops that ran between the leaves and the root (the root included)
  int leaf_nodes = 0;  // parameters, data and constants
  int edges = 0;       // one per input of each op (x * x has two, both from x)
};

// Marks every op node under `root` with retain_grad(), so that a backward pass run afterwards keeps
// each intermediate gradient for the picture (leaves that require grad keep theirs anyway).
void retain_graph_grads(const Tensor& root);

// The graph that produced `root`, walked from it through each node's parents (iteratively: a graph
// may be a chain of 100,000 ops). Op nodes show the op and its output shape ("linear\n[32, 64]");
// a leaf shows its name from `names`, else its value if it is one number (the 0.5 of x * 0.5), else
// "constant [shape]". Parameters (named leaves that require grad), data (named leaves that do not)
// and the root are drawn each in their own style. With `grads`, each node that holds a gradient
// shows its Frobenius norm, "|grad| 1.234e-02". The same graph gives byte-identical text.
GraphDot autograd_graph_dot(const Tensor& root, const NodeNames& names, bool grads);

// ---- rendering, by Graphviz ----

// Graphviz's `dot` is not on PATH (Debian: apt-get install graphviz).
class GraphvizMissing : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The SVG that `dot -Tsvg` makes of `dot_text`, run without a shell. Throws GraphvizMissing when
// there is no `dot` on PATH, std::runtime_error when it fails (its own message is on stderr).
std::string render_svg(const std::string& dot_text);

}  // namespace ember::plot
