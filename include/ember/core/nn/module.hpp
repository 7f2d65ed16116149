// Module: the base of every layer and model, as torch.nn.Module. A module owns its parameters
// (leaf tensors with requires_grad) and its child modules, and names them the way PyTorch does:
// a child "fc1" with a parameter "weight" gives "fc1.weight". Read linear.hpp next, then
// activation_modules.hpp, sequential.hpp and mymodel.hpp. Not here: buffers, backward hooks, devices.
#pragma once

#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ember/core/engine/tensor.hpp"

namespace ember::nn {

// Parameter values by name ("fc1.weight" -> [64, in]); sorted by name, like a safetensors file.
using StateDict = std::map<std::string, Tensor>;

class Module {
 public:
  virtual ~Module() = default;
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  virtual Tensor forward(const Tensor& input) = 0;
  Tensor operator()(const Tensor& input);  // forward(), then the forward hooks

  // ---- forward hooks, as PyTorch's register_forward_hook ----
  // hook(module, input, output) runs after each call through operator(); instruments (the study's
  // dead-unit counts) watch a layer this way without changing it. Returns a handle for removal.
  using ForwardHook = std::function<void(Module& module, const Tensor& input, const Tensor& output)>;
  int register_forward_hook(ForwardHook hook);
  void remove_forward_hook(int handle);

  // ---- parameters ----
  std::vector<Tensor> parameters() const;  // in registration order, children after own
  std::vector<std::pair<std::string, Tensor>> named_parameters() const;
  void zero_grad();

  // ---- modes: train() and eval() set every child too; Dropout is the one layer they change ----
  void train(bool mode = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  // ---- saving and loading values ----
  StateDict state_dict() const;  // copies, detached from any graph
  // strict: every parameter must be present and nothing else; a wrong shape is always an error.
  void load_state_dict(const StateDict& state, bool strict = true);

  // ---- printing, as PyTorch's repr ----
  virtual std::string type_name() const = 0;             // "Linear"
  virtual std::string extra_repr() const { return ""; }  // "in_features=10, out_features=64, bias=True"
  std::string repr() const;

 protected:
  Tensor& register_parameter(const std::string& name, Tensor value);
  template <typename M>
  M& register_module(const std::string& name, std::unique_ptr<M> child) {
    M& ref = *child;
    children_.emplace_back(name, std::move(child));
    return ref;
  }

 private:
  void collect(const std::string& prefix, std::vector<std::pair<std::string, Tensor>>& out) const;

  std::vector<std::pair<std::string, Tensor>> parameters_;
  std::vector<std::pair<std::string, std::unique_ptr<Module>>> children_;
  std::vector<std::pair<int, ForwardHook>> forward_hooks_;  // (handle, hook), in registration order
  int next_hook_handle_ = 0;
  bool training_ = true;
};

// Eval mode for the guard's lifetime (dropout off), then the mode the module was in: what evaluate()
// and the study's probe run under, so that measuring never leaves a model in the wrong mode.
class EvalModeGuard {
 public:
  explicit EvalModeGuard(Module& module) : module_(module), was_training_(module.is_training()) { module_.eval(); }
  ~EvalModeGuard() { module_.train(was_training_); }
  EvalModeGuard(const EvalModeGuard&) = delete;
  EvalModeGuard& operator=(const EvalModeGuard&) = delete;

 private:
  Module& module_;
  bool was_training_;
};

std::ostream& operator<<(std::ostream& out, const Module& module);

}  // namespace ember::nn
