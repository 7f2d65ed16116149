// Diagnostics: gradient norms after each backward pass, and dead and saturated units from the
// pre-activations its forward hooks see during training steps; with a probe, each hidden layer's
// distributions on it at the end of each epoch.
#include "ember/lab/monitor/diagnostics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

#include "ember/core/engine/ops.hpp"
#include "ember/lab/study/paired_stats.hpp"

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

Matrix probe_rows(const Matrix& X, Index rows) {
  const Index n = X.rows(), p = std::min(rows, n);
  Matrix probe(p, X.cols());
  for (Index i = 0; i < p; ++i) probe.row(i) = X.row(i * n / p);
  return probe;
}

Diagnostics::Diagnostics(nn::MyModel& model, const Matrix* probe) : model_(model), probe_(probe) {
  if (probe && (probe->rows() == 0 || probe->cols() != model.input_size()))
    throw std::invalid_argument("Diagnostics: the probe has shape [" + std::to_string(probe->rows()) + ", " +
                                std::to_string(probe->cols()) + "], the model expects [P >= 1, " +
                                std::to_string(model.input_size()) + "]");
  saturation_threshold_ = Scalar(0.01) * max_derivative_of(model.activation());
  grad_norm_sum_.assign(model.layers().size(), 0.0);
  for (std::size_t k = 0; k + 1 < model.layers().size(); ++k) {
    const Index units = model.layers()[k]->out_features();
    alive_.push_back(UnitMask::Constant(units, false));
    unsaturated_.push_back(UnitMask::Constant(units, false));
    // Training steps only: evaluation runs under NoGradGuard, and its samples are not counted. The probe
    // pass (also without grad) is told apart by probing_, and keeps z for measure_probe().
    hooks_.push_back(model.layers()[k]->register_forward_hook([this, k](nn::Module&, const Tensor&, const Tensor& z) {
      if (probing_) probe_z_[k] = z.value();
      else if (is_grad_enabled()) observe(k, z.value());
    }));
  }
  probe_z_.resize(hooks_.size());
}

Diagnostics::~Diagnostics() {
  for (std::size_t k = 0; k < hooks_.size(); ++k) model_.layers()[k]->remove_forward_hook(hooks_[k]);
}

void Diagnostics::observe(std::size_t layer, const Matrix& z) {
  const Matrix d = derivative_of(model_.activation(), z);
  alive_[layer] = alive_[layer] || (d.array() != 0).colwise().any();
  unsaturated_[layer] = unsaturated_[layer] || (d.array().abs() >= saturation_threshold_).colwise().any();
}

namespace {

// μ = Σ xᵢ / n and the population σ = √(Σ (xᵢ − μ)² / n), summed in double in two passes (one pass with
// E[x²] − E[x]² cancels badly when |μ| ≫ σ).
std::pair<double, double> mean_and_std(const Matrix& x) {
  const double n = static_cast<double>(x.size());
  const double mean = x.cast<double>().sum() / n;
  const double squares = (x.cast<double>().array() - mean).square().sum();
  return {mean, std::sqrt(squares / n)};
}

}  // namespace

std::vector<LayerHealth> Diagnostics::measure_probe() {
  // No graph, no dropout: the pass draws no random number and touches no gradient, so training goes on
  // exactly as it would have without it.
  NoGradGuard no_grad;
  nn::EvalModeGuard eval_mode(model_);
  probing_ = true;
  model_.logits(Tensor::from_matrix(*probe_));
  probing_ = false;
  std::vector<LayerHealth> layers;
  for (const Matrix& z : probe_z_) {
    const Matrix a = model_.activation()(Tensor::from_matrix(z)).value();  // a = f(z), the layer's output
    LayerHealth h;
    std::tie(h.preact_mean, h.preact_std) = mean_and_std(z);
    std::tie(h.act_mean, h.act_std) = mean_and_std(a);
    const std::vector<double> p =
        quantiles_linear(std::vector<double>(a.data(), a.data() + a.size()), {0.02, 0.50, 0.98});
    h.act_p2 = p[0];
    h.act_p50 = p[1];
    h.act_p98 = p[2];
    layers.push_back(h);
  }
  return layers;
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
  if (probe_) {
    epoch.layers = measure_probe();
    epoch.probe_samples = probe_->rows();
  }
  epochs_.push_back(std::move(epoch));
}

}  // namespace ember
