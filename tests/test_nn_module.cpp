// Tests for src/core/nn/module.cpp, activation.cpp and mymodel.cpp: parameter names as PyTorch names them,
// state_dict / load_state_dict (and that a failed load changes nothing), zero_grad, printing against
// PyTorch's repr (tests/reference/nn_reference.json, section "repr"), make_activation's names and
// errors, and the article's model (Sigmoid or Softmax head on top of the logits).
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/engine/ops.hpp"
#include "ember/core/nn/activation_modules.hpp"
#include "ember/core/nn/linear.hpp"
#include "ember/core/nn/loss.hpp"
#include "ember/core/nn/mymodel.hpp"
#include "ember/core/nn/sequential.hpp"
#include "reference_data.hpp"

using ember::Generator;
using ember::Matrix;
using ember::Shape;
using ember::Tensor;
using reference::json;
namespace nn = ember::nn;

namespace {

std::string printed(const nn::Module& module) {
  std::ostringstream out;
  out << module;
  return out.str();
}

std::string expected_repr(const std::string& key) { return reference::nn_data().at("repr").at(key).get<std::string>(); }

// Every parameter's value, in order, to compare a model before and after something.
std::vector<Matrix> values_of(const nn::Module& module) {
  std::vector<Matrix> values;
  for (const Tensor& p : module.parameters()) values.push_back(p.value());
  return values;
}

const Tensor kBatch = Tensor::matrix({{0.5f, -1, 2, 0}, {1, 1, -0.25f, 3}, {-2, 0.75f, 0, 1}});

}  // namespace

// ---- names and state dicts ----

TEST_CASE("MyModel names its parameters as PyTorch does: fc1.weight, fc1.bias, ...", "[nn]") {
  Generator gen(0);
  nn::MyModel model(4, 3, gen, "relu", {8, 6});
  // clang-format off
  const std::vector<std::pair<std::string, Shape>> expected{
      {"fc1.weight", Shape::matrix(8, 4)}, {"fc1.bias", Shape::vector(8)},
      {"fc2.weight", Shape::matrix(6, 8)}, {"fc2.bias", Shape::vector(6)},
      {"fc3.weight", Shape::matrix(3, 6)}, {"fc3.bias", Shape::vector(3)}};
  // clang-format on
  const auto named = model.named_parameters();
  REQUIRE(named.size() == expected.size());
  for (std::size_t i = 0; i < named.size(); ++i) {
    CHECK(named[i].first == expected[i].first);
    CHECK(named[i].second.shape() == expected[i].second);
  }
  CHECK(model.parameters().size() == 6);
  // The optimizer-test fixture's names are PyTorch's own state_dict keys: the same set.
  std::vector<std::string> torch_names;
  for (const auto& [name, t] : reference::nn_data().at("optim").at("multiclass").at("initial").items())
    torch_names.push_back(name);
  std::vector<std::string> ember_names;
  for (const auto& [name, t] : model.state_dict()) ember_names.push_back(name);
  CHECK(ember_names == torch_names);  // both sorted (std::map, JSON object)
}

TEST_CASE("Sequential names its children 0, 1, 2 and runs them in order", "[nn]") {
  Generator gen(0);
  nn::Sequential seq;
  seq.push_back(std::make_unique<nn::Linear>(4, 8, gen));
  seq.push_back(std::make_unique<nn::ReLU>());
  seq.push_back(std::make_unique<nn::Linear>(8, 3, gen));
  const auto named = seq.named_parameters();
  REQUIRE(named.size() == 4);
  CHECK(named[0].first == "0.weight");
  CHECK(named[1].first == "0.bias");
  CHECK(named[2].first == "2.weight");
  CHECK(named[3].first == "2.bias");
  CHECK(seq.size() == 3);
  const Tensor by_hand = seq[2](ember::relu(seq[0](kBatch)));
  CHECK(seq(kBatch).value() == by_hand.value());
}

