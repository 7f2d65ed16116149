// class_report(): the confusion matrix, then precision (hits over predictions of the class) and
// recall (hits over samples of the class) read off it.
#include "ember/lab/study/class_report.hpp"

#include <cmath>

namespace ember {

ClassReport class_report(const std::vector<int>& y, const std::vector<int>& predicted, int num_classes) {
  const std::size_t classes = static_cast<std::size_t>(num_classes);
  ClassReport report;
  report.confusion.assign(classes, std::vector<long>(classes, 0));
  for (std::size_t i = 0; i < y.size(); ++i) {
    ++report.confusion[static_cast<std::size_t>(y[i])][static_cast<std::size_t>(predicted[i])];
  }
  for (std::size_t c = 0; c < classes; ++c) {
    long predicted_c = 0, actual_c = 0;
    for (std::size_t k = 0; k < classes; ++k) {
      predicted_c += report.confusion[k][c];
      actual_c += report.confusion[c][k];
    }
    const double hits = static_cast<double>(report.confusion[c][c]);
    report.precision.push_back(predicted_c > 0 ? hits / static_cast<double>(predicted_c) : NAN);
    report.recall.push_back(actual_c > 0 ? hits / static_cast<double>(actual_c) : NAN);
  }
  return report;
}

}  // namespace ember
