// ember demo, article section 4: the article's MyModel, binary and multiclass, run on a random
// batch; then its two faults, each shown with a short run: forward() reads a `num_classes` that
// __init__ never stored, and its softmax output is fed to CrossEntropyLoss, which applies softmax
// again and so cannot reach a loss below −log(e / (e + C − 1)). The rest of the demo: article_demo.cpp.
#include <cmath>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "article_demo_sections.hpp"
#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/engine/format.hpp"
#include "ember/core/engine/ops.hpp"
#include "ember/core/nn/loss.hpp"
#include "ember/core/nn/optim.hpp"
#include "ember/lab/text/tensor_print.hpp"

namespace ember::demo {

namespace {

constexpr int kClasses = 5;
constexpr int kSteps = 200;             // full-batch Adam steps per run
constexpr int kReportEvery = 25;        // a table row every this many steps
constexpr double kLearningRate = 1e-3;  // Adam's default, as in torch.optim.Adam

// A small separable training set: `n` points in 10 dimensions, class k = i mod 5 centred at 3·e_k
// (unit vector k) with Gaussian noise of std 0.5 per coordinate: centres 4.2 apart, ≈ 8.5 noise stds.
struct Blobs {
  Tensor x;            // [n, 10]
  std::vector<int> y;  // n class indices
};
Blobs separable_blobs(Index n, Generator& gen) {
  Matrix x(n, 10);
  std::vector<int> y(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) {
    y[static_cast<std::size_t>(i)] = static_cast<int>(i % kClasses);
    for (Index d = 0; d < 10; ++d) x(i, d) = static_cast<Scalar>(gen.normal(0, 0.5));
    x(i, i % kClasses) += 3;
  }
  return {Tensor::from_matrix(std::move(x)), std::move(y)};
}

// Trains `model` full batch with Adam and returns the loss after 0, 1, ..., kSteps updates.
// softmax_first: the article's way, CrossEntropyLoss(model(x)) on the probabilities; otherwise
// CrossEntropyLoss(model.logits(x)), the right way.
std::vector<double> train(nn::MyModel& model, const Blobs& data, bool softmax_first) {
  nn::CrossEntropyLoss criterion;
  nn::Adam optimizer(model.parameters(), Scalar(kLearningRate));
  std::vector<double> losses;
  for (int step = 0;; ++step) {
    optimizer.zero_grad();
    const Tensor loss = criterion(softmax_first ? model.forward(data.x) : model.logits(data.x), data.y);
    losses.push_back(loss.item());
    if (step == kSteps) return losses;
    loss.backward();
    optimizer.step();
  }
}

}  // namespace

void show_models(std::ostream& out, nn::MyModel& binary_model, nn::MyModel& multi_model, const Tensor& x) {
  header(out, "4", "In practice: the article's MyModel, binary and multiclass");
  out << ">>> binary_model = MyModel(input_size=10, num_classes=1); print(binary_model)\n"
      << binary_model << "\n"
      << ">>> multi_model = MyModel(input_size=10, num_classes=5); print(multi_model)\n"
      << multi_model << "\n"
      << "(PyTorch would list only fc1..fc3: the article calls relu and its heads as functions)\n"
      << ">>> x = torch.randn(3, 10)   # 3 samples, 10 features; x and the weights: Ember's generator, --seed\n";
  NoGradGuard no_grad;
  show(out, "with torch.no_grad(): p = binary_model(x); print(p)   # sigmoid: P(class 1)", binary_model(x));
  const Tensor p = multi_model(x);
  show(out, "with torch.no_grad(): p = multi_model(x); print(p)    # softmax over 5 classes", p);
  show(out, "print(p.sum(dim=1))                                   # each row sums to 1", sum(p, 1));
}

void show_faults(std::ostream& out, nn::MyModel& binary_model, nn::MyModel& multi_model, const Tensor& x,
                 Generator& gen) {
  header(out, "4", "The article model's two faults");
  out << "(a) forward() reads `num_classes`, but __init__ never stored it (no self.num_classes): Python\n"
         "    looks the name up as a global at call time, so the first binary_model(x) raises\n"
         "      NameError: name 'num_classes' is not defined\n"
         "    unless the script has a global num_classes: then both models silently use the head it picks.\n"
         "    With num_classes = 5 at top level, the binary model softmaxes its single column:\n";
  {
    NoGradGuard no_grad;
    show(out, "torch.softmax(binary_model.fc3(h), dim=1)", softmax(binary_model.logits(x), 1));
  }
  out << "    Ember's MyModel stores it: binary_model.num_classes() = " << binary_model.num_classes()
      << ", multi_model.num_classes() = " << multi_model.num_classes() << ".\n";

  // −log softmax(p)_y over a probability row p is smallest when p is one-hot at y: −log(e / (e + C − 1)).
  const double bound = -std::log(std::exp(1.0) / (std::exp(1.0) + (kClasses - 1)));
  out << "(b) multi_model returns softmax probabilities. Trained the usual way, with\n"
         "    nn.CrossEntropyLoss()(multi_model(x), y), they are softmaxed again: the loss applies\n"
         "    log_softmax itself. Even a perfect one-hot row then scores -log(e / (e + C - 1)), so\n"
      << "    for C = 5 the loss cannot fall below  bound = " << format_fixed(bound, 4) << "\n";
  const Blobs data = separable_blobs(100, gen);
  nn::MyModel softmax_twice(10, kClasses, gen), from_logits(10, kClasses, gen);
  softmax_twice.load_state_dict(multi_model.state_dict());  // both runs start from multi_model's weights
  from_logits.load_state_dict(multi_model.state_dict());
  out << "    Two runs from multi_model's weights, " << kSteps << " full-batch Adam steps (lr "
      << format_general(kLearningRate, 6)
      << ") on 100\n    separable points in 5 clusters. Ember warns about the first on stderr, once: intended.\n";
  const std::vector<double> twice = train(softmax_twice, data, true);
  const std::vector<double> once = train(from_logits, data, false);
  char head[128];
  std::snprintf(head, sizeof head, "    %5s   %30s   %22s\n", "step", "CE(softmax(z)): the article's",
                "CE(z): the logits");
  out << head;
  for (int step = 0; step <= kSteps; step += kReportEvery) {
    char row[128];
    const auto at = static_cast<std::size_t>(step);
    std::snprintf(row, sizeof row, "    %5d   %30s   %22s\n", step, format_fixed(twice[at], 4).c_str(),
                  format_fixed(once[at], 4).c_str());
    out << row;
  }
  out << "final loss, softmax fed to CrossEntropyLoss: " << format_fixed(twice.back(), 4) << " (bound "
      << format_fixed(bound, 4) << ": it plateaus above)\n"
      << "final loss, logits fed to CrossEntropyLoss: " << format_fixed(once.back(), 4) << " (heading to 0)\n"
      << "The fix: give the loss the logits (Ember's MyModel::logits; in PyTorch, return fc3's output\n"
         "and apply softmax only to read probabilities).\n";
}

}  // namespace ember::demo
