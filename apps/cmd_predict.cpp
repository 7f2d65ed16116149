// ember predict: one row of class probabilities per input row, as RFC 4180 CSV:
//   [kept columns...,]prediction,prob_<class>...   (a sigmoid model: one column, the positive class's)
// Input columns are found by the names the model was trained on (extra columns are ignored; a
// missing one is an error naming it, never a positional guess) and encoded as training encoded
// them: the same one-hot categories, the same fill values, then the model's standardization.
#include <iostream>

#include "cli_options.hpp"
#include "commands.hpp"
#include "ember/core/engine/format.hpp"
#include "ember/lab/data/csv.hpp"
#include "ember/lab/io/atomic_file.hpp"
#include "ember/lab/io/model_file.hpp"
#include "ember/lab/plot/decision_boundary.hpp"
#include "model_columns.hpp"

namespace ember::cli {

namespace {

// The model's inputs from the file: by the model's encoding, or (a file that records no feature
// names) every column but the target, in order.
CsvOptions reading_options(const ModelInfo& info, const Encoding& encoding, char separator,
                           std::vector<std::string> keep) {
  CsvOptions options;
  options.separator = separator;
  options.read_target = false;
  options.keep = std::move(keep);
  options.features = encoding.column_names();
  options.categorical = encoding.text_columns();
  if (encoding.empty() && !info.target_name.empty()) options.ignore = {info.target_name};
  return options;
}

std::string predictions_csv(const Matrix& probabilities, const std::vector<std::string>& classes,
                            const std::vector<Index>& predicted_rows, Index rows, const std::vector<CsvColumn>& kept) {
  std::string csv;
  for (const CsvColumn& column : kept) csv += csv_field(column.name) + ",";
  csv += "prediction";
  if (probabilities.cols() == 1) csv += "," + csv_field("prob_" + classes[1]);
  else
    for (const auto& name : classes) csv += "," + csv_field("prob_" + name);
  csv += "\n";
  std::size_t next = 0;  // the next row of `probabilities`
  for (Index row = 0; row < rows; ++row) {
    for (const CsvColumn& column : kept) csv += csv_field(column.texts[static_cast<std::size_t>(row)]) + ",";
    if (next >= predicted_rows.size() || predicted_rows[next] != row) {  // a row left out by --missing drop
      csv += std::string(static_cast<std::size_t>(probabilities.cols()), ',') + "\n";
      continue;
    }
    const Index i = static_cast<Index>(next++);
    Index best = 0;
    if (probabilities.cols() == 1) best = probabilities(i, 0) > Scalar(0.5) ? 1 : 0;
    else probabilities.row(i).maxCoeff(&best);
    csv += csv_field(classes[static_cast<std::size_t>(best)]);
    for (Index c = 0; c < probabilities.cols(); ++c) csv += "," + format_general(probabilities(i, c), 6);
    csv += "\n";
  }
  return csv;
}

}  // namespace

int cmd_predict(int argc, char** argv) {
  cxxopts::Options options("ember predict",
                           "Write the class probabilities a saved model gives each row of a CSV file.");
  // clang-format off
  options.add_options()
      ("model", "model file (from ember train, or PyTorch's with --activation)", cxxopts::value<std::string>())
      ("data", "CSV file of inputs with a header row", cxxopts::value<std::string>())
      ("output", "write the predictions here instead of stdout", cxxopts::value<std::string>())
      ("keep", "copy these input columns (comma-separated) to the output, in front of the prediction",
       cxxopts::value<std::string>())
      ("sep", "separator of --data: ',', ';', tab or any one character (default: detected from the header)",
       cxxopts::value<std::string>())
      ("unknown", "a category unseen in training: error, or ignore (all zeros)",
       cxxopts::value<std::string>()->default_value("error"))
      ("activation", "activation of a model file that does not record it (PyTorch's)", cxxopts::value<std::string>())
      ("h,help", "show this help");
  // clang-format on
  const auto args = parse_or_usage(options, argc, argv);
  if (args.count("help")) {
    std::cout
        << options.help()
        << "\noutput (CSV, RFC 4180 quoting): [kept columns,]prediction,prob_<class>... (a binary sigmoid model: one\n"
           "probability column). Columns are found by the names the model was trained on; others are ignored.\n"
           "A row with a missing value gets empty fields if the model was trained with --missing drop.\n"
           "examples:\n  ember predict --model iris.safetensors --data new_flowers.csv --output predictions.csv\n"
           "  ember predict --model m.safetensors --data people.csv --keep id,name\n"
           "  ember predict --model torch_model.safetensors --activation relu --data x.csv\n";
    return 0;
  }
  if (!args.count("model")) throw UsageError("--model FILE is required");
  if (!args.count("data")) throw UsageError("--data FILE.csv is required");
  const std::string activation = read_activation_option(args);
  const char separator = args.count("sep") ? parse_separator(args["sep"].as<std::string>()) : 0;
  const UnknownCategories unknown = parse_unknown(args["unknown"].as<std::string>());
  const std::vector<std::string> keep =
      args.count("keep") ? split_list(args["keep"].as<std::string>()) : std::vector<std::string>{};
  if (args.count("output")) check_writable_destination(args["output"].as<std::string>(), "--output");
  const LoadedModel loaded = load_model(args["model"].as<std::string>(), activation);
  const ModelInfo& info = loaded.info;
  const std::string path = args["data"].as<std::string>();
  const Encoding encoding = model_encoding(info);
  if (!encoding.empty()) require_model_columns(path, separator, encoding);
  else
    std::cerr << "note: the model file records no feature names: the columns of " << path
              << " are its inputs, in order\n";

  const CsvTable table = read_csv_table(path, reading_options(info, encoding, separator, keep));
  for (const std::string& warning : table.warnings) std::cerr << "warning: " << warning << "\n";
  for (const CsvColumn& column : table.columns) {
    if (encoding.empty() && column.is_text) {
      throw std::runtime_error(path + ": column \"" + column.name +
                               "\" holds text, and the model file records no encoding for it");
    }
  }
  const Encoding reading = encoding.empty() ? fit_encoding(table, {}, MissingValues::error) : encoding;
  // Which rows can be predicted: all, unless the model drops rows with missing values.
  std::vector<Index> rows;
  const std::vector<bool> incomplete = rows_with_missing(table, false);
  for (Index r = 0; r < table.rows(); ++r) {
    if (!incomplete[static_cast<std::size_t>(r)] || reading.missing != MissingValues::drop) rows.push_back(r);
  }
  if (reading.missing == MissingValues::drop && rows.size() < incomplete.size()) {
    std::cerr << "note: " << incomplete.size() - rows.size()
              << " rows have missing values and the model was trained with "
              << "--missing drop: their predictions are empty\n";
  }
  Matrix X = encode_features(reading, table, rows, unknown);
  if (X.cols() != loaded.model->input_size()) {
    throw std::runtime_error(path + ": has " + std::to_string(X.cols()) + " feature columns, the model expects " +
                             std::to_string(loaded.model->input_size()));
  }
  std::vector<std::string> classes = info.class_names;
  const std::size_t needed =
      loaded.model->num_classes() == 1 ? 2 : static_cast<std::size_t>(loaded.model->num_classes());
  while (classes.size() < needed) classes.push_back(std::to_string(classes.size()));
  // The model's standardization, then its forward pass: the path the decision boundaries take too.
  const Matrix probabilities = predict_probabilities(*loaded.model, std::move(X), Standardizer{info.mean, info.stddev});
  const std::string csv = predictions_csv(probabilities, classes, rows, table.rows(), table.kept);
  if (args.count("output")) write_text_file_atomic(args["output"].as<std::string>(), csv);
  else std::cout << csv;
  return 0;
}

}  // namespace ember::cli
