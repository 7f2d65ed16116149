// ember compare's grid: every (activation, optimizer, lr, seed) run starts from the seed's weights; each
// activation's setting is chosen on the validation set alone (a test set built to choose the opposite
// proves it), a diverging cell is kept and never chosen, the paired comparisons cover every pair, the
// test figures of unchosen cells are not reported, and --lr / --lr-grid parse as documented.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "compare_splits.hpp"
#include "ember/lab/data/builtin.hpp"
#include "ember/lab/data/split.hpp"
#include "ember/lab/study/compare_report.hpp"

using namespace ember;
using Catch::Matchers::Contains;
using ember_test::moons_splits;
using ember_test::Splits;

namespace {

double mean_final(const CompareResult& result, const std::string& activation, const Setting& setting,
                  double StudyEpoch::*figure) {
  double sum = 0;
  int count = 0;
  for (const CompareRun& run : result.runs) {
    if (run.activation != activation || !same_setting(run.setting, setting)) continue;
    sum += run.epochs.back().*figure;
    ++count;
  }
  return sum / count;
}

CompareConfig grid_config() {
  CompareConfig config;
  config.base.epochs = 6;
  config.base.optimizer = "sgd";
  config.activations = {"tanh", "relu"};
  config.lrs = {0.003, 0.03, 0.3};
  config.seeds = 2;
  return config;
}

}  // namespace

TEST_CASE("a grid chooses each activation's setting by the validation loss, never the test set", "[compare]") {
  Splits data = moons_splits(400);
  // The test set is the validation set with every label flipped: the lower a setting's validation loss,
  // the higher its test loss. Choosing on the test set would pick the opposite end.
  Dataset flipped = data.val;
  for (int& label : flipped.y) label = 1 - label;
  const CompareConfig config = grid_config();
  const CompareResult result = run_comparison(data.train, data.val, flipped, config);
  REQUIRE(result.runs.size() == 2 * 3 * 2);
  const Summary summary = summarize(result);
  REQUIRE(summary.grid.size() == 6);
  REQUIRE(summary.rows.size() == 2);
  for (const ActivationSummary& row : summary.rows) {
    INFO(row.activation);
    Setting best_on_val, best_on_test;
    double best_val = INFINITY, best_test = INFINITY;
    for (const Setting& setting : settings_of(config)) {
      const double val = mean_final(result, row.activation, setting, &StudyEpoch::val_loss);
      const double test = mean_final(result, row.activation, setting, &StudyEpoch::test_loss);
      if (val < best_val) best_val = val, best_on_val = setting;
      if (test < best_test) best_test = test, best_on_test = setting;
    }
    CHECK(same_setting(row.setting, best_on_val));
    CHECK_FALSE(same_setting(row.setting, best_on_test));  // the construction worked: the test set disagrees
    CHECK(row.final_val_loss.mean == best_val);
    int chosen = 0;
    for (const GridCell& cell : summary.grid) chosen += cell.activation == row.activation && cell.chosen;
    CHECK(chosen == 1);
  }
}

TEST_CASE("select acc chooses by the highest mean final validation accuracy", "[compare]") {
  const Splits data = moons_splits(400);
  CompareConfig config = grid_config();
  config.select = "acc";
  const CompareResult result = run_comparison(data.train, data.val, data.test, config);
  const Summary summary = summarize(result);
  for (const ActivationSummary& row : summary.rows) {
    for (const GridCell& cell : summary.grid)
      if (cell.activation == row.activation) CHECK(cell.final_val_accuracy.mean <= row.final_val_accuracy.mean);
  }
}

TEST_CASE("in a grid every run of a seed starts from the same weights, whatever its lr and optimizer", "[compare]") {
  const Splits data = moons_splits(200);
  CompareConfig config = grid_config();
  config.base.epochs = 1;
  config.optimizers = {"sgd", "adam"};
  const CompareResult result = run_comparison(data.train, data.val, data.test, config);
  REQUIRE(result.runs.size() == 2 * 2 * 3 * 2);
  for (const CompareRun& run : result.runs) {
    const CompareRun& first = run.seed == result.runs[0].seed ? result.runs[0] : result.runs[1];
    REQUIRE(first.seed == run.seed);
    const Matrix& a = first.initial_state.at("fc1.weight").value();
    const Matrix& b = run.initial_state.at("fc1.weight").value();
    CHECK(std::memcmp(a.data(), b.data(), sizeof(Scalar) * static_cast<std::size_t>(a.size())) == 0);
  }
}

