// The study's per-layer figures, gathered by an observer of fit(): how large each layer's weight
// gradient is, and how many hidden units are dead (f'(z) = 0 on every training sample of an epoch)
// or saturated (|f'(z)| below 1% of f's largest |slope| on every sample). The core's training loop knows
// nothing of them: the observer reads gradients after each backward pass, and the pre-activations
// z through forward hooks on fc1 .. fc(K-1). f' comes from the engine's own backward.
// Given a probe (a fixed set of inputs), it also measures each hidden layer's distributions at the end of
// every epoch (LayerHealth, Glorot & Bengio 2010); lab/study/layer_report.hpp writes them out.
#pragma once

#include <cmath>
#include <vector>

#include "ember/core/nn/mymodel.hpp"
#include "ember/core/train/trainer.hpp"

namespace ember {

// "Inside each layer": one hidden layer's pre-activations z = a_prev Wᵀ + b and activations a = f(z) on
// the probe, pooled over its P samples and H units (n = P·H values), measured in eval mode after the
// epoch's last step. Standard deviations are the population's (divide by n, as np.std), percentiles
// NumPy's default (quantile_linear). NaN when any value is NaN (a run that blew up).
struct LayerHealth {
  double preact_mean = NAN, preact_std = NAN;         // μ = Σ zᵢ / n,  σ = √(Σ (zᵢ − μ)² / n)
  double act_mean = NAN, act_std = NAN;               // the same of aᵢ = f(zᵢ)
  double act_p2 = NAN, act_p50 = NAN, act_p98 = NAN;  // the 2nd, 50th and 98th percentiles of a
};

// fit()'s figures of one epoch, and the study's.
struct StudyEpoch : EpochStats {
  std::vector<double> grad_norm;           // per layer fc1..fcK: mean over batches of ‖dL/dW‖_F
  std::vector<double> dead_fraction;       // per hidden layer: units with f'(z) = 0 on every sample
  std::vector<double> saturated_fraction;  // per hidden layer: |f'(z)| < 1% of max |f'| on every sample
  std::vector<LayerHealth> layers;         // per hidden layer, on the probe; empty without one
  Index probe_samples = 0;                 // the probe's rows P (0: none)
};

// A probe for the layer figures: at most `rows` rows of X, evenly spaced (rows ⌊i·N/P⌋, i = 0..P−1, with
// P = min(rows, N)), so that a file sorted by class gives a probe of every class; all of X when N <= rows.
Matrix probe_rows(const Matrix& X, Index rows = 512);

// f'(z) of each element of z, from autograd: d/dzᵢ Σⱼ f(zⱼ) = f'(zᵢ), for an elementwise f.
Matrix derivative_of(nn::Module& activation, const Matrix& z);

// The largest |f'|, found once on a grid over [-30, 30] (steps of 2⁻⁸, 0 included); for a formula
// this is the reference its saturation is measured against.
Scalar max_derivative_of(nn::Module& activation);

class Diagnostics : public FitObserver {
 public:
  // Registers the hooks on `model`, which must outlive this, and so must `probe` [P, D]; without a probe
  // no LayerHealth is measured (and nothing of it costs anything).
  explicit Diagnostics(nn::MyModel& model, const Matrix* probe = nullptr);
  ~Diagnostics() override;  // and removes them
  Diagnostics(const Diagnostics&) = delete;
  Diagnostics& operator=(const Diagnostics&) = delete;

  void on_step(const Step& step) override;
  void on_epoch(const EpochStats& stats) override;
  const std::vector<StudyEpoch>& epochs() const { return epochs_; }

 private:
  void observe(std::size_t layer, const Matrix& z);  // one training batch's pre-activations of a layer
  std::vector<LayerHealth> measure_probe();          // one forward pass over the probe, no graph, eval mode

  using UnitMask = Eigen::Array<bool, 1, Eigen::Dynamic>;
  nn::MyModel& model_;
  Scalar saturation_threshold_;        // 1% of max |f'|
  std::vector<int> hooks_;             // handles, on fc1 .. fc(K-1)
  std::vector<double> grad_norm_sum_;  // this epoch's, per layer
  Index batches_ = 0;
  std::vector<UnitMask> alive_, unsaturated_;  // per hidden layer: f' ≠ 0 / |f'| ≥ threshold on some sample
  std::vector<StudyEpoch> epochs_;
  const Matrix* probe_;          // null: no layer figures
  bool probing_ = false;         // the hooks capture z into probe_z_ (the probe pass runs without grad)
  std::vector<Matrix> probe_z_;  // per hidden layer: z on the probe [P, H]
};

}  // namespace ember
