// ember compare: identical starts, the same figures as ember train, dead and saturated units
// counted right on constructed cases, and a well-formed plot with one curve per activation. Ctrl-C:
// the report of the finished runs, marked as interrupted, and status 130 (tests/process.hpp).
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "ember/lab/data/builtin.hpp"
#include "ember/lab/data/split.hpp"
#include "ember/lab/monitor/divergence.hpp"
#include "ember/lab/monitor/observers.hpp"
#include "ember/lab/study/compare_report.hpp"
#include "process.hpp"
#include "xml_check.hpp"

using namespace ember;
using Catch::Matchers::Contains;

namespace {

std::pair<Dataset, Dataset> moons_split(Index samples) {
  DataOptions options;
  options.dataset = "moons";
  options.samples = samples;
  auto [train, test] = load_train_test(options, 0.2);
  const Standardizer s = Standardizer::fit(train.X);
  s.apply(train.X);
  s.apply(test.X);
  return {train, test};
}

bool same_bits(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(Scalar) * static_cast<std::size_t>(a.size())) == 0;
}

// Trains with lr 0 for one epoch (the weights stay as constructed) and returns the diagnostics.
StudyEpoch diagnostics_of(nn::MyModel& model, const Dataset& data) {
  TrainConfig config;
  config.optimizer = "sgd";
  config.lr = 0;
  config.epochs = 1;
  Diagnostics diagnostics(model);
  fit(model, data, Dataset{}, config, &diagnostics);
  return diagnostics.epochs().front();
}

// Every figure of every epoch, bit for bit (all but the seconds, which are the clock's).
bool same_figures(const StudyEpoch& a, const StudyEpoch& b) {
  const auto same = [](double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; };
  const auto same_all = [&](const std::vector<double>& x, const std::vector<double>& y) {
    return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin(), same);
  };
  return a.epoch == b.epoch && same(a.train_loss, b.train_loss) && same(a.train_accuracy, b.train_accuracy) &&
         same(a.test_loss, b.test_loss) && same(a.test_accuracy, b.test_accuracy) &&
         same_all(a.grad_norm, b.grad_norm) && same_all(a.dead_fraction, b.dead_fraction) &&
         same_all(a.saturated_fraction, b.saturated_fraction);
}

}  // namespace

TEST_CASE("every activation starts from bit-identical weights, and each seed from its own", "[compare]") {
  const auto [train, test] = moons_split(100);
  CompareConfig config;
  config.base.epochs = 2;
  config.seeds = 2;
  const CompareResult result = run_comparison(train, test, config);
  REQUIRE(result.runs.size() == 8);
  for (const CompareRun& run : result.runs) {
    const CompareRun& reference = result.runs[run.seed == result.runs.front().seed ? 0 : 1];
    REQUIRE(reference.seed == run.seed);
    for (const auto& [name, tensor] : run.initial_state) {
      INFO(run.activation << " seed " << run.seed << " " << name);
      CHECK(same_bits(tensor.value(), reference.initial_state.at(name).value()));
    }
  }
  CHECK_FALSE(same_bits(result.runs[0].initial_state.at("fc1.weight").value(),
                        result.runs[1].initial_state.at("fc1.weight").value()));
}

