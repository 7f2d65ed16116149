// ember eval: how a saved model does on a dataset — loss, accuracy, per-class precision and
// recall, and the confusion matrix. With the same data options and seed as `ember train`, it
// scores exactly the test split that training held out (--test-split 0: the whole dataset).
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_options.hpp"
#include "commands.hpp"
#include "ember/io/model_file.hpp"
#include "ember/train/metrics.hpp"

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
      throw std::runtime_error("the data has class \"" + data.class_names[c] + "\", which the model does not know (its classes: " + known + ")");
    }
  }
  std::vector<int> y;
  for (int label : data.y) y.push_back(index_of[static_cast<std::size_t>(label)]);
  return y;
}

void print_report(const Evaluation& e, const std::vector<std::string>& classes, Index samples) {
  std::cout << "samples   " << samples << "\nloss      " << format_fixed(e.loss, 4) << "\naccuracy  "
            << format_fixed(e.accuracy, 4) << "\n\n";
  std::size_t width = 9;
  for (const auto& name : classes) width = std::max(width, name.size() + 2);
  std::cout << std::left;
  std::cout.width(static_cast<std::streamsize>(width));
  std::cout << "class" << "precision  recall  support\n";
  for (std::size_t c = 0; c < classes.size(); ++c) {
    long support = 0;
    for (long count : e.confusion[c]) support += count;
    std::cout.width(static_cast<std::streamsize>(width));
    std::cout << classes[c] << format_fixed(e.precision[c], 4) << "     " << format_fixed(e.recall[c], 4) << "  " << support << "\n";
  }
  std::cout << "\nconfusion matrix (rows: true class, columns: predicted)\n";
  std::size_t label_width = 0;
  for (std::size_t r = 0; r < classes.size(); ++r) label_width = std::max(label_width, classes[r].size() + std::to_string(r).size() + 5);
  std::cout << std::string(label_width, ' ');
  for (std::size_t c = 0; c < classes.size(); ++c) std::cout << std::right << std::setw(8) << ("[" + std::to_string(c) + "]");
  std::cout << "\n";
  for (std::size_t r = 0; r < classes.size(); ++r) {
    std::cout << std::left << std::setw(static_cast<int>(label_width)) << ("[" + std::to_string(r) + "] " + classes[r]);
    for (long count : e.confusion[r]) std::cout << std::right << std::setw(8) << count;
    std::cout << "\n";
  }
}

}  // namespace

int cmd_eval(int argc, char** argv) {
  cxxopts::Options options("ember eval", "Evaluate a saved model on a dataset: loss, accuracy, precision, recall, confusion matrix.");
  options.add_options()
      ("model", "model file (from ember train, or PyTorch's with --activation)", cxxopts::value<std::string>())
      ("activation", "activation of a model file that does not record it (PyTorch's)", cxxopts::value<std::string>())
      ("json", "print the figures as JSON")
      ("h,help", "show this help");
  add_data_options(options);
  const auto args = parse_or_usage(options, argc, argv);
  if (args.count("help")) {
    std::cout << options.help()
              << "\nThe test split is drawn as `ember train` draws it: the same --seed and --test-split give the same test set.\n"
                 "examples:\n  ember eval --model iris.safetensors --dataset iris\n"
                 "  ember eval --model m.safetensors --data holdout.csv --test-split 0\n";
    return 0;
  }
  if (!args.count("model")) throw UsageError("--model FILE is required");
  const std::string activation = args.count("activation") ? args["activation"].as<std::string>() : "";
  if (!activation.empty()) {
    try { nn::make_activation(activation); } catch (const std::invalid_argument& e) { throw UsageError(std::string("--activation: ") + e.what()); }
  }
  const LoadedModel loaded = load_model(args["model"].as<std::string>(), activation);
  // A generator with a class count (spiral's arms, blobs' clusters) draws the model's classes, as
  // `ember train --classes K` drew them: the same --seed then gives the same test set.
  const int model_classes = !loaded.info.class_names.empty() ? static_cast<int>(loaded.info.class_names.size())
                            : loaded.model->num_classes() == 1 ? 2
                                                               : loaded.model->num_classes();
  PreparedData prepared = prepare_data(read_data_options(args), read_test_split(args), false, model_classes);
  Dataset& data = prepared.test.size() > 0 ? prepared.test : prepared.train;
  if (data.num_features() != loaded.model->input_size()) {
    throw std::runtime_error("the data has " + std::to_string(data.num_features()) + " features, the model expects " +
                             std::to_string(loaded.model->input_size()));
  }
  if (!loaded.info.mean.empty()) {
    Standardizer standardizer{loaded.info.mean, loaded.info.stddev};
    standardizer.apply(data.X);
  }
  std::vector<std::string> classes = loaded.info.class_names;
  if (classes.empty()) classes = data.class_names;
  const std::vector<int> y = labels_as_model_indices(data, loaded.info.class_names);
  const int num_classes = static_cast<int>(std::max<std::size_t>(classes.size(), loaded.model->num_classes() == 1 ? 2 : static_cast<std::size_t>(loaded.model->num_classes())));
  while (static_cast<int>(classes.size()) < num_classes) classes.push_back(std::to_string(classes.size()));
  const Evaluation e = evaluate(*loaded.model, data.X, y, num_classes);
  if (args.count("json")) {
    auto number = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
    nlohmann::json out = {{"samples", data.size()}, {"loss", e.loss}, {"accuracy", e.accuracy},
                          {"classes", classes}, {"confusion", e.confusion}};
    for (std::size_t c = 0; c < classes.size(); ++c) {
      out["precision"].push_back(number(e.precision[c]));
      out["recall"].push_back(number(e.recall[c]));
    }
    std::cout << out.dump(2) << "\n";
  } else {
    print_report(e, classes, data.size());
  }
  return 0;
}

}  // namespace ember::cli
