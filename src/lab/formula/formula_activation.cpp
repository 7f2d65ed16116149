// FormulaActivation, and the reader that makes make_activation build one for any spec it does not
// know itself.
#include "ember/lab/formula/formula_activation.hpp"

#include <memory>

namespace ember {

std::string FormulaActivation::type_name() const {
  const FormulaPreset* preset = find_preset(formula_.spec());
  return preset ? preset->torch_type : "Formula";
}

std::string FormulaActivation::extra_repr() const {
  const FormulaPreset* preset = find_preset(formula_.spec());
  return preset ? preset->torch_extra : formula_.spec();
}

namespace {

// Every spec with something in it besides a name is a formula (and its errors are the formula's);
// a lone name is read only when a formula may call it (a preset, exp) or is the formula x itself
// (the identity, which " x" and the spec it records, "x", must both give), so an unknown one, or
// none, gets make_activation's message with every known name.
std::unique_ptr<nn::Activation> read_formula(const std::string& spec) {
  const bool lone_name =
      !spec.empty() &&
      spec.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == std::string::npos;
  if (spec.empty() || (lone_name && spec != "x" && !is_formula_callable(spec))) return nullptr;
  return std::make_unique<FormulaActivation>(Formula::parse(spec));
}

std::string presets_and_formulas() {
  std::string list = "presets: ";
  for (const FormulaPreset& preset : formula_presets()) list += std::string(list.size() > 9 ? ", " : "") + preset.name;
  return list + "; or a formula in x, e.g. x*sigmoid(x) (see 'ember activation')";
}

}  // namespace

void register_formula_activations() {
  static const bool registered = (nn::register_activation_reader({read_formula, presets_and_formulas()}), true);
  (void)registered;
}

}  // namespace ember
