// The initialization experiments of `ember replicate` (replicate.hpp): He et al. 2015 (a deep ReLU
// network trains from He's init and stalls from Xavier's) and Lu et al. 2019 (a deep, narrow ReLU
// network is often dead before it has seen any data).
#include <cmath>

#include "ember/core/engine/format.hpp"
#include "ember/core/engine/tensor.hpp"
#include "replicate_common.hpp"

namespace ember {

namespace {

using replicate::Data;

// How far the training loss fell from epoch 1 to the last, as a share of epoch 1's: 0 for a run that
// never moved, near 1 for one that learned its training set.
double loss_drop(const CompareRun& run) {
  if (run.epochs.empty()) return NAN;
  return (run.epochs.front().train_loss - run.epochs.back().train_loss) / run.epochs.front().train_loss;
}

Replication run_he_2015(const ReplicateOptions& options) {
  Replication r;
  r.name = "he2015";
  r.paper = "He, Zhang, Ren & Sun 2015, \"Delving deep into rectifiers\" (ICCV)";
  r.claim = "a 30-layer ReLU network trains from He (Kaiming) initialization and stalls from Xavier's";
  r.quick = options.quick;
  r.seeds = options.seeds > 0 ? options.seeds : options.quick ? 5 : 20;
  const int depth = 30, epochs = 40;
  const Data data = replicate::load("spiral", options.seed);
  TrainConfig base;
  base.hidden = replicate::layers(depth, 32);
  base.optimizer = "sgd";
  base.momentum = 0.9;
  base.lr = 0.005;
  base.epochs = epochs;
  base.seed = options.seed;
  r.setup = data.description + "; " + std::to_string(depth) +
            " hidden layers of 32 ReLU units, SGD lr 0.005 "
            "momentum 0.9, batch 32, " +
            std::to_string(epochs) +
            " epochs; each seed gives both inits the same "
            "batches; " +
            std::to_string(r.seeds) + " seeds";
  r.differs =
      "the paper trains 22- and 30-layer convolutional networks on ImageNet; here a 30-layer MLP of 32 "
      "units on the spiral, the closest setting a CPU runs in seconds. The paper's contrast is at 30 "
      "layers (at 22 both converge, Xavier's more slowly), and so is this one.";
  base.init_scheme = nn::InitScheme::Xavier;
  const CompareResult xavier = replicate::run_arm(data, base, {"relu"}, r.seeds, options);
  base.init_scheme = nn::InitScheme::He;
  const CompareResult he = replicate::run_arm(data, base, {"relu"}, r.seeds, options);
  const auto final_loss = [](const CompareRun& run) { return run.epochs.back().train_loss; };
  const std::vector<double> xavier_loss = replicate::per_seed(xavier, "relu", final_loss);
  const std::vector<double> he_loss = replicate::per_seed(he, "relu", final_loss);
  const std::vector<double> xavier_drop = replicate::per_seed(xavier, "relu", loss_drop);
  const std::vector<double> he_drop = replicate::per_seed(he, "relu", loss_drop);
  const std::vector<Measured> losses = {{"final training loss, Xavier init", xavier_loss, 4},
                                        {"final training loss, He init", he_loss, 4}};
  r.checks.push_back(
      replicate::paired_check("From He's init the network ends with a lower training loss than from Xavier's.",
                              "paired over seeds: Xavier's final loss minus He's, its 95% bootstrap interval above 0",
                              losses, xavier_loss, he_loss, true, options.seed));
  plot::Panel curves;
  curves.options = {"Training loss, 30 ReLU layers", "epoch", "training loss (log scale)", false, true, false};
  curves.options.subtitle = "mean over " + std::to_string(r.seeds) + " seeds, shaded from the lowest to the highest";
  curves.series = {replicate::loss_curve(xavier, "relu", "Xavier init", 0),
                   replicate::loss_curve(he, "relu", "He init", 1)};
  r.plots.push_back(std::move(curves));
  // Stalled: the loss ends within 5% of where epoch 1 left it; trained: it fell by more than a quarter.
  r.checks.push_back(replicate::threshold_check(
      "From Xavier's init it stalls: the training loss barely moves.",
      "Xavier's fall in training loss, (epoch 1 − last) / epoch 1: the 95% interval of its mean below 0.05",
      {"fall in training loss, Xavier init", xavier_drop, 4}, 0.05, false, options.seed));
  r.checks.push_back(replicate::threshold_check("From He's init it trains: the training loss falls.",
                                                "He's fall in training loss: the 95% interval of its mean above 0.25",
                                                {"fall in training loss, He init", he_drop, 4}, 0.25, true,
                                                options.seed));
  return r;
}

// Born dead: the network's output is the same for every input of the data. That happens when some hidden
// layer outputs zeros on every input (each of its units' z < 0 everywhere), and then every layer above
// sees one constant vector; so the test is exact, bit for bit.
bool born_dead(nn::MyModel& model, const Matrix& X) {
  NoGradGuard no_grad;
  const Matrix logits = model.logits(Tensor::from_matrix(X)).value();
  for (Index r = 1; r < logits.rows(); ++r)
    if (logits.row(r) != logits.row(0)) return false;
  return true;
}

Replication run_lu_2019(const ReplicateOptions& options) {
  Replication r;
  r.name = "lu2019";
  r.paper =
      "Lu, Shin, Su & Karniadakis 2019, \"Dying ReLU and initialization: theory and numerical examples\", "
      "(arXiv:1903.06733)";
  r.claim =
      "a randomly initialized ReLU network is born dead (constant over the data) with a probability that "
      "tends to 1 as depth grows at fixed width, and sooner the narrower it is";
  r.quick = options.quick;
  const int inits = options.seeds > 0 ? options.seeds : options.quick ? 300 : 1000;
  r.seeds = inits;
  const std::vector<int> widths = options.quick ? std::vector<int>{2, 4} : std::vector<int>{2, 3, 4, 8};
  const std::vector<int> depths = options.quick ? std::vector<int>{2, 20} : std::vector<int>{2, 5, 10, 20, 50, 100};
  const Data data = replicate::load("spiral", options.seed);
  r.setup = std::to_string(inits) +
            " initializations (He's: weights uniform and symmetric about 0, "
            "biases 0) of ReLU networks of widths " +
            replicate::number_list(widths) + " and depths " + replicate::number_list(depths) +
            " hidden layers; no training; the inputs: the training points of " + data.description;
  r.differs =
      "the paper proves the limit and shows it numerically on networks of its own; here the inputs are "
      "the spiral's two features. The initialization is He's, symmetric as the theorem assumes and "
      "keeping the signal's scale through depth, so that an output constant over the data comes from a "
      "dead layer and not from a signal that faded below float precision (PyTorch's default init, whose "
      "variance shrinks layer by layer, is constant to the last bit at depth 50 even at width 8).";
  // Born-dead proportions, [width][depth].
  std::vector<std::vector<Proportion>> dead(widths.size(), std::vector<Proportion>(depths.size()));
  for (std::size_t w = 0; w < widths.size(); ++w) {
    if (options.progress)
      options.progress("width " + std::to_string(widths[w]) + ": " + std::to_string(inits) +
                       " initializations at "
                       "each depth");
    for (std::size_t d = 0; d < depths.size(); ++d) {
      TrainConfig config;
      config.hidden = replicate::layers(depths[d], widths[w]);
      config.init_scheme = nn::InitScheme::He;
      for (int i = 0; i < inits; ++i) {
        config.seed = options.seed + static_cast<std::uint64_t>(i);
        auto model = build_model(config, data.train.num_features(), data.train.num_classes());
        dead[w][d].trials += 1;
        dead[w][d].hits += born_dead(*model, data.train.X) ? 1 : 0;
      }
    }
  }
  const auto figure = [&](std::size_t w, std::size_t d) {
    const Interval ci = dead[w][d].wilson();
    Measured m{"born dead, width " + std::to_string(widths[w]) + ", depth " + std::to_string(depths[d]),
               {dead[w][d].value()},
               3};
    m.note = std::to_string(dead[w][d].hits) + " of " + std::to_string(inits) + ", 95% Wilson interval [" +
             format_fixed(ci.low, 3) + ", " + format_fixed(ci.high, 3) + "]";
    return m;
  };
  plot::Panel panel;
  panel.options = {
      "Born dead against depth", "hidden layers (log scale)", "share of networks born dead", true, false, true};
  panel.options.subtitle = std::to_string(inits) + " initializations per point; shaded: the 95% Wilson interval";
  for (std::size_t w = 0; w < widths.size(); ++w) {
    plot::Series series;
    series.label = "width " + std::to_string(widths[w]);
    for (std::size_t d = 0; d < depths.size(); ++d) {
      series.x.push_back(depths[d]);
      series.y.push_back(dead[w][d].value());
      series.band_low.push_back(dead[w][d].wilson().low);
      series.band_high.push_back(dead[w][d].wilson().high);
    }
    panel.series.push_back(std::move(series));
  }
  r.plots.push_back(std::move(panel));
  // Check 1: at every width the deepest is more often dead than the shallowest, beyond both intervals, and at
  // the narrowest width the deepest is dead more often than not.
  Check depth_check;
  depth_check.claim = "At fixed width the probability of being born dead grows with depth, towards 1.";
  depth_check.rule =
      "at every width, the deepest network's 95% Wilson interval lies above the shallowest's; at "
      "the narrowest width, the deepest's interval lies above 0.5";
  bool rises = true, falls = false;
  for (std::size_t w = 0; w < widths.size(); ++w) {
    for (std::size_t d = 0; d < depths.size(); ++d) depth_check.figures.push_back(figure(w, d));
    const Interval shallow = dead[w].front().wilson(), deep = dead[w].back().wilson();
    rises = rises && deep.low > shallow.high;
    falls = falls || deep.high < shallow.low;
  }
  const Interval narrow_deep = dead.front().back().wilson();
  if (falls) depth_check.outcome = Outcome::not_reproduced;
  else if (rises && narrow_deep.low > 0.5) depth_check.outcome = Outcome::reproduced;
  else depth_check.outcome = Outcome::inconclusive;
  depth_check.because =
      "width " + std::to_string(widths.front()) + ": " + format_fixed(dead.front().front().value(), 3) + " at depth " +
      std::to_string(depths.front()) + ", " + format_fixed(dead.front().back().value(), 3) + " at depth " +
      std::to_string(depths.back()) + "; width " + std::to_string(widths.back()) + ": " +
      format_fixed(dead.back().front().value(), 3) + " and " + format_fixed(dead.back().back().value(), 3);
  r.checks.push_back(std::move(depth_check));
  // Check 2: at the deepest depth, the narrowest network is more often dead than the widest.
  Check width_check;
  width_check.claim = "At the same depth, a narrower network is more often born dead.";
  width_check.rule = "at the deepest depth, the narrowest width's 95% Wilson interval lies above the widest's";
  width_check.figures = {figure(0, depths.size() - 1), figure(widths.size() - 1, depths.size() - 1)};
  const Interval wide_deep = dead.back().back().wilson();
  width_check.outcome = narrow_deep.low > wide_deep.high   ? Outcome::reproduced
                        : narrow_deep.high < wide_deep.low ? Outcome::not_reproduced
                                                           : Outcome::inconclusive;
  width_check.because = "depth " + std::to_string(depths.back()) + ": width " + std::to_string(widths.front()) + " " +
                        format_fixed(dead.front().back().value(), 3) + ", width " + std::to_string(widths.back()) +
                        " " + format_fixed(dead.back().back().value(), 3);
  r.checks.push_back(std::move(width_check));
  return r;
}

}  // namespace

Experiment he_2015() {
  return {"he2015", "He et al. 2015", "deep ReLU nets train from He init and stall from Xavier's", run_he_2015};
}

Experiment lu_2019() {
  return {"lu2019", "Lu et al. 2019", "deep narrow ReLU nets are born dead, more often the deeper", run_lu_2019};
}

}  // namespace ember
