// ember_bench: times Ember's and plain Eigen's training step on the workloads of workloads.hpp, and
// a Fashion-MNIST epoch. Prints one tab-separated line per measurement (see print_result).
//   ember_bench [--threads N] [--impl ember,eigen] [--workloads tiny,fashion,wide,epoch]
//               [--optimizers sgd,adam] [--scale F] [--epochs-repeat R] [--breakdown]
//               [--activation relu]   (Ember's hidden activation, a name or a formula: mish, x*sigmoid(x);
//                                      plain Eigen and the table use relu)
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "ember/lab/formula/formula_activation.hpp"
#include "ember/lab/runtime/process.hpp"
#include "workloads.hpp"

TimedStep make_ember_step(const Workload& w, const std::string& optimizer, const std::string& activation);
TimedStep make_eigen_step(const Workload& w, const std::string& optimizer);
void print_ember_breakdown(const Workload& w, const std::string& optimizer, const std::string& activation, int steps);
void bench_ember_epoch(const std::string& optimizer, int threads, int repeats);

namespace {

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> items;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) items.push_back(item);
  return items;
}

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 1, epoch_repeats = 5;
  double scale = 1;
  bool breakdown = false;
  std::string activation = "relu";
  std::vector<std::string> impls{"ember", "eigen"}, names{"tiny", "fashion", "wide", "epoch"},
      optimizers{"sgd", "adam"};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : "";
    if (arg == "--threads") threads = std::atoi(value), ++i;
    else if (arg == "--impl") impls = split(value), ++i;
    else if (arg == "--workloads") names = split(value), ++i;
    else if (arg == "--optimizers") optimizers = split(value), ++i;
    else if (arg == "--scale") scale = std::atof(value), ++i;
    else if (arg == "--epochs-repeat") epoch_repeats = std::atoi(value), ++i;
    else if (arg == "--breakdown") breakdown = true;
    else if (arg == "--activation") activation = value, ++i;
    else {
      std::fprintf(stderr, "ember_bench: unknown option %s\n", arg.c_str());
      return 2;
    }
  }
  std::printf(
      "#impl\tworkload\toptimizer\tthreads\tmedian_us\tq1_us\tq3_us\tallocs_per_step\t"
      "rss_growth_kib\tfaults_per_step\n");
  ember::tune_process();  // as the `ember` program runs
  ember::set_num_threads(threads);
  ember::register_formula_activations();  // --activation takes a formula, as the `ember` program's does
  for (const Workload& w : workloads()) {
    if (!has(names, w.name)) continue;
    const int steps = std::max(5, static_cast<int>(w.steps * scale));
    for (const std::string& opt : optimizers) {
      std::vector<std::string> names_run;
      std::vector<TimedStep> steps_run;
      if (has(impls, "ember")) {
        names_run.push_back(activation == "relu" ? "ember" : "ember-" + activation);
        steps_run.push_back(make_ember_step(w, opt, activation));
      }
      if (has(impls, "eigen")) {
        names_run.push_back("eigen");
        steps_run.push_back(make_eigen_step(w, opt));
      }
      const std::vector<Timing> timings = time_interleaved(steps_run, steps, std::max(3, steps / 10));
      for (std::size_t k = 0; k < timings.size(); ++k) print_result(names_run[k], w.name, opt, threads, timings[k]);
      if (breakdown && has(impls, "ember")) print_ember_breakdown(w, opt, activation, steps);
    }
  }
  if (has(names, "epoch") && has(impls, "ember"))
    for (const std::string& opt : optimizers) bench_ember_epoch(opt, threads, epoch_repeats);
  return 0;
}
