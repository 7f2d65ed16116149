// Dataset: what every data source produces and every training command consumes — a feature matrix
// X (N x D, rows are samples, float32), class indices y (N, each in 0..C-1), and the names of the
// classes and features. DataError is the one exception type of the data layer; its message starts
// with "file:line:column: " wherever a place in a file is at fault.
// Sources: csv.hpp (files), generators.hpp, idx.hpp (Fashion-MNIST), builtin.hpp (by name).
// Then: split.hpp (train/test, standardize), loader.hpp (batches).
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

// A problem with the options that describe the data, not with the data itself: an unknown dataset,
// --samples for a dataset that has a fixed size, --dataset and --data together. (The CLI reports it
// as a usage error.)
class DataOptionError : public DataError {
 public:
  using DataError::DataError;
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

// The rows `rows` of `data`, in that order, with the same names (PyTorch's Subset, but a copy:
// a split's test set then outlives the dataset it came from).
Dataset subset(const Dataset& data, const std::vector<Index>& rows);

// How many samples of each class: counts[c] for c in 0..C-1.
std::vector<Index> class_counts(const Dataset& data);

}  // namespace ember
