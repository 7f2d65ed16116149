// Results files (results_file.hpp): a run per line, each line carrying its study, so that any set of
// lines of one study, in any order and from any machine, rebuilds the same comparison.
#include "ember/lab/study/results_file.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

#include "ember/core/engine/format.hpp"
#include "ember/core/nn/init.hpp"
#include "ember/lab/plot/png.hpp"

namespace ember {

using nlohmann::json;

namespace {

constexpr int kFormatVersion = 1;

json number(double v) { return std::isnan(v) ? json(nullptr) : json(v); }
double number_from(const json& v) { return v.is_null() ? NAN : v.get<double>(); }

json numbers(const std::vector<double>& values) {
  json out = json::array();
  for (double v : values) out.push_back(number(v));
  return out;
}
std::vector<double> numbers_from(const json& values) {
  std::vector<double> out;
  for (const json& v : values) out.push_back(number_from(v));
  return out;
}

// The decision-boundary plane and its points: the same for every run of a study.
json frame_json(const BoundaryFrame& frame, const std::vector<int>& epochs) {
  json points = json::array();
  for (const BoundaryPoint& p : frame.points) points.push_back({p.x, p.y, p.label, p.test});
  return {{"x", {frame.x_min, frame.x_max}},
          {"y", {frame.y_min, frame.y_max}},
          {"resolution", frame.resolution},
          {"names", {frame.x_name, frame.y_name}},
          {"classes", frame.classes},
          {"class_names", frame.class_names},
          {"points", points},
          {"epochs", epochs}};
}
void frame_from_json(const json& v, CompareConfig& config) {
  BoundaryFrame& frame = config.boundary;
  frame.x_min = v.at("x").at(0).get<double>();
  frame.x_max = v.at("x").at(1).get<double>();
  frame.y_min = v.at("y").at(0).get<double>();
  frame.y_max = v.at("y").at(1).get<double>();
  frame.resolution = v.at("resolution").get<int>();
  frame.x_name = v.at("names").at(0).get<std::string>();
  frame.y_name = v.at("names").at(1).get<std::string>();
  frame.classes = v.at("classes").get<int>();
  frame.class_names = v.at("class_names").get<std::vector<std::string>>();
  for (const json& p : v.at("points"))
    frame.points.push_back({p.at(0).get<double>(), p.at(1).get<double>(), p.at(2).get<int>(), p.at(3).get<bool>()});
  config.boundary_epochs = v.at("epochs").get<std::vector<int>>();
}

// A snapshot's two byte planes as base64: 100 x 100 cells take 13 KB each instead of 40 as numbers.
json snapshot_json(const BoundarySnapshot& s) {
  return {{"epoch", s.epoch},
          {"predicted", plot::encode_base64(std::string(s.predicted.begin(), s.predicted.end()))},
          {"confidence", plot::encode_base64(std::string(s.confidence.begin(), s.confidence.end()))}};
}
BoundarySnapshot snapshot_from_json(const json& v) {
  BoundarySnapshot s;
  s.epoch = v.at("epoch").get<int>();
  const std::string predicted = plot::decode_base64(v.at("predicted").get<std::string>());
  const std::string confidence = plot::decode_base64(v.at("confidence").get<std::string>());
  if (predicted.size() != confidence.size()) throw std::runtime_error("a boundary snapshot's planes differ in size");
  s.predicted.assign(predicted.begin(), predicted.end());
  s.confidence.assign(confidence.begin(), confidence.end());
  return s;
}

}  // namespace

json study_json(const CompareConfig& config, const json& data_identity, bool has_test, bool has_validation,
                double chance_accuracy) {
  const TrainConfig& b = config.base;
  json hidden = json::array();
  for (Index h : b.hidden) hidden.push_back(h);
  std::vector<double> lrs = config.lrs.empty() ? std::vector<double>{b.lr} : config.lrs;
  std::vector<std::string> optimizers =
      config.optimizers.empty() ? std::vector<std::string>{b.optimizer} : config.optimizers;
  return {{"data", data_identity},
          {"has_test", has_test},
          {"has_validation", has_validation},
          {"chance_accuracy", chance_accuracy},
          {"activations", config.activations},
          {"lrs", lrs},
          {"optimizers", optimizers},
          {"seeds", config.seeds},
          {"seed", b.seed},
          {"select", config.select},
          {"target_loss", number(config.target_loss)},
          {"target_accuracy", number(config.target_accuracy)},
          {"hidden", hidden},
          {"classes", b.classes ? json(*b.classes) : json(nullptr)},
          {"init_scheme", nn::to_string(b.init_scheme)},
          {"epochs", b.epochs},
          {"batch_size", b.batch_size},
          {"momentum", b.momentum},
          {"weight_decay", b.weight_decay},
          {"shuffle", b.shuffle},
          {"dropout", b.dropout},
          {"layer_health", config.layer_health},
          {"boundary", config.boundary.empty() ? json(nullptr) : frame_json(config.boundary, config.boundary_epochs)}};
}

CompareConfig config_from_study(const json& study) {
  CompareConfig config;
  config.activations = study.at("activations").get<std::vector<std::string>>();
  config.lrs = study.at("lrs").get<std::vector<double>>();
  config.optimizers = study.at("optimizers").get<std::vector<std::string>>();
  config.seeds = study.at("seeds").get<int>();
  config.select = study.at("select").get<std::string>();
  config.target_loss = number_from(study.at("target_loss"));
  config.target_accuracy = number_from(study.at("target_accuracy"));
  TrainConfig& b = config.base;
  b.seed = study.at("seed").get<std::uint64_t>();
  b.hidden = study.at("hidden").get<std::vector<Index>>();
  if (!study.at("classes").is_null()) b.classes = study.at("classes").get<int>();
  b.init_scheme = nn::parse_init_scheme(study.at("init_scheme").get<std::string>());
  b.epochs = study.at("epochs").get<int>();
  b.batch_size = study.at("batch_size").get<Index>();
  b.momentum = study.at("momentum").get<double>();
  b.weight_decay = study.at("weight_decay").get<double>();
  b.shuffle = study.at("shuffle").get<bool>();
  b.dropout = study.at("dropout").get<double>();
  config.layer_health = study.at("layer_health").get<bool>();
  // Files written before decision boundaries existed have no "boundary".
  if (study.contains("boundary") && !study.at("boundary").is_null()) frame_from_json(study.at("boundary"), config);
  b.lr = config.lrs.front();
  b.optimizer = config.optimizers.front();
  return config;
}

namespace {

// A hidden layer's figures on the probe, in LayerHealth's order.
json layer_json(const LayerHealth& h) {
  return numbers({h.preact_mean, h.preact_std, h.act_mean, h.act_std, h.act_p2, h.act_p50, h.act_p98});
}
LayerHealth layer_from_json(const json& v) {
  const std::vector<double> x = numbers_from(v);
  if (x.size() != 7) throw std::runtime_error("a layer's figures are 7 numbers");
  return {x[0], x[1], x[2], x[3], x[4], x[5], x[6]};
}

}  // namespace

json run_json(const CompareRun& run) {
  json epochs = json::array();
  for (const StudyEpoch& e : run.epochs) {
    json layers = json::array();
    for (const LayerHealth& h : e.layers) layers.push_back(layer_json(h));
    epochs.push_back({{"epoch", e.epoch},
                      {"layers", layers},
                      {"probe_samples", e.probe_samples},
                      {"train_loss", number(e.train_loss)},
                      {"train_accuracy", number(e.train_accuracy)},
                      {"val_loss", number(e.val_loss)},
                      {"val_accuracy", number(e.val_accuracy)},
                      {"test_loss", number(e.test_loss)},
                      {"test_accuracy", number(e.test_accuracy)},
                      {"lr", number(e.lr)},
                      {"seconds", e.seconds},
                      {"grad_norm", numbers(e.grad_norm)},
                      {"dead_fraction", numbers(e.dead_fraction)},
                      {"saturated_fraction", numbers(e.saturated_fraction)}});
  }
  json boundaries = json::array();
  for (const BoundarySnapshot& s : run.boundaries) boundaries.push_back(snapshot_json(s));
  return {{"activation", run.activation}, {"optimizer", run.setting.optimizer},
          {"lr", run.setting.lr},         {"seed", run.seed},
          {"diverged", run.diverged},     {"divergence", run.divergence},
          {"seconds", run.seconds},       {"epochs", epochs},
          {"boundaries", boundaries}};
}

CompareRun run_from_json(const json& line) {
  CompareRun run;
  run.activation = line.at("activation").get<std::string>();
  run.setting.optimizer = line.at("optimizer").get<std::string>();
  run.setting.lr = line.at("lr").get<double>();
  run.seed = line.at("seed").get<std::uint64_t>();
  run.diverged = line.at("diverged").get<bool>();
  run.divergence = line.at("divergence").get<std::string>();
  run.seconds = line.at("seconds").get<double>();
  for (const json& e : line.at("epochs")) {
    StudyEpoch epoch;
    epoch.epoch = e.at("epoch").get<int>();
    epoch.train_loss = number_from(e.at("train_loss"));
    epoch.train_accuracy = number_from(e.at("train_accuracy"));
    epoch.val_loss = number_from(e.at("val_loss"));
    epoch.val_accuracy = number_from(e.at("val_accuracy"));
    epoch.test_loss = number_from(e.at("test_loss"));
    epoch.test_accuracy = number_from(e.at("test_accuracy"));
    epoch.lr = number_from(e.at("lr"));
    epoch.seconds = e.at("seconds").get<double>();
    epoch.grad_norm = numbers_from(e.at("grad_norm"));
    epoch.dead_fraction = numbers_from(e.at("dead_fraction"));
    epoch.saturated_fraction = numbers_from(e.at("saturated_fraction"));
    for (const json& layer : e.at("layers")) epoch.layers.push_back(layer_from_json(layer));
    epoch.probe_samples = e.at("probe_samples").get<Index>();
    run.epochs.push_back(std::move(epoch));
  }
  if (line.contains("boundaries"))
    for (const json& s : line.at("boundaries")) run.boundaries.push_back(snapshot_from_json(s));
  return run;
}

std::string run_key(const CompareRun& run) {
  return run.activation + "|" + run.setting.optimizer + "|" + format_general(run.setting.lr, 17) + "|" +
         std::to_string(run.seed);
}

std::pair<int, int> parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  std::size_t used_k = 0, used_n = 0;
  int k = 0, n = 0;
  try {
    if (slash != std::string::npos) {
      k = std::stoi(text.substr(0, slash), &used_k);
      n = std::stoi(text.substr(slash + 1), &used_n);
    }
  } catch (const std::exception&) {
    used_k = 0;
  }
  if (slash == std::string::npos || used_k != slash || used_n != text.size() - slash - 1 || n < 1 || k < 1 || k > n)
    throw std::invalid_argument("--shard: \"" + text + "\" is not K/N with 1 <= K <= N (e.g. 2/4)");
  return {k, n};
}

