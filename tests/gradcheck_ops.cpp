// Finite-difference checks (tests/gradcheck.hpp, in float64) of every differentiable op in
// src/core/engine/ops_*.cpp: arithmetic in every broadcast form, the number operators, matrix products,
// reductions, pointwise functions, a small network end to end, and a self-test proving the checker
// rejects a wrong gradient. Values against PyTorch are in test_ops.cpp.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/engine/autograd.hpp"
#include "ember/core/engine/ops.hpp"
#include "gradcheck.hpp"

using ember::Shape;
using ember::Tensor;
using gradcheck::check_gradients;
using Inputs = std::vector<Tensor>;

namespace {

// The broadcast forms of a binary op: {name, left shape, right shape}.
struct Pair {
  const char* name;
  Shape a, b;
};
const std::vector<Pair> broadcast_pairs = {
    {"equal shapes [3, 4]", Shape::matrix(3, 4), Shape::matrix(3, 4)},
    {"a scalar over [3, 4]", Shape::matrix(3, 4), Shape::scalar()},
    {"a vector [4] over [3, 4]", Shape::matrix(3, 4), Shape::vector(4)},
    {"a row [1, 4] over [3, 4]", Shape::matrix(3, 4), Shape::matrix(1, 4)},
    {"a column [3, 1] over [3, 4]", Shape::matrix(3, 4), Shape::matrix(3, 1)},
    {"[4] broadcast on the left", Shape::vector(4), Shape::matrix(3, 4)},
    {"a scalar on the left", Shape::scalar(), Shape::matrix(3, 4)},
    {"a column [3, 1] and a row [1, 4]", Shape::matrix(3, 1), Shape::matrix(1, 4)},
    {"two vectors [5]", Shape::vector(5), Shape::vector(5)},
    {"two scalars", Shape::scalar(), Shape::scalar()},
};

using Binary = Tensor (*)(const Tensor&, const Tensor&);

void check_binary(const char* op, Binary f, bool right_away_from_zero) {
  ember::Generator gen(7);
  for (const Pair& p : broadcast_pairs) {
    INFO(op << " of " << p.name);
    const Tensor a = gradcheck::uniform(p.a, gen);
    const Tensor b =
        right_away_from_zero ? gradcheck::away_from(p.b, gen, -2, 2, {0}, 0.5) : gradcheck::uniform(p.b, gen);
    check_gradients([f](const Inputs& in) { return f(in[0], in[1]); }, {a, b});
  }
}

}  // namespace

// ---- the checker itself ----

TEST_CASE("the gradient checker rejects a wrong gradient and names the worst element", "[gradcheck]") {
  // y = x², recorded with the backward of y = x³ (3x² instead of 2x): a plausible slip.
  auto wrong_square = [](const Inputs& in) {
    const Tensor& x = in[0];
    return ember::make_op("wrong_square", x.value().cwiseProduct(x.value()), x.shape(), {x}, [](ember::Node& y) {
      ember::Node& in = *y.parents[0];
      ember::add_grad_exact(in, (3 * y.grad.array() * in.value.array().square()).matrix());
    });
  };
  ember::Generator gen(1);
  const Tensor x = gradcheck::uniform(Shape::matrix(2, 3), gen, 0.5, 2);
  const gradcheck::Result bad = gradcheck::compute_gradient_check(wrong_square, {x});
  CHECK_FALSE(bad.passed);
  CHECK(bad.worst > 1);
  CHECK_THAT(bad.report, Catch::Contains("input 0") && Catch::Contains("analytic") && Catch::Contains("numeric"));

  SECTION("and a gradient missing for one input") {
    const Tensor y = gradcheck::uniform(Shape::matrix(2, 3), gen);
    auto forgets_y = [](const Inputs& in) {
      return ember::make_op("forgets_y", in[0].value() + in[1].value(), in[0].shape(), {in[0], in[1]},
                            [](ember::Node& z) { ember::add_grad_exact(*z.parents[0], z.grad); });
    };
    const gradcheck::Result missing = gradcheck::compute_gradient_check(forgets_y, {x, y});
    CHECK_FALSE(missing.passed);
    CHECK_THAT(missing.report, Catch::Contains("input 1"));
  }
  SECTION("and accepts the right one") {
    CHECK(gradcheck::compute_gradient_check([](const Inputs& in) { return in[0] * in[0]; }, {x}).passed);
  }
}

