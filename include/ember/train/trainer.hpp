// The training loop: build the article's model for a dataset, train it with mini-batches, and
// measure it each epoch. `ember train` and `ember compare` both call fit(), so a compare run of one
// activation gives exactly the figures `ember train` gives with the same options and seed.
// The loss always comes from the logits: BCEWithLogits for one output, CrossEntropy otherwise.
// Read metrics.hpp for evaluate(); the CLI in apps/ for how the options reach here.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "ember/data/dataset.hpp"
#include "ember/nn/mymodel.hpp"
#include "ember/nn/optim.hpp"

namespace ember {

struct TrainConfig {
  // model
  std::string activation = "relu";
  std::vector<Index> hidden = {64, 32};
  int classes = -1;  // outputs: -1 infers (2 classes -> one sigmoid output); C forces a C-way softmax
  nn::InitScheme init_scheme = nn::InitScheme::Default;
  // training
  int epochs = 100;
  Index batch_size = 32;
  std::string optimizer = "adam";  // sgd | adam | adamw
  double lr = 1e-3;
  double momentum = 0;
  double weight_decay = 0;
  bool shuffle = true;
  std::uint64_t seed = 0;
  bool diagnostics = false;  // count dead and saturated units (costs a little per batch)
};

// Figures of one epoch. Train loss and accuracy are averaged over the epoch's batches as they ran.
struct EpochStats {
  int epoch = 0;  // 1-based
  double train_loss = 0, train_accuracy = 0;
  double test_loss = NAN, test_accuracy = NAN;  // NaN when there is no test set
  double seconds = 0;
  std::vector<double> grad_norm;           // per layer fc1..fcK: mean over batches of ‖dL/dW‖_F
  std::vector<double> dead_fraction;       // per hidden layer: units with f'(z) = 0 on every sample (diagnostics)
  std::vector<double> saturated_fraction;  // per hidden layer: f'(z) < 1% of max f' on every sample (diagnostics)
};

// A run stopped because the loss stopped being a number; says where.
class TrainingDiverged : public std::runtime_error {
 public:
  TrainingDiverged(const std::string& message, int epoch, Index batch)
      : std::runtime_error(message), epoch(epoch), batch(batch) {}
  int epoch;
  Index batch;  // 1-based
};

// Outputs of the model for a dataset with `num_classes` classes under config.classes.
Index output_units(int num_classes, int forced_classes);

// The model, with its initial weights drawn from a Generator seeded by config.seed (and by nothing
// else: the same seed gives the same weights whatever the activation).
std::unique_ptr<nn::MyModel> build_model(const TrainConfig& config, Index input_size, Index outputs);
std::unique_ptr<nn::Optimizer> make_optimizer(const TrainConfig& config, const std::vector<Tensor>& params);

// BCEWithLogits (one output column; y as 0/1) or CrossEntropy (C columns), mean over the batch.
Tensor classification_loss(const Tensor& logits, const std::vector<int>& y);

struct FitCallbacks {
  std::function<void(const EpochStats&)> on_epoch;                  // after each epoch
  std::function<void(int epoch, Index batch, Index batches)> on_batch;  // after each batch (progress)
  // After each batch too, with the mean train loss of the epoch's samples so far (a progress line's).
  std::function<void(int epoch, Index batch, Index batches, double running_loss)> on_batch_loss;
  const std::atomic<bool>* stop = nullptr;  // checked after each batch: set it to end the run early
};

struct FitResult {
  std::vector<EpochStats> epochs;
  bool stopped_early = false;  // `stop` was set
  double train_seconds = 0;
  Index samples_seen = 0;
};

// Trains `model` on `train` (and measures on `test` when it has rows). The data must already be
// standardized if wanted. Throws TrainingDiverged on a NaN or infinite loss.
FitResult fit(nn::MyModel& model, const Dataset& train, const Dataset& test, const TrainConfig& config,
              const FitCallbacks& callbacks = {});

}  // namespace ember
