// CSV files a user brings (src/lab/data/csv.cpp, src/lab/data/encoding.cpp): separators, column selection,
// text columns one-hot encoded from the training split, missing values under each policy, targets
// that are not classes, identifier-like columns, RFC 4180 output, and SHA-256 fingerprints.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>

#include "ember/lab/data/builtin.hpp"
#include "ember/lab/data/encoding.hpp"
#include "ember/lab/data/sha256.hpp"
#include "test_data_files.hpp"

using namespace ember;
using Catch::Contains;

namespace {

std::vector<Index> rows(std::initializer_list<Index> list) { return list; }

}  // namespace

TEST_CASE("the separator is detected from the header: comma, semicolon or tab", "[data][csv]") {
  CHECK(detect_separator("a,b,c\n1;2,3\n") == ',');
  CHECK(detect_separator("a;b;c\n1,5;2;3\n") == ';');
  CHECK(detect_separator("a\tb\tc\n") == '\t');
  CHECK(detect_separator("\"x;y\",b\n") == ',');  // a separator inside quotes does not count
  const CsvTable semicolons = parse_csv_table("a;b;label\n1.5;2;x\n3;4;y\n", "s.csv", {});
  CHECK(semicolons.separator == ';');
  CHECK(semicolons.columns.size() == 2);
  CHECK(semicolons.columns[0].numbers == std::vector<float>{1.5f, 3.0f});
  const CsvTable tabs = parse_csv_table("a\tb\tlabel\n1\t2\tx\n", "t.tsv", {});
  CHECK(tabs.columns[1].numbers == std::vector<float>{2.0f});
}

TEST_CASE("a header that splits into one column suggests the separator", "[data][csv]") {
  CsvOptions comma;
  comma.separator = ',';
  CHECK_THROWS_WITH(parse_csv_table("a;b;label\n1;2;x\n", "s.csv", comma),
                    Contains("s.csv:1:1: the header has a single column \"a;b;label\" when split at a comma") &&
                        Contains("(--sep ;)"));
  CHECK_THROWS_WITH(parse_csv_table("a|b|label\n1|2|x\n", "p.csv", {}),
                    Contains("give it with --sep (e.g. --sep '|')"));
  CsvOptions pipe;
  pipe.separator = '|';
  CHECK(parse_csv_table("a|b|label\n1|2|x\n", "p.csv", pipe).columns.size() == 2);
}

TEST_CASE("the features option picks columns in its order, --ignore leaves columns out, both by name", "[data][csv]") {
  const std::string text = "id,a,b,c,label\n1,10,20,30,x\n2,11,21,31,y\n";
  CsvOptions pick;
  pick.features = {"c", "a"};
  const CsvTable picked = parse_csv_table(text, "f.csv", pick);
  REQUIRE(picked.columns.size() == 2);
  CHECK(picked.columns[0].name == "c");
  CHECK(picked.columns[1].numbers == std::vector<float>{10, 11});
  CsvOptions ignore;
  ignore.ignore = {"id"};
  const CsvTable ignored = parse_csv_table(text, "f.csv", ignore);
  CHECK(ignored.columns.size() == 3);
  CHECK(ignored.columns[0].name == "a");
  CsvOptions unknown;
  unknown.features = {"a", "nope"};
  CHECK_THROWS_WITH(parse_csv_table(text, "f.csv", unknown),
                    Contains("f.csv:1: --features: no column \"nope\"; the header has: id, a, b, c, label"));
  CsvOptions target;
  target.features = {"label"};
  CHECK_THROWS_WITH(parse_csv_table(text, "f.csv", target), Contains("--features label: that is the target column"));
}

