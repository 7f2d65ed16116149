// The autograd graph as DOT: walk from the root through Node::parents, number the nodes (every node
// after its inputs, the root last: the order the forward pass ran them in), then write one DOT vertex
// per node and one edge per input of each op. The same graph always gives the same text.
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "ember/core/engine/format.hpp"
#include "ember/lab/plot/autograd_graph.hpp"

namespace ember::plot {

namespace {

// make_op keeps the slot of an absent optional input (a Linear without bias) with an empty node.
bool is_placeholder(const Node& node) { return node.is_leaf() && node.value.size() == 0; }

// The nodes under `root`, each after all of its inputs, the root last: a depth-first search with an
// explicit stack of (node, next input to visit), as backward's (a recursive walk overflows on long
// chains). Unlike backward's, it also enters the inputs that need no gradient: data and constants.
std::vector<Node*> nodes_in_order(Node& root) {
  std::vector<Node*> order;
  std::unordered_set<const Node*> visited{&root};
  std::vector<std::pair<Node*, std::size_t>> stack{{&root, 0}};
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->parents.size()) {
      Node* parent = node->parents[next++].get();
      if (!is_placeholder(*parent) && visited.insert(parent).second) stack.push_back({parent, 0});
    } else {
      order.push_back(node);
      stack.pop_back();
    }
  }
  return order;
}

bool is_op(const Node& node) { return std::string(node.op) != "leaf"; }

// A DOT string in double quotes: `"` and `\` escaped, a line break as DOT's "\n" (centred line).
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;  // no other control character in a label
    }
  }
  return out + "\"";
}

// The text of a vertex, its lines separated by '\n'.
std::string label(const Node& node, const NodeNames& names, bool grads) {
  std::string text;
  const auto name = names.find(&node);
  if (is_op(node)) text = std::string(node.op) + "\n" + node.shape.str();
  else if (name != names.end()) text = name->second + "\n" + node.shape.str();
  else if (node.value.size() == 1 && !node.requires_grad) text = format_general(node.value(0, 0), 6);
  else text = std::string(node.requires_grad ? "tensor" : "constant") + "\n" + node.shape.str();
  if (grads && node.grad.size() != 0) text += "\n|grad| " + format_scientific(node.grad.cast<double>().norm(), 3);
  else if (grads && node.requires_grad) text += "\nno grad";  // backward never reached it
  return text;
}

// Ops are grey boxes (the loss, the root, in orange), parameters blue boxes, data green ellipses,
// constants dashed ellipses.
std::string style(const Node& node, const NodeNames& names, bool is_root) {
  if (is_op(node) && is_root) return "shape=box, style=\"rounded,filled,bold\", fillcolor=\"#fdd9b5\"";
  if (is_op(node)) return "shape=box, style=\"rounded,filled\", fillcolor=\"#eeeeee\"";
  if (names.count(&node) && node.requires_grad) return "shape=box, style=filled, fillcolor=\"#cfe2f3\"";
  if (names.count(&node)) return "shape=ellipse, style=filled, fillcolor=\"#d9ead3\"";
  return "shape=ellipse, style=dashed, fontcolor=\"#555555\"";
}

}  // namespace

void retain_graph_grads(const Tensor& root) {
  for (Node* node : nodes_in_order(root.node())) {
    if (!node->is_leaf()) node->retains_grad = true;  // what Tensor::retain_grad() sets
  }
}

GraphDot autograd_graph_dot(const Tensor& root, const NodeNames& names, bool grads) {
  const std::vector<Node*> order = nodes_in_order(root.node());
  std::unordered_map<const Node*, std::size_t> id;
  for (std::size_t i = 0; i < order.size(); ++i) id[order[i]] = i;
  GraphDot graph;
  std::string& dot = graph.dot;
  dot +=
      "digraph autograd {\n"
      "  graph [rankdir=TB, nodesep=0.25, ranksep=0.3, fontname=\"Helvetica\", fontsize=11, labelloc=b,\n"
      "         label=\"grey: ops, the output (the loss) in orange; blue: parameters; green: data; "
      "dashed: constants.\\n"
      "An arrow runs from an input to the op it feeds; backward sends gradients against the arrows.\"];\n"
      "  node [fontname=\"Helvetica\", fontsize=11, height=0.3, margin=\"0.12,0.04\"];\n"
      "  edge [color=\"#666666\", arrowsize=0.7];\n";
  for (std::size_t i = 0; i < order.size(); ++i) {
    const Node& node = *order[i];
    dot += "  n" + std::to_string(i) + " [label=" + quoted(label(node, names, grads)) + ", " +
           style(node, names, i + 1 == order.size()) + "];\n";
    ++(is_op(node) ? graph.op_nodes : graph.leaf_nodes);
  }
  for (std::size_t i = 0; i < order.size(); ++i) {
    for (const NodePtr& parent : order[i]->parents) {
      if (is_placeholder(*parent)) continue;
      dot += "  n" + std::to_string(id.at(parent.get())) + " -> n" + std::to_string(i) + ";\n";
      ++graph.edges;
    }
  }
  dot += "}\n";
  return graph;
}

}  // namespace ember::plot
