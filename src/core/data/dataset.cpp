// The two helpers every data consumer needs beside the Dataset struct itself: taking rows (splits,
// subsets) and counting classes (stratification, reports). See include/ember/core/data/dataset.hpp.
#include "ember/core/data/dataset.hpp"

namespace ember {

Dataset subset(const Dataset& data, const std::vector<Index>& rows) {
  Dataset out;
  out.name = data.name;
  out.class_names = data.class_names;
  out.feature_names = data.feature_names;
  out.X.resize(static_cast<Index>(rows.size()), data.num_features());
  out.y.resize(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Index r = rows[i];
    if (r < 0 || r >= data.size()) {
      throw DataError(data.name + ": row " + std::to_string(r) + " is out of range (the dataset has " +
                      std::to_string(data.size()) + " rows)");
    }
    out.X.row(static_cast<Index>(i)) = data.X.row(r);
    out.y[i] = data.y[static_cast<std::size_t>(r)];
  }
  return out;
}

std::vector<Index> class_counts(const Dataset& data) {
  std::vector<Index> counts(static_cast<std::size_t>(data.num_classes()), 0);
  for (int label : data.y) ++counts.at(static_cast<std::size_t>(label));
  return counts;
}

}  // namespace ember
