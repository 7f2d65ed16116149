// ember info: what a model file holds and how it was made — the architecture (layers, shapes,
// parameter count), activation, head, classes, features, target, standardization, column encodings,
// the training data and seed — as text, or as JSON with --json.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_options.hpp"
#include "commands.hpp"
#include "ember/core/engine/format.hpp"
#include "ember/lab/io/model_file.hpp"

namespace ember::cli {

namespace {

using nlohmann::json;

std::string join(const std::vector<std::string>& items, const std::string& separator = ", ") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

std::string shape_text(const Tensor& t) {
  return t.dim() == 2 ? "[" + std::to_string(t.rows()) + ", " + std::to_string(t.cols()) + "]"
                      : "[" + std::to_string(t.cols()) + "]";
}

// One line per encoded column: "color: one-hot, 3 categories (blue, green, red)".
std::vector<std::string> encoding_lines(const Encoding& encoding) {
  std::vector<std::string> lines;
  for (const ColumnEncoding& c : encoding.columns) {
    std::string line = c.name + ": ";
    if (c.one_hot) {
      line += "one-hot, " + std::to_string(c.categories.size()) + " categories (" + join(c.categories) + ")";
      if (!c.fill_category.empty()) line += ", missing -> " + c.fill_category;
    } else {
      line += "number";
      if (!std::isnan(c.fill)) line += ", missing -> " + format_general(c.fill, 6) + " (training mean)";
    }
    lines.push_back(line);
  }
  return lines;
}

std::string source_text(const ModelInfo& info) {
  if (!info.data_recorded) return "not recorded (a file from PyTorch, or from an older Ember)";
  const DataRecord& d = info.data;
  std::string text = d.dataset.empty() ? d.path + " (SHA-256 " + d.sha256 + ")" : "built-in " + d.dataset;
  if (!d.dataset.empty() && d.samples >= 0) text += " (samples " + std::to_string(d.samples) + ")";
  if (!d.dataset.empty() && d.noise >= 0) text += " (noise " + format_general(d.noise, 6) + ")";
  text += ", " + std::to_string(d.rows) + " rows; seed " + std::to_string(d.seed) + ", test split " +
          format_general(d.test_split, 6);
  return text;
}

json info_json(const std::string& path, nn::MyModel& model, const ModelInfo& info) {
  json layers = json::array();
  Index parameters = 0;
  for (const auto& [name, tensor] : model.named_parameters()) {
    layers.push_back({{"name", name},
                      {"shape", tensor.dim() == 2 ? std::vector<Index>{tensor.rows(), tensor.cols()}
                                                  : std::vector<Index>{tensor.cols()}}});
    parameters += tensor.numel();
  }
  json out = {{"model", path},
              {"ember_version", info.ember_version.empty() ? json(nullptr) : json(info.ember_version)},
              {"input_size", model.input_size()},
              {"hidden", model.hidden()},
              {"outputs", model.num_classes()},
              {"activation", model.activation().spec()},
              {"head", model.num_classes() == 1 ? "sigmoid" : "softmax"},
              {"parameters", parameters},
              {"tensors", layers},
              {"classes", info.class_names},
              {"features", info.feature_names},
              {"target", info.target_name.empty() ? json(nullptr) : json(info.target_name)},
              {"standardize", info.mean.empty() ? json(nullptr) : json({{"mean", info.mean}, {"std", info.stddev}})}};
  if (!info.encoding.empty()) {
    json columns = json::array();
    for (const ColumnEncoding& c : info.encoding.columns) {
      json column = {{"name", c.name}, {"kind", c.one_hot ? "one_hot" : "number"}};
      if (c.one_hot) column["categories"] = c.categories;
      if (c.one_hot && !c.fill_category.empty()) column["fill"] = c.fill_category;
      if (!c.one_hot && !std::isnan(c.fill)) column["fill"] = c.fill;
      columns.push_back(column);
    }
    out["encoding"] = {{"missing", to_string(info.encoding.missing)}, {"columns", columns}};
  }
  if (info.data_recorded) {
    const DataRecord& d = info.data;
    json source = d.dataset.empty() ? json{{"csv", d.path}, {"sha256", d.sha256}} : json{{"dataset", d.dataset}};
    if (d.samples >= 0) source["samples"] = d.samples;
    if (d.noise >= 0) source["noise"] = d.noise;
    if (d.classes >= 0) source["classes"] = d.classes;
    source["rows"] = d.rows;
    out["training_data"] = {{"source", source}, {"seed", d.seed}, {"test_split", d.test_split}};
  }
  return out;
}

}  // namespace

int cmd_info(int argc, char** argv) {
  cxxopts::Options options("ember info", "Show what a model file holds and how it was trained.");
  options.positional_help("MODEL");
  // clang-format off
  options.add_options()
      ("model", "model file", cxxopts::value<std::string>())
      ("activation", "activation of a model file that does not record it (PyTorch's)", cxxopts::value<std::string>())
      ("json", "print it as JSON")
      ("h,help", "show this help");
  // clang-format on
  options.parse_positional({"model"});
  const auto args = parse_or_usage(options, argc, argv);
  if (args.count("help")) {
    std::cout << options.help() << "\nexamples:\n  ember info iris.safetensors\n  ember info iris.safetensors --json\n";
    return 0;
  }
  if (!args.count("model")) throw UsageError("give the model file: ember info MODEL");
  const std::string path = args["model"].as<std::string>();
  const std::string activation = read_activation_option(args);
  LoadedModel loaded = load_model(path, activation);
  nn::MyModel& model = *loaded.model;
  const ModelInfo& info = loaded.info;
  if (args.count("json")) {
    std::cout << info_json(path, model, info).dump(2) << "\n";
    return 0;
  }
  Index parameters = 0;
  std::vector<std::string> tensors;
  for (const auto& [name, tensor] : model.named_parameters()) {
    tensors.push_back(name + " " + shape_text(tensor));
    parameters += tensor.numel();
  }
  std::cout << "model           " << path
            << (info.ember_version.empty() ? "" : " (written by Ember " + info.ember_version + ")") << "\n"
            << model << "\n"
            << "tensors         " << join(tensors) << "\n"
            << "parameters      " << parameters << "\n"
            << "activation      " << model.activation().spec()
            << (loaded.activation_recorded ? "" : " (given, not recorded)") << "\n"
            << "head            "
            << (model.num_classes() == 1 ? "sigmoid (one output: the probability of the second class)"
                                         : "softmax over " + std::to_string(model.num_classes()) + " classes")
            << "\n"
            << "classes         " << (info.class_names.empty() ? "-" : join(info.class_names)) << "\n"
            << "features        " << info.feature_names.size()
            << (info.feature_names.empty() ? " (not recorded)" : ": " + join(info.feature_names)) << "\n"
            << "target          " << (info.target_name.empty() ? "-" : info.target_name) << "\n";
  if (info.mean.empty()) {
    std::cout << "standardization none\n";
  } else {
    std::vector<std::string> mean, stddev;
    for (std::size_t j = 0; j < info.mean.size(); ++j)
      mean.push_back(format_general(info.mean[j], 6)), stddev.push_back(format_general(info.stddev[j], 6));
    std::cout << "standardization (x - mean) / std, from the training split\n"
              << "  mean          " << join(mean) << "\n  std           " << join(stddev) << "\n";
  }
  if (info.encoding.empty()) {
    std::cout << "encodings       none (every feature a number)\n";
  } else {
    std::cout << "encodings       missing values: " << to_string(info.encoding.missing) << "\n";
    for (const std::string& line : encoding_lines(info.encoding)) std::cout << "  " << line << "\n";
  }
  std::cout << "training data   " << source_text(info) << "\n";
  return 0;
}

}  // namespace ember::cli
