// DataLoader: mini-batches of (X, y), PyTorch's DataLoader reduced to what an MLP needs. Without
// shuffling, batches follow the rows in order and the last partial batch is kept (DataLoader(
// shuffle=False, drop_last=False)); with shuffling, each start_epoch() draws a fresh permutation
// from the Generator, so a run is reproducible from its seed. A batch size above N gives one batch.
// Usage:  loader.start_epoch();  for (Index b = 0; b < loader.num_batches(); ++b) loader.batch(b, xb, yb);
#pragma once

#include <algorithm>
#include <vector>

#include "ember/core/data/dataset.hpp"
#include "ember/core/engine/random.hpp"

namespace ember {

class DataLoader {
 public:
  // X (N, D) and y (N) are held by reference, not copied (a 60,000-image training set is 188 MB):
  // they and `gen` must outlive the loader.
  DataLoader(const Matrix& X, const std::vector<int>& y, Index batch_size, bool shuffle, Generator& gen);
  DataLoader(const Dataset& data, Index batch_size, bool shuffle, Generator& gen)
      : DataLoader(data.X, data.y, batch_size, shuffle, gen) {}
  DataLoader(const Dataset&& data, Index batch_size, bool shuffle, Generator& gen) = delete;  // would dangle

  // Begins an epoch: a fresh permutation of 0..N-1 when shuffling, the identity otherwise. Until
  // the first call the order is the identity.
  void start_epoch();

  Index size() const { return X_.rows(); }
  Index batch_size() const { return batch_size_; }
  Index num_batches() const { return (size() + batch_size_ - 1) / batch_size_; }
  Index batch_rows(Index b) const { return std::min(batch_size_, size() - b * batch_size_); }  // rows of batch b
  const std::vector<Index>& order() const { return order_; }  // this epoch's row order (N)

  // Rows of batch b (0-based) into X (B, D) and y (B); they keep their storage when B is unchanged,
  // so a training loop allocates only for the last, partial batch.
  void batch(Index b, Matrix& X, std::vector<int>& y) const;

 private:
  const Matrix& X_;
  const std::vector<int>& y_;
  Index batch_size_;
  bool shuffle_;
  Generator& gen_;
  std::vector<Index> order_;
};

}  // namespace ember