TEST_CASE("runs trained 3 at a time give the very figures of runs trained one by one, in the same order", "[compare]") {
  const auto [train, test] = moons_split(200);
  CompareConfig config;
  config.base.epochs = 4;
  config.seeds = 2;
  config.activations = {"sigmoid", "tanh", "relu", "gelu"};
  const CompareResult one_by_one = run_comparison(train, test, config);
  config.jobs = 3;
  // What a progress display sees: each run's start, then the batches of the run started last only,
  // so the epochs it is shown never go back until the next start (0 marks a start).
  std::vector<int> started, shown_epochs;
  Callbacks callbacks;
  callbacks.step = [&](const Step& step) { shown_epochs.push_back(step.epoch); };
  const CompareResult three_at_once = run_comparison(
      train, test, config,
      [&](const CompareRun&, int number, int) {
        started.push_back(number);
        shown_epochs.push_back(0);
      },
      &callbacks);
  REQUIRE(three_at_once.runs.size() == 8);
  REQUIRE(one_by_one.runs.size() == 8);
  std::sort(started.begin(), started.end());
  CHECK(started == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8});
  for (std::size_t k = 1; k < shown_epochs.size(); ++k) {
    if (shown_epochs[k] != 0) CHECK(shown_epochs[k] >= shown_epochs[k - 1]);
  }
  for (std::size_t r = 0; r < 8; ++r) {
    const CompareRun& a = one_by_one.runs[r];
    const CompareRun& b = three_at_once.runs[r];
    INFO(a.activation << " seed " << a.seed);
    CHECK(a.activation == b.activation);
    CHECK(a.seed == b.seed);
    REQUIRE(a.epochs.size() == 4);
    REQUIRE(b.epochs.size() == 4);
    for (std::size_t e = 0; e < 4; ++e) CHECK(same_figures(a.epochs[e], b.epochs[e]));
    CHECK(same_bits(a.initial_state.at("fc1.weight").value(), b.initial_state.at("fc1.weight").value()));
  }
}

TEST_CASE("a diverging run stops the runs beside it, and compare rethrows its error", "[compare]") {
  const auto [train, test] = moons_split(200);
  CompareConfig config;
  config.base.epochs = 50;
  config.base.optimizer = "sgd";
  config.base.lr = 1e30;  // every run diverges in its first steps
  config.jobs = 2;
  CHECK_THROWS_AS(run_comparison(train, test, config), TrainingDiverged);
  config.jobs = 0;
  CHECK_THROWS_WITH(run_comparison(train, test, config), Contains("--jobs must be at least 1"));
}

TEST_CASE("a stop request ends every run in flight, and the result holds no run cut short", "[compare]") {
  const auto [train, test] = moons_split(200);
  CompareConfig config;
  config.base.epochs = 1000000;  // far longer than the test waits
  config.seeds = 3;
  config.jobs = 2;
  std::atomic<bool> stop{false};
  Callbacks callbacks;
  callbacks.stop = &stop;
  int batches = 0, started = 0;
  callbacks.step = [&](const Step&) {
    if (++batches == 50) stop = true;  // callbacks run one at a time: no race on `batches`
  };
  const CompareResult result = run_comparison(
      train, test, config, [&](const CompareRun&, int, int) { ++started; }, &callbacks);
  CHECK(stop.load());
  CHECK(started <= 2);         // the two that were in flight; none started after the stop
  CHECK(result.runs.empty());  // neither finished
  CHECK(result.interrupted);
  CHECK(result.planned_runs == 12);
}

TEST_CASE("after a stop request the result keeps the finished runs, and the report says it was interrupted",
          "[compare]") {
  const auto [train, test] = moons_split(200);
  CompareConfig config;
  config.base.epochs = 3;
  config.activations = {"tanh", "relu"};
  config.seeds = 2;
  std::atomic<bool> stop{false};
  Callbacks callbacks;
  callbacks.stop = &stop;
  // One run at a time: when the third starts, the first two (tanh, both seeds) are finished.
  const CompareResult result = run_comparison(
      train, test, config, [&](const CompareRun&, int number, int) { stop = stop || number == 3; }, &callbacks);
  REQUIRE(result.runs.size() == 2);
  CHECK(result.interrupted);
  CHECK(result.planned_runs == 4);
  for (const CompareRun& run : result.runs) {
    CHECK(run.activation == "tanh");
    CHECK(run.epochs.size() == 3);
  }
  // The summary, findings, table and figure speak of tanh only: relu was not measured, not slow.
  const Summary summary = summarize(result);
  REQUIRE(summary.rows.size() == 1);
  CHECK(summary.rows[0].activation == "tanh");
  CHECK(summary.rows[0].seeds == 2);
  for (const std::string& sentence : findings(summary, result)) CHECK(sentence.find("relu") == std::string::npos);
  const std::string table = summary_table(summary, result);
  CHECK(table.find("relu") == std::string::npos);
  CHECK(table.find("interrupted after 2 of 4 runs") != std::string::npos);
  const std::string svg = comparison_svg(result);
  CHECK(ember_test::xml_problem(svg).empty());
  CHECK(svg.find("interrupted after 2 of 4 runs") != std::string::npos);
  CHECK(svg.find(">relu<") == std::string::npos);
  const std::string csv = comparison_csv(result);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 2 * 3);

  // Uninterrupted: every run, and no such mark.
  const CompareResult whole = run_comparison(train, test, config);
  CHECK_FALSE(whole.interrupted);
  CHECK(whole.planned_runs == 4);
  CHECK(whole.runs.size() == 4);
  CHECK(comparison_svg(whole).find("interrupted") == std::string::npos);
  CHECK(summary_table(summarize(whole), whole).find("interrupted") == std::string::npos);
}

