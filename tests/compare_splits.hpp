// The data the study's tests train on: moons, split into training, validation (25% of the training
// split, stratified) and test rows, standardized on the training rows as `ember compare` does.
// Used by test_compare_grid.cpp and test_results_file.cpp.
#pragma once

#include "ember/lab/data/builtin.hpp"
#include "ember/lab/data/split.hpp"

namespace ember_test {

struct Splits {
  ember::Dataset train, val, test;
};

inline Splits moons_splits(ember::Index samples, double noise = 0.3) {
  ember::DataOptions options;
  options.dataset = "moons";
  options.samples = samples;
  options.noise = noise;
  auto [rest, test] = ember::load_train_test(options, 0.2);
  ember::Generator gen(11);
  auto [train, val] = ember::stratified_split(rest, 0.25, gen);
  const ember::Standardizer s = ember::Standardizer::fit(train.X);
  s.apply(train.X);
  s.apply(val.X);
  s.apply(test.X);
  return {train, val, test};
}

}  // namespace ember_test
