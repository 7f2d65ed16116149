// Results files (src/lab/study/results_file.cpp) and what stands on them: a run and its study survive
// the round trip to JSON to the last bit; shards of a grid, trained apart, hold exactly the runs of the
// whole grid trained at once; --resume trains only what is missing; `ember report` prints, from the
// files alone, the report compare printed (byte for byte from one file; the seconds aside when shards
// ran apart, here side by side under GNU parallel); files of another comparison are refused by name.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "compare_splits.hpp"
#include "ember/lab/data/builtin.hpp"
#include "ember/lab/data/split.hpp"
#include "ember/lab/study/results_file.hpp"

using namespace ember;
using Catch::Matchers::Contains;
using ember_test::moons_splits;
using ember_test::Splits;
using nlohmann::json;

namespace {

CompareConfig small_grid() {
  CompareConfig config;
  config.base.epochs = 3;
  config.activations = {"tanh", "relu"};
  config.lrs = {0.001, 0.01};
  config.seeds = 2;
  return config;
}

bool same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same_all(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), same);
}

// The same place in the grid and every figure of every epoch, bit for bit (the seconds aside).
bool same_run(const CompareRun& a, const CompareRun& b) {
  if (run_key(a) != run_key(b) || a.diverged != b.diverged || a.epochs.size() != b.epochs.size()) return false;
  for (std::size_t e = 0; e < a.epochs.size(); ++e) {
    const StudyEpoch &x = a.epochs[e], &y = b.epochs[e];
    const bool figures = same(x.train_loss, y.train_loss) && same(x.train_accuracy, y.train_accuracy) &&
                         same(x.val_loss, y.val_loss) && same(x.val_accuracy, y.val_accuracy) &&
                         same(x.test_loss, y.test_loss) && same(x.test_accuracy, y.test_accuracy);
    if (!figures || !same_all(x.grad_norm, y.grad_norm) || !same_all(x.dead_fraction, y.dead_fraction) ||
        !same_all(x.saturated_fraction, y.saturated_fraction))
      return false;
  }
  return true;
}

// The lines of a text with the last column (the seconds, "0.05" or "0.05 ± 0.01") cut from table rows.
std::string without_seconds(const std::string& text) {
  return std::regex_replace(text, std::regex(R"(  [0-9.]+( ± [0-9.]+)?\n)"), "\n");
}

}  // namespace

TEST_CASE("a run and its study survive the trip to JSON and back to the last bit", "[compare]") {
  const Splits data = moons_splits(200);
  CompareConfig with_layers = small_grid();
  with_layers.layer_health = true;
  const CompareResult result = run_comparison(data.train, data.val, data.test, with_layers);
  REQUIRE_FALSE(result.runs.front().epochs.front().layers.empty());
  for (const CompareRun& run : result.runs) {
    const CompareRun back = run_from_json(json::parse(run_json(run).dump()));
    CHECK(same_run(run, back));
    for (std::size_t e = 0; e < run.epochs.size(); ++e) {
      REQUIRE(back.epochs[e].layers.size() == run.epochs[e].layers.size());
      CHECK(back.epochs[e].probe_samples == run.epochs[e].probe_samples);
      for (std::size_t k = 0; k < run.epochs[e].layers.size(); ++k) {
        CHECK(same(back.epochs[e].layers[k].act_p2, run.epochs[e].layers[k].act_p2));
        CHECK(same(back.epochs[e].layers[k].preact_std, run.epochs[e].layers[k].preact_std));
      }
    }
    CHECK(same(run.seconds, back.seconds));
  }
  CompareConfig config = small_grid();
  config.target_accuracy = 0.9;
  config.base.momentum = 0.5;
  config.base.classes = 2;
  const json study = study_json(config, {{"dataset", "moons"}}, true, true, 0.5);
  const CompareConfig again = config_from_study(json::parse(study.dump()));
  CHECK(again.activations == config.activations);
  CHECK(again.lrs == config.lrs);
  CHECK(again.seeds == 2);
  CHECK(again.target_accuracy == 0.9);
  CHECK(std::isnan(again.target_loss));
  CHECK(again.base.momentum == 0.5);
  CHECK(again.base.classes == 2);
  CHECK(again.base.epochs == 3);
  CHECK(study_json(again, {{"dataset", "moons"}}, true, true, 0.5) == study);
}

