// ember_bench_activations: seconds per epoch of training MyModel with each of several hidden activations,
// built-in ops and formulas side by side (silu against the formula x*sigmoid(x), the same function), on
// one dataset, as `ember train` trains (standardized features, Adam lr 1e-3, fit() with its per-batch
// loss and accuracy). Prints one tab-separated line per timed fit; bench/activations.py runs it on
// several workloads and turns the lines into the table of bench/README.md.
//   ember_bench_activations --dataset moons [--samples N] [--hidden 64,32] [--batch 32] [--epochs 20]
//                           [--repeats 7] [--activations "relu,silu,x*sigmoid(x),mish,x*tanh(softplus(x))"]
// Each repeat trains every activation once, from the same initial weights (seed 0), in an order rotated
// from repeat to repeat, so that a slow spell of the shared machine falls on all of them alike and a
// ratio taken within one repeat compares like with like. One repeat before the timed ones warms up.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "ember/core/train/trainer.hpp"
#include "ember/lab/data/builtin.hpp"
#include "ember/lab/data/split.hpp"
#include "ember/lab/formula/formula.hpp"
#include "ember/lab/formula/formula_activation.hpp"
#include "ember/lab/runtime/process.hpp"

using namespace ember;

namespace {

struct Options {
  DataOptions data;
  TrainConfig config;
  int repeats = 7;
  std::vector<std::string> activations = {"relu", "silu", "x*sigmoid(x)", "mish", "x*tanh(softplus(x))"};
};

std::vector<Index> read_sizes(const std::string& list) {
  std::vector<Index> sizes;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) sizes.push_back(std::atol(item.c_str()));
  return sizes;
}

Options read_options(int argc, char** argv) {
  Options o;
  o.data.dataset = "moons";
  o.config.epochs = 20;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const std::string value = i + 1 < argc ? argv[++i] : "";
    if (arg == "--dataset") o.data.dataset = value;
    else if (arg == "--samples") o.data.samples = std::atol(value.c_str());
    else if (arg == "--hidden") o.config.hidden = read_sizes(value);
    else if (arg == "--batch") o.config.batch_size = std::atol(value.c_str());
    else if (arg == "--epochs") o.config.epochs = std::atoi(value.c_str());
    else if (arg == "--repeats") o.repeats = std::atoi(value.c_str());
    else if (arg == "--activations") o.activations = split_activation_list(value);  // commas inside () stay
    else {
      std::fprintf(stderr, "ember_bench_activations: unknown option %s\n", arg.c_str());
      std::exit(2);
    }
  }
  return o;
}

// One fit() of `config.epochs` epochs from seed 0's weights: seconds per epoch, and the last epoch's
// training loss (printed so that a formula that trains differently from its built-in shows).
std::pair<double, double> time_fit(TrainConfig config, const std::string& activation, const Dataset& train) {
  config.activation = activation;
  const Dataset no_test;
  auto model = build_model(config, train.num_features(), output_units(train.num_classes(), -1));
  const auto start = std::chrono::steady_clock::now();
  const FitResult result = fit(*model, train, no_test, config);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return {seconds / config.epochs, result.epochs.back().train_loss};
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = read_options(argc, argv);
  tune_process();  // as the `ember` program runs: glibc keeps freed memory, 1 thread
  set_num_threads(1);
  register_formula_activations();
  // The data as `ember train` prepares it: its split (test_split 0.2, seed 0), features standardized.
  Dataset train = load_train_test(o.data, 0.2).first;
  Standardizer::fit(train.X).apply(train.X);

  std::string hidden;
  for (Index h : o.config.hidden) hidden += (hidden.empty() ? "" : ",") + std::to_string(h);
  std::printf("#dataset\ttrain_rows\thidden\tbatch\tepochs\trepeat\tactivation\ts_per_epoch\tfinal_loss\n");
  const std::size_t n = o.activations.size();
  for (int r = 0; r <= o.repeats; ++r) {  // r = 0 warms up
    for (std::size_t k = 0; k < n; ++k) {
      const std::string& activation = o.activations[(k + static_cast<std::size_t>(r)) % n];
      const auto [seconds, loss] = time_fit(o.config, activation, train);
      if (r == 0) continue;
      std::printf("%s\t%ld\t%s\t%ld\t%d\t%d\t%s\t%.6g\t%.6g\n", o.data.dataset.c_str(), static_cast<long>(train.size()),
                  hidden.c_str(), static_cast<long>(o.config.batch_size), o.config.epochs, r, activation.c_str(),
                  seconds, loss);
      std::fflush(stdout);
    }
  }
  return 0;
}
