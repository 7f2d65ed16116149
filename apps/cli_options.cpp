// The options shared by train, eval and compare, and the data preparation they share.
#include "cli_options.hpp"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "ember/core/engine/format.hpp"
#include "ember/lab/data/csv.hpp"
#include "ember/lab/io/model_file.hpp"
#include "ember/lab/runtime/process.hpp"
#include "ember/lab/study/compare.hpp"

namespace ember::cli {

namespace {

// Where the data comes from: every command that reads a dataset (train, eval, compare).
void add_source_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options("Data")
      ("dataset", "built-in dataset (see 'ember datasets')", cxxopts::value<std::string>())
      ("data", "CSV file with a header row (separated by commas, semicolons or tabs)", cxxopts::value<std::string>())
      ("target", "label column of --data: a header name or 0-based index (default: the last column)",
       cxxopts::value<std::string>())
      ("sep", "separator of --data: ',', ';', tab or any one character (default: detected from the header)",
       cxxopts::value<std::string>())
      ("test-split", "fraction held out for testing; 0 trains on everything",
       cxxopts::value<double>()->default_value("0.2"))
      ("samples", "generated datasets: number of samples", cxxopts::value<long>())
      ("noise", "generated datasets: noise level", cxxopts::value<double>())
      ("data-dir", "folder of Fashion-MNIST's IDX .gz files", cxxopts::value<std::string>())
      ("seed", "seed for everything random: data, split, weights, shuffling",
       cxxopts::value<std::uint64_t>()->default_value("0"));
  // clang-format on
}

}  // namespace

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> names;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) names.push_back(item);
  return names;
}

std::string read_activation_option(const cxxopts::ParseResult& args) {
  if (!args.count("activation")) return "";
  const std::string activation = args["activation"].as<std::string>();
  try {
    nn::make_activation(activation);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--activation: ") + e.what());
  }
  return activation;
}

void add_data_options(cxxopts::Options& options) {
  add_source_options(options);
  // clang-format off
  options.add_options("Columns of --data")
      ("features", "only these columns are features, in this order (comma-separated)", cxxopts::value<std::string>())
      ("ignore", "columns that are not features (comma-separated), e.g. an ID", cxxopts::value<std::string>())
      ("categorical", "columns to one-hot encode even though they hold numbers (text columns always are)",
       cxxopts::value<std::string>())
      ("missing", "missing values (empty, NA, NaN, ?): error (stop), drop (the rows), "
                  "mean (fill with the training mean)",
       cxxopts::value<std::string>()->default_value("error"))
      ("unknown", "a category unseen in training: error, or ignore (all zeros)",
       cxxopts::value<std::string>()->default_value("error"))
      ("allow-many-classes", "accept a target with fractions or more distinct values than a tenth of the rows")
      ("standardize", "z-score features with the training split's mean and std (default)")
      ("no-standardize", "use the features as they are");
  // clang-format on
}

void add_eval_data_options(cxxopts::Options& options) {
  add_source_options(options);
  // clang-format off
  options.add_options("Columns of --data")
      ("unknown", "a category unseen in training: error, or ignore (all zeros)",
       cxxopts::value<std::string>()->default_value("error"));
  // clang-format on
}

char parse_separator(const std::string& text) {
  if (text == "tab" || text == "\\t" || text == "\t") return '\t';
  if (text.size() != 1 || text == "\"" || text == "\n" || text == "\r") {
    throw UsageError("--sep: expected one character (',', ';', '|') or tab, got \"" + text + "\"");
  }
  return text[0];
}

UnknownCategories parse_unknown(const std::string& text) {
  if (text == "error") return UnknownCategories::error;
  if (text == "ignore") return UnknownCategories::ignore;
  throw UsageError("--unknown must be error or ignore, got \"" + text + "\"");
}

void add_model_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options("Model")
      ("activation", "hidden activation: sigmoid, tanh, relu, leaky_relu[:slope], gelu, silu, elu[:alpha], "
                     "softplus, a preset (swish, mish, softsign, hardtanh, hardsigmoid, selu, gelu_tanh) or a "
                     "formula in x, e.g. \"x*tanh(softplus(x))\" (see 'ember activation')",
       cxxopts::value<std::string>()->default_value("relu"))
      ("hidden", "hidden layer sizes, comma-separated (the article's: 64,32)",
       cxxopts::value<std::string>()->default_value("64,32"))
      ("classes", "model outputs: default infers (2 classes -> one sigmoid output); 2 forces a 2-way softmax",
       cxxopts::value<int>())
      ("init-scheme", "initial weights: default (PyTorch's Linear), he or xavier",
       cxxopts::value<std::string>()->default_value("default"))
      ("dropout", "dropout after each hidden activation, as nn.Dropout(P): zeroes each unit with probability P in "
                  "training (the rest scaled by 1/(1-P)), nothing in evaluation",
       cxxopts::value<double>()->default_value("0"));
  // clang-format on
}