TEST_CASE("the shards of a grid hold exactly the runs of the whole grid, bit for bit; resume trains the rest",
          "[compare]") {
  const Splits data = moons_splits(200);
  const CompareResult whole = run_comparison(data.train, data.val, data.test, small_grid());
  REQUIRE(whole.runs.size() == 8);
  std::vector<CompareRun> from_shards;
  for (int k = 1; k <= 3; ++k) {
    CompareConfig config = small_grid();
    config.shard = k;
    config.shards = 3;
    const CompareResult part = run_comparison(data.train, data.val, data.test, config);
    CHECK(part.incomplete_results);
    CHECK(part.planned_runs == 8);
    for (const CompareRun& run : part.runs) from_shards.push_back(run);
  }
  REQUIRE(from_shards.size() == 8);
  for (const CompareRun& run : whole.runs) {
    int found = 0;
    for (const CompareRun& shard_run : from_shards) found += same_run(run, shard_run);
    INFO(run_key(run));
    CHECK(found == 1);
  }
  // --resume: the three runs done are kept as they are, the other five trained, announced one by one.
  CompareRecording recording;
  recording.done = {whole.runs[0], whole.runs[3], whole.runs[7]};
  int started = 0, written = 0;
  recording.finished = [&written](const CompareRun&) { ++written; };
  const CompareResult resumed = run_comparison(
      data.train, data.val, data.test, small_grid(), [&started](const CompareRun&, int, int) { ++started; }, nullptr,
      &recording);
  CHECK(started == 5);
  CHECK(written == 5);
  REQUIRE(resumed.runs.size() == 8);
  CHECK_FALSE(resumed.incomplete_results);
  for (std::size_t i = 0; i < 8; ++i) CHECK(same_run(resumed.runs[i], whole.runs[i]));
}

TEST_CASE("read_results merges files of one study and refuses another's, naming file, line and option", "[compare]") {
  ember_test::TempDir dir;
  const Splits data = moons_splits(200);
  CompareConfig config = small_grid();
  config.seeds = 1;
  const CompareResult result = run_comparison(data.train, data.val, data.test, config);
  const json study = study_json(config, {{"dataset", "moons"}}, true, true, 0.5);
  const std::string a = dir.file("a.jsonl"), b = dir.file("b.jsonl");
  {
    ResultsWriter first(a, study), second(b, study);
    for (std::size_t i = 0; i < result.runs.size(); ++i) (i % 2 ? second : first).write(result.runs[i]);
  }
  const Results both = read_results({a, b});
  CHECK(both.warnings.empty());
  const CompareResult merged = result_from(both);
  REQUIRE(merged.runs.size() == result.runs.size());
  for (std::size_t i = 0; i < merged.runs.size(); ++i) CHECK(same_run(merged.runs[i], result.runs[i]));
  CHECK_FALSE(merged.incomplete_results);
  CHECK(result_from(read_results({a})).incomplete_results);
  // The same run twice: kept once, with a warning.
  CHECK(read_results({a, a}).warnings.size() == 2);
  // Another study: refused, naming what differs.
  CompareConfig other = config;
  other.base.epochs = 4;
  const std::string c = dir.file("c.jsonl");
  ResultsWriter(c, study_json(other, {{"dataset", "moons"}}, true, true, 0.5)).write(result.runs[0]);
  CHECK_THROWS_WITH(read_results({a, c}), Contains(c + ":1: a run of another study") && Contains("epochs: 3 here, 4"));
  // A last line cut short is skipped with a warning; a bad line anywhere else is an error.
  std::ofstream(a, std::ios::app) << "{\"ember.results\": 1, \"study\"";
  const Results cut = read_results({a});
  REQUIRE(cut.warnings.size() == 1);
  CHECK_THAT(cut.warnings[0], Contains("a run cut short"));
  ResultsWriter(a, study).write(result.runs[1]);  // appending drops the piece first
  CHECK(read_results({a}).warnings.empty());
  std::ofstream(b, std::ios::app) << "not json\n";
  CHECK_THROWS_WITH(read_results({b}), Contains(b + ":3: not a results line"));
}

TEST_CASE("shard K/N parses, and refuses what is not a slice", "[compare]") {
  CHECK(parse_shard("2/4") == std::pair<int, int>{2, 4});
  CHECK(parse_shard("1/1") == std::pair<int, int>{1, 1});
  for (const char* bad : {"0/4", "5/4", "2", "2/", "/4", "a/b", "2/4x"}) {
    INFO(bad);
    CHECK_THROWS_WITH(parse_shard(bad), Contains("is not K/N"));
  }
}

