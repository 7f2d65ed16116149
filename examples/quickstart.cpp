// The README's program: the article's MyModel trained on two moons, in full. Exits 1 if it learned
// less than 95% of the training set. The README quotes everything from the first #include down, and
// the docs test (tests/test_docs.cpp) fails if the two drift apart.
#include <iostream>

#include "ember/core/engine/ops.hpp"
#include "ember/core/nn/loss.hpp"
#include "ember/core/nn/mymodel.hpp"
#include "ember/core/nn/optim.hpp"
#include "ember/lab/data/generators.hpp"

int main() {
  using namespace ember;
  Generator gen(0);                               // every random draw comes from here
  const Dataset data = moons(400, 0.1, gen);      // X [400, 2], y: 400 labels, 0 or 1
  nn::MyModel model(2, 2, gen);                   // MyModel(input_size=2, num_classes=2)
  nn::Adam optimizer(model.parameters(), 0.01f);  // torch.optim.Adam(model.parameters(), lr=0.01)
  nn::CrossEntropyLoss criterion;
  const Tensor x = Tensor::from_matrix(data.X);
  for (int epoch = 1; epoch <= 200; ++epoch) {               // full batch: one step per epoch
    const Tensor loss = criterion(model.logits(x), data.y);  // logits, not model(x): see docs/05
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    if (epoch % 50 == 0) std::cout << "epoch " << epoch << "  loss " << loss.item() << "\n";
  }
  NoGradGuard no_grad;                           // with torch.no_grad():
  const Tensor predicted = argmax(model(x), 1);  // the most probable class of each row
  int correct = 0;
  for (Index i = 0; i < data.size(); ++i) correct += predicted.at(i) == data.y[i];
  std::cout << "training accuracy " << correct / 400.0 << "\n";
  return correct >= 380 ? 0 : 1;
}
