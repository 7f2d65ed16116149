// Naming the cause of a diverged run: the first op that turned finite inputs into NaN or infinity,
// and the parameter whose gradient is not finite.
#include <catch2/catch.hpp>
#include <cmath>

#include "ember/core/nn/mymodel.hpp"
#include "ember/ember.hpp"
#include "ember/lab/monitor/divergence.hpp"

using namespace ember;

TEST_CASE("the op that first produced a NaN is named, not the ones downstream of it", "[train]") {
  const Tensor x = Tensor::vector({-1, 2}, true);
  const Tensor y = sum(exp(log(x) * 2.0f));  // log(-1) is NaN; mul, exp and sum only pass it on
  REQUIRE(std::isnan(y.item()));
  CHECK(first_non_finite_op(y).rfind("log (inputs [2])", 0) == 0);
}

TEST_CASE("an overflow to infinity is traced to the op that overflowed", "[train]") {
  const Tensor x = Tensor::vector({100, 1}, true);
  const Tensor y = sum(exp(x) * 0.5f);  // e^100 overflows float32
  REQUIRE(std::isinf(y.item()));
  CHECK(first_non_finite_op(y).rfind("exp", 0) == 0);
}

TEST_CASE("a finite graph has no culprit", "[train]") {
  const Tensor x = Tensor::vector({1, 2}, true);
  CHECK(first_non_finite_op(sum(exp(x))).empty());
}

TEST_CASE("the parameter with a non-finite gradient is named", "[train]") {
  Generator gen(0);
  nn::MyModel model(3, 2, gen, "relu", {4});
  const Tensor loss = sum(model.logits(Tensor::matrix({{1, 2, 3}})));
  loss.backward();
  CHECK(first_non_finite_gradient(model).empty());
  model.layers()[1]->weight().node().grad(0, 1) = NAN;
  CHECK(first_non_finite_gradient(model) == "fc2.weight");
}
