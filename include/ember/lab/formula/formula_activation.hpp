// A formula as a hidden-layer activation module, and the one call that lets every part of Ember
// take a formula wherever it takes an activation name (--activation, compare, model files).
#pragma once

#include <string>

#include "ember/core/nn/activation_modules.hpp"
#include "ember/lab/formula/formula.hpp"

namespace ember {

class FormulaActivation : public nn::Activation {
 public:
  explicit FormulaActivation(Formula formula) : formula_(std::move(formula)) {}
  Tensor forward(const Tensor& input) override { return formula_(input); }
  std::string spec() const override { return formula_.spec(); }  // the formula as given: model files keep it
  // A preset prints as PyTorch's module of that function ("Mish()", "Hardtanh(min_val=-1.0, ...)");
  // any other formula as "Formula(x*sigmoid(x))".
  std::string type_name() const override;
  std::string extra_repr() const override;
  const Formula& formula() const { return formula_; }

 private:
  Formula formula_;
};

// Teaches nn::make_activation the presets and formulas (nn::register_activation_reader). Safe to
// call any number of times, from any thread; the CLI calls it first thing, and so do the lab's
// readers of specs (load_model, compare), so that a file with a formula always loads.
void register_formula_activations();

}  // namespace ember
