// CSV reading (src/lab/data/csv.cpp): labels, targets, notation, line ends, quoting, the feature-only
// reader, and every error a user can meet, each checked for its file:line:column.
#include <catch2/catch.hpp>

#include "ember/lab/data/csv.hpp"
#include "test_data_files.hpp"

using namespace ember;
using Catch::Contains;

TEST_CASE("read_csv reads features and sorts string labels into class indices", "[data][csv]") {
  ember_test::TempDir dir;
  const auto path =
      dir.write("flowers.csv", "length,width,species\n1.5,2,virginica\n3,4.25,setosa\n-5,6,versicolor\n7,8,setosa\n");
  const Dataset data = read_csv(path);
  CHECK(data.name == "flowers");
  CHECK(data.size() == 4);
  CHECK(data.num_features() == 2);
  CHECK(data.feature_names == std::vector<std::string>{"length", "width"});
  CHECK(data.class_names == std::vector<std::string>{"setosa", "versicolor", "virginica"});
  CHECK(data.y == std::vector<int>{2, 0, 1, 0});
  CHECK(data.X(0, 0) == Approx(1.5).margin(1e-6));
  CHECK(data.X(1, 1) == Approx(4.25).margin(1e-6));
  CHECK(data.X(2, 0) == Approx(-5.0).margin(1e-6));
}

TEST_CASE("integer labels sort as numbers and keep their values as class names", "[data][csv]") {
  ember_test::TempDir dir;
  const auto path = dir.write("ints.csv", "a,label\n1,10\n2,2\n3,-1\n4,10\n5,+2\n");
  const Dataset data = read_csv(path);
  CHECK(data.class_names == std::vector<std::string>{"-1", "2", "10"});
  CHECK(data.y == std::vector<int>{2, 1, 0, 2, 1});
}

TEST_CASE("the target column can be named or given as a 0-based index", "[data][csv]") {
  ember_test::TempDir dir;
  const auto path = dir.write("t.csv", "a,kind,b\n1,x,2\n3,y,4\n");
  const Dataset by_name = read_csv(path, "kind");
  CHECK(by_name.feature_names == std::vector<std::string>{"a", "b"});
  CHECK(by_name.X(1, 1) == Approx(4.0).margin(1e-6));
  CHECK(by_name.class_names == std::vector<std::string>{"x", "y"});
  const Dataset by_index = read_csv(path, "1");
  CHECK(by_index.feature_names == by_name.feature_names);
  CHECK(by_index.y == by_name.y);
  // With column 0 as the target, "kind" becomes a feature: a text column, one-hot encoded.
  const Dataset kind_feature = read_csv(path, "0");
  CHECK(kind_feature.feature_names == std::vector<std::string>{"kind=x", "kind=y", "b"});
  CHECK(kind_feature.X(1, 1) == 1);
  const Dataset first = read_csv(dir.write("u.csv", "a,b\n1,2\n3,4\n"), "0");  // labels 1 and 3
  CHECK(first.class_names == std::vector<std::string>{"1", "3"});
  CHECK(first.feature_names == std::vector<std::string>{"b"});
}

TEST_CASE("numbers may use scientific notation, signs and surrounding blanks", "[data][csv]") {
  ember_test::TempDir dir;
  const auto path = dir.write("sci.csv", "a,b,c,y\n1e3,-2.5E-2,+4, b \n.5,5.,-0,1\n1e-400,3,3,1\n");
  const Dataset data = read_csv(path);
  CHECK(data.X(0, 0) == Approx(1000.0).margin(1e-3));
  CHECK(data.X(0, 1) == Approx(-0.025).margin(1e-7));
  CHECK(data.X(0, 2) == Approx(4.0).margin(1e-6));
  CHECK(data.X(1, 0) == Approx(0.5).margin(1e-6));
  CHECK(data.X(1, 1) == Approx(5.0).margin(1e-6));
  CHECK(data.X(2, 0) == Approx(0.0).margin(1e-30));               // underflows to zero, not an error
  CHECK(data.class_names == std::vector<std::string>{"1", "b"});  // not all integers: string labels
  // A label with a fraction is a measurement, not a class (encoding.hpp): an error, not a class "0.5".
  CHECK_THROWS_WITH(read_csv(dir.write("half.csv", "a,y\n1,0.5\n2,1\n")), Contains("holds numbers that are not whole"));
}

