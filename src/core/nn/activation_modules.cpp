// Activation modules: each forwards to its op in activation_ops.hpp; make_activation parses the
// CLI's names.
#include "ember/core/nn/activation_modules.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/engine/format.hpp"

namespace ember::nn {

Tensor Sigmoid::forward(const Tensor& input) { return sigmoid(input); }
Tensor Tanh::forward(const Tensor& input) { return tanh(input); }
Tensor ReLU::forward(const Tensor& input) { return relu(input); }

Tensor LeakyReLU::forward(const Tensor& input) { return leaky_relu(input, negative_slope_); }
std::string LeakyReLU::spec() const { return "leaky_relu:" + format_python_float(negative_slope_); }
std::string LeakyReLU::extra_repr() const { return "negative_slope=" + format_python_float(negative_slope_); }

Tensor GELU::forward(const Tensor& input) { return gelu(input); }
Tensor SiLU::forward(const Tensor& input) { return silu(input); }

Tensor ELU::forward(const Tensor& input) { return elu(input, alpha_); }
std::string ELU::spec() const { return "elu:" + format_python_float(alpha_); }
std::string ELU::extra_repr() const { return "alpha=" + format_python_float(alpha_); }

Tensor Softplus::forward(const Tensor& input) { return softplus(input, beta_, threshold_); }
std::string Softplus::spec() const { return "softplus:" + format_python_float(beta_); }
std::string Softplus::extra_repr() const {  // PyTorch keeps them as given: Softplus(beta=1, threshold=20)
  return "beta=" + format_general(beta_, 6) + ", threshold=" + format_general(threshold_, 6);
}

Tensor Softmax::forward(const Tensor& input) { return softmax(input, dim_); }
Tensor LogSoftmax::forward(const Tensor& input) { return log_softmax(input, dim_); }

// ---- the factory ----

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names = {"sigmoid", "tanh", "relu", "leaky_relu",
                                                 "gelu",    "silu", "elu",  "softplus"};
  return names;
}

namespace {
std::vector<ActivationReader>& readers() {
  static std::vector<ActivationReader> registered;
  return registered;
}
}  // namespace

void register_activation_reader(const ActivationReader& reader) {
  for (const ActivationReader& known : readers())
    if (known.read == reader.read) return;
  readers().push_back(reader);
}

std::unique_ptr<Activation> make_activation(const std::string& spec) {
  const auto colon = spec.find(':');
  const std::string name = spec.substr(0, colon);
  const std::string arg = colon == std::string::npos ? "" : spec.substr(colon + 1);
  const auto& names = activation_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    for (const ActivationReader& reader : readers())
      if (auto activation = reader.read(spec)) return activation;
  }
  auto known = [] {
    std::string list;
    for (const auto& n : activation_names()) list += (list.empty() ? "" : ", ") + n;
    list += " (leaky_relu, elu and softplus take a parameter: leaky_relu:0.05)";
    for (const ActivationReader& reader : readers()) list += "; " + reader.known;
    return list;
  };
  double parameter = 0;
  bool has_parameter = !arg.empty();
  if (has_parameter) {
    std::size_t used = 0;
    try {
      parameter = std::stod(arg, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != arg.size() || !std::isfinite(parameter)) {
      throw std::invalid_argument("activation \"" + spec + "\": \"" + arg + "\" is not a number");
    }
  }
  const Scalar p = static_cast<Scalar>(parameter);
  // A parameter past float's range becomes inf in the model, and its spec would no longer read back.
  if (!std::isfinite(p)) {
    throw std::invalid_argument("activation \"" + spec + "\": \"" + arg + "\" is out of range for a float parameter");
  }
  if (name == "leaky_relu") return std::make_unique<LeakyReLU>(has_parameter ? p : Scalar(0.01));
  if (name == "elu") return std::make_unique<ELU>(has_parameter ? p : Scalar(1));
  if (name == "softplus") {
    if (has_parameter && p <= 0) throw std::invalid_argument("activation \"" + spec + "\": beta must be positive");
    return std::make_unique<Softplus>(has_parameter ? p : Scalar(1));
  }
  if (has_parameter && (name == "sigmoid" || name == "tanh" || name == "relu" || name == "gelu" || name == "silu")) {
    throw std::invalid_argument("activation \"" + name + "\" takes no parameter, got \"" + spec + "\"");
  }
  if (name == "sigmoid") return std::make_unique<Sigmoid>();
  if (name == "tanh") return std::make_unique<Tanh>();
  if (name == "relu") return std::make_unique<ReLU>();
  if (name == "gelu") return std::make_unique<GELU>();
  if (name == "silu") return std::make_unique<SiLU>();
  throw std::invalid_argument("unknown activation \"" + spec + "\"; known: " + known());
}

}  // namespace ember::nn