// ---- elementwise arithmetic, every broadcast form ----

TEST_CASE("add passes the gradient check in every broadcast form", "[gradcheck]") {
  check_binary("add", &ember::add, false);
}

TEST_CASE("sub passes the gradient check in every broadcast form", "[gradcheck]") {
  check_binary("sub", &ember::sub, false);
}

TEST_CASE("mul passes the gradient check in every broadcast form", "[gradcheck]") {
  check_binary("mul", &ember::mul, false);
}

TEST_CASE("div passes the gradient check in every broadcast form", "[gradcheck]") {
  check_binary("div", &ember::div, true);
}

TEST_CASE("the number operators pass the gradient check", "[gradcheck]") {
  ember::Generator gen(8);
  const Tensor x = gradcheck::away_from(Shape::matrix(2, 3), gen, -2, 2, {0}, 0.5);
  check_gradients([](const Inputs& in) { return in[0] + 1.5; }, {x});
  check_gradients([](const Inputs& in) { return 1.5 - in[0]; }, {x});
  check_gradients([](const Inputs& in) { return in[0] * -2.5; }, {x});
  check_gradients([](const Inputs& in) { return 3.0 / in[0]; }, {x});
  check_gradients([](const Inputs& in) { return in[0] / 4.0; }, {x});
  check_gradients([](const Inputs& in) { return -in[0]; }, {x});
}

// ---- matrix products ----

TEST_CASE("matmul passes the gradient check", "[gradcheck]") {
  ember::Generator gen(9);
  check_gradients([](const Inputs& in) { return ember::matmul(in[0], in[1]); },
                  {gradcheck::uniform(Shape::matrix(3, 4), gen), gradcheck::uniform(Shape::matrix(4, 5), gen)});
  check_gradients([](const Inputs& in) { return ember::matmul(in[0], in[1]); },
                  {gradcheck::uniform(Shape::matrix(1, 6), gen), gradcheck::uniform(Shape::matrix(6, 1), gen)});
}

TEST_CASE("transpose passes the gradient check for a matrix and a vector", "[gradcheck]") {
  ember::Generator gen(10);
  // Multiplied by a non-symmetric constant, so a transpose that forgot to transpose its gradient fails.
  check_gradients([](const Inputs& in) { return ember::matmul(ember::transpose(in[0]), in[1]); },
                  {gradcheck::uniform(Shape::matrix(3, 4), gen), gradcheck::uniform(Shape::matrix(3, 2), gen)});
  check_gradients([](const Inputs& in) { return ember::transpose(in[0]); },
                  {gradcheck::uniform(Shape::vector(4), gen)});
}

TEST_CASE("linear passes the gradient check with and without bias and for a 1-D input", "[gradcheck]") {
  ember::Generator gen(11);
  const Tensor x = gradcheck::uniform(Shape::matrix(5, 3), gen);
  const Tensor w = gradcheck::uniform(Shape::matrix(4, 3), gen);
  const Tensor b = gradcheck::uniform(Shape::vector(4), gen);
  check_gradients([](const Inputs& in) { return ember::linear(in[0], in[1], in[2]); }, {x, w, b});
  check_gradients([](const Inputs& in) { return ember::linear(in[0], in[1]); }, {x, w});
  check_gradients([](const Inputs& in) { return ember::linear(in[0], in[1], in[2]); },
                  {gradcheck::uniform(Shape::vector(3), gen), w, b});
}

// ---- reductions ----