TEST_CASE("a text column is one-hot encoded with the training split's categories", "[data][encoding]") {
  const CsvTable table = parse_csv_table("size,color,label\n1,red,x\n2,blue,y\n3,red,x\n4,green,y\n", "c.csv", {});
  REQUIRE(table.columns[1].is_text);
  // Rows 0-2 train: green (row 3) is never seen in training.
  const Encoding encoding = fit_encoding(table, rows({0, 1, 2}), MissingValues::error);
  CHECK(encoding.input_names() == std::vector<std::string>{"size", "color=blue", "color=red"});
  CHECK(encoding.inputs() == 3);
  const Matrix X = encode_features(encoding, table, rows({0, 1}));
  CHECK(X.row(0) == (Matrix(1, 3) << 1, 0, 1).finished());
  CHECK(X.row(1) == (Matrix(1, 3) << 2, 1, 0).finished());
  CHECK_THROWS_WITH(
      encode_features(encoding, table, rows({3})),
      Contains("c.csv:5:3: category \"green\" of column \"color\" was not in the training data (known: blue, red)"));
  const Matrix zeros = encode_features(encoding, table, rows({3}), UnknownCategories::ignore);
  CHECK(zeros.row(0) == (Matrix(1, 3) << 4, 0, 0).finished());
}

TEST_CASE("a categorical option one-hot encodes a column of numbers", "[data][encoding]") {
  CsvOptions options;
  options.categorical = {"zip"};
  const CsvTable table = parse_csv_table("zip,label\n75001,x\n10115,y\n75001,y\n", "z.csv", options);
  const Encoding encoding = fit_encoding(table, rows({0, 1, 2}), MissingValues::error);
  CHECK(encoding.input_names() == std::vector<std::string>{"zip=10115", "zip=75001"});
}

TEST_CASE("missing values: an error by default, dropped or filled on request", "[data][encoding]") {
  const std::string text = "a,color,label\n1,red,x\nNA,blue,y\n3,,x\n?,red,y\n5,red,x\n";
  const CsvTable table = parse_csv_table(text, "m.csv", {});
  CHECK(table.columns[0].missing == 2);
  CHECK(table.columns[1].missing == 1);
  CHECK_THAT(first_missing_value(table, true),
             Contains("m.csv:3:1: missing value in column \"a\"") && Contains("--missing drop"));
  CHECK(rows_with_missing(table, true) == std::vector<bool>{false, true, true, true, false});
  // mean: the training rows' mean for numbers, the most frequent category for text.
  const Encoding mean = fit_encoding(table, rows({0, 1, 2, 4}), MissingValues::mean);
  CHECK(mean.columns[0].fill == Approx((1 + 3 + 5) / 3.0));
  CHECK(mean.columns[1].fill_category == "red");
  const Matrix X = encode_features(mean, table, rows({1, 2}));
  CHECK(X(0, 0) == Approx(3.0));
  CHECK(X(1, 2) == 1);  // color=red
  const Encoding strict = fit_encoding(table, rows({0, 4}), MissingValues::error);
  CHECK_THROWS_WITH(encode_features(strict, table, rows({1})), Contains("m.csv:3:1: missing value in column \"a\""));
}

TEST_CASE("prepare_split drops rows with missing values and counts them", "[data][encoding]") {
  ember_test::TempDir dir;
  DataOptions options;
  options.path = dir.write("d.csv", "a,b,label\n1,2,x\n,3,y\n4,5,x\n6,NaN,y\n7,8,y\n9,9,x\n");
  options.missing = MissingValues::drop;
  const PreparedSplit split = prepare_split(options, 0.0);
  CHECK(split.dropped_rows == 2);
  CHECK(split.train.size() == 4);
  CHECK(split.record.rows == 4);
  options.missing = MissingValues::error;
  CHECK_THROWS_WITH(prepare_split(options, 0.0), Contains("d.csv:3:1: missing value in column \"a\""));
}

TEST_CASE("a target that is a measurement or an identifier stops with the count", "[data][encoding]") {
  ember_test::TempDir dir;
  std::string continuous = "x,price\n", identifiers = "x,id\n";
  for (int i = 0; i < 100; ++i) {
    continuous += std::to_string(i) + "," + std::to_string(i) + ".25\n";
    identifiers += std::to_string(i) + "," + std::to_string(1000 + i) + "\n";
  }
  DataOptions options;
  options.path = dir.write("price.csv", continuous);
  CHECK_THROWS_WITH(
      prepare_split(options, 0.2),
      Contains("price.csv:1:3: the target column \"price\" holds numbers that are not whole (\"0.25\" at line 2)") &&
          Contains("--target"));
  options.path = dir.write("ids.csv", identifiers);
  CHECK_THROWS_WITH(
      prepare_split(options, 0.0),
      Contains("the target column \"id\" has 100 distinct values in 100 rows") && Contains("--allow-many-classes"));
  options.allow_many_classes = true;
  CHECK(prepare_split(options, 0.0).train.num_classes() == 100);
}

