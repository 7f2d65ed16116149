// Optimizers: SGD (momentum, dampening, weight decay, Nesterov), Adam and AdamW, with the update
// rules exactly as PyTorch documents them (torch.optim). Each holds its state per parameter in a
// vector aligned with the parameter list, and one step counter advanced once per step().
// A parameter without a gradient (never reached by backward) is skipped, as PyTorch skips grad=None.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ember/core/engine/tensor.hpp"

namespace ember::nn {

class Optimizer {
 public:
  Optimizer(std::vector<Tensor> params, Scalar lr) : params_(std::move(params)), lr_(lr) {}
  virtual ~Optimizer() = default;
  virtual void step() = 0;
  void zero_grad();
  long steps() const { return steps_; }

  // The learning rate, as PyTorch's param_groups[0]["lr"]: a schedule changes it between epochs.
  Scalar lr() const { return lr_; }
  void set_lr(Scalar lr) { lr_ = lr; }

  // What a checkpoint needs to continue exactly, named as PyTorch's optimizer.state_dict()["state"]:
  // "0.exp_avg" is parameter 0's first moment. Buffers not created yet (before the first step) are absent.
  std::map<std::string, Matrix> state_dict() const;
  // Throws std::runtime_error for a name this optimizer does not have or a shape that is not its parameter's.
  void load_state_dict(const std::map<std::string, Matrix>& state, long steps);

 protected:
  std::vector<Tensor> params_;
  Scalar lr_;
  long steps_ = 0;  // how many times step() ran
  // Each per-parameter buffer with its PyTorch name ("momentum_buffer"); set by the subclasses.
  std::vector<std::pair<std::string, std::vector<Matrix>*>> buffers_;
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, Scalar lr, Scalar momentum = 0, Scalar dampening = 0, Scalar weight_decay = 0,
      bool nesterov = false);
  void step() override;

 private:
  Scalar momentum_, dampening_, weight_decay_;
  bool nesterov_;
  std::vector<Matrix> velocity_;  // the momentum buffer b, per parameter
};

class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, Scalar lr = Scalar(1e-3),
       std::pair<Scalar, Scalar> betas = {Scalar(0.9), Scalar(0.999)}, Scalar eps = Scalar(1e-8),
       Scalar weight_decay = 0);
  void step() override;

 protected:
  // decoupled = true is AdamW: decay the weights directly instead of adding λθ to the gradient.
  Adam(std::vector<Tensor> params, Scalar lr, std::pair<Scalar, Scalar> betas, Scalar eps, Scalar weight_decay,
       bool decoupled);

 private:
  Scalar beta1_, beta2_, eps_, weight_decay_;
  bool decoupled_;
  std::vector<Matrix> first_moment_;   // m, per parameter
  std::vector<Matrix> second_moment_;  // v, per parameter
};

class AdamW : public Adam {
 public:
  AdamW(std::vector<Tensor> params, Scalar lr = Scalar(1e-3),
        std::pair<Scalar, Scalar> betas = {Scalar(0.9), Scalar(0.999)}, Scalar eps = Scalar(1e-8),
        Scalar weight_decay = Scalar(1e-2))
      : Adam(std::move(params), lr, betas, eps, weight_decay, true) {}
};

}  // namespace ember::nn
