// Ember's training step as a user writes it, timed: logits = model.logits(x); loss =
// cross_entropy(logits, y); zero_grad; backward; step. And a Fashion-MNIST epoch through fit().
#include <chrono>
#include <string>

#include "ember/core/engine/format.hpp"
#include "ember/core/nn/loss.hpp"
#include "ember/core/nn/mymodel.hpp"
#include "ember/core/nn/optim.hpp"
#include "ember/core/train/trainer.hpp"
#include "ember/lab/data/idx.hpp"
#include "ember/lab/runtime/process.hpp"
#include "workloads.hpp"

using namespace ember;

namespace {

std::unique_ptr<nn::Optimizer> make(const std::string& optimizer, const std::vector<Tensor>& params) {
  if (optimizer == "adam") return std::make_unique<nn::Adam>(params, Scalar(1e-3));
  return std::make_unique<nn::SGD>(params, Scalar(0.01));
}

}  // namespace

namespace {

// What one Ember step needs, kept alive by the TimedStep that uses it.
struct EmberSetup {
  nn::MyModel model;
  Tensor x;
  std::vector<int> y;
  std::unique_ptr<nn::Optimizer> optimizer;

  EmberSetup(const Workload& w, const std::string& optimizer_name, const std::string& activation, Generator& gen)
      : model(w.inputs, w.classes, gen, activation, {w.hidden1, w.hidden2}) {
    Matrix X(w.batch, w.inputs);
    for (Index i = 0; i < X.size(); ++i) X.data()[i] = static_cast<Scalar>(gen.normal(0, 1));
    x = Tensor::from_matrix(std::move(X));
    y.resize(static_cast<std::size_t>(w.batch));
    for (int& label : y) label = static_cast<int>(gen.below(static_cast<std::uint32_t>(w.classes)));
    optimizer = make(optimizer_name, model.parameters());
  }

  Tensor forward() { return model.logits(x); }
  Tensor loss(const Tensor& logits) { return nn::cross_entropy(logits, y); }
};

}  // namespace

// The step as a user writes it.
TimedStep make_ember_step(const Workload& w, const std::string& optimizer, const std::string& activation) {
  Generator gen(1);
  auto setup = std::make_shared<EmberSetup>(w, optimizer, activation, gen);
  return [setup] {
    const Tensor logits = setup->forward();
    const Tensor loss = setup->loss(logits);
    setup->optimizer->zero_grad();
    loss.backward();
    setup->optimizer->step();
  };
}

// Where a step's time goes: each phase timed alone, medians (the forward's graph is kept for backward).
void print_ember_breakdown(const Workload& w, const std::string& optimizer, const std::string& activation, int steps) {
  Generator gen(1);
  EmberSetup s(w, optimizer, activation, gen);
  Tensor logits, loss;
  auto phase = [&](const char* name, auto&& run_before, auto&& timed) {
    std::vector<double> us;
    for (int i = 0; i < steps; ++i) {
      run_before();
      const auto start = std::chrono::steady_clock::now();
      timed();
      us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(us.begin(), us.end());
    std::printf("#breakdown\t%s\t%s\t%s\t%s\n", w.name, optimizer.c_str(), name,
                format_fixed(us[us.size() / 2], 3).c_str());
  };
  auto nothing = [] {};
  // clang-format off
  auto forward_and_loss = [&] { logits = s.forward(); loss = s.loss(logits); };
  phase("forward", nothing, [&] { logits = s.forward(); });
  phase("loss", [&] { logits = s.forward(); }, [&] { loss = s.loss(logits); });
  phase("zero_grad+backward", forward_and_loss, [&] { s.optimizer->zero_grad(); loss.backward(); });
  phase("optimizer_step", [&] { forward_and_loss(); s.optimizer->zero_grad(); loss.backward(); },
        [&] { s.optimizer->step(); });
  phase("free_graph", forward_and_loss, [&] { logits = Tensor(); loss = Tensor(); });
  // clang-format on
}

// A Fashion-MNIST epoch (60,000 images, 469 batches of 128, Adam) through fit(), as `ember train` runs it
// without a test set. Loading the files is not timed.
void bench_ember_epoch(const std::string& optimizer, int threads, int repeats) {
  set_num_threads(threads);
  const Dataset train = fashion_mnist("", true);
  const Dataset no_test;
  TrainConfig config;
  config.epochs = 1;
  config.batch_size = 128;
  config.optimizer = optimizer;
  config.lr = optimizer == "adam" ? 1e-3 : 0.01;
  std::vector<double> us;
  long rss_first = 0;
  for (int r = 0; r < repeats + 1; ++r) {
    auto model = build_model(config, train.num_features(), train.num_classes());
    const auto start = std::chrono::steady_clock::now();
    fit(*model, train, no_test, config);
    const double elapsed = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
    if (r == 0) rss_first = resident_kib();  // the first run warms up (page faults, caches)
    else us.push_back(elapsed);
  }
  std::sort(us.begin(), us.end());
  Timing t;
  t.median_us = us[us.size() / 2];
  t.q1_us = us[us.size() / 4];
  t.q3_us = us[us.size() * 3 / 4];
  t.rss_growth_kib = resident_kib() - rss_first;
  print_result("ember", "epoch", optimizer, threads, t);
}
