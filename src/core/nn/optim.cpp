// SGD, Adam and AdamW: flat loops over the parameters, one line of math each. Updates happen in
// place on the parameters' values, outside the graph.
#include "ember/core/nn/optim.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "ember/core/engine/format.hpp"

namespace ember::nn {

namespace {
void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}
}  // namespace

void Optimizer::zero_grad() {
  for (Tensor& p : params_) p.zero_grad();
}

std::map<std::string, Matrix> Optimizer::state_dict() const {
  std::map<std::string, Matrix> state;
  for (const auto& [name, buffer] : buffers_)
    for (std::size_t i = 0; i < buffer->size(); ++i)
      if ((*buffer)[i].size() > 0) state.emplace(std::to_string(i) + "." + name, (*buffer)[i]);
  return state;
}

void Optimizer::load_state_dict(const std::map<std::string, Matrix>& state, long steps) {
  std::size_t loaded = 0;
  for (auto& [name, buffer] : buffers_) {
    for (std::size_t i = 0; i < buffer->size(); ++i) {
      const auto found = state.find(std::to_string(i) + "." + name);
      if (found == state.end()) continue;
      if (found->second.rows() != params_[i].rows() || found->second.cols() != params_[i].cols())
        throw std::runtime_error("optimizer state " + found->first + " does not have parameter " + std::to_string(i) +
                                 "'s shape " + params_[i].shape().str());
      (*buffer)[i] = found->second;
      ++loaded;
    }
  }
  if (loaded != state.size()) throw std::runtime_error("optimizer state has entries this optimizer does not know");
  steps_ = steps;
}

// ---- SGD ----
SGD::SGD(std::vector<Tensor> params, Scalar lr, Scalar momentum, Scalar dampening, Scalar weight_decay, bool nesterov)
    : Optimizer(std::move(params), lr), momentum_(momentum), dampening_(dampening), weight_decay_(weight_decay),
      nesterov_(nesterov), velocity_(params_.size()) {
  buffers_ = {{"momentum_buffer", &velocity_}};
  require(lr >= 0, "SGD: invalid learning rate " + format_fixed(lr, 6) + " (must be >= 0)");
  require(momentum >= 0, "SGD: invalid momentum " + format_fixed(momentum, 6) + " (must be >= 0)");
  require(weight_decay >= 0, "SGD: invalid weight_decay " + format_fixed(weight_decay, 6) + " (must be >= 0)");
  require(!nesterov || (momentum > 0 && dampening == 0),
          "SGD: Nesterov momentum requires a momentum and zero dampening");
}

// clang-format off
void SGD::step() {
  ++steps_;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    Tensor& param = params_[i];
    if (!param.has_grad()) continue;
    Matrix g = param.grad();
    if (weight_decay_ != 0) g += weight_decay_ * param.value();                // g ← g + λθ
    if (momentum_ != 0) {
      Matrix& b = velocity_[i];
      if (b.size() == 0) b = g;                                                 // b₁ = g
      else b = momentum_ * b + (1 - dampening_) * g;                            // b ← μb + (1 − τ)g
      if (nesterov_) g += momentum_ * b;                                        // g ← g + μb
      else g = b;                                                               // g ← b
    }
    param.mutable_value() -= lr_ * g;                                           // θ ← θ − γg
  }
}
// clang-format on

// ---- Adam and AdamW ----
Adam::Adam(std::vector<Tensor> params, Scalar lr, std::pair<Scalar, Scalar> betas, Scalar eps, Scalar weight_decay)
    : Adam(std::move(params), lr, betas, eps, weight_decay, false) {}

Adam::Adam(std::vector<Tensor> params, Scalar lr, std::pair<Scalar, Scalar> betas, Scalar eps, Scalar weight_decay,
           bool decoupled)
    : Optimizer(std::move(params), lr), beta1_(betas.first), beta2_(betas.second), eps_(eps),
      weight_decay_(weight_decay), decoupled_(decoupled), first_moment_(params_.size()),
      second_moment_(params_.size()) {
  buffers_ = {{"exp_avg", &first_moment_}, {"exp_avg_sq", &second_moment_}};
  const char* name = decoupled ? "AdamW" : "Adam";
  require(lr >= 0, std::string(name) + ": invalid learning rate " + format_fixed(lr, 6) + " (must be >= 0)");
  require(eps >= 0, std::string(name) + ": invalid eps " + format_fixed(eps, 6) + " (must be >= 0)");
  require(beta1_ >= 0 && beta1_ < 1,
          std::string(name) + ": invalid beta1 " + format_fixed(beta1_, 6) + " (must be in [0, 1))");
  require(beta2_ >= 0 && beta2_ < 1,
          std::string(name) + ": invalid beta2 " + format_fixed(beta2_, 6) + " (must be in [0, 1))");
  require(weight_decay >= 0,
          std::string(name) + ": invalid weight_decay " + format_fixed(weight_decay, 6) + " (must be >= 0)");
}

void Adam::step() {
  ++steps_;
  const Scalar t = static_cast<Scalar>(steps_);
  const Scalar bias_correction1 = 1 - std::pow(beta1_, t);
  const Scalar bias_correction2 = 1 - std::pow(beta2_, t);
  for (std::size_t i = 0; i < params_.size(); ++i) {
    Tensor& param = params_[i];
    if (!param.has_grad()) continue;
    Matrix& m = first_moment_[i];
    Matrix& v = second_moment_[i];
    if (m.size() == 0) {
      m = Matrix::Zero(param.rows(), param.cols());
      v = Matrix::Zero(param.rows(), param.cols());
    }
    Matrix g = param.grad();
    if (decoupled_) param.mutable_value() *= 1 - lr_ * weight_decay_;  // AdamW: θ ← θ(1 − γλ)
    else if (weight_decay_ != 0) g += weight_decay_ * param.value();   // Adam: g ← g + λθ
    m = beta1_ * m + (1 - beta1_) * g;                                 // first moment
    v = beta2_ * v + (1 - beta2_) * g.cwiseProduct(g);                 // second moment
    // θ ← θ − γ m̂ / (√v̂ + ε), with m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ) (bias correction),
    // grouped as PyTorch computes it so the rounding matches too.
    const Scalar step_size = lr_ / bias_correction1;
    const Matrix denom = ((v.array().sqrt() / std::sqrt(bias_correction2)) + eps_).matrix();
    param.mutable_value() -= step_size * m.cwiseQuotient(denom);
  }
}

}  // namespace ember::nn
