// The dataset registry (src/lab/data/builtin.cpp): every name loads with the advertised shape, the
// embedded CSVs equal data/, options that do not apply are refused, and train/test is reproducible.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "ember/lab/data/builtin.hpp"
#include "ember/lab/data/embedded.hpp"
#include "ember/lab/data/split.hpp"
#include "test_data_files.hpp"

using namespace ember;
using Catch::Contains;

namespace {

DataOptions named(const std::string& name) {
  DataOptions options;
  options.dataset = name;
  return options;
}

}  // namespace

TEST_CASE("every listed dataset except fashion_mnist loads with its advertised size", "[data][builtin]") {
  const auto infos = list_datasets();
  REQUIRE(infos.size() == 10);
  for (const DatasetInfo& info : infos) {
    if (info.name == "fashion_mnist") continue;  // tested with the IDX reader
    INFO(info.name);
    const Dataset data = load_builtin(named(info.name));
    CHECK(data.name == info.name);
    CHECK(data.size() == info.samples);
    CHECK(data.num_features() == info.features);
    CHECK(data.num_classes() == info.classes);
    CHECK(static_cast<Index>(data.feature_names.size()) == info.features);
    CHECK_FALSE(info.source.empty());
  }
}

TEST_CASE("the shipped datasets have their class names and counts", "[data][builtin]") {
  const Dataset iris = load_builtin(named("iris"));
  CHECK(iris.class_names == std::vector<std::string>{"setosa", "versicolor", "virginica"});
  CHECK(iris.feature_names.front() == "sepal_length");
  CHECK(class_counts(iris) == std::vector<Index>{50, 50, 50});
  CHECK(iris.X(0, 0) == Approx(5.1).margin(1e-6));
  const Dataset cancer = load_builtin(named("breast_cancer"));
  CHECK(cancer.class_names == std::vector<std::string>{"benign", "malignant"});
  CHECK(class_counts(cancer) == std::vector<Index>{357, 212});
  CHECK(class_counts(load_builtin(named("wine"))) == std::vector<Index>{59, 71, 48});
  const Dataset digits = load_builtin(named("digits"));
  CHECK(digits.class_names.back() == "9");
  CHECK(digits.X.maxCoeff() == 16.0f);
}

TEST_CASE("the embedded CSV text equals the files in data/", "[data][builtin]") {
  for (const char* name : {"iris", "wine", "breast_cancer", "digits"}) {
    INFO(name);
    std::ifstream file(std::string(EMBER_SOURCE_DIR) + "/data/" + name + ".csv", std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    CHECK(embedded_csv(name) == text.str());
  }
  CHECK(embedded_csv("no_such").empty());
}

TEST_CASE("generated datasets follow samples, noise, classes and seed", "[data][builtin]") {
  DataOptions options = named("spiral");
  options.samples = 500;
  options.classes = 5;
  options.seed = 3;
  const Dataset a = load_builtin(options);
  CHECK(a.size() == 500);
  CHECK(a.num_classes() == 5);
  CHECK(a.X == load_builtin(options).X);
  options.seed = 4;
  CHECK(a.X != load_builtin(options).X);
  options = named("moons");
  options.noise = 0.0;
  const Dataset m = load_builtin(options);
  CHECK(m.X.row(0).norm() <= 2.3);  // on the arcs, not scattered
}

TEST_CASE("an unknown name and inapplicable options are errors that say why", "[data][builtin]") {
  CHECK_THROWS_WITH(load_builtin(named("mnist")),
                    Contains("unknown dataset \"mnist\"") && Contains("moons, circles") && Contains("fashion_mnist"));
  DataOptions options = named("iris");
  options.noise = 0.3;
  CHECK_THROWS_WITH(load_builtin(options), Contains("--noise does not apply to iris"));
  options = named("iris");
  options.classes = 2;
  CHECK_THROWS_WITH(load_builtin(options), Contains("--classes 2 does not match iris, which has 3 classes"));
  options = named("moons");
  options.classes = 3;
  CHECK_THROWS_WITH(load_builtin(options), Contains("--classes 3 does not match moons"));
  options = named("moons");
  options.path = "x.csv";
  CHECK_THROWS_WITH(load_dataset(options), Contains("either --dataset or --data"));
  CHECK_THROWS_WITH(load_dataset(DataOptions{}), Contains("give --dataset NAME or --data FILE.csv"));
  // Each is an error in the options, which the CLI reports as a usage error (exit 2).
  CHECK_THROWS_AS(load_dataset(options), ember::DataOptionError);
  CHECK_THROWS_AS(load_builtin(named("mnist")), ember::DataOptionError);
  options = named("iris");
  options.noise = 0.3;
  CHECK_THROWS_AS(load_builtin(options), ember::DataOptionError);
}

TEST_CASE("An error in the data itself is a DataError, not a DataOptionError", "[data][builtin]") {
  ember_test::TempDir dir;
  DataOptions options;
  options.path = dir.write("ragged.csv", "a,b,label\n1,2,x\n3,y\n");
  try {
    load_dataset(options);
    FAIL("a ragged CSV loaded");
  } catch (const ember::DataOptionError& e) {
    FAIL("reported as an option error: " << e.what());
  } catch (const ember::DataError& e) {
    CHECK_THAT(e.what(), Contains("ragged.csv:3"));
  }
}

TEST_CASE("load_dataset reads a CSV file with its target", "[data][builtin]") {
  ember_test::TempDir dir;
  DataOptions options;
  options.path = dir.write("d.csv", "kind,a,b\nx,1,2\ny,3,4\n");
  options.target = "kind";
  const Dataset data = load_dataset(options);
  CHECK(data.feature_names == std::vector<std::string>{"a", "b"});
  options.samples = 10;
  CHECK_THROWS_WITH(load_dataset(options), Contains("--samples does not apply to " + options.path));
}

TEST_CASE("load_train_test gives the same split for the same options and seed", "[data][builtin]") {
  DataOptions options = named("moons");
  options.seed = 12;
  const auto [train, test] = load_train_test(options, 0.25);
  CHECK(train.size() == 750);
  CHECK(test.size() == 250);
  CHECK(class_counts(test) == std::vector<Index>{125, 125});
  const auto [train2, test2] = load_train_test(options, 0.25);
  CHECK(test.X == test2.X);
  CHECK(train.y == train2.y);
  // The same points as load_dataset: generation comes first from the same seed.
  CHECK(load_dataset(options).size() == 1000);
  const auto [all, none] = load_train_test(options, 0.0);
  CHECK(all.X == load_dataset(options).X);
  CHECK(none.size() == 0);
  CHECK_THROWS_WITH(load_train_test(options, 1.0), Contains("the test split must be in [0, 1)"));
}
