// fit(): the training loop. One epoch: a fresh batch order, then per batch
//   logits = model.logits(x);  loss = classification_loss(logits, y);
//   optimizer.zero_grad();  loss.backward();  optimizer.step();
// plus the measurements of EpochStats. Everything random comes from two Generators seeded by
// config.seed: one draws the initial weights, the other the batch order, so neither depends on
// the activation or on the other.
#include "ember/train/trainer.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "ember/data/loader.hpp"
#include "ember/nn/loss.hpp"
#include "ember/train/divergence.hpp"
#include "ember/train/metrics.hpp"

namespace ember {

namespace {

// Distinct streams from one seed: the weights' and the shuffle's.
constexpr std::uint64_t shuffle_stream = 0x9E3779B97F4A7C15ull;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Per hidden layer, which units have been "alive" (f' > 0) and unsaturated (f' ≥ 1% of its max)
// on at least one sample so far this epoch.
struct UnitTracker {
  std::vector<Eigen::Array<bool, 1, Eigen::Dynamic>> alive, unsaturated;

  void observe(const nn::Activation& activation, const std::vector<Tensor>& pre_activations) {
    if (alive.empty()) {
      for (const Tensor& z : pre_activations) {
        alive.push_back(Eigen::Array<bool, 1, Eigen::Dynamic>::Constant(z.cols(), false));
        unsaturated.push_back(Eigen::Array<bool, 1, Eigen::Dynamic>::Constant(z.cols(), false));
      }
    }
    const Scalar threshold = Scalar(0.01) * activation.max_derivative();
    for (std::size_t k = 0; k < pre_activations.size(); ++k) {
      const Matrix d = activation.derivative(pre_activations[k].value());
      alive[k] = alive[k] || (d.array() > 0).colwise().any();
      unsaturated[k] = unsaturated[k] || (d.array() >= threshold).colwise().any();
    }
  }

  void report(EpochStats& stats) const {
    for (std::size_t k = 0; k < alive.size(); ++k) {
      const double units = static_cast<double>(alive[k].size());
      stats.dead_fraction.push_back(static_cast<double>((!alive[k]).count()) / units);
      stats.saturated_fraction.push_back(static_cast<double>((!unsaturated[k]).count()) / units);
    }
  }
};

// The learning rate to suggest after a divergence: a tenth of the one that failed, written plainly.
std::string lower_lr(double lr) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", lr / 10);
  return buffer;
}

}  // namespace

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
                                       config.init_scheme);
}

std::unique_ptr<nn::Optimizer> make_optimizer(const TrainConfig& config, const std::vector<Tensor>& params) {
  const Scalar lr = static_cast<Scalar>(config.lr), decay = static_cast<Scalar>(config.weight_decay);
  if (config.optimizer == "sgd") return std::make_unique<nn::SGD>(params, lr, static_cast<Scalar>(config.momentum), 0, decay);
  if (config.momentum != 0) throw std::invalid_argument("--momentum applies to --optimizer sgd only");
  if (config.optimizer == "adam") return std::make_unique<nn::Adam>(params, lr, std::make_pair(Scalar(0.9), Scalar(0.999)), Scalar(1e-8), decay);
  if (config.optimizer == "adamw") {
    return std::make_unique<nn::AdamW>(params, lr, std::make_pair(Scalar(0.9), Scalar(0.999)), Scalar(1e-8),
                                       config.weight_decay > 0 ? decay : Scalar(1e-2));
  }
  throw std::invalid_argument("unknown optimizer \"" + config.optimizer + "\" (known: sgd, adam, adamw)");
}

Tensor classification_loss(const Tensor& logits, const std::vector<int>& y) {
  if (logits.cols() == 1) {
    Matrix target(logits.rows(), 1);
    for (Index i = 0; i < logits.rows(); ++i) target(i, 0) = static_cast<Scalar>(y[static_cast<std::size_t>(i)]);
    return nn::binary_cross_entropy_with_logits(logits, Tensor::from_matrix(std::move(target)));
  }
  return nn::cross_entropy(logits, y);
}

