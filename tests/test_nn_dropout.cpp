// Tests for src/core/nn/dropout.cpp and MyModel's dropout: the fraction zeroed and the kept value
// (PyTorch's, from tests/reference/dropout_reference.json), eval mode and p = 0 as the identity, masks
// reproducible from a seed and fresh on every call, the gradient (exactly the scaled mask), printing
// against PyTorch's repr, and a MyModel whose weights and eval-mode output do not change with dropout.
// The finite-difference check of dropout's backward is in gradcheck_dropout.cpp.
#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/engine/ops.hpp"
#include "ember/core/nn/dropout.hpp"
#include "ember/core/nn/mymodel.hpp"
#include "reference_data.hpp"

using ember::Generator;
using ember::Index;
using ember::Matrix;
using ember::Scalar;
using ember::Shape;
using ember::Tensor;
using reference::json;
namespace nn = ember::nn;

namespace {

const json& dropout_data() {
  static const json document = reference::load("dropout_reference.json", "make_dropout_reference.py");
  return document;
}

std::string expected_repr(const std::string& key) { return dropout_data().at("repr").at(key).get<std::string>(); }

// PyTorch's value for a kept element of ones: float32 1/(1 − p).
Scalar torch_kept_value(double p) {
  for (const json& c : dropout_data().at("kept"))
    if (c.at("p").get<double>() == p) return static_cast<Scalar>(c.at("value").get<double>());
  throw std::runtime_error("dropout_reference.json has no kept value for p = " + std::to_string(p));
}

std::string printed(const nn::Module& module) {
  std::ostringstream out;
  out << module;
  return out.str();
}

Index zeros(const Matrix& m) { return (m.array() == 0).count(); }

}  // namespace

TEST_CASE("Dropout zeroes a fraction p of a batch and scales the rest by PyTorch's 1/(1-p)", "[dropout]") {
  for (const double p : {0.2, 0.5}) {
    INFO("p = " << p);
    Generator gen(11);
    nn::Dropout drop(static_cast<Scalar>(p), gen);
    const Tensor out = drop(Tensor::ones(Shape::matrix(1000, 200)));
    REQUIRE(out.shape() == Shape::matrix(1000, 200));
    // The count of zeros is Binomial(n, p): within 4 standard deviations of n p.
    const double n = 1000.0 * 200.0;
    CHECK(std::abs(static_cast<double>(zeros(out.value())) - n * p) <= 4 * std::sqrt(n * p * (1 - p)));
    const Scalar kept = torch_kept_value(p);
    CHECK(kept == Scalar(1) / (1 - static_cast<Scalar>(p)));
    CHECK((out.value().array() == kept).count() + zeros(out.value()) == out.numel());
  }
}

TEST_CASE("Dropout in eval mode, and Dropout(0) in training mode, return the input tensor itself", "[dropout]") {
  Generator gen(12);
  const Tensor x = Tensor::uniform(Shape::matrix(50, 40), -1, 1, gen);
  nn::Dropout drop(0.5f, gen);
  drop.eval();
  CHECK(drop(x).node_ptr() == x.node_ptr());
  drop.train();
  CHECK(zeros(drop(x).value()) > 0);  // back in training mode, it drops again
  nn::Dropout none(0, gen);
  CHECK(none(x).node_ptr() == x.node_ptr());
}

TEST_CASE("A dropout mask is one uniform() per element in row-major order, dropped when below p", "[dropout]") {
  Generator gen(13), replay(13);
  const Matrix mask = nn::dropout_mask(3, 4, 0.3f, gen);
  for (Index i = 0; i < mask.size(); ++i) {
    INFO("element " << i);
    CHECK(mask.data()[i] == (replay.uniform() < 0.3f ? Scalar(0) : torch_kept_value(0.3)));
  }
}

TEST_CASE("The same seed gives the same masks, and every call draws a new one", "[dropout]") {
  Generator gen_a(14), gen_b(14);
  nn::Dropout a(0.5f, gen_a), b(0.5f, gen_b);
  const Tensor x = Tensor::ones(Shape::matrix(20, 30));
  const Matrix first = a(x).value();
  CHECK(first == b(x).value());
  const Matrix second = a(x).value();
  CHECK(second == b(x).value());
  CHECK(first != second);
}

TEST_CASE("The gradient of sum(dropout(x)) is the scaled mask, exactly", "[dropout]") {
  Generator gen(15);
  Tensor x = Tensor::uniform(Shape::matrix(30, 20), -2, 2, gen).requires_grad_();
  Generator replay = gen;  // the module's next draws, replayed
  nn::Dropout drop(0.2f, gen);
  const Tensor y = drop(x);
  ember::sum(y).backward();
  const Matrix mask = nn::dropout_mask(30, 20, 0.2f, replay);
  CHECK(x.grad() == mask);
  CHECK(y.value() == x.value().cwiseProduct(mask));
  CHECK((mask.array() == torch_kept_value(0.2)).count() + zeros(mask) == mask.size());
  CHECK(zeros(mask) > 0);
}