void add_training_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options("Training")
      ("epochs", "passes over the training set", cxxopts::value<int>()->default_value("100"))
      ("batch-size", "samples per step (above the dataset size: full batch)",
       cxxopts::value<long>()->default_value("32"))
      ("optimizer", "sgd, adam or adamw (ember compare: a list, sgd,adam, is a grid)",
       cxxopts::value<std::string>()->default_value("adam"))
      ("lr", "learning rate (ember compare: a list, 1e-4,1e-3,1e-2, is a grid)",
       cxxopts::value<std::string>()->default_value("0.001"))
      ("momentum", "SGD momentum", cxxopts::value<double>()->default_value("0"))
      ("weight-decay", "L2 penalty (adamw: decoupled decay, default 0.01)",
       cxxopts::value<double>()->default_value("0"))
      ("no-shuffle", "batches in file order, like PyTorch's DataLoader(shuffle=False)")
      ("threads", "threads for matrix products", cxxopts::value<int>()->default_value("1"));
  // clang-format on
}

DataOptions read_data_options(const cxxopts::ParseResult& args) {
  DataOptions data;
  if (args.count("dataset") && args.count("data")) throw UsageError("give --dataset or --data, not both");
  if (args.count("dataset")) data.dataset = args["dataset"].as<std::string>();
  if (args.count("data")) data.path = args["data"].as<std::string>();
  if (args.count("target")) data.target = args["target"].as<std::string>();
  if (args.count("target") && data.path.empty()) throw UsageError("--target applies to --data FILE.csv only");
  if (args.count("samples")) {
    const long samples = args["samples"].as<long>();
    if (samples < 1) throw UsageError("--samples must be at least 1, got " + std::to_string(samples));
    data.samples = samples;
  }
  if (args.count("noise")) {
    data.noise = args["noise"].as<double>();
    if (!(data.noise >= 0)) throw UsageError("--noise must be >= 0");
  }
  if (args.count("data-dir")) data.data_dir = args["data-dir"].as<std::string>();
  data.seed = args["seed"].as<std::uint64_t>();
  if (args.count("sep")) data.csv.separator = parse_separator(args["sep"].as<std::string>());
  if (args.count("features")) data.csv.features = split_list(args["features"].as<std::string>());
  if (args.count("ignore")) data.csv.ignore = split_list(args["ignore"].as<std::string>());
  if (args.count("categorical")) data.csv.categorical = split_list(args["categorical"].as<std::string>());
  if (args.count("missing")) {
    try {
      data.missing = parse_missing_values(args["missing"].as<std::string>());
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }
  if (args.count("unknown")) data.unknown = parse_unknown(args["unknown"].as<std::string>());
  data.allow_many_classes = args.count("allow-many-classes") > 0;
  const bool csv_only =
      args.count("sep") || args.count("features") || args.count("ignore") || args.count("categorical");
  if (csv_only && data.path.empty())
    throw UsageError("--sep, --features, --ignore and --categorical apply to --data FILE.csv only");
  return data;
}

double read_test_split(const cxxopts::ParseResult& args) {
  const double split = args["test-split"].as<double>();
  if (!(split >= 0 && split < 1))
    throw UsageError("--test-split must be in [0, 1), got " + (std::isnan(split) ? "-" : format_fixed(split, 3)));
  return split;
}

std::vector<Index> parse_hidden(const std::string& text) {
  std::vector<Index> sizes;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    std::size_t used = 0;
    long value = 0;
    try {
      value = std::stol(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size() || value < 1) {
      throw UsageError("--hidden: \"" + item + "\" is not a positive layer size (expected e.g. 64,32)");
    }
    sizes.push_back(value);
  }
  return sizes;
}

TrainConfig read_train_config(const cxxopts::ParseResult& args, bool grid) {
  TrainConfig config;
  config.activation = args["activation"].as<std::string>();
  config.hidden = parse_hidden(args["hidden"].as<std::string>());
  if (args.count("classes")) config.classes = args["classes"].as<int>();
  config.epochs = args["epochs"].as<int>();
  config.batch_size = args["batch-size"].as<long>();
  // A list is a grid (ember compare's); the base config holds its first entry.
  const std::vector<std::string> optimizers = split_list(args["optimizer"].as<std::string>());
  std::vector<double> lrs;
  try {
    lrs = parse_lr_list(args["lr"].as<std::string>());
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (!grid && (lrs.size() > 1 || optimizers.size() > 1))
    throw UsageError(std::string(lrs.size() > 1 ? "--lr" : "--optimizer") +
                     " takes one value here; a list is a grid, for ember compare");
  config.optimizer = optimizers.empty() ? "" : optimizers.front();
  config.lr = lrs.front();
  config.momentum = args["momentum"].as<double>();
  config.weight_decay = args["weight-decay"].as<double>();
  config.shuffle = args.count("no-shuffle") == 0;
  config.dropout = args["dropout"].as<double>();
  config.seed = args["seed"].as<std::uint64_t>();
  // Every check is the library's own (validate, parse_init_scheme, set_num_threads), found before any work.
  try {
    config.init_scheme = nn::parse_init_scheme(args["init-scheme"].as<std::string>());
    validate(config);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  set_threads(args["threads"].as<int>());
  return config;
}

std::unique_ptr<nn::MyModel> build_model_for(const PreparedData& prepared, const TrainConfig& config,
                                             const cxxopts::ParseResult& args) {
  Index outputs = 0;
  try {
    outputs = output_units(prepared.train.num_classes(), config.classes.value_or(-1));
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  auto model = build_model(config, prepared.train.num_features(), outputs);
  if (args.count("init")) {
    const LoadedModel start = load_model(args["init"].as<std::string>(), config.activation);
    try {
      model->load_state_dict(start.model->state_dict());
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error("--init " + args["init"].as<std::string>() + ": " + e.what());
    }
  }
  return model;
}

void set_threads(int threads) {
  try {
    set_num_threads(threads);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--") + e.what());
  }
}

PreparedData prepare_data(DataOptions data, double test_split, bool standardize, int classes, const Encoding* fixed,
                          double val_split) {
  if (data.dataset.empty() && data.path.empty()) throw UsageError("no data: give --dataset NAME or --data FILE.csv");
  // --classes also sets how many classes a generator makes (spiral arms, blobs clusters).
  if (classes > 0 && (data.dataset == "spiral" || data.dataset == "blobs")) data.classes = classes;
  PreparedData prepared;
  try {
    PreparedSplit split = prepare_split(data, test_split, fixed);
    prepared.train = std::move(split.train);
    prepared.test = std::move(split.test);
    prepared.encoding = std::move(split.encoding);
    prepared.record = std::move(split.record);
    prepared.target_name = std::move(split.target_name);
    prepared.dropped_rows = split.dropped_rows;
    for (const std::string& warning : split.warnings) std::cerr << "warning: " << warning << "\n";
  } catch (const DataOptionError& e) {
    // The options, not the data, are at fault ("--samples does not apply to iris", "unknown dataset"):
    // a usage error (exit 2), like any other bad option.
    throw UsageError(e.what());
  }
  if (val_split > 0) {
    // A stream of its own, so the test rows and the batches stay those of the same seed without --val-split.
    constexpr std::uint64_t val_stream = 0xD1B54A32D192ED03ull;
    Generator val_gen(data.seed ^ val_stream);
    auto [train, val] = stratified_split(prepared.train, val_split, val_gen);
    if (val.size() == 0 || train.size() == 0)
      throw UsageError("--val-split " + format_general(val_split, 6) + " leaves " + std::to_string(val.size()) +
                       " validation and " + std::to_string(train.size()) + " training rows of " +
                       std::to_string(prepared.train.size()) + ": choose a fraction that keeps some of each");
    prepared.train = std::move(train);
    prepared.val = std::move(val);
  }
  if (standardize) {
    prepared.standardizer = Standardizer::fit(prepared.train.X);
    prepared.standardizer.apply(prepared.train.X);
    if (prepared.val.size() > 0) prepared.standardizer.apply(prepared.val.X);
    if (prepared.test.size() > 0) prepared.standardizer.apply(prepared.test.X);
    prepared.standardized = true;
  }
  return prepared;
}

std::string describe_data(const PreparedData& prepared, const DataOptions& data) {
  std::string line = "data: " + (data.path.empty() ? data.dataset : data.path) + ", " +
                     std::to_string(prepared.train.size()) + " training rows";
  if (prepared.val.size() > 0) line += ", " + std::to_string(prepared.val.size()) + " validation rows";
  if (prepared.test.size() > 0) line += ", " + std::to_string(prepared.test.size()) + " test rows";
  line += ", " + std::to_string(prepared.train.num_features()) + " inputs";
  const Encoding& encoding = prepared.encoding;
  if (!encoding.empty()) {
    const Index columns = static_cast<Index>(encoding.columns.size());
    line += " from " + std::to_string(columns) + " column" + (columns == 1 ? "" : "s");
    const std::vector<std::string> text = encoding.text_columns();
    if (!text.empty()) {
      line += " (one-hot encoding of " + std::to_string(text.size()) + " text column" + (text.size() == 1 ? "" : "s") +
              " added " + std::to_string(encoding.inputs() - columns) + ")";
    }
  }
  line += ", " + std::to_string(prepared.train.num_classes()) + " classes";
  if (!prepared.target_name.empty()) line += " (target \"" + prepared.target_name + "\")";
  if (prepared.dropped_rows > 0)
    line += "; dropped " + std::to_string(prepared.dropped_rows) + " rows with missing values";
  if (!encoding.empty() && encoding.missing == MissingValues::mean)
    line += "; missing values filled with the training means";
  return line;
}

void check_writable_destination(const std::string& path, const char* option) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw UsageError(std::string(option) + " " + path + ": is a directory, expected a file name");
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const std::string cannot = std::string(option) + " " + path + ": cannot write into directory " + dir + ": ";
  if (access(dir.c_str(), W_OK) != 0) throw std::runtime_error(cannot + std::strerror(errno));
  if (!std::filesystem::is_directory(dir, ec)) throw std::runtime_error(cannot + std::strerror(ENOTDIR));
}

}  // namespace ember::cli
