// The dataset registry: names to generators (with their defaults), to the CSV files embedded from
// data/, and to Fashion-MNIST. Contract in include/ember/lab/data/builtin.hpp; the defaults below are
// the single place each dataset's size and noise are set.
#include "ember/lab/data/builtin.hpp"

#include <filesystem>
#include <tuple>

#include "ember/core/engine/format.hpp"
#include "ember/core/engine/random.hpp"
#include "ember/lab/data/csv.hpp"
#include "ember/lab/data/embedded.hpp"
#include "ember/lab/data/generators.hpp"
#include "ember/lab/data/idx.hpp"
#include "ember/lab/data/sha256.hpp"
#include "ember/lab/data/split.hpp"

namespace ember {
namespace {

struct Generated {
  const char* name;
  Index samples;
  double noise;
  int classes;
  const char* source;
};

// Noise defaults keep each toy learnable but not trivial; spiral's are CS231n's (100 per arm, 0.2).
const Generated kGenerated[] = {
    {"moons", 1000, 0.1, 2, "generated: two interleaving half circles (sklearn's make_moons)"},
    {"circles", 1000, 0.05, 2, "generated: a circle inside a circle, factor 0.5 (sklearn's make_circles)"},
    {"spiral", 300, 0.2, 3, "generated: spiral arms, one per class (CS231n)"},
    {"xor", 1000, 0.1, 2, "generated: uniform square, class = sign of x1*x2"},
    {"blobs", 1000, 1.0, 3, "generated: Gaussian clusters (sklearn's make_blobs)"},
};

const DatasetInfo kShipped[] = {
    {"iris", 150, 4, 3, "data/iris.csv: Fisher's iris (UCI, via scikit-learn)"},
    {"wine", 178, 13, 3, "data/wine.csv: wine recognition (UCI, via scikit-learn)"},
    {"breast_cancer", 569, 30, 2, "data/breast_cancer.csv: Wisconsin diagnostic (UCI, via scikit-learn)"},
    {"digits", 1797, 64, 10, "data/digits.csv: 8x8 handwritten digits (UCI, via scikit-learn)"},
};

std::string known_names() {
  std::string names;
  for (const auto& info : list_datasets()) names += (names.empty() ? "" : ", ") + info.name;
  return names;
}

// An option the dataset has no use for is an error: silently ignoring --noise would mislead.
void reject(bool given, const std::string& option, const std::string& dataset, const std::string& why) {
  if (given) throw DataOptionError("--" + option + " does not apply to " + dataset + ": " + why);
}

void check_classes(const DataOptions& options, const Dataset& data) {
  if (options.classes >= 0 && options.classes != data.num_classes()) {
    throw DataOptionError("--classes " + std::to_string(options.classes) + " does not match " + data.name +
                          ", which has " + std::to_string(data.num_classes()) + " classes");
  }
}

Dataset generate(const DataOptions& options, const Generated& g, Generator& gen) {
  reject(!options.data_dir.empty(), "data-dir", g.name, "it is generated");
  const Index n = options.samples < 0 ? g.samples : options.samples;
  const double noise = options.noise < 0 ? g.noise : options.noise;
  const int classes = options.classes < 0 ? g.classes : options.classes;
  const std::string name = g.name;
  Dataset data = name == "moons"     ? moons(n, noise, gen)
                 : name == "circles" ? circles(n, noise, gen)
                 : name == "spiral"  ? spiral(n, classes, noise, gen)
                 : name == "xor"     ? xor_data(n, noise, gen)
                                     : blobs(n, classes, 2, noise, gen);
  check_classes(options, data);  // moons, circles and xor have 2 classes, whatever was asked
  return data;
}

Dataset shipped(const DataOptions& options, const std::string& name) {
  const std::string why = "it is a fixed dataset";
  reject(options.samples >= 0, "samples", name, why);
  reject(options.noise >= 0, "noise", name, why);
  reject(!options.data_dir.empty(), "data-dir", name, "it is built into ember");
  Dataset data = parse_csv(embedded_csv(name), "data/" + name + ".csv (built in)");
  data.name = name;
  check_classes(options, data);
  return data;
}

Dataset fashion(const DataOptions& options, bool train) {
  reject(options.noise >= 0, "noise", "fashion_mnist", "it is a fixed dataset");
  Dataset data = fashion_mnist(options.data_dir, train);
  check_classes(options, data);
  if (!train || options.samples < 0) return data;
  // --samples N keeps the first N training images (they come in no particular class order):
  // a quick run without waiting for all 60,000.
  if (options.samples == 0 || options.samples > data.size()) {
    throw DataOptionError("--samples for fashion_mnist must be in 1.." + std::to_string(data.size()) + ", got " +
                          std::to_string(options.samples));
  }
  data.X.conservativeResize(options.samples, Eigen::NoChange);
  data.y.resize(static_cast<std::size_t>(options.samples));
  return data;
}

Dataset load_builtin_with(const DataOptions& options, Generator& gen) {
  for (const Generated& g : kGenerated) {
    if (options.dataset == g.name) return generate(options, g, gen);
  }
  for (const DatasetInfo& info : kShipped) {
    if (options.dataset == info.name) return shipped(options, info.name);
  }
  if (options.dataset == "fashion_mnist") return fashion(options, true);
  throw DataOptionError("unknown dataset " + ("\"" + options.dataset + "\"") +
                        "; the built-in datasets are: " + known_names());
}

// The CSV-only options are an error with a built-in dataset, as --samples is with a CSV file.
void reject_csv_options(const DataOptions& options) {
  const std::string why = "it applies to --data FILE.csv";
  reject(options.csv.separator != 0, "sep", options.dataset, why);
  reject(!options.csv.features.empty(), "features", options.dataset, why);
  reject(!options.csv.ignore.empty(), "ignore", options.dataset, why);
  reject(!options.csv.categorical.empty(), "categorical", options.dataset, why);
  reject(options.missing != MissingValues::error, "missing", options.dataset,
         "a built-in dataset has no missing values");
  reject(options.allow_many_classes, "allow-many-classes", options.dataset, why);
}

void check_sources(const DataOptions& options) {
  if (!options.dataset.empty() && !options.path.empty())
    throw DataOptionError("give either --dataset or --data, not both");
  if (options.dataset.empty() && options.path.empty())
    throw DataOptionError("no data: give --dataset NAME or --data FILE.csv");
  if (!options.dataset.empty()) return reject_csv_options(options);
  const std::string why = "a CSV file is used as it is";
  reject(options.samples >= 0, "samples", options.path, why);
  reject(options.noise >= 0, "noise", options.path, why);
  reject(!options.data_dir.empty(), "data-dir", options.path, "it applies to fashion_mnist");
}

Dataset load_with(const DataOptions& options, Generator& gen) {
  check_sources(options);
  if (!options.dataset.empty()) return load_builtin_with(options, gen);
  return prepare_split(options, 0.0).train;
}

// What --missing asks of the rows that lack a value: leave them out, or stop at the first.
void handle_missing(CsvTable& table, MissingValues missing, PreparedSplit& out) {
  if (missing == MissingValues::drop) {
    const std::vector<bool> incomplete = rows_with_missing(table, true);
    std::vector<Index> keep;
    for (std::size_t i = 0; i < incomplete.size(); ++i)
      if (!incomplete[i]) keep.push_back(static_cast<Index>(i));
    out.dropped_rows = table.rows() - static_cast<Index>(keep.size());
    if (keep.empty()) throw DataError(table.source + ": every row has a missing value: --missing drop leaves no data");
    if (out.dropped_rows > 0) table = table.select_rows(keep);
    return;
  }
  // Under mean, features are filled later; a missing label can never be.
  for (std::size_t i = 0; i < table.labels.size() && missing == MissingValues::mean; ++i) {
    if (is_missing_marker(table.labels[i])) throw DataError(missing_label(table, i));
  }
  const std::string problem = missing == MissingValues::error ? first_missing_value(table, true) : "";
  if (!problem.empty()) throw DataError(problem);
}

PreparedSplit prepare_csv(const DataOptions& options, double test_fraction, const Encoding* fixed) {
  PreparedSplit out;
  const std::string text = read_text_file(options.path);
  CsvOptions csv = options.csv;
  csv.target = options.target;
  MissingValues missing = options.missing;
  if (fixed != nullptr) {  // the model's columns, by name, as the model reads them
    csv.features = fixed->column_names();
    csv.categorical = fixed->text_columns();
    csv.ignore.clear();
    missing = fixed->missing;
  }
  CsvTable table = parse_csv_table(text, options.path, csv);
  out.warnings = table.warnings;
  handle_missing(table, missing, out);

  Dataset all;
  all.name = std::filesystem::path(options.path).stem().string();
  encode_labels(table, all, options.allow_many_classes || fixed != nullptr);
  check_classes(options, all);
  Generator gen(options.seed);
  const auto [train_rows, test_rows] = stratified_split_rows(all.y, all.num_classes(), test_fraction, gen, all.name);
  out.encoding = fixed != nullptr ? *fixed : fit_encoding(table, train_rows, missing);
  if (fixed == nullptr) {
    for (const std::string& warning : identifier_warnings(table)) out.warnings.push_back(warning);
  }
  auto make = [&](const std::vector<Index>& rows) {
    Dataset part;
    part.name = all.name;
    part.class_names = all.class_names;
    part.feature_names = out.encoding.input_names();
    part.X = encode_features(out.encoding, table, rows, options.unknown);
    for (Index r : rows) part.y.push_back(all.y[static_cast<std::size_t>(r)]);
    return part;
  };
  out.train = make(train_rows);
  out.test = make(test_rows);
  out.target_name = table.target_name;
  out.record.path = options.path;
  out.record.sha256 = sha256_hex(text);
  out.record.rows = table.rows();
  return out;
}

}  // namespace

std::string embedded_csv(const std::string& name) {
  for (std::size_t f = 0; f < embedded_file_count; ++f) {
    if (name != embedded_files[f].name) continue;
    std::string text;
    for (std::size_t c = 0; c < embedded_files[f].chunk_count; ++c) text += embedded_files[f].chunks[c];
    return text;
  }
  return "";
}

std::vector<DatasetInfo> list_datasets() {
  std::vector<DatasetInfo> all;
  for (const Generated& g : kGenerated) all.push_back({g.name, g.samples, 2, g.classes, g.source});
  for (const DatasetInfo& info : kShipped) all.push_back(info);
  all.push_back({"fashion_mnist", 60000, 784, 10,
                 "Zalando's Fashion-MNIST, 28x28 clothing images; official test set of 10,000 "
                 "(Debian package dataset-fashion-mnist, or --data-dir)"});
  return all;
}

bool has_official_split(const std::string& dataset) { return dataset == "fashion_mnist"; }

Dataset load_builtin(const DataOptions& options) {
  Generator gen(options.seed);
  return load_builtin_with(options, gen);
}

Dataset load_dataset(const DataOptions& options) {
  Generator gen(options.seed);
  return load_with(options, gen);
}

std::pair<Dataset, Dataset> load_train_test(const DataOptions& options, double test_fraction) {
  PreparedSplit split = prepare_split(options, test_fraction);
  return {std::move(split.train), std::move(split.test)};
}

DataOptions with_defaults(const DataOptions& options) {
  DataOptions resolved = options;
  for (const Generated& g : kGenerated) {
    if (options.dataset != g.name) continue;
    if (resolved.samples < 0) resolved.samples = g.samples;
    if (resolved.noise < 0) resolved.noise = g.noise;
    if (resolved.classes < 0) resolved.classes = g.classes;
  }
  return resolved;
}

PreparedSplit prepare_split(const DataOptions& options, double test_fraction, const Encoding* fixed) {
  if (!(test_fraction >= 0.0 && test_fraction < 1.0)) {
    throw DataOptionError("the test split must be in [0, 1), got " + format_fixed(test_fraction, 6));
  }
  check_sources(options);
  PreparedSplit out;
  if (!options.path.empty()) {
    out = prepare_csv(options, test_fraction, fixed);
  } else if (has_official_split(options.dataset)) {
    out.train = load_builtin(options);
    out.test = test_fraction > 0.0 ? fashion(options, false) : subset(out.train, {});
  } else {
    // One generator, used first to generate (if the dataset is generated), then to split: the same
    // options and seed give the same points and the same test set in train, eval and compare.
    Generator gen(options.seed);
    const Dataset data = load_builtin_with(options, gen);
    std::tie(out.train, out.test) = stratified_split(data, test_fraction, gen);
  }
  if (options.path.empty()) {
    const DataOptions resolved = with_defaults(options);
    out.record.dataset = options.dataset;
    out.record.samples = resolved.samples;
    out.record.noise = resolved.noise;
    out.record.classes = resolved.classes;
    out.record.rows = out.train.size() + (has_official_split(options.dataset) ? 0 : out.test.size());
  }
  out.record.seed = options.seed;
  out.record.test_split = test_fraction;
  return out;
}

}  // namespace ember
