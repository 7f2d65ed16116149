// ember eval: how a saved model does on a dataset: loss, accuracy, per-class precision, recall and
// F1 with their averages, ROC AUC and log loss for a binary model, and the confusion matrix. The
// model file records how it was trained: its columns (found by name), its target, its data and
// seed. Given the very data it trained on (the same file, by SHA-256, or the same built-in dataset),
// eval scores the test rows that training held out; given other data, every row. It always says
// which rows it scored.
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli_options.hpp"
#include "commands.hpp"
#include "ember/core/engine/format.hpp"
#include "ember/core/train/metrics.hpp"
#include "ember/lab/data/sha256.hpp"
#include "ember/lab/io/model_file.hpp"
#include "ember/lab/study/class_report.hpp"
#include "model_columns.hpp"

namespace ember::cli {

namespace {

// The model's class indices for the data's labels, matched by name (the data's sorted labels may
// not be the model's, e.g. a test file without one of the classes).
std::vector<int> labels_as_model_indices(const Dataset& data, const std::vector<std::string>& model_classes) {
  if (model_classes.empty()) return data.y;
  std::vector<int> index_of(data.class_names.size(), -1);
  for (std::size_t c = 0; c < data.class_names.size(); ++c) {
    for (std::size_t m = 0; m < model_classes.size(); ++m)
      if (model_classes[m] == data.class_names[c]) index_of[c] = static_cast<int>(m);
    if (index_of[c] < 0) {
      std::string known;
      for (const auto& name : model_classes) known += (known.empty() ? "" : ", ") + name;
      throw std::runtime_error("the data has class \"" + data.class_names[c] +
                               "\", which the model does not know (its classes: " + known + ")");
    }
  }
  std::vector<int> y;
  for (int label : data.y) y.push_back(index_of[static_cast<std::size_t>(label)]);
  return y;
}

// Which data eval reads and which of its rows it scores, with the sentence that says so.
struct EvalPlan {
  DataOptions data;
  double test_split = 0;
  std::string rows;  // "the 30 test rows of the training run (seed 5, test split 0.2)"
};

// The recorded data where the user named none; recorded generation settings where the user gave
// none; the recorded seed and split for the very data the model trained on, every row otherwise.
// An explicit --seed or --test-split always wins, and the sentence says what that means.
EvalPlan plan_evaluation(const cxxopts::ParseResult& args, const ModelInfo& info) {
  EvalPlan plan;
  plan.data = read_data_options(args);
  DataOptions& data = plan.data;
  const DataRecord& trained = info.data;
  const bool explicit_seed = args.count("seed") > 0, explicit_split = args.count("test-split") > 0;
  if (data.dataset.empty() && data.path.empty()) {
    if (!info.data_recorded)
      throw UsageError(
          "no data: give --dataset NAME or --data FILE.csv (the model file does not record its training data)");
    data.dataset = trained.dataset;
    data.path = trained.path;
  }
  if (!data.path.empty() && data.target.empty()) data.target = info.target_name;
  bool same = false;
  if (info.data_recorded && !data.dataset.empty() && data.dataset == trained.dataset) {
    if (data.samples < 0 && trained.samples >= 0 && data.dataset != "fashion_mnist") data.samples = trained.samples;
    if (data.noise < 0 && trained.noise >= 0) data.noise = trained.noise;
    if (data.classes < 0 && trained.classes >= 0) data.classes = trained.classes;
    if (!explicit_seed) data.seed = trained.seed;
    const DataOptions resolved = with_defaults(data);
    const bool generated = trained.samples >= 0 && data.dataset != "fashion_mnist";
    same = resolved.samples == trained.samples && resolved.noise == trained.noise &&
           (trained.classes < 0 || resolved.classes < 0 || resolved.classes == trained.classes) &&
           (!generated || resolved.seed == trained.seed);
  } else if (info.data_recorded && !data.path.empty() && !trained.sha256.empty()) {
    same = sha256_hex(read_text_file(data.path)) == trained.sha256;
    if (same && !explicit_seed) data.seed = trained.seed;
  }
  const std::string name = data.path.empty() ? data.dataset : data.path;
  const std::string trained_split =
      "seed " + std::to_string(trained.seed) + ", test split " + format_general(trained.test_split, 6);
  const std::string asked_split =
      "seed " + std::to_string(data.seed) + ", test split " + format_general(read_test_split(args), 6);
  if (!info.data_recorded) {
    plan.test_split = read_test_split(args);
    plan.rows = "the test rows of " + name + " drawn with " + asked_split +
                " (the model file does not record its training data, so they may include rows it trained on)";
  } else if (same && !explicit_split && !explicit_seed) {
    plan.test_split = trained.test_split;
    plan.rows = trained.test_split > 0 ? "the test rows of the training run (" + trained_split + ")"
                                       : "every row: the training run trained on all of " + name +
                                             " (test split 0), so these are training figures";
  } else if (same) {
    plan.test_split = explicit_split ? read_test_split(args) : trained.test_split;
    plan.rows = "the test rows of " + name + " drawn with seed " + std::to_string(data.seed) + ", test split " +
                format_general(plan.test_split, 6) + " as given (the training run drew " + trained_split +
                ", so some of these rows may have been trained on)";
  } else {
    plan.test_split = explicit_split ? read_test_split(args) : 0.0;
    plan.rows = explicit_split
                    ? "the test rows of " + name + " drawn with " + asked_split + " (not the data the model trained on)"
                    : "every row of " + name + " (not the data the model trained on)";
  }
  if (has_official_split(data.dataset) && data.path.empty()) {
    if (plan.test_split == 0) plan.test_split = 0.2;  // any fraction: the official test set
    plan.rows = "the official test set of " + data.dataset;
  }
  return plan;
}

}  // namespace

int cmd_eval(int argc, char** argv) {
  cxxopts::Options options(
      "ember eval", "Evaluate a saved model on a dataset: loss, accuracy, precision, recall, F1, confusion matrix.");
  // clang-format off
  options.add_options()
      ("model", "model file (from ember train, or PyTorch's with --activation)", cxxopts::value<std::string>())
      ("activation", "activation of a model file that does not record it (PyTorch's)", cxxopts::value<std::string>())
      ("threshold", "a sigmoid model's decision threshold: class 1 where P(class 1) > T (default 0.5)",
       cxxopts::value<double>())
      ("json", "print the figures as JSON")
      ("h,help", "show this help");
  // clang-format on
  add_eval_data_options(options);
  const auto args = parse_or_usage(options, argc, argv);
  if (args.count("help")) {
    std::cout
        << options.help()
        << "\nWithout --dataset or --data, eval reads the data the model was trained on. Columns are found by the\n"
           "names the model was trained on, and the target by its recorded name. On the very data the model trained\n"
           "on (the same CSV file, or built-in dataset), eval scores the rows that training held out (the recorded\n"
           "--seed and --test-split); on other data, every row. --seed and --test-split, when given, win.\n"
           "The model's own standardization is applied (the one training computed).\n"
           "examples:\n  ember eval --model iris.safetensors\n"
           "  ember eval --model m.safetensors --data holdout.csv\n"
           "  ember eval --model moons.safetensors --threshold 0.3   # a sigmoid model: more positives\n"
           "For a binary (sigmoid) model the report adds ROC AUC and the log loss of the probabilities.\n";
    return 0;
  }
  if (!args.count("model")) throw UsageError("--model FILE is required");
  const std::string activation = read_activation_option(args);
  const LoadedModel loaded = load_model(args["model"].as<std::string>(), activation);
  const ModelInfo& info = loaded.info;
  std::optional<double> threshold;
  if (args.count("threshold")) {
    threshold = args["threshold"].as<double>();
    if (loaded.model->num_classes() != 1)
      throw UsageError("--threshold is for a sigmoid (binary) model; this one has a softmax over " +
                       std::to_string(loaded.model->num_classes()) + " classes, and predicts the most probable");
    if (!(*threshold > 0 && *threshold < 1))
      throw UsageError("--threshold must be between 0 and 1, exclusive (got " + format_general(*threshold, 6) + ")");
  }
  const EvalPlan plan = plan_evaluation(args, info);
  // A generator with a class count (spiral's arms, blobs' clusters) draws the model's classes, as
  // `ember train --classes K` drew them: the same --seed then gives the same test set.
  const int model_classes = !info.class_names.empty()          ? static_cast<int>(info.class_names.size())
                            : loaded.model->num_classes() == 1 ? 2
                                                               : loaded.model->num_classes();
  const Encoding encoding = model_encoding(info);
  const bool by_name = !plan.data.path.empty() && !encoding.empty();
  if (by_name) require_model_columns(plan.data.path, plan.data.csv.separator, encoding);
  if (!plan.data.path.empty() && encoding.empty()) {
    std::cerr << "note: the model file records no feature names: the columns of " << plan.data.path
              << " other than the target are its inputs, in order\n";
  }
  PreparedData prepared = prepare_data(plan.data, plan.test_split, false, model_classes, by_name ? &encoding : nullptr);
  Dataset& data = plan.test_split > 0 ? prepared.test : prepared.train;
  if (data.num_features() != loaded.model->input_size()) {
    throw std::runtime_error("the data has " + std::to_string(data.num_features()) + " features, the model expects " +
                             std::to_string(loaded.model->input_size()));
  }
  if (!info.feature_names.empty() && data.feature_names != info.feature_names && plan.data.path.empty()) {
    throw std::runtime_error("the features of " + plan.data.dataset + " are not the ones the model was trained on");
  }
  if (data.size() == 0) throw std::runtime_error("no rows to score: the test split is empty");
  if (!info.mean.empty()) {
    Standardizer standardizer{info.mean, info.stddev};
    standardizer.apply(data.X);
  }
  std::vector<std::string> classes = info.class_names;
  if (classes.empty()) classes = data.class_names;
  const std::vector<int> y = labels_as_model_indices(data, info.class_names);
  const int num_classes = static_cast<int>(std::max<std::size_t>(
      classes.size(), loaded.model->num_classes() == 1 ? 2 : static_cast<std::size_t>(loaded.model->num_classes())));
  while (static_cast<int>(classes.size()) < num_classes) classes.push_back(std::to_string(classes.size()));
  Evaluation e = evaluate(*loaded.model, data.X, y);
  if (threshold) e.predicted = predict_above(e.logits, *threshold);
  const ClassReport report = evaluation_report(e, y, num_classes);
  const std::string rows = "scored " + std::to_string(data.size()) + " rows: " + plan.rows;
  if (args.count("json")) {
    nlohmann::json out = class_report_json(report, classes);
    out["samples"] = data.size();
    out["rows"] = rows;
    out["loss"] = e.loss;
    if (threshold) out["threshold"] = *threshold;
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << rows << "\n";
    std::cout << "samples   " << data.size() << "\nloss      " << format_fixed(e.loss, 4) << "\naccuracy  "
              << format_fixed(report.accuracy, 4);
    if (threshold) std::cout << "  (threshold " << format_general(*threshold, 6) << ")";
    std::cout << "\n\n" << format_class_report(report, classes);
  }
  return 0;
}

}  // namespace ember::cli
