// Diagnostics: gradient norms after each backward pass, and dead and saturated units from the
// pre-activations its forward hooks see during training steps.
#include "ember/lab/monitor/diagnostics.hpp"

#include <algorithm>

#include "ember/core/engine/ops.hpp"

namespace ember {

Matrix derivative_of(nn::Module& activation, const Matrix& z) {
  Tensor input = Tensor::from_matrix(z, true);
  sum(activation(input)).backward();
  return input.grad();
}

Scalar max_derivative_of(nn::Module& activation) {
  const Index points = 60 * 256 + 1;
  Matrix grid(1, points);
  for (Index i = 0; i < points; ++i) grid(0, i) = Scalar(-30) + static_cast<Scalar>(i) / Scalar(256);
  // |f'|: a formula's derivative may be negative (mish's is, below x = -1.19); a nan (sqrt(x) at
  // x < 0) counts as 0.
  const Matrix slope = derivative_of(activation, grid).cwiseAbs();
  return slope.array().isNaN().select(Scalar(0), slope.array()).maxCoeff();
}

Diagnostics::Diagnostics(nn::MyModel& model) : model_(model) {
  saturation_threshold_ = Scalar(0.01) * max_derivative_of(model.activation());
  grad_norm_sum_.assign(model.layers().size(), 0.0);
  for (std::size_t k = 0; k + 1 < model.layers().size(); ++k) {
    const Index units = model.layers()[k]->out_features();
    alive_.push_back(UnitMask::Constant(units, false));
    unsaturated_.push_back(UnitMask::Constant(units, false));
    // Training steps only: evaluation runs under NoGradGuard, and its samples are not counted.
    hooks_.push_back(model.layers()[k]->register_forward_hook([this, k](nn::Module&, const Tensor&, const Tensor& z) {
      if (is_grad_enabled()) observe(k, z.value());
    }));
  }
}

Diagnostics::~Diagnostics() {
  for (std::size_t k = 0; k < hooks_.size(); ++k) model_.layers()[k]->remove_forward_hook(hooks_[k]);
}

void Diagnostics::observe(std::size_t layer, const Matrix& z) {
  const Matrix d = derivative_of(model_.activation(), z);
  alive_[layer] = alive_[layer] || (d.array() != 0).colwise().any();
  unsaturated_[layer] = unsaturated_[layer] || (d.array().abs() >= saturation_threshold_).colwise().any();
}

void Diagnostics::on_step(const Step&) {
  for (std::size_t k = 0; k < model_.layers().size(); ++k)
    grad_norm_sum_[k] += model_.layers()[k]->weight().grad().norm();
  ++batches_;
}

void Diagnostics::on_epoch(const EpochStats& stats) {
  StudyEpoch epoch;
  static_cast<EpochStats&>(epoch) = stats;
  for (double sum : grad_norm_sum_) epoch.grad_norm.push_back(sum / static_cast<double>(batches_));
  for (std::size_t k = 0; k < alive_.size(); ++k) {
    const double units = static_cast<double>(alive_[k].size());
    epoch.dead_fraction.push_back(static_cast<double>((!alive_[k]).count()) / units);
    epoch.saturated_fraction.push_back(static_cast<double>((!unsaturated_[k]).count()) / units);
    alive_[k].setConstant(false);
    unsaturated_[k].setConstant(false);
  }
  std::fill(grad_norm_sum_.begin(), grad_norm_sum_.end(), 0.0);
  batches_ = 0;
  epochs_.push_back(std::move(epoch));
}

}  // namespace ember
