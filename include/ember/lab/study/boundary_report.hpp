// The decision boundaries of a comparison: per activation its chosen setting's run of the first seed,
// pictured at the epochs CompareConfig::boundary_epochs names (recorded by run_comparison). Drawn as
// one SVG figure (a row per activation, a column per epoch) for --plot-boundary, and in the HTML report
// with a slider (html_report.hpp). Not here: the pictures themselves (lab/plot/decision_boundary.hpp).
#pragma once

#include <string>
#include <vector>

#include "ember/lab/study/compare.hpp"

namespace ember {

// One row per activation that has pictures, a picture per recorded epoch with its caption
// ("epoch 10 · accuracy 0.93 train, 0.90 test"). Empty when the comparison recorded none.
std::vector<BoundaryRow> boundary_rows(const CompareResult& result, const Summary& summary);

// The figure of boundary_rows(); `settings` (the dataset and options) is its subtitle.
std::string comparison_boundary_svg(const CompareResult& result, const Summary& summary, const std::string& settings);

}  // namespace ember
