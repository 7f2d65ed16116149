// The study's per-layer figures, gathered by an observer of fit(): how large each layer's weight
// gradient is, and how many hidden units are dead (f'(z) = 0 on every training sample of an epoch)
// or saturated (|f'(z)| below 1% of f's largest |slope| on every sample). The core's training loop knows
// nothing of them: the observer reads gradients after each backward pass, and the pre-activations
// z through forward hooks on fc1 .. fc(K-1). f' comes from the engine's own backward.
#pragma once

#include <vector>

#include "ember/core/nn/mymodel.hpp"
#include "ember/core/train/trainer.hpp"

namespace ember {

// fit()'s figures of one epoch, and the study's.
struct StudyEpoch : EpochStats {
  std::vector<double> grad_norm;           // per layer fc1..fcK: mean over batches of ‖dL/dW‖_F
  std::vector<double> dead_fraction;       // per hidden layer: units with f'(z) = 0 on every sample
  std::vector<double> saturated_fraction;  // per hidden layer: |f'(z)| < 1% of max |f'| on every sample
};

// f'(z) of each element of z, from autograd: d/dzᵢ Σⱼ f(zⱼ) = f'(zᵢ), for an elementwise f.
Matrix derivative_of(nn::Module& activation, const Matrix& z);

// The largest |f'|, found once on a grid over [-30, 30] (steps of 2⁻⁸, 0 included); for a formula
// this is the reference its saturation is measured against.
Scalar max_derivative_of(nn::Module& activation);

class Diagnostics : public FitObserver {
 public:
  explicit Diagnostics(nn::MyModel& model);  // registers the hooks on `model`, which must outlive this
  ~Diagnostics() override;                   // and removes them
  Diagnostics(const Diagnostics&) = delete;
  Diagnostics& operator=(const Diagnostics&) = delete;

  void on_step(const Step& step) override;
  void on_epoch(const EpochStats& stats) override;
  const std::vector<StudyEpoch>& epochs() const { return epochs_; }

 private:
  void observe(std::size_t layer, const Matrix& z);  // one training batch's pre-activations of a layer

  using UnitMask = Eigen::Array<bool, 1, Eigen::Dynamic>;
  nn::MyModel& model_;
  Scalar saturation_threshold_;        // 1% of max |f'|
  std::vector<int> hooks_;             // handles, on fc1 .. fc(K-1)
  std::vector<double> grad_norm_sum_;  // this epoch's, per layer
  Index batches_ = 0;
  std::vector<UnitMask> alive_, unsaturated_;  // per hidden layer: f' ≠ 0 / |f'| ≥ threshold on some sample
  std::vector<StudyEpoch> epochs_;
};

}  // namespace ember