TEST_CASE("ember report prints from results files what compare printed; shards run under GNU parallel merge",
          "[compare][cli]") {
  ember_test::TempDir dir;
  const std::string options =
      "compare --dataset moons --samples 200 --epochs 3 --activations tanh,relu "
      "--lr 0.001,0.01 --seeds 2 --jobs 1";
  const std::string whole = dir.file("whole.jsonl");
  const auto compared = ember_test::run_ember(options + " --results " + whole);
  REQUIRE(compared.status == 0);
  const auto reported = ember_test::run_ember("report " + whole);
  REQUIRE(reported.status == 0);
  CHECK(reported.out == compared.out);  // the seconds too: they are recorded

  // Two shards side by side, as a scheduler would start them on two machines.
  const std::string shards = "parallel --will-cite " + std::string(EMBER_BINARY) + " " + options +
                             " --shard {}/2 --results " + dir.file("shard-{}.jsonl") + " '>' /dev/null '2>&1' ::: 1 2";
  REQUIRE(std::system(shards.c_str()) == 0);
  const auto merged = ember_test::run_ember("report " + dir.file("shard-1.jsonl") + " " + dir.file("shard-2.jsonl"));
  REQUIRE(merged.status == 0);
  CHECK(merged.err.empty());  // no warning, no runs missing
  CHECK(without_seconds(merged.out) == without_seconds(compared.out));
  const auto one_shard = ember_test::run_ember("report " + dir.file("shard-1.jsonl"));
  CHECK_THAT(one_shard.err, Contains("4 of the grid's 8 runs are in these files"));

  // With layer health, the results carry each hidden layer's figures: report writes the same layer CSV.
  CHECK_THAT(ember_test::run_ember("report " + whole + " --layers-csv " + dir.file("no.csv")).err,
             Contains("the results hold no layer figures"));
  const std::string layered = dir.file("layered.jsonl");
  REQUIRE(ember_test::run_ember(options + " --layers-csv " + dir.file("compare-layers.csv") + " --results " + layered)
              .status == 0);
  REQUIRE(ember_test::run_ember("report " + layered + " --layers-csv " + dir.file("report-layers.csv")).status == 0);
  const std::string layers_csv = ember_test::read_file(dir.file("compare-layers.csv"));
  CHECK(layers_csv.find(",act_p98,") != std::string::npos);
  CHECK(ember_test::read_file(dir.file("report-layers.csv")) == layers_csv);

  // --resume continues only the same comparison; --results will not overwrite.
  const auto other = ember_test::run_ember(options + " --epochs 4 --results " + whole + " --resume");
  CHECK(other.status == 2);
  CHECK_THAT(other.err, Contains("holds another comparison") && Contains("epochs: 4 here, 3 in"));
  const auto again = ember_test::run_ember(options + " --results " + whole);
  CHECK(again.status == 2);
  CHECK_THAT(again.err, Contains("exists: --resume continues it"));
  const auto resumed = ember_test::run_ember(options + " --results " + whole + " --resume");
  CHECK(resumed.status == 0);
  CHECK_THAT(resumed.err, Contains("8 runs done"));
  CHECK(ember_test::run_ember(options + " --resume").status == 2);
  CHECK(ember_test::run_ember("report").status == 2);
}

TEST_CASE("decision boundaries: the first seed's runs record them, and they survive the results file", "[compare]") {
  const Splits data = moons_splits(200);
  CompareConfig config = small_grid();
  config.boundary = boundary_frame(data.train.X, data.train.y, data.test.X, data.test.y, 2, 16, {"a", "b"});
  config.boundary_epochs = {1, 3};
  const CompareResult result = run_comparison(data.train, data.val, data.test, config);
  for (const CompareRun& run : result.runs) {
    INFO(run_key(run));
    // The first seed of every setting, so that the chosen setting's pictures exist whichever it is.
    CHECK(run.boundaries.size() == (run.seed == config.base.seed ? 2u : 0u));
    const CompareRun back = run_from_json(json::parse(run_json(run).dump()));
    REQUIRE(back.boundaries.size() == run.boundaries.size());
    for (std::size_t k = 0; k < run.boundaries.size(); ++k) {
      CHECK(back.boundaries[k].epoch == run.boundaries[k].epoch);
      CHECK(back.boundaries[k].predicted == run.boundaries[k].predicted);
      CHECK(back.boundaries[k].confidence == run.boundaries[k].confidence);
      CHECK(run.boundaries[k].predicted.size() == 16u * 16u);
    }
  }
  // Recording changed no figure: the same grid without pictures has the same runs, bit for bit.
  CompareConfig plain = small_grid();
  const CompareResult without = run_comparison(data.train, data.val, data.test, plain);
  REQUIRE(without.runs.size() == result.runs.size());
  for (std::size_t i = 0; i < result.runs.size(); ++i) CHECK(same_run(result.runs[i], without.runs[i]));

  const json study = study_json(config, {{"dataset", "moons"}}, true, true, 0.5);
  const CompareConfig again = config_from_study(json::parse(study.dump()));
  CHECK(again.boundary.resolution == 16);
  CHECK(again.boundary.x_name == "a");
  CHECK(again.boundary.points.size() == config.boundary.points.size());
  CHECK(again.boundary.x_max == config.boundary.x_max);
  CHECK(again.boundary_epochs == std::vector<int>{1, 3});
  CHECK(study_json(again, {{"dataset", "moons"}}, true, true, 0.5) == study);
  // Another grid is another study, said in one line rather than a dump of every point.
  CompareConfig finer = config;
  finer.boundary.resolution = 32;
  const std::vector<std::string> differences =
      study_differences(study, study_json(finer, {{"dataset", "moons"}}, true, true, 0.5), "b.jsonl");
  REQUIRE(differences.size() == 1);
  CHECK_THAT(differences[0], Contains("--boundary-grid"));
  CHECK(differences[0].size() < 200);
  // Bytes that are not base64 are a malformed line, not a crash.
  json line = run_json(result.runs.front());
  line["boundaries"][0]["predicted"] = "not*base64";
  CHECK_THROWS(run_from_json(line));
}