TEST_CASE("one activation inside compare gives exactly the figures of ember train", "[compare][cli]") {
  ember_test::TempDir dir;
  const std::string options = " --dataset moons --samples 300 --epochs 4 --seed 7 --hidden 16,8 --lr 0.01";
  const auto trained = ember_test::run_ember("train --activation tanh" + options + " --log " + dir.file("train.csv"));
  const auto compared =
      ember_test::run_ember("compare --activations tanh" + options + " --csv " + dir.file("compare.csv"));
  REQUIRE(trained.status == 0);
  REQUIRE(compared.status == 0);
  // Compare the loss and accuracy columns, row by row (the timing columns differ, as they should).
  auto figures = [](const std::string& csv, std::vector<int> columns) {
    std::vector<std::string> rows;
    std::stringstream lines(csv);
    std::string line;
    std::getline(lines, line);  // header
    while (std::getline(lines, line)) {
      std::vector<std::string> cells;
      std::stringstream cells_in(line);
      std::string cell;
      while (std::getline(cells_in, cell, ',')) cells.push_back(cell);
      std::string row;
      for (int c : columns) row += cells[static_cast<std::size_t>(c)] + ",";
      rows.push_back(row);
    }
    return rows;
  };
  // train's log: epoch, train loss, acc, val loss, acc, test loss, acc, ...; compare's: activation, optimizer,
  // lr, seed, chosen, epoch, train loss, acc, val loss, acc, test loss, acc, ...
  const auto from_train = figures(ember_test::read_file(dir.file("train.csv")), {0, 1, 2, 5, 6});
  const auto from_compare = figures(ember_test::read_file(dir.file("compare.csv")), {5, 6, 7, 10, 11});
  REQUIRE(from_train.size() == 4);
  CHECK(from_train == from_compare);
}

TEST_CASE("a ReLU unit whose bias keeps it below zero on every sample counts as dead", "[compare]") {
  const auto [train, test] = moons_split(200);
  Generator gen(1);
  nn::MyModel model(2, 1, gen, "relu", {8, 4});
  model.layers()[0]->bias().mutable_value()(0, 3) = -1000;  // unit 3 of the first hidden layer never fires
  // The expected count, found independently: units whose pre-activation is <= 0 on every sample.
  const Matrix z =
      (train.X * model.layers()[0]->weight().value().transpose()).rowwise() + model.layers()[0]->bias().value().row(0);
  const long expected_dead = ((z.array() > 0).colwise().any() == false).count();
  const StudyEpoch stats = diagnostics_of(model, train);
  CHECK(expected_dead >= 1);
  CHECK(stats.dead_fraction[0] == Approx(expected_dead / 8.0));
  // With the unit revived, the count drops by exactly one.
  model.layers()[0]->bias().mutable_value()(0, 3) = 1000;
  CHECK(diagnostics_of(model, train).dead_fraction[0] == Approx((expected_dead - 1) / 8.0));
}