TEST_CASE("a UTF-8 BOM, CRLF line ends and empty lines at the end are accepted", "[data][csv]") {
  ember_test::TempDir dir;
  const auto path = dir.write("win.csv", "\xEF\xBB\xBFx1,x2,y\r\n1,2,a\r\n3,4,b\r\n\r\n\r\n");
  const Dataset data = read_csv(path);
  CHECK(data.feature_names == std::vector<std::string>{"x1", "x2"});
  CHECK(data.size() == 2);
  CHECK(data.class_names == std::vector<std::string>{"a", "b"});
  // Columns count characters after the BOM, and the CR is not part of the last field.
  const auto bad = dir.write("winbad.csv",
                             "\xEF\xBB\xBF"
                             "a,b,y\r\n1,1e39,q\r\n");
  REQUIRE_THROWS_WITH(read_csv(bad), Contains("winbad.csv:2:3: \"1e39\" in column \"b\" is out of float32 range"));
}

TEST_CASE("quoted fields may hold commas and doubled quotes", "[data][csv]") {
  ember_test::TempDir dir;
  const auto path = dir.write("q.csv", "\"a, in cm\",\"b\",label\n\"1.5\",2,\"big, \"\"red\"\"\"\n3,4,small\n");
  const Dataset data = read_csv(path);
  CHECK(data.feature_names == std::vector<std::string>{"a, in cm", "b"});
  CHECK(data.class_names == std::vector<std::string>{"big, \"red\"", "small"});
  CHECK(data.X(0, 0) == Approx(1.5).margin(1e-6));
}

TEST_CASE("CSV errors name the file, the line and the column", "[data][csv]") {
  ember_test::TempDir dir;
  auto fails = [&](const std::string& content, const std::string& expected, const std::string& target = "") {
    const auto path = dir.write("bad.csv", content);
    REQUIRE_THROWS_AS(read_csv(path, target), DataError);
    REQUIRE_THROWS_WITH(read_csv(path, target), Contains(path + expected));
  };
  SECTION("a row with too few fields") {
    fails("a,b,label\n1,2,x\n3,4\n", ":3:4: expected 3 fields (as in the header), found 2");
  }
  SECTION("a row with too many fields") {
    fails("a,b,label\n1,2,x,9\n", ":2:7: expected 3 fields (as in the header), found 4");
  }
  SECTION("text where a number belongs") {
    fails("a,b,label\n1,abc,x\n2,3,y\n4,5,x\n",
          ":2:3: expected a number in column \"b\", found \"abc\" (2 of its values are numbers, 1 are not)");
  }
  SECTION("an empty numeric field") {
    fails("a,b,label\n1,,x\n", ":2:3: missing value in column \"b\" (an empty field, NA, NaN or ?)");
  }
  SECTION("NaN") { fails("a,b,label\n1,2,x\nnan,2,y\n", ":3:1: missing value in column \"a\""); }
  SECTION("infinity") {
    fails("a,b,label\n1,-inf,x\n", ":2:3: infinity is not allowed in column \"b\", found \"-inf\"");
  }
  SECTION("a number beyond float32") {
    fails("a,b,label\n1e39,2,x\n", ":2:1: \"1e39\" in column \"a\" is out of float32 range");
  }
  SECTION("a number beyond double") {
    fails("a,b,label\n1e999,2,x\n", ":2:1: \"1e999\" in column \"a\" is out of float32 range");
  }
  SECTION("a missing target column") {
    fails("a,b,label\n1,2,x\n", ":1: no target column \"species\"; the header has: a, b, label", "species");
  }
  SECTION("a target index out of range") {
    fails("a,b,label\n1,2,x\n", ":1: target column index 3 is out of range: the header has 3 columns (a, b, label)",
          "3");
  }
  SECTION("a single class") {
    fails("a,label\n1,x\n2,x\n", ":1:3: the target column \"label\" has a single class (\"x\")");
  }
  SECTION("an empty file") { fails("", ":1:1: the file is empty (expected a header row)"); }
  SECTION("a header only") { fails("a,b,label\n", ":2:1: no data rows after the header"); }
  SECTION("an empty line inside the data") { fails("a,label\n1,x\n\n2,y\n", ":3:1: empty line inside the data"); }
  SECTION("an empty label") {
    fails("a,label\n1,\n2,y\n", ":2:3: missing label (an empty field) in the target column \"label\"");
  }
  SECTION("a duplicate column name") {
    fails("a,a,label\n1,2,x\n", ":1:3: duplicate column name \"a\" (also column 1 of the header)");
  }
  SECTION("an empty column name") { fails(",a,label\n0,1,x\n", ":1:1: empty column name in the header"); }
  SECTION("an unterminated quote") { fails("a,label\n\"1,x\n", ":2:1: unterminated quoted field"); }
  SECTION("text after a closing quote") {
    fails("a,label\n\"1\"2,x\n", ":2:4: expected a comma after the closing quote");
  }
  SECTION("only a target column") {
    fails("label\nx\n", ":1:1: the header has a single column \"label\" when split at a comma");
  }
}

