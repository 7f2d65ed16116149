// A program of your own that uses Ember's core (Ember::core, or pkg-config's ember-core): the
// article's MyModel, Adam and cross-entropy by hand on a dataset written out here, then the same data
// through fit(). Exits 1 unless the loss falls both ways, or if linking Ember changed a process-wide
// setting (the thread count of Eigen's products) before main(). Built by ctest against an installed Ember
// and by add_subdirectory (tests/consumer/CMakeLists.txt, cmake/EmberInstallTests.cmake).
#include <cstdio>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "ember/core/data/dataset.hpp"
#include "ember/core/engine/random.hpp"
#include "ember/core/engine/tensor.hpp"
#include "ember/core/nn/loss.hpp"
#include "ember/core/nn/mymodel.hpp"
#include "ember/core/nn/optim.hpp"
#include "ember/core/train/trainer.hpp"

int main() {
  using namespace ember;
#ifdef _OPENMP
  // Eigen's default is OpenMP's; Ember's library sets nothing global (tune_process() is the
  // program's to call).
  if (Eigen::nbThreads() != omp_get_max_threads()) {
    std::printf("ember core consumer: FAILED (Eigen uses %d threads before main, OpenMP's default is %d)\n",
                Eigen::nbThreads(), omp_get_max_threads());
    return 1;
  }
#endif
  // Two classes of four points each: class 1 above the line x1 + x2 = 1, class 0 below it.
  Dataset data;
  data.name = "by hand";
  data.X = Matrix(8, 2);
  data.X << 0.0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.1f, 0.1f, 0.6f, 0.9f, 0.8f, 0.7f, 1.0f, 1.0f, 0.5f, 0.6f, 0.9f;
  data.y = {0, 0, 0, 0, 1, 1, 1, 1};
  data.class_names = {"below", "above"};
  data.feature_names = {"x1", "x2"};

  // ---- by hand: full-batch Adam steps ----
  Generator gen(0);
  nn::MyModel model(2, 2, gen);
  nn::Adam optimizer(model.parameters(), 0.01f);
  nn::CrossEntropyLoss criterion;
  const Tensor x = Tensor::from_matrix(data.X);
  double first = 0, last = 0;
  for (int step = 1; step <= 30; ++step) {
    const Tensor loss = criterion(model.logits(x), data.y);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    if (step == 1) first = loss.item();
    last = loss.item();
  }
  std::printf("Adam by hand: loss %.4f -> %.4f\n", first, last);

  // ---- fit(): the training loop of `ember train` ----
  TrainConfig config;
  config.epochs = 30;
  config.batch_size = 4;
  config.lr = 0.01;
  const auto fitted = build_model(config, data.num_features(), output_units(data.num_classes(), -1));
  const FitResult result = fit(*fitted, data, Dataset(), config);
  const double fit_first = result.epochs.front().train_loss, fit_last = result.epochs.back().train_loss;
  std::printf("fit(): %zu epochs, train loss %.4f -> %.4f\n", result.epochs.size(), fit_first, fit_last);

  const bool ok = last < 0.5 * first && fit_last < 0.5 * fit_first;
  std::printf("ember core consumer: %s\n", ok ? "ok" : "FAILED (the loss did not fall)");
  return ok ? 0 : 1;
}