TEST_CASE("a sigmoid unit driven far from zero on every sample counts as saturated", "[compare]") {
  const auto [train, test] = moons_split(200);
  Generator gen(2);
  nn::MyModel model(2, 1, gen, "sigmoid", {8, 4});
  const StudyEpoch before = diagnostics_of(model, train);
  CHECK(before.saturated_fraction[0] == 0);
  // z = ±10 on every sample: σ'(z) ≈ 4.5e-5, below 1% of σ'(0) = 0.25 but not 0. (At ±50, σ(50)
  // rounds to exactly 1 in float32 and the derivative is exactly 0: such a unit is dead, not saturated.)
  model.layers()[0]->weight().mutable_value().row(5).setZero();
  model.layers()[0]->bias().mutable_value()(0, 5) = 10;
  model.layers()[0]->weight().mutable_value().row(6).setZero();
  model.layers()[0]->bias().mutable_value()(0, 6) = -10;
  const StudyEpoch after = diagnostics_of(model, train);
  CHECK(after.saturated_fraction[0] == Approx(2 / 8.0));
  CHECK(after.dead_fraction[0] == 0);  // a saturated sigmoid still has a (tiny) derivative
}

TEST_CASE("the summary finds the vanishing gradient and the findings name the activations", "[compare]") {
  const auto [train, test] = moons_split(300);
  CompareConfig config;
  config.base.epochs = 3;
  config.base.hidden = {16, 16, 16, 16, 16, 16};
  config.activations = {"sigmoid", "relu"};
  const CompareResult result = run_comparison(train, test, config);
  const Summary summary = summarize(result);
  REQUIRE(summary.rows.size() == 2);
  CHECK(summary.rows[0].grad_ratio.mean < 0.1);  // sigmoid, six layers deep
  CHECK(summary.rows[1].grad_ratio.mean > summary.rows[0].grad_ratio.mean);
  const auto sentences = findings(summary, result);
  bool named = false;
  for (const auto& s : sentences)
    named = named || (s.find("vanished") != std::string::npos && s.find("sigmoid") != std::string::npos);
  CHECK(named);
  const std::string table = summary_table(summary, result);
  CHECK(table.find("sigmoid") != std::string::npos);
  CHECK(table.find("epochs to target") != std::string::npos);
}

TEST_CASE("compare writes a well-formed SVG with one curve per activation in each panel, and a CSV",
          "[compare][cli][plot]") {
  ember_test::TempDir dir;
  const auto r =
      ember_test::run_ember("compare --epochs 3 --plot " + dir.file("c.svg") + " --csv " + dir.file("c.csv"));
  REQUIRE(r.status == 0);
  const std::string svg = ember_test::read_file(dir.file("c.svg"));
  CHECK(ember_test::xml_problem(svg).empty());
  for (int series = 0; series < 4; ++series) {
    const std::string marker = "class=\"series series-" + std::to_string(series) + "\"";
    std::size_t count = 0;
    for (std::size_t at = svg.find(marker); at != std::string::npos; at = svg.find(marker, at + 1)) ++count;
    CHECK(count == 6);  // one curve in each of the six panels: loss, accuracy, fc1-fc3's gradients, dead units
  }
  for (const char* name : {"sigmoid", "tanh", "relu", "leaky_relu"}) CHECK(svg.find(name) != std::string::npos);
  // The subtitle names the dataset and settings (the setup line without "ember compare: ").
  CHECK(svg.find("training samples, hidden 64,32") != std::string::npos);
  CHECK(svg.find("ember compare:") == std::string::npos);
  const std::string csv = ember_test::read_file(dir.file("c.csv"));
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 4 * 3);
  CHECK(r.out.find("reached the target") != std::string::npos);
}

// ---- the figure ----

namespace {

std::vector<std::string> ids_of(const std::vector<FigurePanel>& panels) {
  std::vector<std::string> ids;
  for (const FigurePanel& p : panels) ids.push_back(p.id);
  return ids;
}

}  // namespace

