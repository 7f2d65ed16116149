// Per-class figures of a classifier's predictions, as `ember eval` prints them: the confusion matrix
// and each class's precision and recall. (Loss and accuracy are the core's: core/train/metrics.hpp.)
#pragma once

#include <vector>

namespace ember {

struct ClassReport {
  std::vector<std::vector<long>> confusion;  // [true class][predicted class], C x C
  std::vector<double> precision;             // (C); NaN for a class never predicted
  std::vector<double> recall;                // (C); NaN for a class absent from the data
};

// y and predicted: (N) class indices in 0..num_classes-1.
ClassReport class_report(const std::vector<int>& y, const std::vector<int>& predicted, int num_classes);

}  // namespace ember
