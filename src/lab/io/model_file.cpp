// save_model / load_model: MyModel <-> safetensors tensors + "ember." metadata.
#include "ember/lab/io/model_file.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "ember/core/engine/format.hpp"
#include "ember/lab/formula/formula_activation.hpp"
#include "ember/lab/io/safetensors.hpp"

namespace ember {

namespace {

using nlohmann::json;

StoredTensor to_stored(const Tensor& t) {
  StoredTensor stored;
  if (t.dim() == 1) stored.shape = {t.cols()};
  if (t.dim() == 2) stored.shape = {t.rows(), t.cols()};
  stored.data.assign(t.value().data(), t.value().data() + t.numel());
  return stored;
}

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
  throw ModelFileError(path + ": " + problem);
}

// The metadata value `key` parsed as JSON of the expected kind, or a ModelFileError.
template <typename T>
T metadata_json(const std::string& path, const SafetensorsFile& file, const std::string& key, T fallback) {
  auto found = file.metadata.find(key);
  if (found == file.metadata.end()) return fallback;
  try {
    return json::parse(found->second).get<T>();
  } catch (const std::exception&) {
    fail(path, "metadata \"" + key + "\" is not valid: " + found->second.substr(0, 80));
  }
}

// The number of layers: fc1 .. fcK must all be there with weight and bias, and nothing else.
std::size_t count_layers(const std::string& path, const SafetensorsFile& file) {
  std::size_t layers = 0;
  while (file.tensors.count("fc" + std::to_string(layers + 1) + ".weight")) ++layers;
  if (layers == 0) fail(path, "no tensor \"fc1.weight\": not a MyModel file");
  for (std::size_t k = 1; k <= layers; ++k) {
    const std::string prefix = "fc" + std::to_string(k);
    if (!file.tensors.count(prefix + ".bias")) fail(path, "tensor \"" + prefix + ".bias\" is missing");
  }
  // Anything else is named, whether it looks like a layer ("fc5.bias" after a gap) or not.
  for (const auto& [name, t] : file.tensors) {
    bool known = false;
    for (std::size_t k = 1; k <= layers && !known; ++k) {
      known = name == "fc" + std::to_string(k) + ".weight" || name == "fc" + std::to_string(k) + ".bias";
    }
    if (!known) {
      fail(path, "unexpected tensor \"" + name + "\" (a MyModel file holds fc1..fc" + std::to_string(layers) +
                     " weights and biases only)");
    }
  }
  return layers;
}

json source_json(const DataRecord& data) {
  if (data.dataset.empty()) return {{"csv", data.path}, {"sha256", data.sha256}, {"rows", data.rows}};
  json source = {{"dataset", data.dataset}, {"rows", data.rows}};
  if (data.samples >= 0) source["samples"] = data.samples;
  if (data.noise >= 0) source["noise"] = data.noise;
  if (data.classes >= 0) source["classes"] = data.classes;
  return source;
}

DataRecord source_from_json(const json& source) {
  DataRecord data;
  data.dataset = source.value("dataset", "");
  data.path = source.value("csv", "");
  data.sha256 = source.value("sha256", "");
  data.rows = source.value("rows", Index(0));
  data.samples = source.value("samples", Index(-1));
  data.noise = source.value("noise", -1.0);
  data.classes = source.value("classes", -1);
  return data;
}

json encoding_json(const Encoding& encoding) {
  json columns = json::array();
  for (const ColumnEncoding& c : encoding.columns) {
    json column = {{"name", c.name}};
    if (c.one_hot) column["one_hot"] = c.categories;
    if (c.one_hot && !c.fill_category.empty()) column["fill"] = c.fill_category;
    if (!c.one_hot && !std::isnan(c.fill)) column["fill"] = c.fill;
    columns.push_back(column);
  }
  return {{"missing", to_string(encoding.missing)}, {"columns", columns}};
}

Encoding encoding_from_json(const json& value) {
  Encoding encoding;
  encoding.missing = parse_missing_values(value.at("missing").get<std::string>());
  for (const json& column : value.at("columns")) {
    ColumnEncoding c;
    c.name = column.at("name").get<std::string>();
    c.one_hot = column.contains("one_hot");
    if (c.one_hot) c.categories = column.at("one_hot").get<std::vector<std::string>>();
    if (column.contains("fill") && c.one_hot) c.fill_category = column.at("fill").get<std::string>();
    if (column.contains("fill") && !c.one_hot) c.fill = column.at("fill").get<float>();
    if (!std::is_sorted(c.categories.begin(), c.categories.end()))
      throw std::invalid_argument("categories are not sorted");
    encoding.columns.push_back(std::move(c));
  }
  return encoding;
}

// A JSON object in the metadata, turned into T by `convert`; anything malformed is a ModelFileError.
template <typename T, typename Convert>
T metadata_object(const std::string& path, const SafetensorsFile& file, const std::string& key, Convert convert) {
  const std::string& text = file.metadata.at(key);
  try {
    return convert(json::parse(text));
  } catch (const std::exception&) {
    fail(path, "metadata \"" + key + "\" is not valid: " + text.substr(0, 80));
  }
}

}  // namespace