TEST_CASE("a missing file and a directory are clear errors", "[data][csv]") {
  ember_test::TempDir dir;
  REQUIRE_THROWS_WITH(read_csv(dir.file("nope.csv")), Contains(dir.file("nope.csv") + ": no such file"));
  REQUIRE_THROWS_WITH(read_csv(dir.path()), Contains(dir.path() + ": is a directory"));
  REQUIRE_THROWS_WITH(read_csv_table(dir.file("nope.csv"), {}), Contains("no such file"));
}

namespace {

CsvOptions features_only(std::vector<std::string> features = {}, std::vector<std::string> ignore = {}) {
  CsvOptions options;
  options.read_target = false;
  options.features = std::move(features);
  options.ignore = std::move(ignore);
  return options;
}

}  // namespace

TEST_CASE("read_csv_table reads selected columns, or all but ignored ones, without a target", "[data][csv]") {
  ember_test::TempDir dir;
  const auto path = dir.write("x.csv", "a,b,c,species\n1,2,3,setosa\n4,5,6,virginica\n");
  SECTION("selected by name, in the order asked") {
    const CsvTable t = read_csv_table(path, features_only({"c", "a"}));
    REQUIRE(t.columns.size() == 2);
    CHECK(t.columns[0].name == "c");
    CHECK(t.rows() == 2);
    CHECK(t.columns[0].numbers[1] == 6.0f);
    CHECK(t.columns[1].numbers[1] == 4.0f);
  }
  SECTION("every column except the ignored ones") {
    const CsvTable t = read_csv_table(path, features_only({}, {"species"}));
    CHECK(t.columns.size() == 3);
    CHECK(t.columns[2].numbers[0] == 3.0f);
  }
  SECTION("every column: a text column is read as text") {
    const CsvTable t = read_csv_table(path, features_only());
    CHECK(t.columns[3].is_text);
    CHECK(t.columns[3].texts == std::vector<std::string>{"setosa", "virginica"});
  }
  SECTION("a selected or ignored column missing from the header") {
    REQUIRE_THROWS_WITH(read_csv_table(path, features_only({"a", "d"})),
                        Contains(path + ":1: --features: no column \"d\"; the header has: a, b, c, species"));
    REQUIRE_THROWS_WITH(read_csv_table(path, features_only({}, {"not-there"})),
                        Contains("--ignore: no column \"not-there\""));
  }
  SECTION("the header alone") { CHECK(read_csv_header(path) == std::vector<std::string>{"a", "b", "c", "species"}); }
}

TEST_CASE("read_csv_table reports ragged rows and a missing body", "[data][csv]") {
  ember_test::TempDir dir;
  const auto ragged = dir.write("r.csv", "a,b\n1,2\n3\n");
  REQUIRE_THROWS_WITH(read_csv_table(ragged, features_only()),
                      Contains(ragged + ":3:2: expected 2 fields (as in the header), found 1"));
  const auto header_only = dir.write("h.csv", "a,b\r\n");
  REQUIRE_THROWS_WITH(read_csv_table(header_only, features_only()), Contains(header_only + ":2:1: no data rows"));
}

TEST_CASE("parse_csv names its source in errors", "[data][csv]") {
  REQUIRE_THROWS_WITH(parse_csv("a,y\n1,p\nx,q\n2,q\n", "memory.csv"), Contains("memory.csv:3:1: expected a number"));
  const Dataset data = parse_csv("a,y\n1,p\n2,q\n", "memory.csv");
  CHECK(data.name == "memory");
  CHECK(data.size() == 2);
}
