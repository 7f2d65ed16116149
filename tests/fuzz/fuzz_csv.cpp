// libFuzzer target for the CSV readers (src/data/csv.cpp): parse_csv on arbitrary bytes, with the
// target as the last column and as column 0, then the same bytes as a file through read_csv_header
// and read_feature_csv (every column; all but "label"). A DataError is the expected answer to bad
// input; anything else escaping (std::out_of_range, bad_alloc...), a sanitizer report, or a
// successful read that breaks the Dataset's invariants is a bug. Seeds: tests/fuzz/corpus/csv/.
#include <cmath>
#include <cstdint>
#include <string>

#include "ember/data/csv.hpp"
#include "fuzz_common.hpp"

namespace {

void check_dataset(const ember::Dataset& data) {
  EMBER_FUZZ_CHECK(data.X.rows() == static_cast<ember::Index>(data.y.size()));
  EMBER_FUZZ_CHECK(data.X.rows() > 0);
  EMBER_FUZZ_CHECK(data.X.cols() == static_cast<ember::Index>(data.feature_names.size()));
  EMBER_FUZZ_CHECK(data.num_classes() >= 2);
  for (int label : data.y) EMBER_FUZZ_CHECK(label >= 0 && label < data.num_classes());
  EMBER_FUZZ_CHECK(data.X.allFinite());  // NaN and infinity are rejected, never read
}

void parse(const std::string& text, const std::string& target) {
  try {
    check_dataset(ember::parse_csv(text, "fuzz.csv", target));
  } catch (const ember::DataError&) {
  }
}

void read_features(const std::string& path, const std::vector<std::string>& drop) {
  try {
    const ember::FeatureTable table = ember::read_feature_csv(path, {}, drop);
    EMBER_FUZZ_CHECK(table.X.cols() == static_cast<ember::Index>(table.names.size()));
    EMBER_FUZZ_CHECK(table.X.rows() > 0 && table.X.allFinite());
  } catch (const ember::DataError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  parse(text, "");
  parse(text, "0");
  parse(text, "label");

  const std::string& path = ember_fuzz::scratch_path("csv");
  ember_fuzz::write_file(path, data, size);
  try {
    const std::vector<std::string> header = ember::read_csv_header(path);
    EMBER_FUZZ_CHECK(!header.empty());
  } catch (const ember::DataError&) {
  }
  read_features(path, {});
  read_features(path, {"label"});
  return 0;
}
