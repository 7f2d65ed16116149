// The activation experiments of `ember replicate` (replicate.hpp): Glorot & Bengio 2010 (saturation and
// the gradients of a deep sigmoid, tanh or softsign network), Clevert et al. 2016 (ELU against ReLU) and
// Ramachandran et al. 2017 (Swish against ReLU in deep plain networks). Each runs comparisons on the
// digits with the per-layer figures on (layer_report.hpp), and reads its statistics from their epochs.
// The settings were found by measuring the quick forms over 20 seed bases (tests/test_replicate.cpp).
#include <algorithm>
#include <cmath>

#include "ember/core/engine/format.hpp"
#include "replicate_common.hpp"

namespace ember {

namespace {

using replicate::Data;

TrainConfig digits_sgd(int depth, double lr, Index batch, int epochs, nn::InitScheme init, std::uint64_t seed) {
  TrainConfig base;
  base.hidden = replicate::layers(depth, 64);
  base.optimizer = "sgd";
  base.lr = lr;
  base.batch_size = batch;
  base.epochs = epochs;
  base.init_scheme = init;
  base.seed = seed;
  return base;
}

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return values.empty() ? NAN : sum / static_cast<double>(values.size());
}

// Both checks (of one claim at two depths) must agree: reproduced if both are, not reproduced if either is not.
Check both(const std::string& claim, const std::string& rule, const Check& first, const Check& second) {
  Check c;
  c.claim = claim;
  c.rule = rule;
  c.figures = first.figures;
  c.figures.insert(c.figures.end(), second.figures.begin(), second.figures.end());
  c.because = first.because + "; " + second.because;
  Replication pair;
  pair.checks = {first, second};
  c.outcome = pair.outcome();
  return c;
}

Replication run_glorot_2010(const ReplicateOptions& options) {
  Replication r;
  r.name = "glorot2010";
  r.paper =
      "Glorot & Bengio 2010, \"Understanding the difficulty of training deep feedforward neural networks\" "
      "(AISTATS)";
  r.claim =
      "in a deep MLP, sigmoid drives the top hidden layer to saturation at 0 early on; with the standard "
      "init the gradients shrink on their way to the lower layers, with the normalized init they stay "
      "comparable; softsign saturates less than tanh";
  r.quick = options.quick;
  r.seeds = options.seeds > 0 ? options.seeds : options.quick ? 5 : 10;
  const Data data = replicate::load("digits", options.seed);
  const int sigmoid_epochs = options.quick ? 2 : 5, tanh_epochs = options.quick ? 10 : 20;
  r.setup = data.description + "; 5 hidden layers of 64 units; plain SGD, batch 10; sigmoid at lr 0.5 for " +
            std::to_string(sigmoid_epochs) + " epochs, tanh and softsign at lr 0.1 for " + std::to_string(tanh_epochs) +
            " epochs, and for the gradients tanh at lr 0.01 for 1 epoch (near the initial weights); standard init "
            "U[-1/sqrt(n), 1/sqrt(n)] (PyTorch's default) and normalized (Xavier) init; activations measured at "
            "the end of the epoch on a probe of 512 training rows; " +
            std::to_string(r.seeds) + " seeds";
  r.differs =
      "the paper trains 1000-unit layers on Shapeset-3x2, MNIST and CIFAR-10 and follows the activations "
      "over many epochs; here 64-unit layers on the 8x8 digits, a few epochs. The gradients reaching each "
      "layer are estimated from its weight gradient divided by the rms of its input (Ember records weight "
      "gradients, not dL/ds itself).";
  const int top = 4;  // the 5th hidden layer
  // 1a: sigmoid's top layer, against the lower layers, at the last epoch.
  const CompareResult sigmoid =
      replicate::run_arm(data, digits_sgd(5, 0.5, 10, sigmoid_epochs, nn::InitScheme::Default, options.seed),
                         {"sigmoid"}, r.seeds, options, true);
  const std::vector<double> top_mean = replicate::per_seed(
      sigmoid, "sigmoid", [&](const CompareRun& run) { return run.epochs.back().layers[top].act_mean; });
  const std::vector<double> lower_mean = replicate::per_seed(sigmoid, "sigmoid", [](const CompareRun& run) {
    const auto& layers = run.epochs.back().layers;
    return (layers[0].act_mean + layers[1].act_mean + layers[2].act_mean) / 3;
  });
  std::vector<double> gap;
  for (std::size_t s = 0; s < top_mean.size(); ++s) gap.push_back(lower_mean[s] - top_mean[s]);
  r.checks.push_back(replicate::threshold_check(
      "With sigmoid, the top hidden layer is driven towards 0 within the first epochs.",
      "the top (5th) hidden layer's mean activation: the 95% interval of its mean over seeds below 0.2",
      {"sigmoid, mean activation of hidden layer 5, epoch " + std::to_string(sigmoid_epochs), top_mean, 3}, 0.2, false,
      options.seed));
  Check lower =
      replicate::threshold_check("Meanwhile the lower layers stay near 0.5, sigmoid's middle.",
                                 "layers 1-3's mean activation minus layer 5's: the 95% interval of its mean above 0.3",
                                 {"sigmoid, layers 1-3 minus layer 5", gap, 3}, 0.3, true, options.seed);
  lower.figures.insert(lower.figures.begin(), {"sigmoid, mean activation of hidden layers 1-3", lower_mean, 3});
  r.checks.push_back(std::move(lower));

  // 1b: the gradients on their way down, tanh, standard against normalized init.
  CompareResult tanh_arm[2];
  const nn::InitScheme inits[2] = {nn::InitScheme::Default, nn::InitScheme::Xavier};
  for (int k = 0; k < 2; ++k)
    tanh_arm[k] =
        replicate::run_arm(data, digits_sgd(5, 0.01, 10, 1, inits[k], options.seed), {"tanh"}, r.seeds, options, true);
  // δ_k ≈ ‖dL/dW_k‖ / rms(h_(k−1)), since dL/dW_k = δ_kᵀ h_(k−1): the gradient reaching layer 2 over layer 5's.
  const auto backprop_ratio = [](const CompareRun& run) {
    const StudyEpoch& e = run.epochs.front();
    const auto rms = [&](std::size_t layer) {
      return std::sqrt(e.layers[layer].act_mean * e.layers[layer].act_mean +
                       e.layers[layer].act_std * e.layers[layer].act_std);
    };
    return std::log10((e.grad_norm[1] / rms(0)) / (e.grad_norm[4] / rms(3)));
  };
  const auto weight_ratio = [](const CompareRun& run) {
    return std::log10(run.epochs.front().grad_norm[0] / run.epochs.front().grad_norm[4]);
  };
  const std::vector<double> backprop_default = replicate::per_seed(tanh_arm[0], "tanh", backprop_ratio);
  const std::vector<double> backprop_xavier = replicate::per_seed(tanh_arm[1], "tanh", backprop_ratio);
  const std::vector<double> weight_default = replicate::per_seed(tanh_arm[0], "tanh", weight_ratio);
  const std::vector<double> weight_xavier = replicate::per_seed(tanh_arm[1], "tanh", weight_ratio);
  r.checks.push_back(replicate::paired_check(
      "The gradient reaching the lower layers shrinks with the standard init and much less with the normalized.",
      "log10 of the gradient reaching layer 2 over that reaching layer 5 (epoch 1, tanh), normalized minus "
      "standard init, paired over seeds: its 95% interval above 0",
      {{"log10 backprop gradient layer 2 / layer 5, standard init", backprop_default, 3},
       {"log10 backprop gradient layer 2 / layer 5, normalized init", backprop_xavier, 3}},
      backprop_xavier, backprop_default, true, options.seed));
  r.checks.push_back(replicate::paired_check(
      "So do the weight gradients, if far less (the paper: they hardly shrink).",
      "log10 of fc1's weight-gradient norm over fc5's (epoch 1, tanh), normalized minus standard init, paired: its "
      "95% interval above 0",
      {{"log10 weight gradient fc1 / fc5, standard init", weight_default, 3},
       {"log10 weight gradient fc1 / fc5, normalized init", weight_xavier, 3}},
      weight_xavier, weight_default, true, options.seed));

  // 1c: tanh against softsign: the slope at each layer's 98th-percentile activation |a|, the paper's "saturation".
  const CompareResult saturation =
      replicate::run_arm(data, digits_sgd(5, 0.1, 10, tanh_epochs, nn::InitScheme::Default, options.seed),
                         {"tanh", "softsign"}, r.seeds, options, true);
  // The slope from the activation a itself: tanh' = 1 − a², softsign' = 1/(1+|x|)² = (1 − |a|)².
  const auto slope = [](bool softsign) {
    return [softsign](const CompareRun& run) {
      double sum = 0;
      for (const LayerHealth& h : run.epochs.back().layers) {
        const double a = std::max(std::abs(h.act_p2), std::abs(h.act_p98));
        sum += softsign ? (1 - a) * (1 - a) : 1 - a * a;
      }
      return std::log10(sum / static_cast<double>(run.epochs.back().layers.size()));
    };
  };
  const std::vector<double> tanh_slope = replicate::per_seed(saturation, "tanh", slope(false));
  const std::vector<double> softsign_slope = replicate::per_seed(saturation, "softsign", slope(true));
  r.checks.push_back(replicate::paired_check(
      "Softsign saturates less than tanh: its units keep a steeper slope where their activations are largest.",
      "log10 of f' at the 98th-percentile |activation| (mean over the 5 layers, last epoch), softsign minus tanh, "
      "paired over seeds: its 95% interval above 0",
      {{"log10 slope at the 98th percentile, tanh", tanh_slope, 3},
       {"log10 slope at the 98th percentile, softsign", softsign_slope, 3}},
      softsign_slope, tanh_slope, true, options.seed));
  return r;
}

Replication run_clevert_2016(const ReplicateOptions& options) {
  Replication r;
  r.name = "clevert2016";
  r.paper =
      "Clevert, Unterthiner & Hochreiter 2016, \"Fast and accurate deep network learning by exponential "
      "linear units (ELUs)\" (ICLR 2016)";
  r.claim =
      "ELU's mean activations are closer to zero than ReLU's, and it learns faster, the more so the deeper "
      "the network";
  r.quick = options.quick;
  r.seeds = options.seeds > 0 ? options.seeds : options.quick ? 5 : 10;
  const Data data = replicate::load("digits", options.seed);
  const int epochs = options.quick ? 3 : 10, at = options.quick ? 2 : 3;  // the loss is compared at epoch `at`
  r.setup = data.description + "; 2 and 8 hidden layers of 64 units, He init, plain SGD lr 0.01, batch 32, " +
            std::to_string(epochs) +
            " epochs; ReLU and ELU from the same weights and batches; learning speed: the "
            "training loss at epoch " +
            std::to_string(at) + "; " + std::to_string(r.seeds) + " seeds";
  r.differs =
      "the paper trains 8-layer MLPs of 128 units on MNIST and deep convolutional networks on CIFAR; here "
      "the 8x8 digits. The faster-with-depth claim holds here with He init and plain SGD only: with "
      "PyTorch's default init the 8-layer nets barely train and the difference shrinks with depth, with "
      "Adam it is within noise (measured while choosing these settings).";
  std::vector<double> mean_gap[2], speed[2];
  const int depths[2] = {2, 8};
  plot::Panel curves;
  curves.options = {"Training loss, ReLU against ELU", "epoch", "training loss (log scale)", false, true, true};
  curves.options.subtitle = "mean over " + std::to_string(r.seeds) + " seeds, shaded from the lowest to the highest";
  for (int d = 0; d < 2; ++d) {
    const CompareResult arm =
        replicate::run_arm(data, digits_sgd(depths[d], 0.01, 32, epochs, nn::InitScheme::He, options.seed),
                           {"relu", "elu"}, r.seeds, options, true);
    const auto abs_mean = [](const CompareRun& run) {
      double sum = 0;
      for (const LayerHealth& h : run.epochs.back().layers) sum += std::abs(h.act_mean);
      return sum / static_cast<double>(run.epochs.back().layers.size());
    };
    const auto loss = [at](const CompareRun& run) { return run.epochs[static_cast<std::size_t>(at - 1)].train_loss; };
    for (int k = 0; k < 2; ++k) {
      const std::string activation = k == 0 ? "relu" : "elu";
      curves.series.push_back(replicate::loss_curve(
          arm, activation, (k == 0 ? "ReLU, " : "ELU, ") + std::to_string(depths[d]) + " layers", 2 * d + k));
    }
    const std::vector<double> relu_mean = replicate::per_seed(arm, "relu", abs_mean);
    const std::vector<double> elu_mean = replicate::per_seed(arm, "elu", abs_mean);
    const std::vector<double> relu_loss = replicate::per_seed(arm, "relu", loss);
    const std::vector<double> elu_loss = replicate::per_seed(arm, "elu", loss);
    for (std::size_t s = 0; s < relu_mean.size(); ++s) {
      mean_gap[d].push_back(relu_mean[s] - elu_mean[s]);
      speed[d].push_back(std::log(relu_loss[s] / elu_loss[s]));
    }
  }
  r.plots.push_back(std::move(curves));
  const std::vector<double> zeros(speed[0].size(), 0.0);
  const auto at_depth = [&](int d, const std::vector<double>& values, const std::string& what) {
    return replicate::paired_check("", "", {{what + ", " + std::to_string(depths[d]) + " layers", values, 3}}, values,
                                   zeros, true, options.seed);
  };
  r.checks.push_back(both("ELU's mean activations are closer to zero than ReLU's.",
                          "the layers' mean |mean activation| (last epoch), ReLU minus ELU, paired over seeds: its "
                          "95% interval above 0, at 2 and at 8 layers",
                          at_depth(0, mean_gap[0], "ReLU minus ELU, |mean activation|"),
                          at_depth(1, mean_gap[1], "ReLU minus ELU, |mean activation|")));
  r.checks.push_back(both("ELU learns faster than ReLU.",
                          "ln(ReLU's training loss / ELU's) at epoch " + std::to_string(at) +
                              ", paired over seeds: its 95% interval above 0, at 2 and at 8 layers",
                          at_depth(0, speed[0], "ln(ReLU loss / ELU loss)"),
                          at_depth(1, speed[1], "ln(ReLU loss / ELU loss)")));
  r.checks.push_back(replicate::paired_check(
      "The advantage grows with depth.",
      "ln(ReLU loss / ELU loss) at 8 layers minus at 2, paired over seeds: its 95% interval above 0",
      {{"ln(ReLU loss / ELU loss), 2 layers", speed[0], 3}, {"ln(ReLU loss / ELU loss), 8 layers", speed[1], 3}},
      speed[1], speed[0], true, options.seed));
  return r;
}

Replication run_ramachandran_2017(const ReplicateOptions& options) {
  Replication r;
  r.name = "ramachandran2017";
  r.paper = "Ramachandran, Zoph & Le 2017, \"Searching for activation functions\" (arXiv:1710.05941)";
  r.claim = "in deep plain MLPs, Swish (x·sigmoid(x)) keeps training at depths where ReLU degrades";
  r.quick = options.quick;
  r.seeds = options.seeds > 0 ? options.seeds : 10;
  const Data data = replicate::load("digits", options.seed);
  const std::vector<int> depths = options.quick ? std::vector<int>{5, 25} : std::vector<int>{5, 10, 20, 25, 30, 40};
  const int deep = 25;
  r.setup = data.description + "; plain MLPs of 64 units at depths " + replicate::number_list(depths) +
            ", He init, Adam lr 0.003, batch 32, 10 epochs; ReLU and Swish from the same weights and batches; " +
            std::to_string(r.seeds) + " seeds";
  r.differs =
      "the paper trains fully connected networks of growing depth on MNIST, where ReLU falls behind "
      "Swish once optimization gets hard, past about 40 layers; here 64-unit layers on the 8x8 digits for 10 "
      "epochs, where the same happens sooner. The effect shows in a window: with He init and Adam at depths "
      "20 to 30 (with plain SGD Swish is the worse one, and by depth 40 both collapse on some seeds), which "
      "is where this version looks.";
  std::vector<double> relu_at, swish_at, relu_shallow, swish_shallow;
  Check curve;
  plot::Panel panel;
  panel.options = {"Final test accuracy against depth", "hidden layers", "test accuracy", false, false, true};
  panel.options.subtitle = "mean over " + std::to_string(r.seeds) + " seeds, shaded from the lowest to the highest";
  panel.series.resize(2);
  panel.series[0].label = "ReLU";
  panel.series[1].label = "Swish";
  for (int depth : depths) {
    TrainConfig base = digits_sgd(depth, 0.003, 32, 10, nn::InitScheme::He, options.seed);
    base.optimizer = "adam";
    const CompareResult arm = replicate::run_arm(data, base, {"relu", "swish"}, r.seeds, options);
    const auto accuracy = [](const CompareRun& run) { return run.epochs.back().test_accuracy; };
    const std::vector<double> relu = replicate::per_seed(arm, "relu", accuracy);
    const std::vector<double> swish = replicate::per_seed(arm, "swish", accuracy);
    for (int k = 0; k < 2; ++k) {
      const std::vector<double>& values = k == 0 ? relu : swish;
      plot::Series& series = panel.series[static_cast<std::size_t>(k)];
      series.x.push_back(depth);
      series.y.push_back(mean_of(values));
      series.band_low.push_back(*std::min_element(values.begin(), values.end()));
      series.band_high.push_back(*std::max_element(values.begin(), values.end()));
    }
    curve.figures.push_back({"test accuracy, ReLU, " + std::to_string(depth) + " layers", relu, 3});
    curve.figures.push_back({"test accuracy, Swish, " + std::to_string(depth) + " layers", swish, 3});
    if (depth == depths.front()) {
      relu_shallow = relu;
      swish_shallow = swish;
    }
    if (depth == deep) {
      relu_at = relu;
      swish_at = swish;
    }
  }
  r.plots.push_back(std::move(panel));
  r.checks.push_back(
      replicate::paired_check("ReLU degrades with depth.",
                              "ReLU's final test accuracy at " + std::to_string(depths.front()) + " layers minus at " +
                                  std::to_string(deep) + ", paired over seeds: its 95% interval above 0",
                              {{"test accuracy, ReLU, " + std::to_string(depths.front()) + " layers", relu_shallow, 3},
                               {"test accuracy, ReLU, " + std::to_string(deep) + " layers", relu_at, 3}},
                              relu_shallow, relu_at, true, options.seed));
  Check holds = replicate::paired_check(
      "At " + std::to_string(deep) + " layers Swish keeps training: it ends more accurate than ReLU.",
      "final test accuracy at " + std::to_string(deep) +
          " layers, Swish minus ReLU, paired over seeds: its 95% "
          "interval above 0",
      curve.figures, swish_at, relu_at, true, options.seed);
  holds.because += "; Swish at " + std::to_string(depths.front()) + " layers " +
                   format_fixed(mean_of(swish_shallow), 3) + ", at " + std::to_string(deep) + " " +
                   format_fixed(mean_of(swish_at), 3);
  r.checks.push_back(std::move(holds));
  return r;
}

}  // namespace

Experiment glorot_2010() {
  return {"glorot2010", "Glorot & Bengio 2010",
          "sigmoid saturates the top layer; normalized init keeps gradients comparable; softsign saturates less",
          run_glorot_2010};
}

Experiment clevert_2016() {
  return {"clevert2016", "Clevert et al. 2016", "ELU: mean activations nearer 0 than ReLU's, faster, more so deeper",
          run_clevert_2016};
}

Experiment ramachandran_2017() {
  return {"ramachandran2017", "Ramachandran et al. 2017", "Swish keeps training deep plain MLPs where ReLU degrades",
          run_ramachandran_2017};
}

}  // namespace ember
