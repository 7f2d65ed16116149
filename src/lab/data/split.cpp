// Taking rows, counting classes, stratified splitting and standardization; contracts in
// include/ember/lab/data/split.hpp.
// Both are plain loops: they run once per training run and are never the bottleneck.
#include "ember/lab/data/split.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "ember/core/engine/format.hpp"

namespace ember {
namespace {

// How many test samples each class gives: floor(f * n_c), plus one for the classes with the largest
// remainders until the total is round(f * N) (ties go to the lower class index).
std::vector<Index> test_quotas(const std::vector<Index>& counts, double fraction) {
  const Index total = std::accumulate(counts.begin(), counts.end(), Index(0));
  Index left = std::llround(fraction * static_cast<double>(total));
  std::vector<Index> quota(counts.size());
  std::vector<double> remainder(counts.size());
  for (std::size_t c = 0; c < counts.size(); ++c) {
    const double exact = fraction * static_cast<double>(counts[c]);
    quota[c] = static_cast<Index>(std::floor(exact));
    remainder[c] = exact - static_cast<double>(quota[c]);
    left -= quota[c];
  }
  std::vector<std::size_t> by_remainder(counts.size());
  std::iota(by_remainder.begin(), by_remainder.end(), std::size_t(0));
  std::stable_sort(by_remainder.begin(), by_remainder.end(),
                   [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  for (std::size_t c : by_remainder) {
    if (left <= 0) break;
    if (quota[c] < counts[c]) ++quota[c], --left;
  }
  return quota;
}

}  // namespace

std::pair<std::vector<Index>, std::vector<Index>> stratified_split_rows(const std::vector<int>& y, int classes,
                                                                        double test_fraction, Generator& gen,
                                                                        const std::string& name) {
  if (!(test_fraction >= 0.0 && test_fraction < 1.0)) {
    throw DataError(name + ": the test fraction must be in [0, 1), got " + format_fixed(test_fraction, 6));
  }
  std::vector<std::vector<Index>> rows_of(static_cast<std::size_t>(classes));
  for (std::size_t i = 0; i < y.size(); ++i)
    rows_of.at(static_cast<std::size_t>(y[i])).push_back(static_cast<Index>(i));
  std::vector<Index> counts;
  for (const auto& rows : rows_of) counts.push_back(static_cast<Index>(rows.size()));
  const std::vector<Index> quota = test_quotas(counts, test_fraction);

  std::vector<Index> train, test;
  for (std::size_t c = 0; c < rows_of.size(); ++c) {
    std::vector<Index>& rows = rows_of[c];
    gen.shuffle(rows);  // a random quota[c] of this class goes to the test set
    test.insert(test.end(), rows.begin(), rows.begin() + quota[c]);
    train.insert(train.end(), rows.begin() + quota[c], rows.end());
  }
  if (train.empty())
    throw DataError(name + ": a test fraction of " + format_fixed(test_fraction, 6) + " leaves no training data");
  // Back to file order, so --no-shuffle batches follow the file as PyTorch's would.
  std::sort(train.begin(), train.end());
  std::sort(test.begin(), test.end());
  return {train, test};
}

std::pair<Dataset, Dataset> stratified_split(const Dataset& data, double test_fraction, Generator& gen) {
  const auto [train, test] = stratified_split_rows(data.y, data.num_classes(), test_fraction, gen, data.name);
  return {subset(data, train), subset(data, test)};
}

Standardizer Standardizer::fit(const Matrix& X) {
  if (X.rows() == 0) throw DataError("standardize: cannot fit on an empty matrix");
  const std::size_t D = static_cast<std::size_t>(X.cols());
  const double n = static_cast<double>(X.rows());
  // Two passes in double, row by row (X is row-major: a column walk would stride through memory).
  // One pass with E[x²] − E[x]² would cancel badly for large, tight columns.
  std::vector<double> sum(D, 0.0), squares(D, 0.0);
  for (Index i = 0; i < X.rows(); ++i) {
    for (std::size_t d = 0; d < D; ++d) sum[d] += X(i, static_cast<Index>(d));
  }
  for (Index i = 0; i < X.rows(); ++i) {
    for (std::size_t d = 0; d < D; ++d) {
      const double centred = X(i, static_cast<Index>(d)) - sum[d] / n;
      squares[d] += centred * centred;
    }
  }
  Standardizer s;
  for (std::size_t d = 0; d < D; ++d) {
    const double mean = sum[d] / n;
    double stddev = std::sqrt(squares[d] / n);
    // A constant column (or one varying below float precision) would divide by ~0 and blow up to
    // inf or noise; with 1 it becomes all zeros after centring, which is all the information it has.
    if (stddev <= 1e-7 * std::abs(mean)) stddev = 1.0;
    s.mean.push_back(static_cast<float>(mean));
    s.stddev.push_back(static_cast<float>(stddev));
  }
  return s;
}

void Standardizer::apply(Matrix& X) const {
  if (static_cast<std::size_t>(X.cols()) != mean.size()) {
    throw DataError("standardize: fitted on " + std::to_string(mean.size()) + " features, given " +
                    std::to_string(X.cols()));
  }
  const Eigen::Map<const Eigen::RowVectorXf> m(mean.data(), X.cols()), s(stddev.data(), X.cols());
  X.array().rowwise() -= m.cast<Scalar>().array();
  X.array().rowwise() /= s.cast<Scalar>().array();
}

// ---- taking rows, counting classes ----

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
