// The decision-boundary options of train and compare (boundary_options.hpp).
#include "boundary_options.hpp"

#include "ember/core/engine/format.hpp"

namespace ember::cli {

namespace {

// X as the user's file has it: x = x' · stddev + mean undoes the standardization.
Matrix in_data_units(const Dataset& data, const PreparedData& prepared) {
  Matrix X = data.X;
  if (!prepared.standardized) return X;
  for (Index j = 0; j < X.cols(); ++j) {
    const std::size_t k = static_cast<std::size_t>(j);
    X.col(j) = (X.col(j).array() * prepared.standardizer.stddev[k] + prepared.standardizer.mean[k]).matrix();
  }
  return X;
}

}  // namespace

void add_boundary_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options("Decision boundary (data of two features)")
      ("boundary-grid", "cells per side of the decision-boundary picture (" + std::to_string(kMinBoundaryGrid) +
                        " to " + std::to_string(kMaxBoundaryGrid) + "; 0: none)",
       cxxopts::value<int>()->default_value("100"))
      ("boundary-epochs", "the epochs pictured, comma-separated (default: 1 and about 10%, 30% and 100% of the run)",
       cxxopts::value<std::string>());
  // clang-format on
}

BoundaryPlan read_boundary_plan(const cxxopts::ParseResult& args, const PreparedData& prepared, int epochs) {
  BoundaryPlan plan;
  const int grid = args["boundary-grid"].as<int>();
  if (grid != 0 && (grid < kMinBoundaryGrid || grid > kMaxBoundaryGrid))
    throw UsageError("--boundary-grid must be 0 (none) or " + std::to_string(kMinBoundaryGrid) + " to " +
                     std::to_string(kMaxBoundaryGrid) + ", got " + std::to_string(grid));
  try {
    plan.epochs =
        parse_boundary_epochs(args.count("boundary-epochs") ? args["boundary-epochs"].as<std::string>() : "", epochs);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  const Index features = prepared.train.num_features();
  if (grid == 0) {
    plan.why_not = "--boundary-grid is 0";
  } else if (features != 2) {
    // A projection of more features onto a plane would show a boundary the model never drew.
    plan.why_not = "the data has " + std::to_string(features) +
                   " features; a decision boundary is drawn for two, and a projection of more is not pretended";
  } else if (prepared.train.num_classes() > 256) {
    plan.why_not = "the data has " + std::to_string(prepared.train.num_classes()) +
                   " classes; a decision boundary draws at most 256";
  } else if (!prepared.encoding.text_columns().empty()) {
    plan.why_not = "the two inputs are one-hot categories, not a plane";
  } else {
    plan.frame = boundary_frame(in_data_units(prepared.train, prepared), prepared.train.y,
                                in_data_units(prepared.test, prepared), prepared.test.y, prepared.train.num_classes(),
                                grid, prepared.train.feature_names);
    plan.frame.class_names = prepared.train.class_names;
  }
  return plan;
}

}  // namespace ember::cli
