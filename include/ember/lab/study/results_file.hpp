// A comparison's results as a file: one JSON object per line (JSON Lines), one line per finished run,
// each line whole in itself (the study it belongs to, the run's settings, every epoch's figures), so
// files from several machines concatenate and merge. `ember compare --results` writes one as the runs
// finish; `--resume` skips the runs a file already holds; `ember report` rebuilds the table, sentences,
// CSV and plots from files alone. Not here: the report itself (compare_report.hpp).
#pragma once

#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ember/lab/study/compare.hpp"

namespace ember {

// What identifies a comparison: every option that changes a run's figures or the report's (the grid,
// the data as `data_identity` describes it, the model, the training options, the targets), and what the
// data gave (has_test, has_validation, chance accuracy). Not --jobs, --shard, or the output files.
nlohmann::json study_json(const CompareConfig& config, const nlohmann::json& data_identity, bool has_test,
                          bool has_validation, double chance_accuracy);
// The config a study describes (jobs 1, the whole grid).
CompareConfig config_from_study(const nlohmann::json& study);

// A run and its figures, and back; every double round-trips exactly (NaN as null).
nlohmann::json run_json(const CompareRun& run);
CompareRun run_from_json(const nlohmann::json& line);

// "relu|adam|0.001|3": the run's place in the grid, the same in every file.
std::string run_key(const CompareRun& run);

// --shard K/N: "2/4" -> {2, 4}; the k-th of n slices of the grid takes runs k-1, k-1+n, k-1+2n, ...
std::pair<int, int> parse_shard(const std::string& text);

// Appends one line per run, whole, flushed at once: an interrupted comparison leaves every finished
// run in the file. Safe to call from the comparison's threads.
class ResultsWriter {
 public:
  ResultsWriter(const std::string& path, nlohmann::json study);  // appends to `path`, creating it
  void write(const CompareRun& run);

 private:
  std::string path_;
  nlohmann::json study_;
  std::mutex lock_;
};

struct Results {
  nlohmann::json study;
  std::vector<CompareRun> runs;       // in the order read; one per key
  std::vector<std::string> warnings;  // a truncated last line, a run found twice
};

// Reads results files, which must all describe the same study: a different one is refused, naming the
// file, its line and the options that differ. A last line cut short (a killed process) is skipped with a
// warning; any other line that is not a run is an error naming the file and line.
Results read_results(const std::vector<std::string>& paths);

// The comparison the results hold, runs in grid order; `incomplete_results` when runs of the grid are
// missing (one shard's file, an interrupted grid).
CompareResult result_from(const Results& results);

// The options of two studies that differ, as "--lr: [0.001] here, [0.01] in FILE" sentences.
std::vector<std::string> study_differences(const nlohmann::json& a, const nlohmann::json& b,
                                           const std::string& where_b);

}  // namespace ember
