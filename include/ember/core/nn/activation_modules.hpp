// The activation functions as modules (Sigmoid, Tanh, ReLU, LeakyReLU, Softmax, LogSoftmax, GELU,
// SiLU, ELU, Softplus), printed as PyTorch prints them, and make_activation: one factory from a
// name such as "relu" or "leaky_relu:0.05" (the CLI's --activation). Each module only calls its op
// in activation_ops.hpp, which holds the function and its derivative; adding an activation touches
// that op, its module here and make_activation, nothing else.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ember/core/nn/module.hpp"

namespace ember::nn {

// A hidden-layer activation: elementwise, so it has a derivative per unit (Softmax, below, does not).
class Activation : public Module {
 public:
  // The name that make_activation reads back ("leaky_relu:0.05"); model files record it.
  virtual std::string spec() const = 0;
};

class Sigmoid : public Activation {
 public:
  Tensor forward(const Tensor& input) override;
  std::string spec() const override { return "sigmoid"; }
  std::string type_name() const override { return "Sigmoid"; }
};

class Tanh : public Activation {
 public:
  Tensor forward(const Tensor& input) override;
  std::string spec() const override { return "tanh"; }
  std::string type_name() const override { return "Tanh"; }
};

class ReLU : public Activation {
 public:
  Tensor forward(const Tensor& input) override;
  std::string spec() const override { return "relu"; }
  std::string type_name() const override { return "ReLU"; }
};

class LeakyReLU : public Activation {
 public:
  explicit LeakyReLU(Scalar negative_slope = Scalar(0.01)) : negative_slope_(negative_slope) {}
  Tensor forward(const Tensor& input) override;
  std::string spec() const override;
  std::string type_name() const override { return "LeakyReLU"; }
  std::string extra_repr() const override;
  Scalar negative_slope() const { return negative_slope_; }

 private:
  Scalar negative_slope_;
};

class GELU : public Activation {
 public:
  Tensor forward(const Tensor& input) override;
  std::string spec() const override { return "gelu"; }
  std::string type_name() const override { return "GELU"; }
  std::string extra_repr() const override { return "approximate='none'"; }
};

class SiLU : public Activation {
 public:
  Tensor forward(const Tensor& input) override;
  std::string spec() const override { return "silu"; }
  std::string type_name() const override { return "SiLU"; }
};

class ELU : public Activation {
 public:
  explicit ELU(Scalar alpha = 1) : alpha_(alpha) {}
  Tensor forward(const Tensor& input) override;
  std::string spec() const override;
  std::string type_name() const override { return "ELU"; }
  std::string extra_repr() const override;

 private:
  Scalar alpha_;
};

class Softplus : public Activation {
 public:
  explicit Softplus(Scalar beta = 1, Scalar threshold = 20) : beta_(beta), threshold_(threshold) {}
  Tensor forward(const Tensor& input) override;
  std::string spec() const override;
  std::string type_name() const override { return "Softplus"; }
  std::string extra_repr() const override;

 private:
  Scalar beta_;
  Scalar threshold_;
};

// Softmax and LogSoftmax map a whole row (dim 1) or column (dim 0) at once: they have a Jacobian,
// not a per-unit derivative, so they are heads, not hidden activations.
class Softmax : public Module {
 public:
  explicit Softmax(int dim) : dim_(dim) {}
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "Softmax"; }
  std::string extra_repr() const override { return "dim=" + std::to_string(dim_); }

 private:
  int dim_;
};

class LogSoftmax : public Module {
 public:
  explicit LogSoftmax(int dim) : dim_(dim) {}
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "LogSoftmax"; }
  std::string extra_repr() const override { return "dim=" + std::to_string(dim_); }

 private:
  int dim_;
};

// "sigmoid", "tanh", "relu", "leaky_relu[:slope]", "gelu", "silu", "elu[:alpha]", "softplus[:beta]".
// An unknown name or a bad parameter throws std::invalid_argument listing the known names.
std::unique_ptr<Activation> make_activation(const std::string& spec);
const std::vector<std::string>& activation_names();

// More specs, from a floor built on the core: the lab's formulas ("x*sigmoid(x)", "mish") register
// a reader here (lab/formula/formula_activation.hpp). make_activation reads its own names first,
// then asks each reader in turn. `read` returns nullptr for a spec it does not read, and throws
// std::invalid_argument, with its own message, for one it reads and finds wrong; `known` names what
// it reads, for the message about an unknown name ("swish, mish, or a formula in x").
struct ActivationReader {
  std::unique_ptr<Activation> (*read)(const std::string& spec);
  std::string known;
};
void register_activation_reader(const ActivationReader& reader);

}  // namespace ember::nn
