// DataLoader (src/core/data/loader.cpp): file order without shuffling, reproducible fresh permutations
// with it, partial and oversized batches.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include "ember/core/data/loader.hpp"

using namespace ember;

namespace {

Dataset counting(Index n) {  // row i holds (i, -i), label i % 3
  Dataset data;
  data.X.resize(n, 2);
  for (Index i = 0; i < n; ++i) {
    data.X(i, 0) = static_cast<Scalar>(i);
    data.X(i, 1) = static_cast<Scalar>(-i);
    data.y.push_back(static_cast<int>(i % 3));
  }
  data.class_names = {"a", "b", "c"};
  data.feature_names = {"x1", "x2"};
  return data;
}

// Every row of every batch of one epoch, by its first feature.
std::vector<Index> epoch_rows(DataLoader& loader) {
  loader.start_epoch();
  Matrix xb;
  std::vector<int> yb;
  std::vector<Index> rows;
  for (Index b = 0; b < loader.num_batches(); ++b) {
    loader.batch(b, xb, yb);
    for (Index i = 0; i < xb.rows(); ++i) rows.push_back(static_cast<Index>(xb(i, 0)));
  }
  return rows;
}

}  // namespace

TEST_CASE("without shuffling, batches follow file order and keep the last partial batch", "[data][loader]") {
  const Dataset data = counting(10);
  Generator gen(0);
  DataLoader loader(data, 4, false, gen);
  loader.start_epoch();
  REQUIRE(loader.num_batches() == 3);
  Matrix xb;
  std::vector<int> yb;
  const std::vector<Index> sizes = {4, 4, 2};
  for (Index b = 0; b < 3; ++b) {
    loader.batch(b, xb, yb);
    REQUIRE(xb.rows() == sizes[static_cast<std::size_t>(b)]);
    REQUIRE(xb.cols() == 2);
    for (Index i = 0; i < xb.rows(); ++i) {
      CHECK(xb(i, 0) == static_cast<Scalar>(4 * b + i));
      CHECK(xb(i, 1) == static_cast<Scalar>(-(4 * b + i)));
      CHECK(yb[static_cast<std::size_t>(i)] == static_cast<int>((4 * b + i) % 3));
    }
  }
  std::vector<Index> identity(10);
  std::iota(identity.begin(), identity.end(), Index(0));
  CHECK(epoch_rows(loader) == identity);  // and the same again next epoch
}

TEST_CASE("a batch size above N gives one full batch", "[data][loader]") {
  const Dataset data = counting(7);
  Generator gen(0);
  DataLoader loader(data, 1000, false, gen);
  CHECK(loader.num_batches() == 1);
  CHECK(loader.batch_size() == 7);
  CHECK(epoch_rows(loader).size() == 7);
}

TEST_CASE("shuffling draws a fresh permutation each epoch, reproducible from the seed", "[data][loader]") {
  const Dataset data = counting(50);
  Generator g1(9), g2(9), g3(10);
  DataLoader a(data, 8, true, g1), b(data, 8, true, g2), c(data, 8, true, g3);
  const auto a1 = epoch_rows(a), a2 = epoch_rows(a);
  CHECK(a1 != a2);             // a new order every epoch
  CHECK(a1 == epoch_rows(b));  // the same seed, the same orders
  CHECK(a2 == epoch_rows(b));
  CHECK(a1 != epoch_rows(c));  // another seed, another order
  auto sorted = a1;
  std::sort(sorted.begin(), sorted.end());
  std::vector<Index> identity(50);
  std::iota(identity.begin(), identity.end(), Index(0));
  CHECK(sorted == identity);  // a permutation: every row once
}

TEST_CASE("full batches reuse the caller's buffers", "[data][loader]") {
  const Dataset data = counting(20);
  Generator gen(0);
  DataLoader loader(data, 5, true, gen);
  loader.start_epoch();
  Matrix xb;
  std::vector<int> yb;
  loader.batch(0, xb, yb);
  const Scalar* storage = xb.data();
  loader.batch(1, xb, yb);
  CHECK(xb.data() == storage);
}

TEST_CASE("DataLoader rejects a bad batch size, mismatched labels and a batch out of range", "[data][loader]") {
  const Dataset data = counting(5);
  Generator gen(0);
  CHECK_THROWS_WITH(DataLoader(data, 0, false, gen), Catch::Contains("batch size must be positive"));
  std::vector<int> short_y = {0, 1};
  CHECK_THROWS_WITH(DataLoader(data.X, short_y, 2, false, gen), Catch::Contains("X has 5 rows but y has 2 labels"));
  DataLoader loader(data, 2, false, gen);
  Matrix xb;
  std::vector<int> yb;
  CHECK_THROWS_AS(loader.batch(3, xb, yb), DataError);
}