TEST_CASE("a diverging cell is kept as diverged and never chosen; the study goes on", "[compare]") {
  const Splits data = moons_splits(200);
  CompareConfig config = grid_config();
  config.lrs = {0.03, 1e30};  // SGD at 1e30 diverges in its first steps
  const CompareResult result = run_comparison(data.train, data.val, data.test, config);
  const Summary summary = summarize(result);
  // relu diverges at 1e30 on both seeds (tanh saturates instead: a finite, useless run).
  for (const CompareRun& run : result.runs) {
    INFO(run.activation << " lr " << run.setting.lr << " seed " << run.seed);
    CHECK(run.diverged == (run.activation == "relu" && run.setting.lr == 1e30));
    if (run.diverged) CHECK_THAT(run.divergence, Contains("not finite") || Contains("NaN") || Contains("inf"));
  }
  for (const GridCell& cell : summary.grid) {
    if (cell.diverged > 0) {
      CHECK(cell.activation == "relu");
      CHECK(cell.diverged == 2);
      CHECK_FALSE(cell.chosen);
    }
  }
  for (const ActivationSummary& row : summary.rows)
    if (row.activation == "relu") CHECK(row.setting.lr == 0.03);
  CHECK_THAT(grid_table(summary, result), Contains("2/2"));
}

TEST_CASE("a grid needs a validation set; one setting needs none", "[compare]") {
  const Splits data = moons_splits(200);
  CHECK_THROWS_WITH(run_comparison(data.train, data.test, grid_config()),
                    Contains("a grid of 3 settings needs a validation set"));
  CompareConfig one = grid_config();
  one.lrs = {0.03};
  one.base.epochs = 1;
  CHECK(run_comparison(data.train, data.test, one).runs.size() == 4);
  CompareConfig twice = grid_config();
  twice.lrs = {0.03, 0.03};
  CHECK_THROWS_WITH(validate(twice), Contains("--lr: 0.03 is given twice"));
  CompareConfig select = grid_config();
  select.select = "speed";
  CHECK_THROWS_WITH(validate(select), Contains("--select must be loss or acc"));
}

TEST_CASE("every pair of activations is compared on its common seeds", "[compare]") {
  const Splits data = moons_splits(200);
  CompareConfig config;
  config.base.epochs = 5;
  config.activations = {"sigmoid", "tanh", "relu"};
  config.seeds = kMinPairedSeeds;
  const CompareResult result = run_comparison(data.train, data.val, data.test, config);
  const Summary summary = summarize(result);
  REQUIRE(summary.pairs.size() == 3);
  CHECK(summary.pairs[0].first == "sigmoid");
  CHECK(summary.pairs[0].second == "tanh");
  for (const PairSummary& pair : summary.pairs) {
    CHECK(pair.accuracy.pairs == kMinPairedSeeds);
    CHECK(pair.first_sooner + pair.second_sooner + pair.same_epoch <= kMinPairedSeeds);
    CHECK(pair.accuracy.verdict != Verdict::too_few_seeds);
    if (pair.accuracy.verdict == Verdict::within_noise) CHECK(pair.accuracy.ci.contains(0.0));
    if (pair.accuracy.verdict == Verdict::first_better) CHECK(pair.accuracy.ci.low > 0);
  }
  // Fewer seeds: no verdict at all, however the few agree.
  config.seeds = kMinPairedSeeds - 1;
  const Summary fewer = summarize(run_comparison(data.train, data.val, data.test, config));
  for (const PairSummary& pair : fewer.pairs) {
    CHECK(pair.accuracy.verdict == Verdict::too_few_seeds);
    CHECK(pair.epochs.verdict == Verdict::too_few_seeds);
  }
  // The same seed gives the same intervals: the bootstrap draws from the comparison's seed.
  const Summary again = summarize(result);
  CHECK(again.pairs[1].accuracy.ci.low == summary.pairs[1].accuracy.ci.low);
  CHECK(again.pairs[1].accuracy.ci.high == summary.pairs[1].accuracy.ci.high);
}

