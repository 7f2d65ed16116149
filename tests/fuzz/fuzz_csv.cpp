// libFuzzer target for the CSV readers (src/lab/data/csv.cpp, encoding.cpp): parse_csv on arbitrary
// bytes, with the target as the last column and as column 0; parse_csv_table with every column read
// (features only, as predict reads) and then encoded under --missing mean with unknown categories
// ignored; then the same bytes as a file through read_csv_header. A DataError is the expected answer to bad
// input; anything else escaping (std::out_of_range, bad_alloc...), a sanitizer report, or a
// successful read that breaks the Dataset's invariants is a bug. Seeds: tests/fuzz/corpus/csv/.
#include <cmath>
#include <cstdint>
#include <string>

#include <numeric>

#include "ember/lab/data/encoding.hpp"
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

void read_table(const std::string& text, bool with_target) {
  try {
    ember::CsvOptions options;
    options.read_target = with_target;
    const ember::CsvTable table = ember::parse_csv_table(text, "fuzz.csv", options);
    EMBER_FUZZ_CHECK(table.rows() > 0 && !table.columns.empty());
    for (const ember::CsvColumn& column : table.columns) {
      EMBER_FUZZ_CHECK(static_cast<ember::Index>(column.is_text ? column.texts.size() : column.numbers.size()) ==
                       table.rows());
    }
    std::vector<ember::Index> rows(static_cast<std::size_t>(table.rows()));
    std::iota(rows.begin(), rows.end(), ember::Index(0));
    const ember::Encoding encoding = ember::fit_encoding(table, rows, ember::MissingValues::mean);
    const ember::Matrix X = ember::encode_features(encoding, table, rows, ember::UnknownCategories::ignore);
    EMBER_FUZZ_CHECK(X.rows() == table.rows() && X.cols() == encoding.inputs());
    EMBER_FUZZ_CHECK(X.allFinite());
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
  read_table(text, false);
  read_table(text, true);
  return 0;
}