TEST_CASE("a column of numbers with a few words is an error, not a hundred categories", "[data][csv]") {
  std::string text = "a,label\n";
  for (int i = 0; i < 10; ++i) text += std::to_string(i) + ",x\n";
  text += "n/a,y\n";
  CHECK_THROWS_WITH(
      parse_csv_table(text, "w.csv", {}),
      Contains(
          "w.csv:12:1: expected a number in column \"a\", found \"n/a\" (10 of its values are numbers, 1 are not)") &&
          Contains("--categorical a"));
  CHECK_THROWS_WITH(parse_csv_table("a;label\n1,5;x\n2,25;y\n", "eu.csv", {}),
                    Contains("eu.csv:2:1: \"1,5\" in column \"a\" looks like a number with a decimal comma"));
}

TEST_CASE("identifier-like columns and a header of numbers are warned about", "[data][encoding]") {
  std::string text = "id,name,x,label\n";
  for (int i = 0; i < 30; ++i)
    text += std::to_string(100 + i) + ",n" + std::to_string(i) + "," + std::to_string(i % 3) + "," +
            (i % 2 ? "a" : "b") + "\n";
  const std::vector<std::string> warnings = identifier_warnings(parse_csv_table(text, "ids.csv", {}));
  REQUIRE(warnings.size() == 2);
  CHECK_THAT(warnings[0], Contains("column \"id\" looks like an identifier (all 30 values are distinct integers)") &&
                              Contains("--ignore id"));
  CHECK_THAT(warnings[1], Contains("column \"name\" looks like an identifier (all 30 values are distinct texts)"));
  const CsvTable headless = parse_csv_table("1.5,2,0\n3,4,1\n5,6,0\n", "nohead.csv", {});
  REQUIRE(headless.warnings.size() == 1);
  CHECK_THAT(headless.warnings[0],
             Contains("nohead.csv:1: every name in the header row is a number: the file may have no header row"));
}

TEST_CASE("csv_field quotes what RFC 4180 requires, and the reader reads it back", "[data][csv]") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("Cat, domestic") == "\"Cat, domestic\"");
  CHECK(csv_field("dog \"good boy\"") == "\"dog \"\"good boy\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field(" padded") == "\" padded\"");
  CHECK(csv_field("a;b", ';') == "\"a;b\"");
  const std::vector<std::string> names = {"Cat, domestic", "dog \"good boy\"", "two\nlines", "caf\xC3\xA9"};
  std::string text = "x,label\n";
  for (std::size_t i = 0; i < names.size(); ++i) text += std::to_string(i) + "," + csv_field(names[i]) + "\n";
  const CsvTable table = parse_csv_table(text, "q.csv", {});
  CHECK(table.labels == names);
  CHECK(table.lines == std::vector<int>{2, 3, 4, 6});  // the quoted newline makes record 3 two lines long
}

TEST_CASE("sha256_hex gives FIPS 180-4's digests and sha256sum's on every length around a block", "[data][sha256]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Padding is where an implementation goes wrong: every length from 0 to 130 bytes, against coreutils.
  ember_test::TempDir dir;
  for (std::size_t n = 0; n <= 130; ++n) {
    std::string bytes;
    for (std::size_t i = 0; i < n; ++i) bytes += static_cast<char>((i * 37 + n) % 256);
    const std::string path = dir.write("b" + std::to_string(n), bytes);
    FILE* pipe = popen(("sha256sum " + path).c_str(), "r");
    REQUIRE(pipe != nullptr);
    char digest[65] = {};
    REQUIRE(std::fread(digest, 1, 64, pipe) == 64);
    pclose(pipe);
    INFO("length " << n);
    CHECK(sha256_hex(bytes) == std::string(digest));
  }
}