const char* ember_version() { return EMBER_VERSION; }

void save_model(const std::string& path, const nn::MyModel& model, const ModelInfo& info) {
  SafetensorsFile file;
  for (const auto& [name, tensor] : model.named_parameters()) file.tensors[name] = to_stored(tensor);
  file.metadata["format"] = "pt";
  file.metadata["ember.activation"] = model.activation().spec();
  file.metadata["ember.hidden"] = json(model.hidden()).dump();
  file.metadata["ember.input_size"] = std::to_string(model.input_size());
  file.metadata["ember.num_classes"] = std::to_string(model.num_classes());
  file.metadata["ember.class_names"] = json(info.class_names).dump();
  file.metadata["ember.feature_names"] = json(info.feature_names).dump();
  if (!info.target_name.empty()) file.metadata["ember.target"] = info.target_name;
  file.metadata["ember.version"] = ember_version();
  if (info.data_recorded) {
    file.metadata["ember.source"] = source_json(info.data).dump();
    file.metadata["ember.seed"] = std::to_string(info.data.seed);
    file.metadata["ember.test_split"] = json(info.data.test_split).dump();
  }
  if (!info.encoding.empty()) file.metadata["ember.columns"] = encoding_json(info.encoding).dump();
  if (!info.mean.empty()) {
    file.metadata["ember.standardize_mean"] = json(info.mean).dump();
    file.metadata["ember.standardize_std"] = json(info.stddev).dump();
  }
  save_safetensors(path, file);
}

