// --boundary-grid and --boundary-epochs, for `ember train` and `ember compare`: the decision
// boundary's plane over the prepared data (lab/plot/decision_boundary.hpp), or the reason there is none.
#pragma once

#include <cxxopts.hpp>
#include <string>
#include <vector>

#include "cli_options.hpp"
#include "commands.hpp"
#include "ember/lab/plot/decision_boundary.hpp"

namespace ember::cli {

void add_boundary_options(cxxopts::Options& options);

struct BoundaryPlan {
  BoundaryFrame frame;  // empty: none (see why_not)
  std::vector<int> epochs;
  std::string why_not;  // "the data has 64 features: ..." when the frame is empty although asked for
};

// The plane over the training and test points in the data's units (the standardization undone), when
// the data has two numeric features and --boundary-grid is not 0.
BoundaryPlan read_boundary_plan(const cxxopts::ParseResult& args, const PreparedData& prepared, int epochs);

}  // namespace ember::cli
