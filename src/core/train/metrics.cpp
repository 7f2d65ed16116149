// evaluate(): the loss and accuracy of a model on a dataset, and its predictions.
#include "ember/core/train/metrics.hpp"

#include <cmath>

#include "ember/core/train/trainer.hpp"

namespace ember {

std::vector<int> predict_classes(const Matrix& outputs, bool logits) {
  std::vector<int> predicted(static_cast<std::size_t>(outputs.rows()));
  for (Index i = 0; i < outputs.rows(); ++i) {
    Index best = 0;
    if (outputs.cols() == 1) {
      best = outputs(i, 0) > (logits ? Scalar(0) : Scalar(0.5)) ? 1 : 0;  // σ(z) > 0.5 exactly when z > 0
    } else {
      outputs.row(i).maxCoeff(&best);
    }
    predicted[static_cast<std::size_t>(i)] = static_cast<int>(best);
  }
  return predicted;
}

Evaluation evaluate(nn::MyModel& model, const Matrix& X, const std::vector<int>& y, Index chunk) {
  NoGradGuard no_grad;
  nn::EvalModeGuard eval_mode(model);
  Evaluation result;
  const Index n = X.rows();
  result.logits.resize(n, model.num_classes());
  result.probabilities.resize(n, model.num_classes());
  double loss_sum = 0;
  for (Index start = 0; start < n; start += chunk) {
    const Index rows = std::min(chunk, n - start);
    const std::vector<int> yb(y.begin() + start, y.begin() + start + rows);
    const Tensor logits = model.logits(Tensor::from_matrix(X.middleRows(start, rows)));
    loss_sum += classification_loss(logits, yb).item() * static_cast<double>(rows);
    result.logits.middleRows(start, rows) = logits.value();
    result.probabilities.middleRows(start, rows) = model.head(logits).value();
    for (int p : predict_classes(logits.value(), true)) result.predicted.push_back(p);
  }
  long correct = 0;
  for (Index i = 0; i < n; ++i)
    correct += y[static_cast<std::size_t>(i)] == result.predicted[static_cast<std::size_t>(i)];
  result.loss = n > 0 ? loss_sum / static_cast<double>(n) : NAN;
  result.accuracy = n > 0 ? static_cast<double>(correct) / static_cast<double>(n) : NAN;
  return result;
}

}  // namespace ember