FitResult fit(nn::MyModel& model, const Dataset& train, const Dataset& test, const TrainConfig& config,
              const FitCallbacks& callbacks) {
  if (config.epochs < 1) throw std::invalid_argument("--epochs must be at least 1, got " + std::to_string(config.epochs));
  if (config.batch_size < 1) throw std::invalid_argument("--batch-size must be at least 1, got " + std::to_string(config.batch_size));
  if (train.size() == 0) throw std::invalid_argument("the training set is empty");
  Generator shuffle_gen(config.seed ^ shuffle_stream);
  DataLoader loader(train, config.batch_size, config.shuffle, shuffle_gen);
  const auto optimizer = make_optimizer(config, model.parameters());
  const int num_classes = train.num_classes();
  FitResult result;
  const auto run_start = std::chrono::steady_clock::now();
  Tensor xb;  // the batch is gathered straight into this tensor's storage: no copy per step
  std::vector<int> yb;
  for (int epoch = 1; epoch <= config.epochs; ++epoch) {
    const auto epoch_start = std::chrono::steady_clock::now();
    EpochStats stats;
    stats.epoch = epoch;
    stats.grad_norm.assign(model.layers().size(), 0.0);
    UnitTracker units;
    double loss_sum = 0, correct = 0;
    Index epoch_samples = 0;
    loader.start_epoch();
    const Index batches = loader.num_batches();
    for (Index b = 0; b < batches; ++b) {
      // A new tensor for the first batch and for a last, shorter one; otherwise the previous step's
      // graph, the only other holder of xb, is gone, and its storage can be overwritten.
      const Index rows = loader.batch_rows(b);
      if (!xb.defined() || xb.rows() != rows) xb = Tensor::from_matrix(Matrix(rows, train.num_features()));
      loader.batch(b, xb.mutable_value(), yb);
      std::vector<Tensor> pre_activations;
      const Tensor logits = model.logits(xb, config.diagnostics ? &pre_activations : nullptr);
      const Tensor loss = classification_loss(logits, yb);
      const double loss_value = loss.item();
      if (!std::isfinite(loss_value)) {
        const std::string op = first_non_finite_op(loss);
        throw TrainingDiverged("the loss became " + std::string(std::isnan(loss_value) ? "NaN" : "infinite") + " at epoch " +
                                   std::to_string(epoch) + ", batch " + std::to_string(b + 1) +
                                   (op.empty() ? "" : ", first produced by " + op) +
                                   ": training diverged; try a lower learning rate (--lr " + lower_lr(config.lr) + ")",
                               epoch, b + 1);
      }
      optimizer->zero_grad();
      loss.backward();
      const std::string bad_gradient = first_non_finite_gradient(model);
      if (!bad_gradient.empty()) {
        throw TrainingDiverged("the gradient of " + bad_gradient + " became NaN or infinite at epoch " + std::to_string(epoch) +
                                   ", batch " + std::to_string(b + 1) + " (the loss was " + std::to_string(loss_value) +
                                   "): training diverged; try a lower learning rate (--lr " + lower_lr(config.lr) + ")",
                               epoch, b + 1);
      }
      optimizer->step();
      if (config.diagnostics) units.observe(model.activation(), pre_activations);
      for (std::size_t k = 0; k < model.layers().size(); ++k) stats.grad_norm[k] += model.layers()[k]->weight().grad().norm();
      const std::vector<int> predicted = predict_classes(logits.value(), true);
      for (std::size_t i = 0; i < yb.size(); ++i) correct += predicted[i] == yb[i];
      loss_sum += loss_value * static_cast<double>(yb.size());
      result.samples_seen += static_cast<Index>(yb.size());
      epoch_samples += static_cast<Index>(yb.size());
      if (callbacks.on_batch) callbacks.on_batch(epoch, b + 1, batches);
      if (callbacks.on_batch_loss) callbacks.on_batch_loss(epoch, b + 1, batches, loss_sum / static_cast<double>(epoch_samples));
      if (callbacks.stop && callbacks.stop->load()) {
        result.stopped_early = true;
        break;
      }
    }
    if (result.stopped_early) break;  // a partial epoch is not reported as if it were whole
    for (double& norm : stats.grad_norm) norm /= static_cast<double>(batches);
    stats.train_loss = loss_sum / static_cast<double>(train.size());
    stats.train_accuracy = correct / static_cast<double>(train.size());
    if (test.size() > 0) {
      const Evaluation eval = evaluate(model, test.X, test.y, num_classes);
      stats.test_loss = eval.loss;
      stats.test_accuracy = eval.accuracy;
    }
    if (config.diagnostics) units.report(stats);
    stats.seconds = seconds_since(epoch_start);
    result.epochs.push_back(stats);
    if (callbacks.on_epoch) callbacks.on_epoch(stats);
  }
  result.train_seconds = seconds_since(run_start);
  return result;
}

}  // namespace ember
