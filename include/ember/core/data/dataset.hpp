// Dataset: what every data source produces and every training command consumes — a feature matrix
// X (N x D, rows are samples, float32), class indices y (N, each in 0..C-1), and the names of the
// classes and features. DataError is the one exception type of the data layer; its message starts
// with "file:line:column: " wherever a place in a file is at fault.
// Read loader.hpp next (batches). The lab makes Datasets (lab/data/: CSV files, generators,
// Fashion-MNIST, built-ins by name) and splits and standardizes them (lab/data/split.hpp).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "ember/core/engine/scalar.hpp"

namespace ember {

// A problem with the data: a malformed file, a label out of range, too few samples.
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Dataset {
  std::string name;
  Matrix X;                                // (N, D)
  std::vector<int> y;                      // (N), class indices 0..C-1
  std::vector<std::string> class_names;    // (C), class_names[y[i]] is sample i's label
  std::vector<std::string> feature_names;  // (D)

  int num_classes() const { return static_cast<int>(class_names.size()); }
  Index size() const { return X.rows(); }
  Index num_features() const { return X.cols(); }
};

}  // namespace ember