ResultsWriter::ResultsWriter(const std::string& path, json study) : path_(path), study_(std::move(study)) {
  // A file that ends mid-line was cut short while a run was being written (read_results warned of it):
  // that piece goes, or the next run appended would be glued to it.
  std::string text;
  {
    std::ifstream in(path_, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (!text.empty() && text.back() != '\n') {
    const std::size_t end = text.rfind('\n');
    std::filesystem::resize_file(path_, end == std::string::npos ? 0 : end + 1);
  }
  std::ofstream out(path_, std::ios::app);
  if (!out) throw std::runtime_error("cannot write the results file " + path_);
}

void ResultsWriter::write(const CompareRun& run) {
  const std::string line =
      json{{"ember.results", kFormatVersion}, {"study", study_}, {"run", run_json(run)}}.dump() + "\n";
  std::lock_guard<std::mutex> guard(lock_);
  std::ofstream out(path_, std::ios::app | std::ios::binary);
  out << line << std::flush;  // one write of a whole line: a reader never sees half a run but at the very end
  if (!out) throw std::runtime_error("cannot write the results file " + path_);
}

std::vector<std::string> study_differences(const json& a, const json& b, const std::string& where_b) {
  std::vector<std::string> differences;
  for (const auto& [key, value] : a.items()) {
    if (key == "description") continue;  // a sentence made of the options below
    const json other = b.contains(key) ? b.at(key) : json(nullptr);
    if (value == other) continue;
    // The boundary's plane holds every point drawn: too long to print, and which part differs is what matters.
    if (key == "boundary")
      differences.push_back(
          "boundary: the decision-boundary grid (--boundary-grid, --boundary-epochs) or its points "
          "differ from " +
          where_b + "'s");
    else differences.push_back(key + ": " + value.dump() + " here, " + other.dump() + " in " + where_b);
  }
  for (const auto& [key, value] : b.items())
    if (!a.contains(key)) differences.push_back(key + ": none here, " + value.dump() + " in " + where_b);
  return differences;
}

Results read_results(const std::vector<std::string>& paths) {
  Results results;
  std::map<std::string, std::size_t> seen;
  std::string first_where;
  for (const std::string& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read the results file " + path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::size_t start = 0;
    int line_number = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      const bool last = end == std::string::npos;
      const std::string line = text.substr(start, last ? std::string::npos : end - start);
      start = last ? text.size() : end + 1;
      ++line_number;
      const std::string where = path + ":" + std::to_string(line_number);
      if (line.empty()) continue;
      json parsed;
      try {
        parsed = json::parse(line);
      } catch (const json::parse_error&) {
        // A line without its newline at the very end: the process was killed while writing it.
        if (last) {
          results.warnings.push_back(where + ": a run cut short (no end of line), skipped");
          continue;
        }
        throw std::runtime_error(where + ": not a results line (not JSON)");
      }
      if (!parsed.is_object() || parsed.value("ember.results", 0) != kFormatVersion || !parsed.contains("study") ||
          !parsed.contains("run"))
        throw std::runtime_error(where + ": not a results line of this version of ember (\"ember.results\": " +
                                 std::to_string(kFormatVersion) + ")");
      if (results.study.is_null()) {
        results.study = parsed.at("study");
        first_where = where;
      } else if (parsed.at("study") != results.study) {
        std::string message = where + ": a run of another study than " + first_where + "'s:";
        for (const std::string& d : study_differences(results.study, parsed.at("study"), where)) message += "\n  " + d;
        throw std::runtime_error(message);
      }
      CompareRun run;
      try {
        run = run_from_json(parsed.at("run"));
      } catch (const json::exception& e) {
        throw std::runtime_error(where + ": a run with a missing or malformed figure (" + e.what() + ")");
      } catch (const std::exception& e) {  // a decision boundary's bytes that are not base64
        throw std::runtime_error(where + ": a run with a malformed decision boundary (" + e.what() + ")");
      }
      const std::string key = run_key(run);
      if (seen.count(key)) {
        results.warnings.push_back(where + ": " + key + " again; the first one is kept");
        continue;
      }
      seen[key] = results.runs.size();
      results.runs.push_back(std::move(run));
    }
  }
  if (results.study.is_null()) throw std::runtime_error("no runs in the results files");
  return results;
}

CompareResult result_from(const Results& results) {
  CompareResult result;
  result.config = config_from_study(results.study);
  result.has_test = results.study.at("has_test").get<bool>();
  result.has_validation = results.study.at("has_validation").get<bool>();
  result.chance_accuracy = results.study.at("chance_accuracy").get<double>();
  std::map<std::string, const CompareRun*> by_key;
  for (const CompareRun& run : results.runs) by_key[run_key(run)] = &run;
  for (const CompareRun& planned : grid_runs(result.config)) {
    const auto found = by_key.find(run_key(planned));
    if (found != by_key.end()) result.runs.push_back(*found->second);
  }
  result.planned_runs = static_cast<int>(grid_runs(result.config).size());
  result.incomplete_results = static_cast<int>(result.runs.size()) < result.planned_runs;
  return result;
}

}  // namespace ember
