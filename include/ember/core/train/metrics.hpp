// Measuring a classifier: loss and accuracy, computed without a graph (NoGradGuard). The confusion
// matrix and per-class precision and recall are the lab's (lab/study/class_report.hpp).
#pragma once

#include <vector>

#include "ember/core/data/dataset.hpp"
#include "ember/core/nn/mymodel.hpp"

namespace ember {

struct Evaluation {
  double loss = 0;
  double accuracy = 0;
  Matrix logits;               // (N, outputs): the last layer's output, before the head
  Matrix probabilities;        // (N, outputs): the model's forward(), sigmoid or softmax
  std::vector<int> predicted;  // (N) class indices
};

// Class indices from outputs: p > 0.5 for one sigmoid column, the arg max of a softmax row otherwise.
std::vector<int> predict_classes(const Matrix& outputs_or_logits, bool logits);

// Evaluates in chunks of `chunk` rows, so a 10,000-image test set needs no 10,000-row graph.
Evaluation evaluate(nn::MyModel& model, const Matrix& X, const std::vector<int>& y, Index chunk = 4096);

}  // namespace ember
