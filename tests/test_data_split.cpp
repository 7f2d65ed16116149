// Stratified splitting and standardization (src/lab/data/split.cpp).
#include <catch2/catch.hpp>

#include <algorithm>

#include "ember/lab/data/split.hpp"

using namespace ember;

namespace {

// N samples whose single feature is their row index, so a split's rows can be traced back;
// labels come from `counts` in blocks (class 0 first).
Dataset indexed(const std::vector<Index>& counts) {
  Dataset data;
  data.name = "indexed";
  data.feature_names = {"row"};
  Index n = 0;
  for (std::size_t c = 0; c < counts.size(); ++c) {
    data.class_names.push_back("c" + std::to_string(c));
    for (Index i = 0; i < counts[c]; ++i, ++n) data.y.push_back(static_cast<int>(c));
  }
  data.X.resize(n, 1);
  for (Index i = 0; i < n; ++i) data.X(i, 0) = static_cast<Scalar>(i);
  return data;
}

std::vector<Index> rows_of(const Dataset& part) {
  std::vector<Index> rows;
  for (Index i = 0; i < part.size(); ++i) rows.push_back(static_cast<Index>(part.X(i, 0)));
  return rows;
}

}  // namespace

TEST_CASE("stratified_split keeps each class's proportion", "[data][split]") {
  Generator gen(0);
  const auto [train, test] = stratified_split(indexed({50, 30, 20}), 0.2, gen);
  CHECK(class_counts(test) == std::vector<Index>{10, 6, 4});
  CHECK(class_counts(train) == std::vector<Index>{40, 24, 16});
  CHECK(train.class_names == std::vector<std::string>{"c0", "c1", "c2"});
  CHECK(test.feature_names == std::vector<std::string>{"row"});
}

TEST_CASE("stratified_split rounds the total and gives leftovers by largest remainder", "[data][split]") {
  Generator gen(0);
  const auto [train, test] = stratified_split(indexed({7, 7, 7}), 0.5, gen);
  CHECK(test.size() == 11);                                  // round(10.5)
  CHECK(class_counts(test) == std::vector<Index>{4, 4, 3});  // equal remainders: lower classes first
  const auto [train2, test2] = stratified_split(indexed({90, 9, 1}), 0.25, gen);
  CHECK(class_counts(test2) == std::vector<Index>{23, 2, 0});  // 22.5 -> 23, 2.25 -> 2, 0.25 -> 0: 25 in all
}

TEST_CASE("stratified_split is a seeded partition that keeps file order", "[data][split]") {
  const Dataset data = indexed({40, 60});
  Generator g1(5), g2(5), g3(6);
  const auto [train, test] = stratified_split(data, 0.3, g1);
  const auto [train_again, test_again] = stratified_split(data, 0.3, g2);
  const auto [train_other, test_other] = stratified_split(data, 0.3, g3);
  CHECK(rows_of(test) == rows_of(test_again));
  CHECK(rows_of(test) != rows_of(test_other));

  std::vector<Index> all = rows_of(train);
  const std::vector<Index> held_out = rows_of(test);
  CHECK(std::is_sorted(all.begin(), all.end()));
  CHECK(std::is_sorted(held_out.begin(), held_out.end()));
  all.insert(all.end(), held_out.begin(), held_out.end());
  std::sort(all.begin(), all.end());
  CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());  // disjoint
  CHECK(all.size() == 100);
  for (Index i = 0; i < test.size(); ++i) {  // labels travel with their rows
    CHECK(test.y[static_cast<std::size_t>(i)] ==
          data.y[static_cast<std::size_t>(held_out[static_cast<std::size_t>(i)])]);
  }
}

TEST_CASE("a test fraction of 0 gives all data to training and an empty test set", "[data][split]") {
  Generator gen(0);
  const Dataset data = indexed({3, 4});
  const auto [train, test] = stratified_split(data, 0.0, gen);
  CHECK(train.X == data.X);
  CHECK(train.y == data.y);
  CHECK(test.size() == 0);
  CHECK(test.num_features() == 1);
  CHECK(test.class_names == data.class_names);
}

TEST_CASE("stratified_split rejects fractions outside 0 <= f < 1", "[data][split]") {
  Generator gen(0);
  CHECK_THROWS_AS(stratified_split(indexed({3, 4}), 1.0, gen), DataError);
  CHECK_THROWS_AS(stratified_split(indexed({3, 4}), -0.1, gen), DataError);
}

TEST_CASE("Standardizer maps training columns to mean 0 and std 1", "[data][split]") {
  Matrix X(4, 3);
  X << 1, 10, 5,  //
      2, 20, 5,   //
      3, 30, 5,   //
      4, 40, 5;
  const Standardizer s = Standardizer::fit(X);
  CHECK(s.mean[0] == Approx(2.5).margin(1e-6));
  CHECK(s.stddev[0] == Approx(std::sqrt(1.25)).margin(1e-6));  // population std (ddof 0), as sklearn
  CHECK(s.stddev[1] == Approx(std::sqrt(125.0)).margin(1e-4));
  CHECK(s.stddev[2] == 1.0f);  // a constant column divides by 1, not 0
  Matrix Z = X;
  s.apply(Z);
  for (Index d = 0; d < 2; ++d) {
    CHECK(Z.col(d).mean() == Approx(0.0).margin(1e-6));
    CHECK(std::sqrt(Z.col(d).array().square().mean()) == Approx(1.0).margin(1e-5));
  }
  CHECK(Z.col(2).isZero());
  Matrix wrong(2, 2);
  CHECK_THROWS_WITH(s.apply(wrong), Catch::Contains("fitted on 3 features, given 2"));
}

TEST_CASE("Standardizer treats a column constant up to float rounding as constant", "[data][split]") {
  Matrix X(3, 1);
  X << 0.1f, 0.1f, 0.1f;
  const Standardizer s = Standardizer::fit(X);
  CHECK(s.stddev[0] == 1.0f);
  s.apply(X);
  CHECK(X.isZero(1e-7));
}
