// ember demo: the command around the lab's article demo (include/ember/lab/demo/article_demo.hpp):
// its options, its help, and one thread for its tiny matrices.
#include <cstdint>
#include <iostream>

#include <cxxopts.hpp>

#include "cli_options.hpp"
#include "commands.hpp"
#include "ember/lab/demo/article_demo.hpp"

namespace ember::cli {

int cmd_demo(int argc, char** argv) {
  cxxopts::Options options("ember demo",
                           "Runs every snippet of the article (activations, softmax, the article's MyModel) in "
                           "order and prints each output as PyTorch prints it, checked against what the article "
                           "printed. Then shows the article model's two faults with a short run.\n");
  // clang-format off
  options.add_options()
      ("seed", "seed for everything random here: the models' initial weights, the random inputs, the training set",
       cxxopts::value<std::uint64_t>()->default_value("0"), "N")
      ("h,help", "show this help");
  // clang-format on
  const cxxopts::ParseResult args = parse_or_usage(options, argc, argv);
  if (args.count("help")) {
    std::cout << options.help()
              << "\nexample:\n  ember demo\n  ember demo --seed 3   # other weights, inputs and training set\n";
    return 0;
  }
  set_threads(1);  // the demo's matrices are tiny: threads would cost more than they give
  run_article_demo(std::cout, args["seed"].as<std::uint64_t>());
  return 0;
}

}  // namespace ember::cli