TEST_CASE("the CSV holds every cell of the grid and the test figures of the chosen cells only", "[compare]") {
  const Splits data = moons_splits(200);
  CompareConfig config = grid_config();
  config.base.epochs = 2;
  config.seeds = 1;
  const CompareResult result = run_comparison(data.train, data.val, data.test, config);
  const Summary summary = summarize(result);
  const std::string csv = comparison_csv(result, summary);
  int chosen_rows = 0, other_rows = 0;
  std::size_t start = csv.find('\n') + 1;
  for (std::size_t end = csv.find('\n', start); end != std::string::npos; end = csv.find('\n', start)) {
    const std::string line = csv.substr(start, end - start);
    start = end + 1;
    std::vector<std::string> cells;
    std::size_t from = 0;
    for (std::size_t comma = line.find(','); comma != std::string::npos; comma = line.find(',', from)) {
      cells.push_back(line.substr(from, comma - from));
      from = comma + 1;
    }
    cells.push_back(line.substr(from));
    REQUIRE(cells.size() >= 12);
    if (cells[4] == "yes") {
      ++chosen_rows;
      CHECK_FALSE(cells[10].empty());
    } else {
      ++other_rows;
      CHECK(cells[10].empty());  // test_loss
      CHECK(cells[11].empty());  // test_accuracy
    }
    CHECK_FALSE(cells[8].empty());  // val_loss, every cell
  }
  CHECK(chosen_rows == 2 * 2);  // two activations, one chosen setting each, two epochs
  CHECK(other_rows == 2 * 2 * 2);
}

TEST_CASE("lists of --lr and the spacing of --lr-grid parse as documented, with messages naming the option",
          "[compare]") {
  CHECK(parse_lr_list("1e-4,3e-4,0.01") == std::vector<double>{1e-4, 3e-4, 0.01});
  const std::vector<double> grid = parse_lr_grid("1e-4:1e-1:4");
  REQUIRE(grid.size() == 4);
  CHECK(grid.front() == 1e-4);  // the ends exactly as given
  CHECK(grid.back() == 1e-1);
  CHECK(grid[1] == Approx(1e-3).epsilon(1e-12));
  CHECK(grid[2] == Approx(1e-2).epsilon(1e-12));
  CHECK_THROWS_WITH(parse_lr_list("1e-3,fast"), Contains("--lr: expected a number, got \"fast\""));
  CHECK_THROWS_WITH(parse_lr_grid("1e-4:1e-1"), Contains("is not LOW:HIGH:N"));
  CHECK_THROWS_WITH(parse_lr_grid("1e-1:1e-4:3"), Contains("LOW below HIGH"));
  CHECK_THROWS_WITH(parse_lr_grid("0:1e-1:3"), Contains("must be positive"));
  CHECK_THROWS_WITH(parse_lr_grid("1e-4:1e-1:1"), Contains("at least 2"));
}

TEST_CASE("compare with a grid from the command line: the tables, and the options it refuses", "[compare][cli]") {
  const std::string data = " --dataset moons --samples 300 --epochs 3 --seed 1";
  const auto run = ember_test::run_ember("compare --activations tanh,relu --lr 0.001,0.01" + data);
  REQUIRE(run.status == 0);
  CHECK_THAT(run.out, Contains("the grid (validation figures, final epoch):"));
  CHECK_THAT(run.out, Contains("each activation at the setting with the lowest mean final validation loss"));
  CHECK_THAT(run.out, Contains(", 48 validation,"));  // 240 training rows, 0.2 of them held out
  CHECK_THAT(run.out, Contains("Settings that reach"));
  const auto in_train = ember_test::run_ember("train --lr 0.001,0.01" + data);
  CHECK(in_train.status == 2);
  CHECK_THAT(in_train.err, Contains("--lr takes one value here; a list is a grid, for ember compare"));
  const auto no_val = ember_test::run_ember("compare --lr-grid 1e-3:1e-1:3 --val-split 0" + data);
  CHECK(no_val.status == 2);
  CHECK_THAT(no_val.err, Contains("needs a validation set to choose from"));
  CHECK(ember_test::run_ember("compare --lr 0.01 --lr-grid 1e-3:1e-1:3" + data).status == 2);
}

TEST_CASE("the CSV quotes an activation written as a formula with a comma", "[compare]") {
  const Splits data = moons_splits(200);
  CompareConfig config;
  config.base.epochs = 1;
  config.activations = {"relu", "max(x,0.1*x)"};
  const std::string csv = comparison_csv(run_comparison(data.train, data.test, config));
  CHECK_THAT(csv, Contains("\n\"max(x,0.1*x)\",adam,"));
  CHECK_THAT(csv, Contains("\nrelu,adam,"));
}
