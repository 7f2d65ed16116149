// Decision boundaries (lab/plot/decision_boundary.hpp) and the images they are drawn with (png.hpp):
// the PNG bytes decode to the pixels given, base64 is RFC 4648's, the frame and grid are where they
// say, the grid's predictions are `ember predict`'s on the same points, and recording them changes
// nothing of training, bit for bit.
#include <zlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <set>
#include <sstream>

#include "cli_runner.hpp"
#include "ember/core/engine/format.hpp"
#include "ember/lab/data/generators.hpp"
#include "ember/lab/data/split.hpp"
#include "ember/lab/io/model_file.hpp"
#include "ember/lab/plot/decision_boundary.hpp"
#include "ember/lab/plot/png.hpp"
#include "ember/lab/train/training_run.hpp"
#include "png_check.hpp"
#include "test_data_files.hpp"
#include "xml_check.hpp"

using namespace ember;
using ember_test::read_file;
using ember_test::run_ember;
using ember_test::TempDir;
using ember_test::xml_problem;

TEST_CASE("base64 is RFC 4648's, and decoding says what is wrong", "[plot][boundary]") {
  // RFC 4648, section 10.
  const std::vector<std::pair<std::string, std::string>> vectors = {{"", ""},
                                                                    {"f", "Zg=="},
                                                                    {"fo", "Zm8="},
                                                                    {"foo", "Zm9v"},
                                                                    {"foob", "Zm9vYg=="},
                                                                    {"fooba", "Zm9vYmE="},
                                                                    {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    CHECK(plot::encode_base64(plain) == encoded);
    CHECK(plot::decode_base64(encoded) == plain);
  }
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  CHECK(plot::decode_base64(plot::encode_base64(bytes)) == bytes);
  CHECK_THROWS_WITH(plot::decode_base64("Zm9"), Catch::Contains("not a multiple of 4"));
  CHECK_THROWS_WITH(plot::decode_base64("Zm*v"), Catch::Contains("character 3"));
}

TEST_CASE("a PNG holds the pixels it was given, row by row from the top", "[plot][boundary]") {
  const std::vector<std::uint8_t> rgb = {255, 0,  0,  0,  255, 0,  0,  0,  255,  // top row: red, green, blue
                                         10,  20, 30, 40, 50,  60, 70, 80, 90};
  const std::string png = plot::encode_png(3, 2, rgb);
  const ember_test::DecodedPng decoded = ember_test::decode_png(png);
  REQUIRE(decoded.problem == "");
  CHECK(decoded.width == 3);
  CHECK(decoded.height == 2);
  CHECK(decoded.channels == 3);
  CHECK(decoded.pixels == rgb);
  CHECK(plot::encode_png(3, 2, rgb) == png);  // the same pixels, the same bytes
  CHECK(plot::png_data_url(png).rfind("data:image/png;base64,iVBORw0KGgo", 0) == 0);
  CHECK_THROWS_WITH(plot::encode_png(3, 3, rgb), Catch::Contains("18 bytes for 3 x 3"));
}

TEST_CASE("the frame covers the points with a margin, and the grid is its cells' centres", "[plot][boundary]") {
  Matrix train(3, 2), test(1, 2);
  train << 0, 0, 10, 5, 4, -5;
  test << 2, 1;
  const BoundaryFrame frame = boundary_frame(train, {0, 1, 1}, test, {0}, 2, 4, {"age", "income"});
  CHECK(frame.x_min == Approx(-0.8));
  CHECK(frame.x_max == Approx(10.8));
  CHECK(frame.y_min == Approx(-5.8));
  CHECK(frame.y_max == Approx(5.8));
  CHECK(frame.x_name == "age");
  REQUIRE(frame.points.size() == 4);
  CHECK(frame.points[3].test);
  CHECK_FALSE(frame.points[2].test);
  CHECK(frame.points[1].label == 1);

  const Matrix grid = boundary_grid_points(frame);
  REQUIRE(grid.rows() == 16);
  // Row-major from the top-left: cell 0 is at the smallest x and the largest y, cell 3 ends the top row.
  CHECK(grid(0, 0) == Approx(-0.8 + 11.6 / 8));
  CHECK(grid(0, 1) == Approx(5.8 - 11.6 / 8));
  CHECK(grid(3, 0) == Approx(10.8 - 11.6 / 8));
  CHECK(grid(3, 1) == Approx(grid(0, 1)));
  CHECK(grid(4, 1) < grid(0, 1));

  CHECK_THROWS_WITH(boundary_frame(Matrix::Zero(2, 3), {0, 1}, Matrix(), {}, 2, 10),
                    Catch::Contains("two features, the data has 3"));
  // A large file is thinned to every k-th row, never past the cap.
  const BoundaryFrame big = boundary_frame(Matrix::Random(4000, 2), std::vector<int>(4000, 0), Matrix(), {}, 2, 10);
  CHECK(big.points.size() <= kMaxBoundaryPoints);
  CHECK(big.points.size() >= kMaxBoundaryPoints / 2);
}

TEST_CASE("a snapshot keeps the predicted class and its probability over chance as a byte", "[plot][boundary]") {
  Matrix softmax(3, 3);
  softmax << 1.0f / 3, 1.0f / 3, 1.0f / 3, 0.1f, 0.1f, 0.8f, 0.0f, 1.0f, 0.0f;
  const BoundarySnapshot s = boundary_snapshot(softmax, 7);
  CHECK(s.epoch == 7);
  CHECK(s.predicted == std::vector<std::uint8_t>{0, 2, 1});
  // t = (p − 1/3) / (2/3): 0 for a tie, 0.7 for p = 0.8, 1 for certainty.
  CHECK(s.confidence == std::vector<std::uint8_t>{0, 179, 255});
  Matrix sigmoid(2, 1);
  sigmoid << 0.3f, 0.9f;  // one column: the probability of class 1
  const BoundarySnapshot b = boundary_snapshot(sigmoid, 1);
  CHECK(b.predicted == std::vector<std::uint8_t>{0, 1});
  CHECK(b.confidence == std::vector<std::uint8_t>{102, 204});  // t = (0.7 − 0.5) / 0.5, (0.9 − 0.5) / 0.5
}

TEST_CASE("the pictured epochs: 1, about 10%, 30% and 100% of the run, or the ones given", "[plot][boundary]") {
  CHECK(default_boundary_epochs(100) == std::vector<int>{1, 10, 30, 100});
  CHECK(default_boundary_epochs(6) == std::vector<int>{1, 2, 6});
  CHECK(default_boundary_epochs(1) == std::vector<int>{1});
  CHECK(parse_boundary_epochs("", 50) == default_boundary_epochs(50));
  CHECK(parse_boundary_epochs("2,5,9", 9) == std::vector<int>{2, 5, 9});
  CHECK_THROWS_WITH(parse_boundary_epochs("2,x", 9), Catch::Contains("\"x\" is not an epoch number"));
  CHECK_THROWS_WITH(parse_boundary_epochs("0", 9), Catch::Contains("outside the run's 1..9"));
  CHECK_THROWS_WITH(parse_boundary_epochs("5,3", 9), Catch::Contains("increasing"));
}

namespace {

struct Spiral {
  Dataset raw_train, train, test;  // train: standardized; raw_train in the data's units
  Standardizer standardizer;
};

Spiral spiral_data() {
  Generator gen(4);
  const Dataset all = spiral(240, 3, 0.2, gen);
  auto [train, test] = stratified_split(all, 0.25, gen);
  Spiral s{train, train, test, Standardizer::fit(train.X)};
  s.standardizer.apply(s.train.X);
  s.standardizer.apply(s.test.X);
  return s;
}

TrainConfig spiral_config() {
  TrainConfig config;
  config.hidden = {16, 16};
  config.epochs = 6;
  config.lr = 0.01;
  config.seed = 5;
  config.dropout = 0.2;  // dropout draws random numbers: recording must not draw any
  return config;
}

}  // namespace

TEST_CASE("the grid's predictions are ember predict's on the same points", "[plot][boundary][cli]") {
  const Spiral data = spiral_data();
  const TrainConfig config = spiral_config();
  auto model = build_model(config, 2, 3);
  const BoundaryFrame frame = boundary_frame(data.raw_train.X, data.raw_train.y, Matrix(), {}, 3, 12);
  BoundaryRecorder recorder(*model, frame, data.standardizer, {config.epochs});
  TrainingRun(*model, data.train, Dataset{}, data.test, config, RunOptions{}).run(&recorder);
  REQUIRE(recorder.snapshots().size() == 1);
  const BoundarySnapshot& pictured = recorder.snapshots()[0];

  TempDir dir;
  ModelInfo info;
  info.class_names = {"0", "1", "2"};
  info.feature_names = {"x1", "x2"};
  info.mean = data.standardizer.mean;
  info.stddev = data.standardizer.stddev;
  save_model(dir.file("m.safetensors"), *model, info);
  const Matrix grid = boundary_grid_points(frame);
  std::string csv = "x1,x2\n";
  for (Index r = 0; r < grid.rows(); ++r)
    csv += format_general(grid(r, 0), 9) + "," + format_general(grid(r, 1), 9) + "\n";
  const auto predicted =
      run_ember("predict --model " + dir.file("m.safetensors") + " --data " + dir.write("grid.csv", csv));
  REQUIRE(predicted.status == 0);

  std::istringstream lines(predicted.out);
  std::string line;
  std::getline(lines, line);
  REQUIRE(line == "prediction,prob_0,prob_1,prob_2");
  std::size_t cell = 0, compared = 0;
  for (; std::getline(lines, line); ++cell) {
    REQUIRE(cell < pictured.predicted.size());
    std::istringstream fields(line);
    std::string label, p;
    std::getline(fields, label, ',');
    Matrix probabilities(1, 3);
    for (Index c = 0; c < 3; ++c) {
      std::getline(fields, p, ',');
      probabilities(0, c) = std::stof(p);
    }
    // predict prints 6 significant digits: a near tie may print either way, so those cells are skipped.
    Matrix sorted = probabilities;
    std::sort(sorted.data(), sorted.data() + 3);
    if (sorted(0, 2) - sorted(0, 1) < 1e-4f) continue;
    ++compared;
    CHECK(std::stoi(label) == pictured.predicted[cell]);
    const BoundarySnapshot printed = boundary_snapshot(probabilities, 0);
    CHECK(std::abs(int(printed.confidence[0]) - int(pictured.confidence[cell])) <= 1);
  }
  CHECK(cell == pictured.predicted.size());
  CHECK(compared > cell * 9 / 10);
  // Not a constant picture: the trained model tells the arms apart somewhere on the plane.
  CHECK(std::set<std::uint8_t>(pictured.predicted.begin(), pictured.predicted.end()).size() >= 2);
}

TEST_CASE("recording boundaries leaves training bit for bit as it was", "[plot][boundary]") {
  const Spiral data = spiral_data();
  const TrainConfig config = spiral_config();
  const BoundaryFrame frame = boundary_frame(data.raw_train.X, data.raw_train.y, Matrix(), {}, 3, 30);
  auto plain = build_model(config, 2, 3);
  auto pictured = build_model(config, 2, 3);
  const RunResult without = TrainingRun(*plain, data.train, Dataset{}, data.test, config, RunOptions{}).run();
  BoundaryRecorder recorder(*pictured, frame, data.standardizer, {1, 2, 3, 4, 5, 6});
  const RunResult with = TrainingRun(*pictured, data.train, Dataset{}, data.test, config, RunOptions{}).run(&recorder);
  CHECK(recorder.snapshots().size() == 6);
  const nn::StateDict a = plain->state_dict(), b = pictured->state_dict();
  REQUIRE(a.size() == b.size());
  for (const auto& [name, tensor] : a) {
    const Matrix& x = tensor.value();
    const Matrix& y = b.at(name).value();
    INFO(name);
    CHECK(std::memcmp(x.data(), y.data(), sizeof(Scalar) * static_cast<std::size_t>(x.size())) == 0);
  }
  for (std::size_t e = 0; e < with.epochs.size(); ++e) CHECK(with.epochs[e].train_loss == without.epochs[e].train_loss);
}

TEST_CASE("train --plot-boundary draws the pictures and saves the very model it saves without", "[cli][boundary]") {
  TempDir dir;
  const std::string common = "train --dataset moons --samples 200 --epochs 6 --dropout 0.2 --quiet --save ";
  REQUIRE(run_ember(common + dir.file("plain.safetensors")).status == 0);
  const auto r = run_ember(common + dir.file("pictured.safetensors") + " --plot-boundary " + dir.file("b.svg") +
                           " --boundary-grid 40");
  REQUIRE(r.status == 0);
  CHECK(read_file(dir.file("plain.safetensors")) == read_file(dir.file("pictured.safetensors")));
  const std::string svg = read_file(dir.file("b.svg"));
  CHECK(xml_problem(svg) == "");
  CHECK(ember_test::count_of(svg, "<image") == 3);  // epochs 1, 2 and 6
  CHECK(svg.find(">epoch 6</tspan>") != std::string::npos);
  CHECK(svg.find(">accuracy ") != std::string::npos);
  CHECK(svg.find("training point") != std::string::npos);

  const auto many = run_ember("train --dataset iris --epochs 2 --plot-boundary " + dir.file("x.svg"));
  CHECK(many.status == 2);
  CHECK(many.err.find("the data has 4 features") != std::string::npos);
  const auto bad =
      run_ember("train --dataset moons --epochs 3 --plot-boundary " + dir.file("x.svg") + " --boundary-epochs 2,7");
  CHECK(bad.status == 2);
  CHECK(bad.err.find("epoch 7 is outside the run's 1..3") != std::string::npos);
  const auto unused = run_ember("train --dataset moons --epochs 3 --boundary-epochs 1,2");
  CHECK(unused.status == 2);
  CHECK(unused.err.find("--boundary-epochs shapes the picture of --plot-boundary") != std::string::npos);
}
