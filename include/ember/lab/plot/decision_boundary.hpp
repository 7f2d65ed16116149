// Decision boundaries, as TensorFlow Playground draws them: the plane of a two-feature dataset
// coloured by the class the network predicts, the probability of that class as the colour's
// strength, the data on top. A BoundaryFrame is the plane (in the data's own units, before
// standardization) and the points; a BoundaryRecorder, an observer of training, takes a
// BoundarySnapshot of the model's predictions over the frame's grid at chosen epochs; the SVG
// functions draw them. Predictions go through predict_probabilities(), the very path of
// `ember predict`. Recording never changes training: it runs without grad and in eval mode, so it
// draws no random number and touches no gradient. Not here: the HTML report (lab/study/html_report.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ember/core/nn/mymodel.hpp"
#include "ember/core/train/trainer.hpp"
#include "ember/lab/data/split.hpp"

namespace ember {

struct BoundaryPoint {
  double x = 0, y = 0;  // the two features, in the data's units
  int label = 0;
  bool test = false;  // from the test split (drawn as a ring)
};

// The plane a figure covers and the points drawn on it.
struct BoundaryFrame {
  double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
  int resolution = 0;  // cells per side; 0: no boundary (data without two features)
  std::string x_name = "x1", y_name = "x2";
  int classes = 2;                       // classes predicted (2 for a sigmoid head)
  std::vector<std::string> class_names;  // the legend's; empty: 0, 1, ...
  std::vector<BoundaryPoint> points;     // the training points, then the test points (at most kMaxPoints each)
  bool empty() const { return resolution <= 0; }
};

// More points than this per split are thinned to every k-th row: the picture, not the file, is the point.
constexpr std::size_t kMaxBoundaryPoints = 1500;
// --boundary-grid's limits: fewer than 8 cells a side is no picture, more than 400 makes files of megabytes.
constexpr int kMinBoundaryGrid = 8, kMaxBoundaryGrid = 400;

// The frame over the training and test points (X in the data's units: standardization undone), with a
// margin of 8% of each feature's range on every side. X must have two columns.
BoundaryFrame boundary_frame(const Matrix& train_X, const std::vector<int>& train_y, const Matrix& test_X,
                             const std::vector<int>& test_y, int classes, int resolution,
                             const std::vector<std::string>& feature_names = {});

// The centres of the grid's cells as rows (x, y) in the data's units: resolution² rows, row-major from
// the top-left corner (x_min, y_max), as an image is stored.
Matrix boundary_grid_points(const BoundaryFrame& frame);

// The model's class probabilities for raw inputs X [N, D], as `ember predict` computes them: X standardized
// by `standardizer` when it has a mean (the training split's), then one forward pass without grad and in
// eval mode. [N, C]; for a sigmoid head [N, 1], the probability of class 1.
Matrix predict_probabilities(nn::MyModel& model, Matrix X, const Standardizer& standardizer);

// The predicted class of each row of `probabilities` (the largest, the first on a tie; for one column,
// class 1 when p >= 0.5) and its probability.
std::vector<int> predicted_classes(const Matrix& probabilities);

// One picture: per cell, the predicted class and its probability p scaled to a byte over [1/C, 1]
// (0: a tie between all classes, 255: certain), which is all the drawing uses. Kept as bytes, so a
// report rebuilt from a results file draws the very same pixels.
struct BoundarySnapshot {
  int epoch = 0;
  std::vector<std::uint8_t> predicted, confidence;  // resolution² each, as boundary_grid_points
};
BoundarySnapshot boundary_snapshot(const Matrix& probabilities, int epoch);

// The epochs pictured by default: 1 and about 10%, 30% and 100% of the run (fewer when they coincide).
std::vector<int> default_boundary_epochs(int epochs);
// --boundary-epochs "1,5,20" (each between 1 and `epochs`, increasing); "" gives the default.
// Throws std::invalid_argument naming the option and the value at fault.
std::vector<int> parse_boundary_epochs(const std::string& text, int epochs);

// Takes a snapshot at the end of each of `epochs`. `model`, `frame` and `standardizer` must outlive it.
class BoundaryRecorder : public FitObserver {
 public:
  BoundaryRecorder(nn::MyModel& model, const BoundaryFrame& frame, const Standardizer& standardizer,
                   std::vector<int> epochs);
  void on_epoch(const EpochStats& stats) override;
  const std::vector<BoundarySnapshot>& snapshots() const { return snapshots_; }

 private:
  nn::MyModel& model_;
  Matrix grid_;  // boundary_grid_points(frame)
  const Standardizer& standardizer_;
  std::vector<int> epochs_;
  std::vector<BoundarySnapshot> snapshots_;
};

// ---- drawing ----

// The colour of each cell as an RGB image (resolution x resolution): the class's colour mixed with
// white, more white where the probability is lower.
std::vector<std::uint8_t> boundary_pixels(const BoundaryFrame& frame, const BoundarySnapshot& snapshot);

// One picture as SVG elements (no document around them) in a size x size square at (left, top): the
// image, the points, a frame; tick labels under it (x_axis) and left of it (y_axis).
std::string boundary_picture(const BoundaryFrame& frame, const BoundarySnapshot& snapshot, double left, double top,
                             double size, bool x_axis, bool y_axis);
// The key: each class's colour, training and test points, what paleness means; its text starts at (left, top).
std::string boundary_legend(const BoundaryFrame& frame, double left, double top);

// One row of the figure: an activation's pictures and a caption under each ("epoch 10 · train acc 0.93").
struct BoundaryRow {
  std::string label;  // "relu (lr 0.01)"
  std::vector<BoundarySnapshot> snapshots;
  std::vector<std::string> captions;  // as many as snapshots; "" for none
};

// "epoch 10 · accuracy 0.93 train, 0.90 test": a picture's caption from its epoch's figures.
std::string boundary_caption(const EpochStats& stats);

// The figure: one row per activation, one column per epoch, a legend of the classes and points.
std::string boundary_figure_svg(const BoundaryFrame& frame, const std::vector<BoundaryRow>& rows,
                                const std::string& title, const std::string& subtitle);

// A class's colour: Okabe-Ito's blue and orange for the first two (as Playground's), then green, pink,
// sky blue, vermilion, yellow and grey; colour-blind safe, as the activations' line colours are.
std::string class_colour(int label);

}  // namespace ember
