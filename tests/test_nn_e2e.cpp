// End to end: a MyModel learns XOR and two moons (include/ember/lab/data/generators.hpp) to at least 97%
// training accuracy with Adam, full batch, from a fixed seed. Everything from here down is exercised
// at once: Linear, activations, cross-entropy / BCE-with-logits, backward, the optimizer. Each run
// takes well under a second; a bug in any gradient shows up as a model that does not learn.
#include <string>

#include <catch2/catch.hpp>

#include "ember/core/nn/loss.hpp"
#include "ember/core/nn/mymodel.hpp"
#include "ember/core/nn/optim.hpp"
#include "ember/lab/data/generators.hpp"

using ember::Tensor;
namespace nn = ember::nn;

namespace {

struct Outcome {
  double first_loss = 0, last_loss = 0, accuracy = 0;
};

// Trains `model` on the whole dataset for `steps` Adam steps: two classes as one sigmoid output
// (BCEWithLogits) when the model has one output, else cross-entropy of the logits.
Outcome train(nn::MyModel& model, const ember::Dataset& data, int steps, float lr) {
  const Tensor x = Tensor::from_matrix(data.X);
  ember::Matrix targets(data.size(), 1);
  for (ember::Index i = 0; i < data.size(); ++i)
    targets(i, 0) = static_cast<float>(data.y[static_cast<std::size_t>(i)]);
  const Tensor y01 = Tensor::from_matrix(targets);
  nn::Adam adam(model.parameters(), lr);
  nn::CrossEntropyLoss cross_entropy;
  Outcome outcome;
  for (int step = 0; step < steps; ++step) {
    const Tensor logits = model.logits(x);
    const Tensor loss = model.num_classes() == 1 ? nn::BCEWithLogitsLoss()(logits, y01) : cross_entropy(logits, data.y);
    if (step == 0) outcome.first_loss = loss.item();
    outcome.last_loss = loss.item();
    adam.zero_grad();
    loss.backward();
    adam.step();
  }
  ember::NoGradGuard no_grad;
  const ember::Matrix p = model(x).value();
  ember::Index correct = 0;
  for (ember::Index i = 0; i < data.size(); ++i) {
    ember::Index predicted = 0;
    if (model.num_classes() == 1) predicted = p(i, 0) > 0.5f ? 1 : 0;
    else p.row(i).maxCoeff(&predicted);
    correct += predicted == data.y[static_cast<std::size_t>(i)];
  }
  outcome.accuracy = static_cast<double>(correct) / static_cast<double>(data.size());
  return outcome;
}

}  // namespace

TEST_CASE("MyModel learns XOR to at least 97% training accuracy", "[e2e]") {
  ember::Generator gen(0);
  const ember::Dataset data = ember::xor_data(400, 0.05, gen);
  SECTION("as one sigmoid output with BCEWithLogits") {
    nn::MyModel model(2, 1, gen, "tanh", {16, 16});
    const Outcome o = train(model, data, 300, 0.02f);
    INFO("loss " << o.first_loss << " -> " << o.last_loss << ", accuracy " << o.accuracy);
    CHECK(o.accuracy >= 0.97);
    CHECK(o.last_loss < 0.5 * o.first_loss);
  }
  SECTION("as a two-way softmax with cross-entropy") {
    nn::MyModel model(2, 2, gen, "relu", {16, 16});
    const Outcome o = train(model, data, 300, 0.02f);
    INFO("loss " << o.first_loss << " -> " << o.last_loss << ", accuracy " << o.accuracy);
    CHECK(o.accuracy >= 0.97);
    CHECK(o.last_loss < 0.5 * o.first_loss);
  }
}

TEST_CASE("MyModel learns two moons to at least 97% training accuracy", "[e2e]") {
  ember::Generator gen(1);
  const ember::Dataset data = ember::moons(400, 0.1, gen);
  nn::MyModel model(2, 2, gen, "relu", {32, 16});
  const Outcome o = train(model, data, 400, 0.01f);
  INFO("loss " << o.first_loss << " -> " << o.last_loss << ", accuracy " << o.accuracy);
  CHECK(o.accuracy >= 0.97);
  CHECK(o.last_loss < 0.25 * o.first_loss);
}
