// The training loop: build the article's model for a dataset, train it with mini-batches, and
// measure it each epoch. `ember train` and `ember compare` both call fit(), so a compare run of one
// activation gives exactly the figures `ember train` gives with the same options and seed.
// The loss always comes from the logits: BCEWithLogits for one output, CrossEntropy otherwise.
// Whatever watches the loop (progress, divergence checks, gradient norms, the study's diagnostics)
// attaches through one FitObserver; the lab's are in include/ember/lab/monitor/. A Trainer holds
// what a run carries from epoch to epoch; the lab's training runs (validation, schedules, early
// stopping, checkpoints: lab/train/) drive one epoch by epoch. Read metrics.hpp for evaluate().
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ember/core/data/dataset.hpp"
#include "ember/core/data/loader.hpp"
#include "ember/core/nn/mymodel.hpp"
#include "ember/core/nn/optim.hpp"

namespace ember {

// The options of `ember train` and `ember compare`, one field per option (--batch-size: batch_size).
struct TrainConfig {
  // model
  std::string activation = "relu";
  std::vector<Index> hidden = {64, 32};
  std::optional<int> classes;  // outputs: unset infers (2 classes -> one sigmoid output); C forces a C-way softmax
  nn::InitScheme init_scheme = nn::InitScheme::Default;
  // training
  int epochs = 100;
  Index batch_size = 32;
  std::string optimizer = "adam";  // sgd | adam | adamw
  double lr = 1e-3;
  double momentum = 0;
  double weight_decay = 0;
  bool shuffle = true;
  double dropout = 0;  // after each hidden activation, as nn.Dropout
  std::uint64_t seed = 0;
};

// The one check of a TrainConfig, with the message a user sees ("--epochs must be at least 1, got 0"):
// fit() calls it, and the CLI calls it as soon as the options are read. Throws std::invalid_argument.
void validate(const TrainConfig& config);

// Figures of one epoch. Train loss and accuracy are averaged over the epoch's batches as they ran.
struct EpochStats {
  int epoch = 0;  // 1-based
  double train_loss = 0, train_accuracy = 0;
  double val_loss = NAN, val_accuracy = NAN;    // NaN without a validation set (the lab's runs have one)
  double test_loss = NAN, test_accuracy = NAN;  // NaN when there is no test set
  double lr = 0;                                // the learning rate the epoch trained with
  double seconds = 0;
};

// What an observer is shown after a batch's backward pass and before the optimizer's step: the
// gradients are this batch's, and the weights are those that produced them.
struct Step {
  int epoch;    // 1-based
  Index batch;  // 1-based, of `batches`
  Index batches;
  Index rows;          // samples in this batch
  const Tensor& loss;  // the batch's mean loss, its graph still in place
};

// Everything that watches training attaches here. Each hook does nothing unless overridden; a hook
// may throw to end the run (a divergence check does).
class FitObserver {
 public:
  virtual ~FitObserver() = default;
  virtual void on_step(const Step&) {}
  virtual void on_epoch(const EpochStats&) {}   // after the epoch's figures are complete
  virtual bool should_stop() { return false; }  // asked after each batch: true ends the run there
};

struct FitResult {
  std::vector<EpochStats> epochs;
  bool stopped_early = false;  // should_stop() said so; a partial last epoch is not in `epochs`
  double train_seconds = 0;
  Index samples_seen = 0;
};

// Outputs of the model for a dataset with `num_classes` classes under config.classes (-1: unset).
Index output_units(int num_classes, int forced_classes);

// The model, with its initial weights drawn from a Generator seeded by config.seed (and by nothing
// else: the same seed gives the same weights whatever the activation).
std::unique_ptr<nn::MyModel> build_model(const TrainConfig& config, Index input_size, Index outputs);
std::unique_ptr<nn::Optimizer> make_optimizer(const TrainConfig& config, const std::vector<Tensor>& params);

// BCEWithLogits (one output column; y as 0/1) or CrossEntropy (C columns), mean over the batch.
Tensor classification_loss(const Tensor& logits, const std::vector<int>& y);

// The moving parts of a run, kept from epoch to epoch: the optimizer, the shuffle's generator and its
// loader, and the epoch count. A checkpoint saves exactly these (with the model's weights).
class Trainer {
 public:
  // `model` and `train` must outlive the trainer.
  Trainer(nn::MyModel& model, const Dataset& train, const TrainConfig& config);
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // Trains the next epoch (epochs_done() + 1) and returns its train figures and learning rate; nothing
  // when the observer stopped it mid-epoch (a partial epoch has no figures, and does not count).
  std::optional<EpochStats> train_epoch(FitObserver& watch);

  nn::Optimizer& optimizer() { return *optimizer_; }
  Generator& shuffle_generator() { return shuffle_gen_; }
  int epochs_done() const { return epochs_done_; }
  void set_epochs_done(int epochs) { epochs_done_ = epochs; }  // when resuming from a checkpoint
  Index samples_seen() const { return samples_seen_; }

 private:
  nn::MyModel& model_;
  const Dataset& train_;
  Generator shuffle_gen_;  // before loader_, which holds a reference to it
  DataLoader loader_;
  std::unique_ptr<nn::Optimizer> optimizer_;
  Tensor xb_;  // the batch is gathered straight into this tensor's storage: no copy per step
  std::vector<int> yb_;
  int epochs_done_ = 0;
  Index samples_seen_ = 0;
};

// Trains `model` on `train` (and measures on `test` when it has rows). The data must already be
// standardized if wanted.
FitResult fit(nn::MyModel& model, const Dataset& train, const Dataset& test, const TrainConfig& config,
              FitObserver* observer = nullptr);

}  // namespace ember
