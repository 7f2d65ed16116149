// Private to src/lab/formula/: what a formula may call, shared by the parser (which checks a call's
// name and arguments) and the evaluator (which applies it).
#pragma once

#include <string>
#include <vector>

#include "ember/core/engine/tensor.hpp"
#include "ember/lab/formula/formula.hpp"

namespace ember::formula_detail {

// A callable: `inputs` tensor arguments (1, or 2 for min and max), then up to `constants.size()`
// constant parameters, named for messages ("alpha"), each with its default.
struct Function {
  std::string name;
  int inputs = 1;
  std::vector<std::string> constants;
  std::vector<double> defaults;
  const FormulaPreset* preset = nullptr;  // a preset: applied by evaluating its own formula
};

const std::vector<Function>& functions();  // formula_functions(), the named activations, the presets
const Function* find_function(const std::string& name);

// What the parser reads from a spec; Formula::parse keeps it.
struct Parts {
  std::string name, expression;
  Expr tree;
};

// f(x) for the tree, x bound to `x`: Numbers become scalar tensors, which the ops broadcast.
Tensor evaluate(const Expr& expr, const Tensor& x);

}  // namespace ember::formula_detail
