// DataLoader: an index permutation per epoch and a row gather per batch. Contract in
// include/ember/core/data/loader.hpp. Gathering rows of a row-major matrix copies contiguous memory.
#include "ember/core/data/loader.hpp"

#include <algorithm>
#include <numeric>
#include <string>

namespace ember {

DataLoader::DataLoader(const Matrix& X, const std::vector<int>& y, Index batch_size, bool shuffle, Generator& gen)
    : X_(X), y_(y), batch_size_(batch_size), shuffle_(shuffle), gen_(gen) {
  if (batch_size <= 0) throw DataError("DataLoader: batch size must be positive, got " + std::to_string(batch_size));
  if (static_cast<Index>(y.size()) != X.rows()) {
    throw DataError("DataLoader: X has " + std::to_string(X.rows()) + " rows but y has " + std::to_string(y.size()) +
                    " labels");
  }
  // A batch size above N means one full batch (DESIGN: "--batch-size above the dataset size").
  batch_size_ = std::max<Index>(1, std::min(batch_size, X.rows()));
  order_.resize(static_cast<std::size_t>(X.rows()));
  std::iota(order_.begin(), order_.end(), Index(0));
}

void DataLoader::start_epoch() {
  // Each epoch's permutation starts from the identity, as torch.randperm does: it then depends only
  // on the generator's state, not on the previous epoch's order.
  std::iota(order_.begin(), order_.end(), Index(0));
  if (shuffle_) gen_.shuffle(order_);
}

void DataLoader::batch(Index b, Matrix& X, std::vector<int>& y) const {
  if (b < 0 || b >= num_batches()) {
    throw DataError("DataLoader: batch " + std::to_string(b) + " out of range (" + std::to_string(num_batches()) +
                    " batches)");
  }
  const Index first = b * batch_size_;
  const Index rows = batch_rows(b);
  X.resize(rows, X_.cols());  // no reallocation when the shape is unchanged
  y.resize(static_cast<std::size_t>(rows));
  for (Index i = 0; i < rows; ++i) {
    const Index source = order_[static_cast<std::size_t>(first + i)];
    X.row(i) = X_.row(source);
    y[static_cast<std::size_t>(i)] = y_[static_cast<std::size_t>(source)];
  }
}

}  // namespace ember
