// Option plumbing shared by train, eval and compare: the data, model and training options of
// DESIGN.md, added to a cxxopts parser and read back into DataOptions and TrainConfig, and the
// preparation every command does the same way (load, split, standardize from the training split).
#pragma once

#include <cxxopts.hpp>
#include <memory>
#include <string>
#include <vector>

#include "ember/core/train/trainer.hpp"
#include "ember/lab/data/builtin.hpp"
#include "ember/lab/data/split.hpp"

namespace ember::cli {

// train and compare: the data's source, its columns, and standardization.
void add_data_options(cxxopts::Options& options);
// eval: the data's source only (the model says which columns it reads and how).
void add_eval_data_options(cxxopts::Options& options);
char parse_separator(const std::string& text);             // "," ";" "tab" "|"
UnknownCategories parse_unknown(const std::string& text);  // "error" "ignore"
void add_model_options(cxxopts::Options& options);
void add_training_options(cxxopts::Options& options);

DataOptions read_data_options(const cxxopts::ParseResult& args);
double read_test_split(const cxxopts::ParseResult& args);
// Model and training options into a TrainConfig (defaults as in DESIGN.md).
// `grid`: --lr and --optimizer may be lists (ember compare); the config holds their first values.
TrainConfig read_train_config(const cxxopts::ParseResult& args, bool grid = false);
std::vector<Index> parse_hidden(const std::string& text);  // "64,32" -> {64, 32}; "" -> {} (parse_or_usage refuses it)
std::vector<std::string> split_list(const std::string& text);  // "id,name" -> {"id", "name"}
// --activation of eval, predict and info (a model file that does not record it): "" when not given;
// an unknown name is a usage error.
std::string read_activation_option(const cxxopts::ParseResult& args);
void set_threads(int threads);

// A dataset ready for training: split, and standardized with the training split's statistics
// (which are kept, for the model file).
struct PreparedData {
  Dataset train, val, test;  // val: carved from the training split by --val-split (0 rows without)
  Standardizer standardizer;
  bool standardized = false;
  std::string target_name;  // the CSV's label column, when the data came from a file
  Encoding encoding;        // a CSV file's columns -> inputs (empty for a built-in dataset)
  DataRecord record;        // how the data was made, for the model file
  Index dropped_rows = 0;   // --missing drop
};
// `classes` (--classes, -1 when not given) also sets the number of spiral arms or blobs clusters.
// With `fixed`, a CSV file is read by that encoding (a model's), its columns found by name.
// Warnings (an identifier-like column, a header of numbers) go to stderr. `val_split` (--val-split)
// takes that fraction of the training split, stratified and drawn from the seed, as the validation
// set; the test split is untouched, and the standardization is fitted on what remains for training.
PreparedData prepare_data(DataOptions data, double test_split, bool standardize, int classes = -1,
                          const Encoding* fixed = nullptr, double val_split = 0);

// The model `config` describes for the prepared data, starting from --init's weights when given
// (train and graph).
std::unique_ptr<nn::MyModel> build_model_for(const PreparedData& prepared, const TrainConfig& config,
                                             const cxxopts::ParseResult& args);
// "data: f.csv, 800 training rows, 200 test rows, 9 inputs from 5 columns (one-hot ... added 4), 3 classes"
std::string describe_data(const PreparedData& prepared, const DataOptions& data);

// Parses argv, turning cxxopts' complaints (in plain quotes), stray positional arguments and an
// empty --hidden into UsageError. A misspelt option gets the nearest one: "did you mean --epochs?".
cxxopts::ParseResult parse_or_usage(cxxopts::Options& options, int argc, char** argv);
// Its messages: "unknown option --epohcs; did you mean --epochs?" from cxxopts' no_such_option text,
// and "unexpected argument "epochs"; did you mean --epochs?".
std::string unknown_option_message(const cxxopts::Options& options, const std::string& message, int argc, char** argv);
std::string unexpected_argument_message(const cxxopts::Options& options, const std::string& argument);
// `--hidden ""` is refused: a model without a hidden layer has no activation to choose or compare.
void check_not_empty_hidden(const cxxopts::ParseResult& args);

// Fails before the work, not after it, when `path` (the value of `option`, e.g. "--save") could not
// be written: a directory (usage error), or a folder that is missing or not writable.
void check_writable_destination(const std::string& path, const char* option);

}  // namespace ember::cli