TEST_CASE("the figure's panels: loss, accuracy, a gradient norm per layer, dead units, each with a seed band",
          "[compare][plot]") {
  const auto [train, test] = moons_split(200);
  CompareConfig config;
  config.base.epochs = 3;
  config.base.hidden = {6, 5};  // three Linear layers
  config.activations = {"tanh", "relu"};
  config.seeds = 2;
  const CompareResult result = run_comparison(train, test, config);
  const Summary summary = summarize(result);
  const std::string settings = "moons, 160 training samples, hidden 6,5 & <more>";
  const std::vector<FigurePanel> panels = comparison_panels(result, summary, settings);
  CHECK(ids_of(panels) == std::vector<std::string>{"loss", "accuracy", "grad-fc1", "grad-fc2", "grad-fc3", "dead"});
  for (const FigurePanel& p : panels) {
    INFO(p.id);
    CHECK(p.how_to_read.size() > 100);
    CHECK(p.panel.options.subtitle == settings);
    REQUIRE(p.panel.series.size() == 2);
    for (std::size_t a = 0; a < 2; ++a) {
      const plot::Series& s = p.panel.series[a];
      CHECK(s.style == static_cast<int>(a));  // tanh's style 0 and relu's 1 on every panel
      REQUIRE(s.band_low.size() == s.x.size());
      REQUIRE(s.band_high.size() == s.x.size());
      for (std::size_t e = 0; e < s.x.size(); ++e) {
        CHECK(s.band_low[e] <= s.y[e]);
        CHECK(s.y[e] <= s.band_high[e]);
      }
    }
  }
  CHECK(panels[3].panel.options.title == "Gradient norm, fc2");
  CHECK(panels[4].panel.options.title == "Gradient norm, fc3 (output layer)");
  // Each gradient panel is its own layer's: tanh's line at epoch 1 is the seeds' mean of that layer's norm,
  // and the band their lowest and highest.
  for (std::size_t k = 0; k < 3; ++k) {
    const double a = result.runs[0].epochs[0].grad_norm[k], b = result.runs[1].epochs[0].grad_norm[k];
    REQUIRE(result.runs[0].activation == "tanh");
    REQUIRE(result.runs[1].activation == "tanh");
    const plot::Series& tanh = panels[2 + k].panel.series[0];
    CHECK(tanh.y[0] == Approx((a + b) / 2));
    CHECK(tanh.band_low[0] == std::min(a, b));
    CHECK(tanh.band_high[0] == std::max(a, b));
    CHECK(a != b);  // the seeds differ, so the band has a width
  }
  // The figure: the settings under its title, escaped; a band in every panel for every activation.
  const std::string svg = comparison_svg(result, summary, settings);
  REQUIRE(ember_test::xml_problem(svg).empty());
  CHECK_THAT(svg, Contains(">moons, 160 training samples, hidden 6,5 &amp; &lt;more&gt;</text>"));
  std::size_t bands = 0;
  for (std::size_t at = svg.find("class=\"band "); at != std::string::npos; at = svg.find("class=\"band ", at + 1))
    ++bands;
  CHECK(bands == 6 * 2);
  CHECK_THAT(svg, Contains("lowest to highest shaded"));

  // Without tanh's runs, relu keeps its style (and so its colour and dash).
  CompareResult relu_only = result;
  relu_only.runs.erase(std::remove_if(relu_only.runs.begin(), relu_only.runs.end(),
                                      [](const CompareRun& run) { return run.activation == "tanh"; }),
                       relu_only.runs.end());
  for (const FigurePanel& p : comparison_panels(relu_only, summarize(relu_only), settings)) {
    REQUIRE(p.panel.series.size() == 1);
    CHECK(p.panel.series[0].style == 1);
  }
}

TEST_CASE("one seed: the figure's curves have no band, and a grid adds the sensitivity panel", "[compare][plot]") {
  const auto [train, test] = moons_split(200);
  CompareConfig config;
  config.base.epochs = 2;
  config.base.hidden = {6};
  config.activations = {"tanh", "relu"};
  const CompareResult result = run_comparison(train, test, config);
  const Summary summary = summarize(result);
  const std::vector<FigurePanel> panels = comparison_panels(result, summary, "");
  CHECK(ids_of(panels) == std::vector<std::string>{"loss", "accuracy", "grad-fc1", "grad-fc2", "dead"});
  for (const FigurePanel& p : panels)
    for (const plot::Series& s : p.panel.series) CHECK(s.band_low.empty());
  const std::string svg = comparison_svg(result, summary);
  CHECK(svg.find("class=\"band ") == std::string::npos);
  CHECK(svg.find("figure-subtitle") == std::string::npos);

  config.lrs = {1e-3, 1e-2};
  // A grid chooses on a validation split: the test split stands in for one, since only the panels are looked at.
  const CompareResult grid = run_comparison(train, test, test, config);
  const std::vector<FigurePanel> grid_panels = comparison_panels(grid, summarize(grid), "");
  REQUIRE(grid_panels.size() == 6);
  CHECK(grid_panels.back().id == "sensitivity");
  CHECK(grid_panels.back().panel.series[1].style == 1);
}