TEST_CASE("state_dict copies the values: editing it leaves the model alone", "[nn]") {
  Generator gen(0);
  nn::MyModel model(4, 2, gen, "tanh", {5});
  nn::StateDict state = model.state_dict();
  REQUIRE(state.size() == 4);
  const auto before = values_of(model);
  state.at("fc1.weight").mutable_value().setZero();
  CHECK(values_of(model) == before);
  CHECK_FALSE(state.at("fc1.weight").requires_grad());
}

TEST_CASE("load_state_dict copies values in, and a state dict moves between two models", "[nn]") {
  Generator a(1), b(2);
  nn::MyModel source(4, 3, a, "relu", {8, 6}), target(4, 3, b, "relu", {8, 6});
  REQUIRE(values_of(source) != values_of(target));
  target.load_state_dict(source.state_dict());
  CHECK(values_of(target) == values_of(source));
  CHECK(target(kBatch).value() == source(kBatch).value());
  // The parameters stay the same tensors (an optimizer holding them keeps working).
  for (const Tensor& p : target.parameters()) CHECK(p.requires_grad());
}

TEST_CASE("load_state_dict names a missing, an unexpected or a wrongly shaped tensor, and then changes nothing",
          "[nn]") {
  Generator a(1), b(2);
  nn::MyModel model(4, 3, a, "relu", {8, 6}), other(4, 3, b, "relu", {8, 6});
  const auto before = values_of(model);

  nn::StateDict missing = other.state_dict();
  missing.erase("fc2.bias");
  CHECK_THROWS_WITH(model.load_state_dict(missing), Catch::Contains("missing") && Catch::Contains("\"fc2.bias\""));
  CHECK(values_of(model) == before);

  nn::StateDict unexpected = other.state_dict();
  unexpected.emplace("fc4.weight", Tensor::zeros(Shape::matrix(3, 3)));
  CHECK_THROWS_WITH(model.load_state_dict(unexpected),
                    Catch::Contains("unexpected") && Catch::Contains("\"fc4.weight\""));
  CHECK(values_of(model) == before);

  nn::StateDict wrong_shape = other.state_dict();
  wrong_shape.at("fc3.weight") = Tensor::zeros(Shape::matrix(6, 3));
  CHECK_THROWS_WITH(model.load_state_dict(wrong_shape),
                    Catch::Contains("\"fc3.weight\"") && Catch::Contains("[6, 3]") && Catch::Contains("[3, 6]"));
  CHECK(values_of(model) == before);

  // strict = false: a missing or unexpected name is skipped, the rest is loaded; a wrong shape still throws.
  model.load_state_dict(missing, false);
  CHECK(model.state_dict().at("fc1.weight").value() == other.state_dict().at("fc1.weight").value());
  CHECK(model.state_dict().at("fc2.bias").value() == before[3]);
  CHECK_THROWS(model.load_state_dict(wrong_shape, false));
}

TEST_CASE("zero_grad clears every gradient, so a second backward gives the same gradients, not twice them", "[nn]") {
  Generator gen(0);
  nn::MyModel model(4, 3, gen, "relu", {8, 6});
  auto backward_once = [&] { nn::CrossEntropyLoss()(model.logits(kBatch), {0, 2, 1}).backward(); };
  backward_once();
  std::vector<Matrix> first;
  for (const Tensor& p : model.parameters()) {
    REQUIRE(p.has_grad());
    first.push_back(p.grad());
  }
  backward_once();  // without zero_grad: accumulates, as in PyTorch
  CHECK(model.parameters()[0].grad().isApprox(2 * first[0]));
  model.zero_grad();
  for (const Tensor& p : model.parameters()) CHECK_FALSE(p.has_grad());
  backward_once();
  for (std::size_t i = 0; i < first.size(); ++i) CHECK(model.parameters()[i].grad() == first[i]);
}