LoadedModel load_model(const std::string& path, const std::string& activation) {
  register_formula_activations();  // a file trained with a formula records it: it must load
  const SafetensorsFile file = load_safetensors(path);
  const std::size_t layers = count_layers(path, file);
  // Sizes from the shapes: fc_k.weight is [out_k, in_k], and in_{k+1} must equal out_k.
  std::vector<Index> sizes;
  for (std::size_t k = 1; k <= layers; ++k) {
    const std::string prefix = "fc" + std::to_string(k);
    const StoredTensor& w = file.tensors.at(prefix + ".weight");
    const StoredTensor& b = file.tensors.at(prefix + ".bias");
    if (w.shape.size() != 2) fail(path, "\"" + prefix + ".weight\" must be 2-D [out, in]");
    if (b.shape.size() != 1 || b.shape[0] != w.shape[0])
      fail(path, "\"" + prefix + ".bias\" must be [" + std::to_string(w.shape[0]) + "]");
    if (k == 1) sizes.push_back(w.shape[1]);
    else if (w.shape[1] != sizes.back()) {
      fail(path, "\"" + prefix + ".weight\" takes " + std::to_string(w.shape[1]) + " inputs but fc" +
                     std::to_string(k - 1) + " gives " + std::to_string(sizes.back()));
    }
    sizes.push_back(w.shape[0]);
  }
  LoadedModel loaded;
  auto recorded = file.metadata.find("ember.activation");
  loaded.activation_recorded = recorded != file.metadata.end();
  const std::string act = loaded.activation_recorded ? recorded->second : activation;
  if (act.empty()) {
    fail(path,
         "the file does not record its activation (a model saved by PyTorch?); name it with --activation, "
         "e.g. --activation relu");
  }
  const std::vector<Index> hidden(sizes.begin() + 1, sizes.end() - 1);
  Generator unused(0);  // the weights are overwritten from the file just below
  try {
    loaded.model = std::make_unique<nn::MyModel>(sizes.front(), sizes.back(), unused, act, hidden);
  } catch (const std::invalid_argument& e) {
    fail(path, e.what());
  }
  nn::StateDict state;
  for (const auto& [name, stored] : file.tensors) {
    Matrix value = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
                       stored.data.data(), stored.shape.size() == 2 ? stored.shape[0] : 1, stored.shape.back())
                       .cast<Scalar>();
    // Training never saves a diverged model; a NaN or infinite weight would make every prediction NaN.
    const Index not_finite = value.size() - value.array().isFinite().count();
    if (not_finite > 0) {
      fail(path, "tensor \"" + name + "\" has " + std::to_string(not_finite) +
                     (not_finite == 1 ? " value that is not a finite number" : " values that are not finite numbers") +
                     " (NaN or infinity); the model cannot predict");
    }
    const Shape shape =
        stored.shape.size() == 2 ? Shape::matrix(value.rows(), value.cols()) : Shape::vector(value.cols());
    state.emplace(name, Tensor(std::move(value), shape));
  }
  loaded.model->load_state_dict(state);
  ModelInfo& info = loaded.info;
  info.class_names = metadata_json<std::vector<std::string>>(path, file, "ember.class_names", {});
  info.feature_names = metadata_json<std::vector<std::string>>(path, file, "ember.feature_names", {});
  if (file.metadata.count("ember.target")) info.target_name = file.metadata.at("ember.target");
  info.mean = metadata_json<std::vector<float>>(path, file, "ember.standardize_mean", {});
  info.stddev = metadata_json<std::vector<float>>(path, file, "ember.standardize_std", {});
  if (file.metadata.count("ember.version")) info.ember_version = file.metadata.at("ember.version");
  if (file.metadata.count("ember.source")) {
    info.data_recorded = true;
    info.data = metadata_object<DataRecord>(path, file, "ember.source", source_from_json);
    info.data.seed = metadata_json<std::uint64_t>(path, file, "ember.seed", 0);
    info.data.test_split = metadata_json<double>(path, file, "ember.test_split", 0.2);
  }
  if (file.metadata.count("ember.columns")) {
    info.encoding = metadata_object<Encoding>(path, file, "ember.columns", encoding_from_json);
  }
  const std::size_t d = static_cast<std::size_t>(sizes.front());
  if (!info.encoding.empty() && static_cast<std::size_t>(info.encoding.inputs()) != d) {
    fail(path, "metadata \"ember.columns\" encodes " + std::to_string(info.encoding.inputs()) +
                   " inputs for a model of " + std::to_string(d));
  }
  if ((!info.mean.empty() && info.mean.size() != d) || info.mean.size() != info.stddev.size()) {
    fail(path, "standardization has " + std::to_string(info.mean.size()) + " means and " +
                   std::to_string(info.stddev.size()) + " deviations for " + std::to_string(d) + " inputs");
  }
  if (!info.feature_names.empty() && info.feature_names.size() != d)
    fail(path, "feature names do not match the input size");
  // One name per class: a one-output (sigmoid) model has two classes. More names than outputs would
  // let `ember eval` score labels the model cannot predict.
  const std::size_t classes =
      loaded.model->num_classes() == 1 ? 2 : static_cast<std::size_t>(loaded.model->num_classes());
  if (!info.class_names.empty() && info.class_names.size() != classes) {
    fail(path, "metadata \"ember.class_names\" has " + std::to_string(info.class_names.size()) + " names for " +
                   std::to_string(classes) + " classes");
  }
  // The training split's statistics: finite, and deviations positive (Standardizer::fit never
  // stores a 0), else every standardized input would be infinite or NaN.
  for (std::size_t j = 0; j < info.mean.size(); ++j) {
    if (!std::isfinite(info.mean[j]) || !std::isfinite(info.stddev[j]) || !(info.stddev[j] > 0)) {
      fail(path, "standardization of input " + std::to_string(j) + " is not usable (mean " +
                     format_fixed(info.mean[j], 6) + ", std " + format_fixed(info.stddev[j], 6) + ")");
    }
  }
  return loaded;
}

}  // namespace ember
