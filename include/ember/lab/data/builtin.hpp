// Datasets by name, as the CLI's data options (--dataset, --data, --target, --samples, --noise,
// --classes, --seed, --data-dir) describe them: generated (moons, circles, spiral, xor, blobs),
// shipped in data/ and embedded in the library (iris, wine, breast_cancer, digits), or read from
// Fashion-MNIST's IDX files. load_train_test() is what train, eval and compare call: it gives the
// same test set for the same options and seed, so eval scores exactly what train held out.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ember/core/data/dataset.hpp"
#include "ember/lab/data/encoding.hpp"

namespace ember {

// A problem with the options that describe the data, not with the data itself: an unknown dataset,
// --samples for a dataset that has a fixed size, --dataset and --data together. (The CLI reports it
// as a usage error.)
class DataOptionError : public DataError {
 public:
  using DataError::DataError;
};

struct DatasetInfo {
  std::string name;
  Index samples;  // default size for generated datasets; the training set for fashion_mnist
  Index features;
  int classes;  // default number of classes for spiral and blobs
  std::string source;
};

std::vector<DatasetInfo> list_datasets();  // in the order `ember datasets` prints them

// -1 (or empty) means "not given": each dataset then uses its default. Giving an option a dataset
// has no use for (--noise for iris, --samples for a CSV file) is a DataError, not silently ignored.
struct DataOptions {
  std::string dataset;     // --dataset: a built-in name
  std::string path;        // --data: a CSV file (give this or dataset)
  std::string target;      // --target: the CSV's label column, a name or 0-based index; empty: the last
  Index samples = -1;      // generated: how many (moons 1000, spiral 300, ...); fashion_mnist: the first N
  double noise = -1;       // generated: noise std (moons 0.1, circles 0.05, spiral 0.2, xor 0.1, blobs 1.0)
  int classes = -1;        // spiral arms (3) and blobs clusters (3); elsewhere must match the data
  std::uint64_t seed = 0;  // --seed: the generated points, then the split
  std::string data_dir;    // --data-dir: Fashion-MNIST's folder (default /usr/share/datasets/fashion-mnist)
  // CSV files only:
  CsvOptions csv;  // --sep, --features, --ignore, --categorical (csv.target is `target` above)
  MissingValues missing = MissingValues::error;          // --missing
  UnknownCategories unknown = UnknownCategories::error;  // --unknown
  bool allow_many_classes = false;                       // --allow-many-classes
};

// How a training run's data was made, as the model file records it: enough for `ember eval` to
// tell the very data from other data, and to draw the very same test rows again.
struct DataRecord {
  std::string dataset;       // a built-in name; empty for a CSV file
  std::string path, sha256;  // a CSV file, and the SHA-256 of its bytes
  Index samples = -1;        // generated datasets: the size, noise and classes used (defaults
  double noise = -1;         //   filled in), so that "the same data" compares values, not
  int classes = -1;          //   whether an option was typed
  std::uint64_t seed = 0;
  double test_split = 0.2;
  Index rows = 0;  // rows used, after --missing drop
};

// {train, test} with everything a model file needs to record about how they were made.
struct PreparedSplit {
  Dataset train, test;
  Encoding encoding;  // a CSV file's columns -> inputs; empty for a built-in dataset
  DataRecord record;
  std::string target_name;            // a CSV file's label column
  Index dropped_rows = 0;             // --missing drop
  std::vector<std::string> warnings;  // for the user: identifier-like columns, a header of numbers
};

// The whole preparation: load, drop rows with missing values (--missing drop), split as
// load_train_test does, and fit the CSV encoding on the training split. With `fixed`, the CSV is
// read and encoded by that encoding instead (eval: a model's own), its columns found by name.
PreparedSplit prepare_split(const DataOptions& options, double test_fraction, const Encoding* fixed = nullptr);

// The data options with each generated dataset's defaults filled in (samples, noise, classes).
DataOptions with_defaults(const DataOptions& options);

// The built-in dataset options.dataset (an unknown name: a DataError listing the known ones).
// fashion_mnist gives its training set.
Dataset load_builtin(const DataOptions& options);

// options.dataset or, when that is empty, the CSV file options.path.
Dataset load_dataset(const DataOptions& options);

// {train, test} for training and evaluation. A dataset with an official split (fashion_mnist:
// 60,000 / 10,000) uses it: any test_fraction above 0 means "the official test set". Every other
// dataset is split by stratified_split(test_fraction) with a Generator seeded from options.seed
// (after generation). test_fraction 0: all data trains, the test set is empty.
std::pair<Dataset, Dataset> load_train_test(const DataOptions& options, double test_fraction);

bool has_official_split(const std::string& dataset);

}  // namespace ember