TEST_CASE("train() and eval() set the mode of the module and all its children", "[nn]") {
  Generator gen(0);
  nn::Sequential seq;
  seq.push_back(std::make_unique<nn::Linear>(2, 2, gen));
  CHECK(seq.is_training());
  seq.eval();
  CHECK_FALSE(seq.is_training());
  CHECK_FALSE(seq[0].is_training());
  seq.train();
  CHECK(seq[0].is_training());
}

// ---- printing ----

TEST_CASE("Activation modules print as PyTorch's repr", "[nn]") {
  CHECK(printed(nn::Sigmoid()) == expected_repr("sigmoid"));
  CHECK(printed(nn::Tanh()) == expected_repr("tanh"));
  CHECK(printed(nn::ReLU()) == expected_repr("relu"));
  CHECK(printed(nn::LeakyReLU()) == expected_repr("leaky_relu"));
  CHECK(printed(nn::LeakyReLU(0.05f)) == expected_repr("leaky_relu:0.05"));
  CHECK(printed(nn::GELU()) == expected_repr("gelu"));
  CHECK(printed(nn::SiLU()) == expected_repr("silu"));
  CHECK(printed(nn::ELU()) == expected_repr("elu"));
  CHECK(printed(nn::ELU(0.5f)) == expected_repr("elu:0.5"));
  CHECK(printed(nn::Softplus()) == expected_repr("softplus"));
  CHECK(printed(nn::Softplus(2)) == expected_repr("softplus:2"));
  CHECK(printed(nn::Softmax(1)) == expected_repr("softmax"));
  CHECK(printed(nn::LogSoftmax(1)) == expected_repr("log_softmax"));
  // The factory's modules print the same way.
  CHECK(printed(*nn::make_activation("leaky_relu:0.05")) == expected_repr("leaky_relu:0.05"));
  CHECK(printed(*nn::make_activation("elu")) == expected_repr("elu"));
}

TEST_CASE("Sequential prints as PyTorch's repr, nested ones indented", "[nn]") {
  Generator gen(0);
  nn::Sequential seq;
  seq.push_back(std::make_unique<nn::Linear>(4, 8, gen));
  seq.push_back(std::make_unique<nn::ReLU>());
  seq.push_back(std::make_unique<nn::Linear>(8, 3, gen));
  seq.push_back(std::make_unique<nn::Softmax>(1));
  CHECK(printed(seq) == expected_repr("sequential"));

  nn::Sequential outer;
  outer.push_back(std::make_unique<nn::Linear>(2, 2, gen));
  auto inner = std::make_unique<nn::Sequential>();
  inner->push_back(std::make_unique<nn::Tanh>());
  inner->push_back(std::make_unique<nn::Linear>(2, 1, gen));
  outer.push_back(std::move(inner));
  CHECK(printed(outer) == expected_repr("nested_sequential"));
}

TEST_CASE("MyModel prints as the equivalent PyTorch module: fc1..fcK, activation, head", "[nn]") {
  Generator gen(0);
  CHECK(printed(nn::MyModel(10, 1, gen)) == expected_repr("mymodel_10_1"));
  CHECK(printed(nn::MyModel(10, 5, gen)) == expected_repr("mymodel_10_5"));
  CHECK(printed(nn::MyModel(4, 3, gen, "leaky_relu:0.05", {8, 6})) == expected_repr("mymodel_4_3_8_6_leaky_relu:0.05"));
  CHECK(printed(nn::MyModel(4, 3, gen, "gelu", {8, 6})) == expected_repr("mymodel_4_3_8_6_gelu"));
}

// ---- make_activation ----

TEST_CASE("make_activation builds every known name, and its spec reads back to the same module", "[nn]") {
  REQUIRE(nn::activation_names().size() == 8);
  const Tensor z = Tensor::vector({-3, -0.5f, 0, 0.5f, 3});
  for (const std::string& name : nn::activation_names()) {
    INFO(name);
    const auto activation = nn::make_activation(name);
    REQUIRE(activation != nullptr);
    CHECK(printed(*nn::make_activation(activation->spec())) == printed(*activation));
    CHECK((*activation)(z).shape() == z.shape());
  }
  CHECK(printed(*nn::make_activation("sigmoid")) == "Sigmoid()");
  CHECK(printed(*nn::make_activation("relu")) == "ReLU()");
  CHECK(printed(*nn::make_activation("gelu")) == "GELU(approximate='none')");
}

