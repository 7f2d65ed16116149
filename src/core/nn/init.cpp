// The initialization schemes of init.hpp: PyTorch's default, He and Xavier, each with its formula.
#include "ember/core/nn/init.hpp"

#include <cmath>
#include <stdexcept>

namespace ember::nn {

InitScheme parse_init_scheme(const std::string& name) {
  if (name == "default") return InitScheme::Default;
  if (name == "he") return InitScheme::He;
  if (name == "xavier") return InitScheme::Xavier;
  throw std::invalid_argument("unknown init scheme \"" + name + "\" (known: default, he, xavier)");
}

std::string to_string(InitScheme scheme) {
  switch (scheme) {
    case InitScheme::He: return "he";
    case InitScheme::Xavier: return "xavier";
    default: return "default";
  }
}

void initialize(Linear& layer, InitScheme scheme, Generator& gen) {
  const double fan_in = static_cast<double>(layer.in_features());
  const double fan_out = static_cast<double>(layer.out_features());
  double weight_bound = 0, bias_bound = 0;
  switch (scheme) {
    // PyTorch's Linear.reset_parameters: kaiming_uniform_(a=√5) gives W ~ U(±√(6 / ((1 + 5) fan_in)))
    // = U(±1/√fan_in), and b ~ U(±1/√fan_in).
    case InitScheme::Default: weight_bound = bias_bound = 1.0 / std::sqrt(fan_in); break;
    // He et al. 2015 (torch.nn.init.kaiming_uniform_, nonlinearity='relu'): W ~ U(±√(6 / fan_in)), b = 0;
    // keeps the variance of ReLU activations constant through depth.
    case InitScheme::He: weight_bound = std::sqrt(6.0 / fan_in); break;
    // Glorot & Bengio 2010 (torch.nn.init.xavier_uniform_): W ~ U(±√(6 / (fan_in + fan_out))), b = 0;
    // derived for activations that are linear around 0, such as tanh.
    case InitScheme::Xavier: weight_bound = std::sqrt(6.0 / (fan_in + fan_out)); break;
  }
  const Scalar w = static_cast<Scalar>(weight_bound), b = static_cast<Scalar>(bias_bound);
  layer.weight().mutable_value() = Tensor::uniform(layer.weight().shape(), -w, w, gen).value();
  if (layer.bias().defined()) {
    layer.bias().mutable_value() =
        b > 0 ? Tensor::uniform(layer.bias().shape(), -b, b, gen).value() : Matrix::Zero(1, layer.out_features());
  }
}

}  // namespace ember::nn
