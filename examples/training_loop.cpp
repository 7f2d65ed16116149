// A training loop written out by hand: the spiral data, a stratified split, standardization, shuffled
// mini-batches, the article's MyModel, Adam, cross-entropy on the logits, and test accuracy. It is what
// ember::fit (src/core/train/trainer.cpp) does, minus its FitObserver. Exits 1 below 90% test accuracy.
// Walked through in docs/08-data-and-training.md.
#include <cstdio>
#include <vector>

#include "ember/core/data/loader.hpp"
#include "ember/core/engine/ops.hpp"
#include "ember/core/nn/loss.hpp"
#include "ember/core/nn/mymodel.hpp"
#include "ember/core/nn/optim.hpp"
#include "ember/lab/data/generators.hpp"
#include "ember/lab/data/split.hpp"

using namespace ember;

// The share of rows whose largest logit is the true class. No graph is needed: NoGradGuard.
double accuracy(nn::MyModel& model, const Dataset& data) {
  NoGradGuard no_grad;
  const Tensor predicted = argmax(model.logits(Tensor::from_matrix(data.X)), 1);  // [N] class indices
  int correct = 0;
  for (Index i = 0; i < data.size(); ++i) correct += predicted.at(i) == data.y[static_cast<std::size_t>(i)];
  return static_cast<double>(correct) / static_cast<double>(data.size());
}

int main() {
  // ---- data: 300 points on 3 spiral arms, 20% held out, z-scored with the training statistics ----
  Generator data_gen(0);
  const Dataset spiral_data = spiral(300, 3, 0.2, data_gen);  // X [300, 2], y in {0, 1, 2}
  auto [train, test] = stratified_split(spiral_data, 0.2, data_gen);
  const Standardizer scaler = Standardizer::fit(train.X);  // mean and std of the training split only
  scaler.apply(train.X);
  scaler.apply(test.X);

  // ---- model, optimizer, loss ----
  Generator init_gen(1);
  nn::MyModel model(2, 3, init_gen);  // 2 -> 64 -> relu -> 32 -> relu -> 3, softmax head
  nn::Adam optimizer(model.parameters(), 0.01f);
  nn::CrossEntropyLoss criterion;  // takes logits: it applies log_softmax itself

  // ---- the loop ----
  Generator shuffle_gen(2);
  DataLoader loader(train, 32, /*shuffle=*/true, shuffle_gen);
  Matrix xb;            // [B, 2], reused from batch to batch
  std::vector<int> yb;  // [B]
  for (int epoch = 1; epoch <= 100; ++epoch) {
    loader.start_epoch();  // a fresh permutation of the rows
    double loss_sum = 0;
    for (Index b = 0; b < loader.num_batches(); ++b) {
      loader.batch(b, xb, yb);
      const Tensor logits = model.logits(Tensor::from_matrix(xb));  // [B, 3]
      const Tensor loss = criterion(logits, yb);                    // mean over the batch
      optimizer.zero_grad();                                        // gradients accumulate: clear last step's
      loss.backward();                                              // dL/dθ for every parameter θ
      optimizer.step();                                             // θ ← θ − lr · (Adam's step)
      loss_sum += loss.item() * static_cast<double>(yb.size());
    }
    if (epoch % 20 == 0) {
      std::printf("epoch %3d  train loss %.4f  test accuracy %.4f\n", epoch,
                  loss_sum / static_cast<double>(train.size()), accuracy(model, test));
    }
  }
  const double test_accuracy = accuracy(model, test);
  std::printf("final test accuracy %.4f on %ld samples\n", test_accuracy, static_cast<long>(test.size()));
  return test_accuracy >= 0.9 ? 0 : 1;
}
