// An activation written as a formula in x: "x*tanh(softplus(x))", "max(x, 0.1*x)", optionally
// named: "mish=x*tanh(softplus(x))". The text is read once into a small expression tree, and
// applying the formula walks that tree calling the engine's ops, so autograd differentiates any
// formula: no derivative is written by hand, and nothing but Ember's ops ever runs (a formula is
// parsed, never handed to a shell or a compiler).
//
// The language: numbers (1.702, 1e-3), the variable x, + - * /, ^ with a constant exponent,
// parentheses, and calls: exp log sqrt abs tanh sigmoid relu softplus erf min(a, b) max(a, b), the
// named activations (gelu(x), elu(x, 0.5), leaky_relu(x, 0.05), softplus(x, 2)) and the presets
// below (mish(x)). Precedence as in mathematics and Python: ^ binds tighter than a unary minus and
// groups right to left (-x^2 is -(x^2), 2^3^2 is 2^9); * and / before + and -, each group left to
// right (1-x-1 is (1-x)-1, x/2/2 is x/4). A part with no x in it is computed once, when the formula
// is read.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "ember/core/engine/tensor.hpp"

namespace ember {

// A formula that does not read. The message names the formula and the 1-based column at fault
// ("missing ')' at column 19"); column() is 0 for a fault of the formula as a whole ("has no x").
class FormulaError : public std::invalid_argument {
 public:
  FormulaError(const std::string& message, int column) : std::invalid_argument(message), column_(column) {}
  int column() const { return column_; }

 private:
  int column_;
};

// One node of the expression tree: a number, x, or an operation on the nodes in `args`.
struct Expr {
  enum class Kind { Number, X, Negate, Add, Subtract, Multiply, Divide, Power, Call };
  Kind kind = Kind::Number;
  double number = 0;     // Number
  std::string function;  // Call: "tanh", "max", "elu", "mish", ...
  std::vector<Expr> args;
};

class Formula {
 public:
  // Reads an activation spec: an expression in x ("x/(1+abs(x))"), "name=expression", or the name
  // of a preset or a named activation, alone or with its parameter ("mish", "relu", "elu:0.5"),
  // which reads as that function of x. Throws FormulaError.
  static Formula parse(const std::string& spec);

  Tensor operator()(const Tensor& x) const;  // f(x), elementwise, through the engine's ops

  const std::string& spec() const { return spec_; }              // as given (trimmed): what a model file records
  const std::string& name() const { return name_; }              // "mish" for "mish=..." or the preset "mish"; else ""
  const std::string& expression() const { return expression_; }  // the formula itself, after any "name="
  const std::string& label() const { return name_.empty() ? expression_ : name_; }  // for tables and plots
  const Expr& tree() const { return *tree_; }

 private:
  std::string spec_, name_, expression_;
  std::shared_ptr<const Expr> tree_;  // shared: copies of a Formula (one per model) share one tree
};

// The presets: activations users look for that the core does not have, each a formula here.
// `torch_type` and `torch_extra` print the module as PyTorch prints its own (Hardtanh(min_val=-1.0,
// max_val=1.0)).
struct FormulaPreset {
  const char* name;
  const char* expression;
  const char* torch_type;
  const char* torch_extra;
};
const std::vector<FormulaPreset>& formula_presets();
const FormulaPreset* find_preset(const std::string& name);  // nullptr when there is none of that name

// The functions a formula may call besides the named activations and the presets.
const std::vector<std::string>& formula_functions();
// Whether `name` alone reads as a formula: a function of one input, an activation or a preset.
bool is_formula_callable(const std::string& name);

// What tables and legends call an activation: a named formula's name ("mish=x*tanh(softplus(x))"
// -> "mish"), else the spec itself.
std::string activation_label(const std::string& spec);

// "relu,max(x,0.1*x),mish" -> {"relu", "max(x,0.1*x)", "mish"}: split at the commas outside
// parentheses (compare's --activations); "" -> {}.
std::vector<std::string> split_activation_list(const std::string& text);

}  // namespace ember
