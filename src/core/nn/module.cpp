// Module's bookkeeping: calling forward with its hooks, naming parameters through the tree of
// children, state dicts, printing.
#include "ember/core/nn/module.hpp"

#include <ostream>
#include <sstream>
#include <stdexcept>

namespace ember::nn {

Tensor Module::operator()(const Tensor& input) {
  Tensor output = forward(input);
  for (auto& [handle, hook] : forward_hooks_) hook(*this, input, output);
  return output;
}

int Module::register_forward_hook(ForwardHook hook) {
  forward_hooks_.emplace_back(next_hook_handle_, std::move(hook));
  return next_hook_handle_++;
}

void Module::remove_forward_hook(int handle) {
  for (auto it = forward_hooks_.begin(); it != forward_hooks_.end(); ++it) {
    if (it->first == handle) {
      forward_hooks_.erase(it);
      return;
    }
  }
}

Tensor& Module::register_parameter(const std::string& name, Tensor value) {
  value.requires_grad_(true);
  parameters_.emplace_back(name, std::move(value));
  return parameters_.back().second;
}

void Module::collect(const std::string& prefix, std::vector<std::pair<std::string, Tensor>>& out) const {
  for (const auto& [name, tensor] : parameters_) out.emplace_back(prefix + name, tensor);
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", out);
}

std::vector<std::pair<std::string, Tensor>> Module::named_parameters() const {
  std::vector<std::pair<std::string, Tensor>> out;
  collect("", out);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& [name, tensor] : named_parameters()) out.push_back(tensor);
  return out;
}

void Module::zero_grad() {
  for (Tensor& p : parameters()) p.zero_grad();
}

void Module::train(bool mode) {
  training_ = mode;
  for (auto& [name, child] : children_) child->train(mode);
}

StateDict Module::state_dict() const {
  StateDict state;
  for (const auto& [name, tensor] : named_parameters()) state.emplace(name, tensor.detach());
  return state;
}

void Module::load_state_dict(const StateDict& state, bool strict) {
  const auto named = named_parameters();
  for (const auto& [name, tensor] : named) {
    auto found = state.find(name);
    if (found == state.end()) {
      if (strict) throw std::invalid_argument("load_state_dict: missing parameter \"" + name + "\"");
      continue;
    }
    if (found->second.shape() != tensor.shape()) {
      throw std::invalid_argument("load_state_dict: \"" + name + "\" has shape " + found->second.shape().str() +
                                  " in the state dict, the model expects " + tensor.shape().str());
    }
  }
  if (strict) {
    for (const auto& [name, tensor] : state) {
      bool known = false;
      for (const auto& entry : named) known = known || entry.first == name;
      if (!known) throw std::invalid_argument("load_state_dict: unexpected parameter \"" + name + "\"");
    }
  }
  // Only after every check passed: a failed load leaves the model as it was.
  for (auto [name, tensor] : named) {
    auto found = state.find(name);
    if (found != state.end()) tensor.mutable_value() = found->second.value();
  }
}

// PyTorch's layout: "Name(extra)" for a leaf, or "Name(\n  (child): ...\n)" indented by two.
std::string Module::repr() const {
  std::string text = type_name() + "(" + extra_repr();
  if (children_.empty()) return text + ")";
  for (const auto& [name, child] : children_) {
    std::string child_text = child->repr();
    std::string indented;
    for (char ch : child_text) indented += ch == '\n' ? std::string("\n  ") : std::string(1, ch);
    text += "\n  (" + name + "): " + indented;
  }
  return text + "\n)";
}

std::ostream& operator<<(std::ostream& out, const Module& module) { return out << module.repr(); }

}  // namespace ember::nn
