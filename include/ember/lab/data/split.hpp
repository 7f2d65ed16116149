// Preparing a dataset for training: taking rows, counting classes, a seeded stratified train/test
// split, and z-score standardization fitted on the training split only (fitting on the test set
// too would leak it into training). Not here: cross-validation, other scalers. Batching: the core's
// loader.hpp.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ember/core/data/dataset.hpp"
#include "ember/core/engine/random.hpp"

namespace ember {

// The rows `rows` of `data`, in that order, with the same names (PyTorch's Subset, but a copy:
// a split's test set then outlives the dataset it came from).
Dataset subset(const Dataset& data, const std::vector<Index>& rows);

// How many samples of each class: counts[c] for c in 0..C-1.
std::vector<Index> class_counts(const Dataset& data);

// {train, test}: each class split in proportion, round(test_fraction * N) test samples in all
// (per-class shares rounded by largest remainder). Which samples go where is drawn from `gen`; both
// parts keep the file order of their rows. test_fraction must lie in [0, 1); 0 gives an empty test
// set (0 rows, the same columns and names).
std::pair<Dataset, Dataset> stratified_split(const Dataset& data, double test_fraction, Generator& gen);

// The same split as row numbers {train, test}, each ascending, for labels y (0..classes-1):
// stratified_split is subset() of these.
std::pair<std::vector<Index>, std::vector<Index>> stratified_split_rows(const std::vector<int>& y, int classes,
                                                                        double test_fraction, Generator& gen,
                                                                        const std::string& name);

// x' = (x - mean) / stddev per feature column, with statistics from fit() (population std, ddof 0,
// like sklearn's StandardScaler). The member is `stddev`, not `std`: a member named std would hide
// namespace std inside the struct.
struct Standardizer {
  std::vector<float> mean;    // (D)
  std::vector<float> stddev;  // (D), never 0: see fit()

  static Standardizer fit(const Matrix& X);  // X (N, D), N >= 1
  void apply(Matrix& X) const;               // in place, X (M, D)
};

}  // namespace ember
