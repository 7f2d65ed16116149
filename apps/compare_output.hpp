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
  std::string boundary_path;     // --plot-boundary: the decision boundaries (data of two features)
  std::string html_path;         // compare --report, report --html: the whole report as one HTML page
  bool layers() const { return !layers_csv_path.empty() || !layers_plot_path.empty(); }
};

// --csv, --plot, --layers-csv, --layers-plot, --plot-boundary and --json, for compare and report alike,
// and the HTML page's option, named `html_option` ("report" for compare, "html" for report).
void add_comparison_output_options(cxxopts::Options& options, const std::string& html_option);
// Those options, each destination checked writable before any work.
ComparisonOutputs read_comparison_outputs(const cxxopts::ParseResult& args, const std::string& html_option);

// `setup` is the line above the table ("ember compare: spiral, 192 training samples, ..."); `no_boundary`
// why the comparison has no decision boundaries, for the HTML page ("" when it has them).
void report_comparison(const CompareResult& result, const std::string& setup, const ComparisonOutputs& outputs,
                       const std::string& no_boundary = "");

}  // namespace ember::cli
