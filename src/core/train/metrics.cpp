// evaluate(): loss, accuracy, precision, recall and the confusion matrix of a model on a dataset.
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

Evaluation evaluate(nn::MyModel& model, const Matrix& X, const std::vector<int>& y, int num_classes, Index chunk) {
  NoGradGuard no_grad;
  Evaluation result;
  const Index n = X.rows();
  const std::size_t classes = static_cast<std::size_t>(num_classes);
  result.probabilities.resize(n, model.num_classes());
  result.confusion.assign(classes, std::vector<long>(classes, 0));
  double loss_sum = 0;
  for (Index start = 0; start < n; start += chunk) {
    const Index rows = std::min(chunk, n - start);
    const std::vector<int> yb(y.begin() + start, y.begin() + start + rows);
    const Tensor logits = model.logits(Tensor::from_matrix(X.middleRows(start, rows)));
    loss_sum += classification_loss(logits, yb).item() * static_cast<double>(rows);
    result.probabilities.middleRows(start, rows) = model.head(logits).value();
    for (int p : predict_classes(logits.value(), true)) result.predicted.push_back(p);
  }
  long correct = 0;
  for (Index i = 0; i < n; ++i) {
    const auto truth = static_cast<std::size_t>(y[static_cast<std::size_t>(i)]);
    const auto guess = static_cast<std::size_t>(result.predicted[static_cast<std::size_t>(i)]);
    ++result.confusion[truth][guess];
    correct += truth == guess;
  }
  result.loss = n > 0 ? loss_sum / static_cast<double>(n) : NAN;
  result.accuracy = n > 0 ? static_cast<double>(correct) / static_cast<double>(n) : NAN;
  for (std::size_t c = 0; c < classes; ++c) {
    long predicted_c = 0, actual_c = 0;
    for (std::size_t k = 0; k < classes; ++k) {
      predicted_c += result.confusion[k][c];
      actual_c += result.confusion[c][k];
    }
    const double hits = static_cast<double>(result.confusion[c][c]);
    result.precision.push_back(predicted_c > 0 ? hits / static_cast<double>(predicted_c) : NAN);
    result.recall.push_back(actual_c > 0 ? hits / static_cast<double>(actual_c) : NAN);
  }
  return result;
}

}  // namespace ember
