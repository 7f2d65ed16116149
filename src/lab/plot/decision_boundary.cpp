// The decision boundary's numbers (decision_boundary.hpp): the frame over the data, the grid, the
// predictions as `ember predict` makes them, the snapshots and the observer that takes them. The
// drawing is in decision_boundary_svg.cpp.
#include "ember/lab/plot/decision_boundary.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "ember/core/engine/tensor.hpp"

namespace ember {

namespace {

// Every k-th row, so that at most kMaxBoundaryPoints are kept and every part of the file is.
void add_points(std::vector<BoundaryPoint>& points, const Matrix& X, const std::vector<int>& y, bool test) {
  const std::size_t rows = static_cast<std::size_t>(X.rows());
  const std::size_t step = (rows + kMaxBoundaryPoints - 1) / kMaxBoundaryPoints;
  for (std::size_t r = 0; r < rows; r += std::max<std::size_t>(step, 1)) {
    const Index row = static_cast<Index>(r);
    points.push_back({static_cast<double>(X(row, 0)), static_cast<double>(X(row, 1)), y[r], test});
  }
}

}  // namespace

BoundaryFrame boundary_frame(const Matrix& train_X, const std::vector<int>& train_y, const Matrix& test_X,
                             const std::vector<int>& test_y, int classes, int resolution,
                             const std::vector<std::string>& feature_names) {
  if (train_X.cols() != 2 || (test_X.rows() > 0 && test_X.cols() != 2))
    throw std::invalid_argument("a decision boundary needs two features, the data has " +
                                std::to_string(train_X.cols()));
  if (train_X.rows() == 0) throw std::invalid_argument("a decision boundary needs training points");
  // The snapshot keeps each cell's class in a byte.
  if (classes > 256)
    throw std::invalid_argument("a decision boundary draws at most 256 classes, the data has " +
                                std::to_string(classes));
  BoundaryFrame frame;
  frame.resolution = resolution;
  frame.classes = std::max(classes, 2);
  if (feature_names.size() == 2) {
    frame.x_name = feature_names[0];
    frame.y_name = feature_names[1];
  }
  add_points(frame.points, train_X, train_y, false);
  add_points(frame.points, test_X, test_y, true);
  double x_low = INFINITY, x_high = -INFINITY, y_low = INFINITY, y_high = -INFINITY;
  for (const BoundaryPoint& p : frame.points) {
    x_low = std::min(x_low, p.x);
    x_high = std::max(x_high, p.x);
    y_low = std::min(y_low, p.y);
    y_high = std::max(y_high, p.y);
  }
  // A margin shows where the boundary goes beyond the data; a feature with one value still gets a width.
  const double x_margin = x_high > x_low ? 0.08 * (x_high - x_low) : 1.0;
  const double y_margin = y_high > y_low ? 0.08 * (y_high - y_low) : 1.0;
  frame.x_min = x_low - x_margin;
  frame.x_max = x_high + x_margin;
  frame.y_min = y_low - y_margin;
  frame.y_max = y_high + y_margin;
  return frame;
}

Matrix boundary_grid_points(const BoundaryFrame& frame) {
  const Index n = frame.resolution;
  Matrix points(n * n, 2);
  for (Index row = 0; row < n; ++row) {
    for (Index col = 0; col < n; ++col) {
      // The centre of cell (row, col); row 0 is the top of the picture, where y is largest.
      const double x =
          frame.x_min + (static_cast<double>(col) + 0.5) / static_cast<double>(n) * (frame.x_max - frame.x_min);
      const double y =
          frame.y_max - (static_cast<double>(row) + 0.5) / static_cast<double>(n) * (frame.y_max - frame.y_min);
      points(row * n + col, 0) = static_cast<Scalar>(x);
      points(row * n + col, 1) = static_cast<Scalar>(y);
    }
  }
  return points;
}

Matrix predict_probabilities(nn::MyModel& model, Matrix X, const Standardizer& standardizer) {
  if (X.cols() != model.input_size())
    throw std::invalid_argument("predict: " + std::to_string(X.cols()) + " feature columns, the model expects " +
                                std::to_string(model.input_size()));
  if (!standardizer.mean.empty()) standardizer.apply(X);
  NoGradGuard no_grad;
  nn::EvalModeGuard eval_mode(model);
  return model.forward(Tensor::from_matrix(X)).value();
}

std::vector<int> predicted_classes(const Matrix& probabilities) {
  std::vector<int> classes(static_cast<std::size_t>(probabilities.rows()));
  for (Index r = 0; r < probabilities.rows(); ++r) {
    Index best = 0;
    if (probabilities.cols() == 1) best = probabilities(r, 0) >= Scalar(0.5) ? 1 : 0;
    else probabilities.row(r).maxCoeff(&best);
    classes[static_cast<std::size_t>(r)] = static_cast<int>(best);
  }
  return classes;
}

BoundarySnapshot boundary_snapshot(const Matrix& probabilities, int epoch) {
  BoundarySnapshot snapshot;
  snapshot.epoch = epoch;
  const std::vector<int> classes = predicted_classes(probabilities);
  const double chance = probabilities.cols() == 1 ? 0.5 : 1.0 / static_cast<double>(probabilities.cols());
  for (Index r = 0; r < probabilities.rows(); ++r) {
    const int c = classes[static_cast<std::size_t>(r)];
    const double p =
        probabilities.cols() == 1 ? (c == 1 ? probabilities(r, 0) : 1 - probabilities(r, 0)) : probabilities(r, c);
    // t = (p − 1/C) / (1 − 1/C): 0 where every class is as likely, 1 where the model is certain.
    const double t = std::clamp((p - chance) / (1 - chance), 0.0, 1.0);
    snapshot.predicted.push_back(static_cast<std::uint8_t>(c));
    snapshot.confidence.push_back(static_cast<std::uint8_t>(std::lround(std::isnan(t) ? 0.0 : 255 * t)));
  }
  return snapshot;
}

std::vector<int> default_boundary_epochs(int epochs) {
  std::vector<int> chosen;
  for (double share : {0.0, 0.1, 0.3, 1.0}) {
    const int epoch = std::max(1, static_cast<int>(std::lround(share * epochs)));
    if (epochs >= 1 && (chosen.empty() || epoch > chosen.back())) chosen.push_back(epoch);
  }
  return chosen;
}

std::vector<int> parse_boundary_epochs(const std::string& text, int epochs) {
  if (text.empty()) return default_boundary_epochs(epochs);
  std::vector<int> chosen;
  std::istringstream items(text);
  for (std::string item; std::getline(items, item, ',');) {
    std::size_t used = 0;
    int epoch = 0;
    try {
      epoch = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || item.empty())
      throw std::invalid_argument("--boundary-epochs: \"" + item + "\" is not an epoch number");
    if (epoch < 1 || epoch > epochs)
      throw std::invalid_argument("--boundary-epochs: epoch " + item + " is outside the run's 1.." +
                                  std::to_string(epochs));
    if (!chosen.empty() && epoch <= chosen.back())
      throw std::invalid_argument("--boundary-epochs: give increasing epochs, " + item + " comes after " +
                                  std::to_string(chosen.back()));
    chosen.push_back(epoch);
  }
  return chosen;
}

BoundaryRecorder::BoundaryRecorder(nn::MyModel& model, const BoundaryFrame& frame, const Standardizer& standardizer,
                                   std::vector<int> epochs)
    : model_(model), grid_(boundary_grid_points(frame)), standardizer_(standardizer), epochs_(std::move(epochs)) {}

void BoundaryRecorder::on_epoch(const EpochStats& stats) {
  if (std::find(epochs_.begin(), epochs_.end(), stats.epoch) == epochs_.end()) return;
  snapshots_.push_back(boundary_snapshot(predict_probabilities(model_, grid_, standardizer_), stats.epoch));
}

}  // namespace ember