TEST_CASE("make_activation reads a parameter: leaky_relu:0.05 has slope 0.05", "[nn]") {
  const auto leaky = nn::make_activation("leaky_relu:0.05");
  const auto* as_leaky = dynamic_cast<const nn::LeakyReLU*>(leaky.get());
  REQUIRE(as_leaky != nullptr);
  CHECK(as_leaky->negative_slope() == Approx(0.05));
  CHECK(leaky->spec() == "leaky_relu:0.05");
  CHECK((*leaky)(Tensor::vector({-2, 2})).value() == Tensor::vector({-0.1f, 2}).value());
  const auto default_leaky = nn::make_activation("leaky_relu");
  REQUIRE(dynamic_cast<const nn::LeakyReLU*>(default_leaky.get()) != nullptr);
  CHECK(dynamic_cast<const nn::LeakyReLU*>(default_leaky.get())->negative_slope() == Approx(0.01));
  CHECK(printed(*nn::make_activation("elu:0.5")) == "ELU(alpha=0.5)");
  CHECK(printed(*nn::make_activation("softplus:2")) == "Softplus(beta=2, threshold=20)");
}

TEST_CASE("make_activation rejects an unknown name, listing the known ones, and a bad parameter", "[nn]") {
  try {
    nn::make_activation("sparkle");
    FAIL("no exception for \"sparkle\"");
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    CHECK_THAT(message, Catch::Contains("sparkle"));
    for (const std::string& name : nn::activation_names()) CHECK_THAT(message, Catch::Contains(name));
  }
  CHECK_THROWS_AS(nn::make_activation("relu:3"), std::invalid_argument);
  CHECK_THROWS_WITH(nn::make_activation("relu:3"), Catch::Contains("relu") && Catch::Contains("no parameter"));
  CHECK_THROWS_WITH(nn::make_activation("leaky_relu:abc"), Catch::Contains("abc") && Catch::Contains("not a number"));
  CHECK_THROWS_AS(nn::make_activation("leaky_relu:0.05x"), std::invalid_argument);
  CHECK_THROWS_AS(nn::make_activation("leaky_relu:inf"), std::invalid_argument);
  // Found by fuzz_formula: a finite double past float's range became softplus:inf, whose spec did not read back.
  CHECK_THROWS_WITH(nn::make_activation("softplus:2022222222222222222222222222222222222222222222"),
                    Catch::Contains("out of range"));
  CHECK_THROWS_WITH(nn::make_activation("elu:-1e39"), Catch::Contains("out of range"));
  CHECK_THROWS_AS(nn::make_activation("softplus:0"), std::invalid_argument);
  CHECK_THROWS_AS(nn::make_activation(""), std::invalid_argument);
  CHECK_THROWS_AS(nn::make_activation("ReLU"), std::invalid_argument);
}

// ---- the article's model ----

TEST_CASE("MyModel(10, 1) has a Sigmoid head: outputs of shape [N, 1] in (0, 1)", "[nn]") {
  Generator gen(7);
  nn::MyModel model(10, 1, gen);
  const Tensor x = Tensor::normal(Shape::matrix(32, 10), 0, 3, gen);
  const Tensor p = model(x);
  CHECK(p.shape() == Shape::matrix(32, 1));
  CHECK(p.value().minCoeff() > 0);
  CHECK(p.value().maxCoeff() < 1);
  CHECK(model.num_classes() == 1);
  CHECK(model.hidden() == std::vector<ember::Index>{64, 32});
  CHECK(model(x).value() == ember::sigmoid(model.logits(x)).value());
}