// ---- Ctrl-C ----

namespace {

// `ember compare` of 8 runs, one at a time, each lasting a fraction of a second; SIGINT once the
// third has started. Returns the number of runs the interrupted compare says it finished (2 or a few more).
int interrupted_compare(ember_test::Process& compare) {
  REQUIRE(compare.wait_until([&] { return compare.err().find("compare: run 3/8") != std::string::npos; }, 60));
  ember_test::stops_with_status_130(compare, SIGINT);
  const std::string err = compare.err();
  INFO("stderr: " << err);
  std::smatch finished;
  REQUIRE(std::regex_search(err, finished, std::regex("interrupted after ([0-9]+) of 8 runs")));
  const int k = std::stoi(finished[1]);
  CHECK(k >= 2);
  CHECK(k < 8);
  return k;
}

const std::vector<std::string> eight_runs{"compare", "--dataset",     "moons",     "--samples", "1000", "--epochs",
                                          "40",      "--activations", "tanh,relu", "--seeds",   "4",    "--jobs",
                                          "1"};

}  // namespace

TEST_CASE("compare interrupted by SIGINT writes the table, CSV and plot of the finished runs and exits 130",
          "[compare][cli][robustness]") {
  ember_test::TempDir dir;
  std::vector<std::string> args = eight_runs;
  args.insert(args.end(), {"--csv", dir.file("c.csv"), "--plot", dir.file("c.svg")});
  ember_test::Process compare(args, dir.file("out"), dir.file("err"));
  const int k = interrupted_compare(compare);
  const std::string mark = "interrupted after " + std::to_string(k) + " of 8 runs";
  const std::string out = compare.out();
  INFO("stdout: " << out);
  CHECK(out.find("train loss") != std::string::npos);
  CHECK(out.find("tanh ") != std::string::npos);
  CHECK(out.find(mark) != std::string::npos);
  const std::string csv = ember_test::read_file(dir.file("c.csv"));
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 40 * k);
  const std::string svg = ember_test::read_file(dir.file("c.svg"));
  CHECK(ember_test::xml_problem(svg).empty());
  CHECK(svg.find(mark) != std::string::npos);
}

TEST_CASE("compare --json interrupted by SIGINT prints the finished runs, marked, and exits 130",
          "[compare][cli][robustness]") {
  ember_test::TempDir dir;
  std::vector<std::string> args = eight_runs;
  args.push_back("--json");
  ember_test::Process compare(args, dir.file("out"), dir.file("err"));
  const int k = interrupted_compare(compare);
  const nlohmann::json result = nlohmann::json::parse(compare.out());
  CHECK(result.at("interrupted") == true);
  CHECK(result.at("runs_planned") == 8);
  CHECK(result.at("runs").size() == static_cast<std::size_t>(k));
  for (const auto& run : result.at("runs")) CHECK(run.at("epochs").size() == 40);
}

TEST_CASE("compare interrupted before any run finished writes nothing and exits 130", "[compare][cli][robustness]") {
  ember_test::TempDir dir;
  ember_test::Process compare(
      {"compare", "--dataset", "moons", "--samples", "2000", "--epochs", "1000000", "--csv", dir.file("c.csv")},
      dir.file("out"), dir.file("err"));
  REQUIRE(compare.wait_until([&] { return compare.err().find("compare: run 1/4") != std::string::npos; }, 60));
  REQUIRE(compare.wait_until([&] { return compare.handles_signals(); }, 60));
  ember_test::stops_with_status_130(compare, SIGINT);
  CHECK(compare.err().find("interrupted before any run finished; nothing written") != std::string::npos);
  CHECK(compare.out().empty());
  CHECK_FALSE(std::filesystem::exists(dir.file("c.csv")));
}
