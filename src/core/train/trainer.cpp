// The training loop. One epoch (Trainer::train_epoch): a fresh batch order, then per batch the step a
// learner expects (forward, loss, zero_grad, backward, step), then the epoch's figures; fit() adds
// the test figures and runs the epochs. Everything random
// comes from two Generators seeded by config.seed: one draws the initial weights, the other the
// batch order, so neither depends on the activation or on the other.
#include "ember/core/train/trainer.hpp"

#include <chrono>
#include <stdexcept>

#include "ember/core/engine/format.hpp"
#include "ember/core/nn/activation_modules.hpp"
#include "ember/core/nn/loss.hpp"
#include "ember/core/train/metrics.hpp"

namespace ember {

namespace {

// Distinct streams from one seed: the weights' and the shuffle's.
constexpr std::uint64_t shuffle_stream = 0x9E3779B97F4A7C15ull;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void require(bool condition, const std::string& message) {
  if (!condition) throw std::invalid_argument(message);
}

// Loss and correct predictions summed over an epoch's batches.
struct EpochTotals {
  double loss_sum = 0, correct = 0;

  void add(const Tensor& loss, const Tensor& logits, const std::vector<int>& y) {
    loss_sum += loss.item() * static_cast<double>(y.size());
    const std::vector<int> predicted = predict_classes(logits.value(), true);
    for (std::size_t i = 0; i < y.size(); ++i) correct += predicted[i] == y[i];
  }
};

}  // namespace

void validate(const TrainConfig& config) {
  require(config.epochs >= 1, "--epochs must be at least 1, got " + std::to_string(config.epochs));
  require(config.batch_size >= 1, "--batch-size must be at least 1, got " + std::to_string(config.batch_size));
  require(config.optimizer == "sgd" || config.optimizer == "adam" || config.optimizer == "adamw",
          "--optimizer must be sgd, adam or adamw, got \"" + config.optimizer + "\"");
  require(config.lr >= 0, "--lr must be >= 0");
  require(config.momentum >= 0, "--momentum must be >= 0");
  require(config.weight_decay >= 0, "--weight-decay must be >= 0");
  require(config.dropout >= 0 && config.dropout < 1,
          "--dropout must be in [0, 1), got " + format_general(config.dropout, 6));
  require(config.momentum == 0 || config.optimizer == "sgd", "--momentum applies to --optimizer sgd only");
  require(!config.classes || *config.classes >= 1,
          "--classes must be at least 1, got " + std::to_string(config.classes.value_or(0)));
  nn::make_activation(config.activation);  // an unknown name or a bad parameter throws, naming it
}

Index output_units(int num_classes, int forced_classes) {
  if (forced_classes < 0) return num_classes == 2 ? 1 : num_classes;
  if (forced_classes == 1 && num_classes == 2) return 1;
  if (forced_classes != num_classes) {
    throw std::invalid_argument("--classes " + std::to_string(forced_classes) + " does not fit the data, which has " +
                                std::to_string(num_classes) + " classes (use " + std::to_string(num_classes) +
                                (num_classes == 2 ? ", or 1 for a single sigmoid output)" : ")"));
  }
  return forced_classes;
}

std::unique_ptr<nn::MyModel> build_model(const TrainConfig& config, Index input_size, Index outputs) {
  Generator init_gen(config.seed);
  return std::make_unique<nn::MyModel>(input_size, outputs, init_gen, config.activation, config.hidden,
                                       config.init_scheme, static_cast<Scalar>(config.dropout));
}

std::unique_ptr<nn::Optimizer> make_optimizer(const TrainConfig& config, const std::vector<Tensor>& params) {
  validate(config);
  const Scalar lr = static_cast<Scalar>(config.lr), decay = static_cast<Scalar>(config.weight_decay);
  const auto betas = std::make_pair(Scalar(0.9), Scalar(0.999));  // PyTorch's defaults, as eps below
  if (config.optimizer == "sgd")
    return std::make_unique<nn::SGD>(params, lr, static_cast<Scalar>(config.momentum), 0, decay);
  if (config.optimizer == "adam") return std::make_unique<nn::Adam>(params, lr, betas, Scalar(1e-8), decay);
  // AdamW's weight decay defaults to 0.01, as torch.optim.AdamW's.
  return std::make_unique<nn::AdamW>(params, lr, betas, Scalar(1e-8), config.weight_decay > 0 ? decay : Scalar(1e-2));
}

Tensor classification_loss(const Tensor& logits, const std::vector<int>& y) {
  if (logits.cols() == 1) {
    Matrix target(logits.rows(), 1);
    for (Index i = 0; i < logits.rows(); ++i) target(i, 0) = static_cast<Scalar>(y[static_cast<std::size_t>(i)]);
    return nn::binary_cross_entropy_with_logits(logits, Tensor::from_matrix(std::move(target)));
  }
  return nn::cross_entropy(logits, y);
}

Trainer::Trainer(nn::MyModel& model, const Dataset& train, const TrainConfig& config)
    : model_(model), train_(train), shuffle_gen_(config.seed ^ shuffle_stream),
      loader_(train, config.batch_size, config.shuffle, shuffle_gen_),
      optimizer_(make_optimizer(config, model.parameters())) {
  if (train.size() == 0) throw std::invalid_argument("the training set is empty");
}

std::optional<EpochStats> Trainer::train_epoch(FitObserver& watch) {
  const int epoch = epochs_done_ + 1;
  model_.train();
  EpochTotals totals;
  loader_.start_epoch();
  const Index batches = loader_.num_batches();
  for (Index b = 0; b < batches; ++b) {
    // A new tensor for the first batch and for a last, shorter one; otherwise the previous step's
    // graph, the only other holder of xb_, is gone, and its storage can be overwritten.
    const Index rows = loader_.batch_rows(b);
    if (!xb_.defined() || xb_.rows() != rows) xb_ = Tensor::from_matrix(Matrix(rows, train_.num_features()));
    loader_.batch(b, xb_.mutable_value(), yb_);

    const Tensor logits = model_.logits(xb_);
    const Tensor loss = classification_loss(logits, yb_);
    optimizer_->zero_grad();
    loss.backward();
    watch.on_step({epoch, b + 1, batches, rows, loss});
    optimizer_->step();

    totals.add(loss, logits, yb_);
    samples_seen_ += rows;
    if (watch.should_stop()) return std::nullopt;
  }
  epochs_done_ = epoch;
  EpochStats stats;
  stats.epoch = epoch;
  stats.train_loss = totals.loss_sum / static_cast<double>(train_.size());
  stats.train_accuracy = totals.correct / static_cast<double>(train_.size());
  stats.lr = optimizer_->lr();
  return stats;
}

FitResult fit(nn::MyModel& model, const Dataset& train, const Dataset& test, const TrainConfig& config,
              FitObserver* observer) {
  validate(config);
  FitObserver nobody;
  FitObserver& watch = observer ? *observer : nobody;
  Trainer trainer(model, train, config);
  FitResult result;
  const auto run_start = std::chrono::steady_clock::now();
  while (trainer.epochs_done() < config.epochs) {
    const auto epoch_start = std::chrono::steady_clock::now();
    std::optional<EpochStats> stats = trainer.train_epoch(watch);
    if (!stats) {  // a partial epoch is not reported as if it were whole
      result.stopped_early = true;
      break;
    }
    if (test.size() > 0) {
      const Evaluation eval = evaluate(model, test.X, test.y);
      stats->test_loss = eval.loss;
      stats->test_accuracy = eval.accuracy;
    }
    stats->seconds = seconds_since(epoch_start);
    result.epochs.push_back(*stats);
    watch.on_epoch(*stats);
  }
  result.train_seconds = seconds_since(run_start);
  result.samples_seen = trainer.samples_seen();
  return result;
}

}  // namespace ember
