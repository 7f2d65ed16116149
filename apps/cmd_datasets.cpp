// ember datasets: the built-in datasets with their size, features, classes and source.
#include <iomanip>
#include <iostream>

#include "cli_options.hpp"
#include "commands.hpp"

namespace ember::cli {

int cmd_datasets(int argc, char** argv) {
  cxxopts::Options options("ember datasets", "List the built-in datasets (use one with --dataset NAME).");
  options.add_options()("h,help", "show this help");
  const auto args = parse_or_usage(options, argc, argv);
  if (args.count("help")) {
    std::cout << options.help() << "\nexample:\n  ember datasets\n  ember train --dataset wine\n";
    return 0;
  }
  std::cout << std::left << std::setw(15) << "name" << std::right << std::setw(8) << "samples" << std::setw(10)
            << "features" << std::setw(9) << "classes" << "  source\n";
  for (const DatasetInfo& info : list_datasets()) {
    std::cout << std::left << std::setw(15) << info.name << std::right << std::setw(8) << info.samples << std::setw(10)
              << info.features << std::setw(9) << info.classes << "  " << info.source << "\n";
  }
  return 0;
}

}  // namespace ember::cli
