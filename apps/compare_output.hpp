// What `ember compare` and `ember report` print and write for a comparison: the table, the paired
// comparisons, the grid and the sentences (or the JSON document), the long CSV and the SVG figure.
// One function, so that a report rebuilt from results files is the very report compare printed.
#pragma once

#include <string>

#include "ember/lab/study/compare.hpp"

namespace ember::cli {

struct ComparisonOutputs {
  bool json = false;      // --json: the JSON document instead of the tables
  std::string csv_path;   // --csv: "" for none
  std::string plot_path;  // --plot: "" for none
};

// `setup` is the line above the table ("ember compare: spiral, 192 training samples, ...").
void report_comparison(const CompareResult& result, const std::string& setup, const ComparisonOutputs& outputs);

}  // namespace ember::cli