TEST_CASE("dropout keeps a vector a vector and names both shapes when the mask does not fit", "[dropout]") {
  const Tensor v = Tensor::vector({1, 2, 3, 4});
  Matrix mask(1, 4);
  mask << 0, 2, 2, 0;
  const Tensor y = nn::dropout(v, mask);
  CHECK(y.shape() == Shape::vector(4));
  CHECK(y.value() == (Matrix(1, 4) << 0, 4, 6, 0).finished());
  CHECK_THROWS_WITH(nn::dropout(Tensor::ones(Shape::matrix(2, 3)), Matrix::Ones(3, 2)),
                    "dropout: input [2, 3] and a 3x2 mask do not match");
}

TEST_CASE("Dropout refuses p = 1, a negative p and NaN", "[dropout]") {
  Generator gen(16);
  for (const Scalar p : {Scalar(1), Scalar(-0.1), Scalar(1.5), std::numeric_limits<Scalar>::quiet_NaN()}) {
    INFO("p = " << p);
    CHECK_THROWS_AS(nn::Dropout(p, gen), std::invalid_argument);
    CHECK_THROWS_WITH(nn::Dropout(p, gen), Catch::Contains("Dropout: p must be in [0, 1)"));
    CHECK_THROWS_AS(nn::MyModel(4, 3, gen, "relu", {8}, nn::InitScheme::Default, p), std::invalid_argument);
  }
}

TEST_CASE("Dropout and MyModel with dropout print as PyTorch's repr", "[dropout]") {
  Generator gen(0);
  CHECK(printed(nn::Dropout(0.2f, gen)) == expected_repr("dropout_0.2"));
  CHECK(printed(nn::Dropout(0.5f, gen)) == expected_repr("dropout_0.5"));
  CHECK(printed(nn::Dropout(0, gen)) == expected_repr("dropout_0"));
  const auto model = [&gen](Index in, Index classes, const std::string& act, std::vector<Index> hidden, Scalar p) {
    return printed(nn::MyModel(in, classes, gen, act, hidden, nn::InitScheme::Default, p));
  };
  CHECK(model(10, 1, "relu", {64, 32}, 0.2f) == expected_repr("mymodel_10_1_dropout_0.2"));
  CHECK(model(4, 3, "gelu", {8, 6}, 0.5f) == expected_repr("mymodel_4_3_8_6_gelu_dropout_0.5"));
  CHECK(model(4, 3, "gelu", {8, 6}, 0) == expected_repr("mymodel_4_3_8_6_gelu_dropout_0"));  // no child
}

// ---- MyModel with dropout ----

TEST_CASE("MyModel with dropout has the same weights, and draws one number more, for the same seed", "[dropout]") {
  Generator gen_plain(17), gen_drop(17);
  nn::MyModel plain(5, 3, gen_plain, "tanh", {16, 8});
  nn::MyModel dropped(5, 3, gen_drop, "tanh", {16, 8}, nn::InitScheme::Default, 0.25f);
  CHECK(plain.dropout() == 0);
  CHECK(plain.dropout_generator() == nullptr);
  CHECK(dropped.dropout() == 0.25f);
  REQUIRE(dropped.dropout_generator() != nullptr);
  const nn::StateDict a = plain.state_dict(), b = dropped.state_dict();
  REQUIRE(a.size() == b.size());
  for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
    INFO(ia->first);
    CHECK(ia->first == ib->first);
    CHECK(ia->second.value() == ib->second.value());
  }
  // The masks' generator is seeded from the init generator's first draw after the weights.
  Generator expected(gen_plain.next_u32());
  CHECK(dropped.dropout_generator()->next_u32() == expected.next_u32());
  CHECK(gen_drop.next_u32() == gen_plain.next_u32());  // and that was its only extra draw
}

TEST_CASE("MyModel with dropout: eval gives exactly the plain model's logits, train drops after each act",
          "[dropout]") {
  Generator gen_plain(18), gen_drop(18), gen_x(19);
  nn::MyModel plain(5, 3, gen_plain, "tanh", {16, 8});
  nn::MyModel dropped(5, 3, gen_drop, "tanh", {16, 8}, nn::InitScheme::Default, 0.5f);
  const Tensor x = Tensor::uniform(Shape::matrix(64, 5), -1, 1, gen_x);
  dropped.eval();
  CHECK(dropped.logits(x).value() == plain.logits(x).value());

  // In training mode each Linear after the first sees act(previous Linear's output) with the mask
  // applied: 0, or the activation times 1/(1-p). The hooks on the fc layers still fire.
  dropped.train();
  std::vector<Tensor> outputs, inputs;
  for (nn::Linear* fc : dropped.layers()) {
    fc->register_forward_hook([&](nn::Module&, const Tensor& in, const Tensor& out) {
      inputs.push_back(in);
      outputs.push_back(out);
    });
  }
  const Matrix logits = dropped.logits(x).value();
  REQUIRE(outputs.size() == 3);
  CHECK(logits == outputs[2].value());
  CHECK(logits != plain.logits(x).value());
  for (std::size_t k = 1; k < 3; ++k) {
    INFO("input of fc" << k + 1);
    const Matrix act = ember::tanh(outputs[k - 1]).value();
    const Matrix& in = inputs[k].value();
    CHECK(zeros(in) > 0);
    for (Index i = 0; i < in.size(); ++i)
      if (in.data()[i] != 0) CHECK(in.data()[i] == Approx(act.data()[i] * 2).margin(1e-6));
  }
}
