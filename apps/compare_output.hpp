// What `ember compare` and `ember report` print and write for a comparison: the table, the paired
// comparisons, the grid and the sentences (or the JSON document), the long CSV and the SVG figure.
// One function, so that a report rebuilt from results files is the very report compare printed.
#pragma once

#include <cxxopts.hpp>
#include <string>

#include "ember/lab/study/compare.hpp"

namespace ember::cli {

struct ComparisonOutputs {
  bool json = false;             // --json: the JSON document instead of the tables
  std::string csv_path;          // --csv: "" for none
  std::string plot_path;         // --plot: "" for none
  std::string layers_csv_path;   // --layers-csv: each hidden layer's figures (layer_report.hpp)
  std::string layers_plot_path;  // --layers-plot
  bool layers() const { return !layers_csv_path.empty() || !layers_plot_path.empty(); }
};

// --csv, --plot, --layers-csv, --layers-plot and --json, for compare and report alike.
void add_comparison_output_options(cxxopts::Options& options);
// Those options, each destination checked writable before any work.
ComparisonOutputs read_comparison_outputs(const cxxopts::ParseResult& args);

// `setup` is the line above the table ("ember compare: spiral, 192 training samples, ...").
void report_comparison(const CompareResult& result, const std::string& setup, const ComparisonOutputs& outputs);

}  // namespace ember::cli
