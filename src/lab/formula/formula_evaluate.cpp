// Applying a formula: each node of the tree becomes one engine op on the values of its arguments,
// so the graph autograd walks backward is the formula's own. Also the table of what a formula may
// call, and the presets.
#include <map>

#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/engine/ops.hpp"
#include "ember/lab/formula/formula.hpp"
#include "ember/lab/formula/formula_ops.hpp"
#include "formula_functions.hpp"

namespace ember {

// The presets. Where a function has a corner, its formula is written so that the corner gets the
// derivative PyTorch gives it: max(a, b) and min(a, b) send a tie's gradient to b (formula_ops.hpp),
// so hardtanh's slope at ±1 and hardsigmoid's at ±3 are 0, as in PyTorch. hardsigmoid clamps x itself,
// not x+3: PyTorch's slope is 1/6 wherever -3 < x < 3, but x+3 rounds to 6 at x = 2.9999998 (3 less one
// float32 step), where min(x+3, 6) would tie and give 0; for -3 < x < 3 the value, (x+3)/6, is PyTorch's
// to the bit. SELU's constants are PyTorch's; gelu_tanh is GELU's tanh approximation, PyTorch's
// GELU(approximate='tanh').
const std::vector<FormulaPreset>& formula_presets() {
  static const std::vector<FormulaPreset> presets = {
      {"swish", "silu(x)", "SiLU", ""},
      {"mish", "x*tanh(softplus(x))", "Mish", ""},
      {"softsign", "x/(1+abs(x))", "Softsign", ""},
      {"hardtanh", "min(max(x,-1),1)", "Hardtanh", "min_val=-1.0, max_val=1.0"},
      {"hardsigmoid", "(min(max(x,-3),3)+3)/6", "Hardsigmoid", ""},
      {"selu", "1.0507009873554804934*elu(x,1.6732632423543772848)", "SELU", ""},
      {"gelu_tanh", "0.5*x*(1+tanh(0.79788456080286535588*(x+0.044715*x^3)))", "GELU", "approximate='tanh'"},
  };
  return presets;
}

const FormulaPreset* find_preset(const std::string& name) {
  for (const FormulaPreset& preset : formula_presets())
    if (name == preset.name) return &preset;
  return nullptr;
}

const std::vector<std::string>& formula_functions() {
  static const std::vector<std::string> names = {"exp",  "log",      "sqrt", "abs", "tanh", "sigmoid",
                                                 "relu", "softplus", "erf",  "min", "max"};
  return names;
}

bool is_formula_callable(const std::string& name) {
  const formula_detail::Function* function = formula_detail::find_function(name);
  return function && function->inputs == 1;
}

namespace formula_detail {

const std::vector<Function>& functions() {
  static const std::vector<Function> table = [] {
    std::vector<Function> all;
    for (const std::string& name : formula_functions()) {
      if (name == "min" || name == "max") all.push_back({name, 2, {}, {}, nullptr});
      else if (name == "softplus") all.push_back({name, 1, {"beta", "threshold"}, {1.0, 20.0}, nullptr});
      else all.push_back({name, 1, {}, {}, nullptr});
    }
    all.push_back({"gelu", 1, {}, {}, nullptr});
    all.push_back({"silu", 1, {}, {}, nullptr});
    all.push_back({"elu", 1, {"alpha"}, {1.0}, nullptr});
    all.push_back({"leaky_relu", 1, {"negative_slope"}, {0.01}, nullptr});
    for (const FormulaPreset& preset : formula_presets()) all.push_back({preset.name, 1, {}, {}, &preset});
    return all;
  }();
  return table;
}

const Function* find_function(const std::string& name) {
  for (const Function& function : functions())
    if (function.name == name) return &function;
  return nullptr;
}

namespace {

// A preset's tree, read once (the first call of a preset in any formula).
const Expr& preset_tree(const FormulaPreset& preset) {
  static const std::map<std::string, Formula> trees = [] {
    std::map<std::string, Formula> read;
    for (const FormulaPreset& p : formula_presets()) read.emplace(p.name, Formula::parse(p.expression));
    return read;
  }();
  return trees.at(preset.name).tree();
}

Tensor call(const Expr& expr, const Tensor& x) {
  const Function& function = *find_function(expr.function);  // the parser let no other name through
  std::vector<Tensor> inputs;
  for (int i = 0; i < function.inputs; ++i) inputs.push_back(evaluate(expr.args[static_cast<std::size_t>(i)], x));
  // The constants, given or by default (the parser made each given one a Number).
  std::vector<Scalar> c;
  for (std::size_t k = 0; k < function.constants.size(); ++k) {
    const std::size_t arg = static_cast<std::size_t>(function.inputs) + k;
    c.push_back(static_cast<Scalar>(arg < expr.args.size() ? expr.args[arg].number : function.defaults[k]));
  }
  const Tensor& in = inputs[0];
  const std::string& name = function.name;
  if (function.preset) return evaluate(preset_tree(*function.preset), in);
  if (name == "exp") return exp(in);
  if (name == "log") return log(in);
  if (name == "sqrt") return sqrt(in);
  if (name == "abs") return abs(in);
  if (name == "tanh") return tanh(in);
  if (name == "sigmoid") return sigmoid(in);
  if (name == "relu") return relu(in);
  if (name == "softplus") return softplus(in, c[0], c[1]);
  if (name == "erf") return erf(in);
  if (name == "min") return minimum(in, inputs[1]);
  if (name == "max") return maximum(in, inputs[1]);
  if (name == "gelu") return gelu(in);
  if (name == "silu") return silu(in);
  if (name == "elu") return elu(in, c[0]);
  if (name == "leaky_relu") return leaky_relu(in, c[0]);
  throw std::logic_error("formula: no evaluation for function " + name);
}

}  // namespace

Tensor evaluate(const Expr& expr, const Tensor& x) {
  using Kind = Expr::Kind;
  switch (expr.kind) {
    case Kind::Number: return Tensor::scalar(static_cast<Scalar>(expr.number));
    case Kind::X: return x;
    case Kind::Negate: return -evaluate(expr.args[0], x);
    case Kind::Add: return evaluate(expr.args[0], x) + evaluate(expr.args[1], x);
    case Kind::Subtract: return evaluate(expr.args[0], x) - evaluate(expr.args[1], x);
    case Kind::Multiply: return evaluate(expr.args[0], x) * evaluate(expr.args[1], x);
    case Kind::Divide: return evaluate(expr.args[0], x) / evaluate(expr.args[1], x);
    case Kind::Power: return pow(evaluate(expr.args[0], x), static_cast<Scalar>(expr.args[1].number));
    case Kind::Call: return call(expr, x);
  }
  throw std::logic_error("formula: unknown node");
}

}  // namespace formula_detail

Tensor Formula::operator()(const Tensor& x) const { return formula_detail::evaluate(*tree_, x); }

}  // namespace ember
