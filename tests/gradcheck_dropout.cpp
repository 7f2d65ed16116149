// Finite-difference checks (tests/gradcheck.hpp, in float64) of dropout's backward. A mask drawn anew on
// every call would make f(x + h) and f(x − h) different functions, so the mask is held fixed: given to
// the op directly, or redrawn from a fresh Generator with the same seed on every call of the module.
// The fraction dropped, the kept value and the exact gradient are in test_nn_dropout.cpp.
#include <vector>

#include <catch2/catch.hpp>

#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/engine/ops.hpp"
#include "ember/core/nn/dropout.hpp"
#include "gradcheck.hpp"

using ember::Generator;
using ember::Matrix;
using ember::Shape;
using ember::Tensor;
using gradcheck::check_gradients;
using Inputs = std::vector<Tensor>;
namespace nn = ember::nn;

TEST_CASE("dropout with a fixed mask passes the gradient check", "[gradcheck][dropout]") {
  Generator gen(41);
  for (const double p : {0.2, 0.5}) {
    INFO("p = " << p);
    const Matrix mask = nn::dropout_mask(4, 5, p, gen);
    REQUIRE((mask.array() == 0).count() > 0);  // some elements dropped, some kept: both gradients checked
    REQUIRE((mask.array() != 0).count() > 0);
    check_gradients([&mask](const Inputs& in) { return nn::dropout(in[0], mask); },
                    {gradcheck::uniform(Shape::matrix(4, 5), gen)});
    // Inside a chain, as in MyModel: dropout(tanh(x)) ⊙ y.
    check_gradients([&mask](const Inputs& in) { return nn::dropout(ember::tanh(in[0]), mask) * in[1]; },
                    {gradcheck::uniform(Shape::matrix(4, 5), gen), gradcheck::uniform(Shape::matrix(4, 5), gen)});
  }
}

TEST_CASE("The Dropout module passes the gradient check when its generator replays one mask", "[gradcheck][dropout]") {
  Generator gen(42);
  check_gradients(
      [](const Inputs& in) {
        Generator replay(7);
        nn::Dropout drop(0.3, replay);
        return drop(in[0]);
      },
      {gradcheck::uniform(Shape::matrix(6, 3), gen)});
}