TEST_CASE("MyModel(10, 5) has a Softmax head: each row of its output sums to 1", "[nn]") {
  Generator gen(7);
  nn::MyModel model(10, 5, gen);
  const Tensor x = Tensor::normal(Shape::matrix(32, 10), 0, 3, gen);
  const Tensor p = model(x);
  CHECK(p.shape() == Shape::matrix(32, 5));
  CHECK(p.value().minCoeff() >= 0);
  for (ember::Index i = 0; i < p.rows(); ++i) CHECK(p.value().row(i).sum() == Approx(1).epsilon(1e-6));
  CHECK(model(x).value() == ember::softmax(model.logits(x), 1).value());
}

TEST_CASE("MyModel's forward is head(logits) and its logits are the last Linear's output", "[nn]") {
  Generator gen(3);
  nn::MyModel model(4, 3, gen, "tanh", {8, 6});
  const Tensor logits = model.logits(kBatch);
  CHECK(model(kBatch).value() == model.head(logits).value());
  auto& fc = model.layers();
  REQUIRE(fc.size() == 3);
  const Tensor by_hand = (*fc[2])(ember::tanh((*fc[1])(ember::tanh((*fc[0])(kBatch)))));
  CHECK(logits.value() == by_hand.value());
  // The hidden layers' pre-activations, seen through forward hooks on fc1 and fc2.
  std::vector<Tensor> pre;
  for (std::size_t k = 0; k < 2; ++k) {
    fc[k]->register_forward_hook([&pre](nn::Module&, const Tensor&, const Tensor& z) { pre.push_back(z); });
  }
  model.logits(kBatch);
  REQUIRE(pre.size() == 2);
  CHECK(pre[0].value() == (*fc[0])(kBatch).value());
}

TEST_CASE("A forward hook sees each call's input and output, in order, until it is removed", "[nn]") {
  Generator gen(5);
  nn::Sequential net;
  net.push_back(std::make_unique<nn::Linear>(4, 3, gen));
  net.push_back(std::make_unique<nn::ReLU>());
  std::vector<std::string> calls;
  Tensor seen_input, seen_output;
  const int on_linear = net[0].register_forward_hook([&](nn::Module& m, const Tensor& in, const Tensor& out) {
    calls.push_back(m.type_name());
    seen_input = in;
    seen_output = out;
  });
  net[1].register_forward_hook([&](nn::Module& m, const Tensor&, const Tensor&) { calls.push_back(m.type_name()); });
  const Tensor y = net(kBatch);
  CHECK(calls == std::vector<std::string>{"Linear", "ReLU"});
  CHECK(seen_input.value() == kBatch.value());
  CHECK(y.value() == ember::relu(seen_output).value());
  net[0].remove_forward_hook(on_linear);
  net(kBatch);
  CHECK(calls == std::vector<std::string>{"Linear", "ReLU", "ReLU"});
  net[0].forward(kBatch);  // forward() itself, as in PyTorch, runs no hooks
  CHECK(calls.size() == 3);
}

TEST_CASE("MyModel draws the same weights for every activation from the same seed", "[nn]") {
  Generator a(11), b(11);
  nn::MyModel relu(4, 3, a, "relu"), gelu(4, 3, b, "gelu");
  CHECK(values_of(relu) == values_of(gelu));
}

TEST_CASE("MyModel rejects bad sizes, an unknown activation and an input of the wrong width", "[nn]") {
  Generator gen(0);
  CHECK_THROWS_AS(nn::MyModel(0, 3, gen), std::invalid_argument);
  CHECK_THROWS_AS(nn::MyModel(4, 0, gen), std::invalid_argument);
  CHECK_THROWS_AS(nn::MyModel(4, 3, gen, "sparkle"), std::invalid_argument);
  nn::MyModel model(4, 3, gen);
  CHECK_THROWS_WITH(model(Tensor::zeros(Shape::matrix(2, 5))), Catch::Contains("[2, 5]") && Catch::Contains("[N, 4]"));
}
