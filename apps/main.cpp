// ember: the command line. Dispatches to a command and turns every failure into one message on
// stderr and an exit status: 2 for a usage error, 1 for anything else (bad data, a bad model file,
// a diverging run), with the nearest command for a misspelt one. Each command lives in its own cmd_*.cpp.
#include <cxxopts.hpp>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "commands.hpp"
#include "ember/lab/formula/formula_activation.hpp"
#include "ember/lab/io/model_file.hpp"
#include "ember/lab/runtime/process.hpp"
#include "suggest.hpp"

namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(int, char**);
};

using namespace ember::cli;  // the cmd_* functions of commands.hpp

// clang-format off
const Command commands[] = {
    {"demo", "run every snippet of the article and print its output as PyTorch does", cmd_demo},
    {"datasets", "list the built-in datasets", cmd_datasets},
    {"train", "train the article's model on a dataset, print a line per epoch, optionally save it", cmd_train},
    {"eval", "loss, accuracy, precision/recall/F1, ROC AUC and confusion matrix of a saved model", cmd_eval},
    {"predict", "write one row of class probabilities per input row", cmd_predict},
    {"info", "what a model file holds: architecture, classes, features, encodings, training data", cmd_info},
    {"compare", "train one model per activation from identical starts and compare how they converge", cmd_compare},
    {"report", "the report of a comparison from its results files (compare --results), merging shards", cmd_report},
    {"replicate", "re-run a classic result of the papers behind the article and say whether it holds here",
     cmd_replicate},
    {"activation", "an activation (a name or a formula in x): f, f', its saturation zone, a plot, a gradient check",
     cmd_activation},
    {"graph", "the autograd graph of one forward pass and loss, as Graphviz DOT (or SVG)", cmd_graph},
};
// clang-format on

void print_usage(std::ostream& out) {
  out << "Ember: train and compare small neural-network classifiers (an autograd engine in C++).\n\n"
         "usage: ember <command> [options]\n\ncommands:\n";
  for (const Command& c : commands) {
    out << "  " << c.name << std::string(12 - std::string(c.name).size(), ' ') << c.summary << "\n";
  }
  out << "\n'ember <command> --help' describes a command's options, with an example.\n"
         "examples:\n  ember demo\n  ember compare --dataset spiral --plot compare.svg\n"
         "  ember train --dataset iris --epochs 200 --save iris.safetensors\n";
}

}  // namespace

int main(int argc, char** argv) {
  // One thread, freed memory kept (the settings bench/README.md measured); and formulas wherever an
  // activation is named (--activation "x*sigmoid(x)", presets such as mish).
  ember::tune_process();
  ember::register_formula_activations();
  if (argc < 2) {
    print_usage(std::cerr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(std::cout);
    return 0;
  }
  if (name == "--version") {
    std::cout << "ember " << ember::ember_version() << "\n";
    return 0;
  }
  for (const Command& c : commands) {
    if (name != c.name) continue;
    try {
      return c.run(argc - 1, argv + 1);
    } catch (const ember::cli::UsageError& e) {
      std::cerr << "ember " << name << ": " << e.what() << "\n(see 'ember " << name << " --help')\n";
      return 2;
    } catch (const cxxopts::exceptions::exception& e) {  // e.g. an option read that has no value
      std::cerr << "ember " << name << ": " << ember::cli::plain_quotes(e.what()) << "\n(see 'ember " << name
                << " --help')\n";
      return 2;
    } catch (const std::bad_alloc&) {
      std::cerr << "ember " << name
                << ": error: out of memory: the data or the model is too large for this machine "
                   "(check --samples, --hidden and --batch-size)\n";
      return 1;
    } catch (const std::exception& e) {
      std::cerr << "ember " << name << ": error: " << e.what() << "\n";
      return 1;
    }
  }
  std::vector<std::string> names;
  for (const Command& c : commands) names.push_back(c.name);
  const std::string nearest = ember::cli::closest_name(name, names);
  if (!nearest.empty()) {
    std::cerr << "ember: unknown command '" << name << "'; did you mean 'ember " << nearest
              << "'?\n(see 'ember --help')\n";
    return 2;
  }
  std::cerr << "ember: unknown command '" << name << "'\n\n";
  print_usage(std::cerr);
  return 2;
}
