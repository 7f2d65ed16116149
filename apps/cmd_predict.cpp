// ember predict: one row of class probabilities per input row, as CSV:
//   prediction,prob_<class>...   (a sigmoid model: one column, the positive class's probability)
// Input columns are matched to the model's feature names when the model stores them and the
// header has them all; otherwise every column is a feature, in order (a column with the training
// target's name is skipped). The model's standardization is applied first.
#include <cstdio>
#include <iostream>

#include "cli_options.hpp"
#include "commands.hpp"
#include "ember/data/csv.hpp"
#include "ember/io/atomic_file.hpp"
#include "ember/io/model_file.hpp"

namespace ember::cli {

namespace {

FeatureTable read_inputs(const std::string& path, const ModelInfo& info, Index input_size) {
  const std::vector<std::string> header = read_csv_header(path);
  bool has_all = !info.feature_names.empty();
  for (const auto& name : info.feature_names) has_all = has_all && std::find(header.begin(), header.end(), name) != header.end();
  FeatureTable table = has_all ? read_feature_csv(path, info.feature_names)
                               : read_feature_csv(path, {}, info.target_name.empty() ? std::vector<std::string>{}
                                                                                      : std::vector<std::string>{info.target_name});
  if (table.X.cols() != input_size) {
    std::string expected;
    for (const auto& name : info.feature_names) expected += (expected.empty() ? "" : ", ") + name;
    throw std::runtime_error(path + ": has " + std::to_string(table.X.cols()) + " feature columns, the model expects " +
                             std::to_string(input_size) + (expected.empty() ? "" : " (" + expected + ")"));
  }
  return table;
}

std::string predictions_csv(const Matrix& probabilities, const std::vector<std::string>& classes) {
  std::string csv = "prediction";
  if (probabilities.cols() == 1) csv += ",prob_" + classes[1];
  else for (const auto& name : classes) csv += ",prob_" + name;
  csv += "\n";
  char number[32];
  for (Index i = 0; i < probabilities.rows(); ++i) {
    Index best = 0;
    if (probabilities.cols() == 1) best = probabilities(i, 0) > Scalar(0.5) ? 1 : 0;
    else probabilities.row(i).maxCoeff(&best);
    csv += classes[static_cast<std::size_t>(best)];
    for (Index c = 0; c < probabilities.cols(); ++c) {
      std::snprintf(number, sizeof number, ",%.6g", static_cast<double>(probabilities(i, c)));
      csv += number;
    }
    csv += "\n";
  }
  return csv;
}

}  // namespace

int cmd_predict(int argc, char** argv) {
  cxxopts::Options options("ember predict", "Write the class probabilities a saved model gives each row of a CSV file.");
  options.add_options()
      ("model", "model file (from ember train, or PyTorch's with --activation)", cxxopts::value<std::string>())
      ("data", "CSV file of inputs with a header row", cxxopts::value<std::string>())
      ("output", "write the predictions here instead of stdout", cxxopts::value<std::string>())
      ("activation", "activation of a model file that does not record it (PyTorch's)", cxxopts::value<std::string>())
      ("h,help", "show this help");
  const auto args = parse_or_usage(options, argc, argv);
  if (args.count("help")) {
    std::cout << options.help()
              << "\noutput: prediction,prob_<class>... (a binary sigmoid model: one probability column)\n"
                 "examples:\n  ember predict --model iris.safetensors --data new_flowers.csv --output predictions.csv\n"
                 "  ember predict --model torch_model.safetensors --activation relu --data x.csv\n";
    return 0;
  }
  if (!args.count("model")) throw UsageError("--model FILE is required");
  if (!args.count("data")) throw UsageError("--data FILE.csv is required");
  const std::string activation = args.count("activation") ? args["activation"].as<std::string>() : "";
  if (!activation.empty()) {
    try { nn::make_activation(activation); } catch (const std::invalid_argument& e) { throw UsageError(std::string("--activation: ") + e.what()); }
  }
  if (args.count("output")) check_writable_destination(args["output"].as<std::string>(), "--output");
  const LoadedModel loaded = load_model(args["model"].as<std::string>(), activation);
  FeatureTable table = read_inputs(args["data"].as<std::string>(), loaded.info, loaded.model->input_size());
  if (!loaded.info.mean.empty()) Standardizer{loaded.info.mean, loaded.info.stddev}.apply(table.X);
  std::vector<std::string> classes = loaded.info.class_names;
  const std::size_t needed = loaded.model->num_classes() == 1 ? 2 : static_cast<std::size_t>(loaded.model->num_classes());
  while (classes.size() < needed) classes.push_back(std::to_string(classes.size()));
  Matrix probabilities;
  {
    NoGradGuard no_grad;
    probabilities = loaded.model->forward(Tensor::from_matrix(table.X)).value();
  }
  const std::string csv = predictions_csv(probabilities, classes);
  if (args.count("output")) write_text_file_atomic(args["output"].as<std::string>(), csv);
  else std::cout << csv;
  return 0;
}

}  // namespace ember::cli
