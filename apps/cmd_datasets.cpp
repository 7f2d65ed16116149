// ember datasets: the built-in datasets with their size, features, classes and source; with
// --export NAME FILE.csv, one of them (generated with --samples, --noise, --seed) written as a CSV
// file that `--data FILE.csv` reads back to the same numbers, bit for bit.
#include <iomanip>
#include <iostream>

#include "cli_options.hpp"
#include "commands.hpp"
#include "ember/core/engine/format.hpp"
#include "ember/lab/data/csv.hpp"
#include "ember/lab/data/embedded.hpp"
#include "ember/lab/io/atomic_file.hpp"

namespace ember::cli {

namespace {

// The label column's name: the shipped file's own, "label" for generated data.
std::string label_column(const std::string& dataset) {
  const std::string shipped = embedded_csv(dataset);
  if (shipped.empty()) return "label";
  const std::string first_line = shipped.substr(0, shipped.find('\n'));
  return first_line.substr(first_line.rfind(',') + 1);
}

// Nine significant digits print every float32 so that reading it back gives the same float.
std::string dataset_csv(const Dataset& data, const std::string& label) {
  std::string csv;
  for (const auto& name : data.feature_names) csv += csv_field(name) + ",";
  csv += csv_field(label) + "\n";
  for (Index i = 0; i < data.size(); ++i) {
    for (Index j = 0; j < data.num_features(); ++j) csv += format_general(data.X(i, j), 9) + ",";
    csv += csv_field(data.class_names[static_cast<std::size_t>(data.y[static_cast<std::size_t>(i)])]) + "\n";
  }
  return csv;
}

}  // namespace

int cmd_datasets(int argc, char** argv) {
  cxxopts::Options options("ember datasets",
                           "List the built-in datasets (use one with --dataset NAME), or export one as CSV.");
  options.positional_help("[--export NAME FILE.csv]");
  // clang-format off
  options.add_options()
      ("export", "write dataset NAME as a CSV file (the file name follows)", cxxopts::value<std::string>())
      ("file", "the CSV file --export writes", cxxopts::value<std::string>())
      ("samples", "generated datasets: number of samples", cxxopts::value<long>())
      ("noise", "generated datasets: noise level", cxxopts::value<double>())
      ("classes", "spiral and blobs: number of classes", cxxopts::value<int>())
      ("data-dir", "folder of Fashion-MNIST's IDX .gz files", cxxopts::value<std::string>())
      ("seed", "seed of the generated points", cxxopts::value<std::uint64_t>()->default_value("0"))
      ("h,help", "show this help");
  // clang-format on
  options.parse_positional({"file"});
  const auto args = parse_or_usage(options, argc, argv);
  if (args.count("help")) {
    std::cout
        << options.help()
        << "\nThe exported file has the features, then the label column; `--data FILE.csv` reads it back to the\n"
           "same numbers (9 significant digits: every float32 exactly). fashion_mnist exports its training set.\n"
           "examples:\n  ember datasets\n  ember datasets --export moons moons.csv --samples 500 --noise 0.2 --seed 3\n"
           "  ember train --data moons.csv\n";
    return 0;
  }
  if (args.count("export")) {
    if (!args.count("file"))
      throw UsageError("--export NAME needs the file to write: ember datasets --export NAME FILE.csv");
    const std::string path = args["file"].as<std::string>();
    check_writable_destination(path, "--export");
    DataOptions data = read_data_options(args);
    data.dataset = args["export"].as<std::string>();
    if (args.count("classes")) data.classes = args["classes"].as<int>();
    Dataset dataset;
    try {
      dataset = load_builtin(data);
    } catch (const DataOptionError& e) {
      throw UsageError(e.what());
    }
    write_text_file_atomic(path, dataset_csv(dataset, label_column(data.dataset)));
    std::cerr << "wrote " << dataset.size() << " rows of " << data.dataset << " (" << dataset.num_features()
              << " features, label column \"" << label_column(data.dataset) << "\") to " << path << "\n";
    return 0;
  }
  if (args.count("file")) throw UsageError("unexpected argument \"" + args["file"].as<std::string>() + "\"");
  std::cout << std::left << std::setw(15) << "name" << std::right << std::setw(8) << "samples" << std::setw(10)
            << "features" << std::setw(9) << "classes"
            << "  source\n";
  for (const DatasetInfo& info : list_datasets()) {
    std::cout << std::left << std::setw(15) << info.name << std::right << std::setw(8) << info.samples << std::setw(10)
              << info.features << std::setw(9) << info.classes << "  " << info.source << "\n";
  }
  return 0;
}

}  // namespace ember::cli
