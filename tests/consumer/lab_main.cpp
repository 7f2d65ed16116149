// A program of your own that uses Ember's lab (Ember::lab, or pkg-config's ember-lab): the built-in
// iris data (embedded in the library: no file is read), split and standardized, trained with fit(),
// then the generated two moons. Exits 1 below 85% test accuracy on either. Built by ctest against an
// installed Ember and by add_subdirectory (tests/consumer/CMakeLists.txt).
#include <cstdio>

#include "ember/core/train/trainer.hpp"
#include "ember/lab/data/builtin.hpp"
#include "ember/lab/data/generators.hpp"
#include "ember/lab/data/split.hpp"

namespace {

// Standardizes with the training split's statistics, trains, and returns the last test accuracy.
double train_and_test(ember::Dataset train, ember::Dataset test, int epochs) {
  using namespace ember;
  const Standardizer scaler = Standardizer::fit(train.X);
  scaler.apply(train.X);
  scaler.apply(test.X);
  TrainConfig config;
  config.epochs = epochs;
  config.lr = 0.01;
  const auto model = build_model(config, train.num_features(), output_units(train.num_classes(), -1));
  const FitResult result = fit(*model, train, test, config);
  const EpochStats& last = result.epochs.back();
  std::printf("%s: %ld train / %ld test rows, %d epochs, train loss %.4f -> %.4f, test accuracy %.3f\n",
              train.name.c_str(), static_cast<long>(train.size()), static_cast<long>(test.size()), last.epoch,
              result.epochs.front().train_loss, last.train_loss, last.test_accuracy);
  return last.test_accuracy;
}

}  // namespace

int main() {
  using namespace ember;
  DataOptions iris;
  iris.dataset = "iris";
  auto [iris_train, iris_test] = load_train_test(iris, 0.2);
  const double iris_accuracy = train_and_test(iris_train, iris_test, 40);

  Generator gen(0);
  const Dataset two_moons = moons(200, 0.1, gen);
  auto [moons_train, moons_test] = stratified_split(two_moons, 0.2, gen);
  const double moons_accuracy = train_and_test(moons_train, moons_test, 40);

  const bool ok = iris_accuracy >= 0.85 && moons_accuracy >= 0.85;
  std::printf("ember lab consumer: %s\n", ok ? "ok" : "FAILED (test accuracy below 0.85)");
  return ok ? 0 : 1;
}
