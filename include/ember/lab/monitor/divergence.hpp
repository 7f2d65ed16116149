// Stopping a run whose loss or gradients stop being numbers, and saying where. When a loss comes out
// NaN or infinite, the graph that computed it is still there: the op to blame is the first one whose
// output holds a non-finite value although all of its inputs were finite (like PyTorch's anomaly
// detection, but after the fact and free when nothing goes wrong). For gradients, the parameter
// whose gradient is not finite is named.
#pragma once

#include <stdexcept>
#include <string>

#include "ember/core/nn/module.hpp"
#include "ember/core/train/trainer.hpp"

namespace ember {

// A run stopped because the loss or a gradient stopped being a number; says where.
class TrainingDiverged : public std::runtime_error {
 public:
  TrainingDiverged(const std::string& message, int epoch, Index batch)
      : std::runtime_error(message), epoch(epoch), batch(batch) {}
  int epoch;
  Index batch;  // 1-based
};

// The observer `ember train` and `ember compare` attach to fit(): after each backward pass, before
// the optimizer can spread a NaN into the weights, throws TrainingDiverged naming the op or the
// parameter and suggesting a tenth of the learning rate.
class DivergenceCheck : public FitObserver {
 public:
  DivergenceCheck(const nn::Module& model, double lr) : model_(model), lr_(lr) {}
  void on_step(const Step& step) override;

 private:
  const nn::Module& model_;
  double lr_;
};

// "linear" (with the shapes of its inputs), or "" if every op's output is finite.
std::string first_non_finite_op(const Tensor& output);

// The name of the first parameter ("fc2.weight") whose gradient holds a NaN or infinity, or "".
std::string first_non_finite_gradient(const nn::Module& model);

}  // namespace ember