TEST_CASE("sum and mean pass the gradient check over everything and along each dim", "[gradcheck]") {
  ember::Generator gen(12);
  for (const bool is_mean : {false, true}) {
    auto all = [is_mean](const Inputs& in) { return is_mean ? ember::mean(in[0]) : ember::sum(in[0]); };
    const Tensor m = gradcheck::uniform(Shape::matrix(3, 4), gen);
    const Tensor v = gradcheck::uniform(Shape::vector(5), gen);
    INFO((is_mean ? "mean" : "sum"));
    check_gradients(all, {m});
    check_gradients(all, {v});
    for (const int dim : {0, 1, -1}) {
      for (const bool keepdim : {false, true}) {
        INFO("dim " << dim << ", keepdim " << keepdim);
        check_gradients(
            [=](const Inputs& in) {
              return is_mean ? ember::mean(in[0], dim, keepdim) : ember::sum(in[0], dim, keepdim);
            },
            {m});
      }
    }
    for (const bool keepdim : {false, true}) {
      check_gradients(
          [=](const Inputs& in) { return is_mean ? ember::mean(in[0], 0, keepdim) : ember::sum(in[0], 0, keepdim); },
          {v});
    }
  }
}

TEST_CASE("max along a dim passes the gradient check away from ties", "[gradcheck]") {
  ember::Generator gen(13);
  for (const int dim : {0, 1}) {
    for (const bool keepdim : {false, true}) {
      INFO("dim " << dim << ", keepdim " << keepdim);
      check_gradients([=](const Inputs& in) { return ember::max(in[0], dim, keepdim); },
                      {gradcheck::distinct(Shape::matrix(3, 4), gen)});
    }
  }
  check_gradients([](const Inputs& in) { return ember::max(in[0], 0); }, {gradcheck::distinct(Shape::vector(6), gen)});
}

// ---- pointwise functions ----

TEST_CASE("exp and log pass the gradient check", "[gradcheck]") {
  ember::Generator gen(14);
  check_gradients([](const Inputs& in) { return ember::exp(in[0]); }, {gradcheck::uniform(Shape::matrix(3, 4), gen)});
  check_gradients([](const Inputs& in) { return ember::log(in[0]); },
                  {gradcheck::uniform(Shape::matrix(3, 4), gen, 0.2, 3)});
}

TEST_CASE("pow passes the gradient check for exponents 2, 0.5, -1 and 3", "[gradcheck]") {
  ember::Generator gen(15);
  check_gradients([](const Inputs& in) { return ember::pow(in[0], 2); },
                  {gradcheck::uniform(Shape::matrix(3, 4), gen)});
  check_gradients([](const Inputs& in) { return ember::pow(in[0], 0.5); },
                  {gradcheck::uniform(Shape::matrix(3, 4), gen, 0.2, 3)});
  check_gradients([](const Inputs& in) { return ember::pow(in[0], -1); },
                  {gradcheck::away_from(Shape::matrix(3, 4), gen, -2, 2, {0}, 0.5)});
  check_gradients([](const Inputs& in) { return ember::pow(in[0], 3); },
                  {gradcheck::uniform(Shape::matrix(3, 4), gen)});
}

TEST_CASE("clamp passes the gradient check away from its bounds", "[gradcheck]") {
  ember::Generator gen(16);
  check_gradients([](const Inputs& in) { return ember::clamp(in[0], -0.5, 0.5); },
                  {gradcheck::away_from(Shape::matrix(4, 5), gen, -1, 1, {-0.5, 0.5})});
}

// ---- a composition ----

TEST_CASE("a two-layer network with a log-softmax head passes the gradient check end to end", "[gradcheck]") {
  ember::Generator gen(17);
  const Tensor x = gradcheck::uniform(Shape::matrix(4, 3), gen);
  const Tensor w1 = gradcheck::uniform(Shape::matrix(5, 3), gen);
  const Tensor b1 = gradcheck::uniform(Shape::vector(5), gen);
  const Tensor w2 = gradcheck::uniform(Shape::matrix(2, 5), gen);
  const Tensor b2 = gradcheck::uniform(Shape::vector(2), gen);
  check_gradients(
      [](const Inputs& in) {
        const Tensor h = ember::tanh(ember::linear(in[0], in[1], in[2]));
        const Tensor logp = ember::log_softmax(ember::linear(h, in[3], in[4]), 1);
        return ember::mean(ember::sum(logp * logp, 1)) + ember::sum(h * h) * 0.1;  // h used twice
      },
      {x, w1, b1, w2, b2});
}
