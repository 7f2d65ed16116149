// The numbers on a user's own file (issue 12): eval and predict find columns by name and remember
// the training run (data, seed, split, encodings), predict writes RFC 4180 CSV, targets that are
// not classes stop, a semicolon file trains, datasets --export round-trips, and `ember info` tells.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "cli_runner.hpp"
#include "ember/lab/data/builtin.hpp"
#include "ember/lab/data/csv.hpp"

using Catch::Contains;
using ember_test::read_file;
using ember_test::run_ember;
using ember_test::TempDir;
using nlohmann::json;

namespace {

const std::string iris = std::string(EMBER_SOURCE_DIR) + "/data/iris.csv";

// iris.csv with its columns in the order `order` (indices into the header), written to `path`.
std::string reorder_columns(const TempDir& dir, const std::string& name, const std::vector<std::size_t>& order) {
  std::stringstream in(read_file(iris));
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::stringstream split(line);
    std::string field;
    while (std::getline(split, field, ',')) fields.push_back(field);
    for (std::size_t k = 0; k < order.size(); ++k) out += (k ? "," : "") + fields[order[k]];
    out += "\n";
  }
  return dir.write(name, out);
}

json run_json(const std::string& args) {
  const auto result = run_ember(args);
  INFO(args << "\n" << result.err);
  REQUIRE(result.status == 0);
  return json::parse(result.out);
}

}  // namespace

TEST_CASE("eval on the training file, without --seed, scores exactly the training run's test rows", "[cli][columns]") {
  TempDir dir;
  const std::string data = dir.write("train.csv", read_file(iris)), model = dir.file("m.safetensors");
  const json trained = run_json("train --data " + data + " --seed 5 --epochs 30 --save " + model + " --json");
  const json evaluated = run_json("eval --model " + model + " --data " + data + " --json");
  CHECK(evaluated["samples"] == 30);
  CHECK(evaluated["accuracy"].get<double>() == Approx(trained["final"]["test_accuracy"].get<double>()).margin(1e-12));
  CHECK(evaluated["loss"].get<double>() == Approx(trained["final"]["test_loss"].get<double>()).epsilon(1e-5));
  CHECK_THAT(evaluated["rows"].get<std::string>(),
             Contains("the test rows of the training run (seed 5, test split 0.2)"));
  // No data options at all: the recorded file.
  const json recorded = run_json("eval --model " + model + " --json");
  CHECK(recorded["accuracy"] == evaluated["accuracy"]);
  // An explicit --seed wins, and the sentence says what that means.
  const auto other_seed = run_ember("eval --model " + model + " --data " + data + " --seed 1");
  CHECK_THAT(other_seed.out, Contains("drawn with seed 1") && Contains("some of these rows may have been trained on"));
  // A built-in dataset: the recorded seed too.
  const std::string builtin = dir.file("b.safetensors");
  const json trained_builtin =
      run_json("train --dataset moons --samples 300 --seed 7 --epochs 5 --save " + builtin + " --json");
  const json evaluated_builtin = run_json("eval --model " + builtin + " --dataset moons --json");
  CHECK(evaluated_builtin["samples"] == 60);
  CHECK(evaluated_builtin["accuracy"].get<double>() ==
        Approx(trained_builtin["final"]["test_accuracy"].get<double>()).margin(1e-12));
}

TEST_CASE("reordered columns give the same eval accuracy and the same predictions", "[cli][columns]") {
  TempDir dir;
  const std::string data = dir.write("train.csv", read_file(iris)), model = dir.file("m.safetensors");
  REQUIRE(run_ember("train --data " + data + " --epochs 30 --save " + model).status == 0);
  const std::string reordered = reorder_columns(dir, "reordered.csv", {4, 2, 0, 3, 1});
  const json original = run_json("eval --model " + model + " --data " + data + " --test-split 0 --json");
  const json shuffled = run_json("eval --model " + model + " --data " + reordered + " --json");
  CHECK(shuffled["samples"] == 150);  // another file: every row, and it says so
  CHECK_THAT(shuffled["rows"].get<std::string>(),
             Contains("every row of " + reordered + " (not the data the model trained on)"));
  CHECK(shuffled["accuracy"] == original["accuracy"]);
  CHECK(shuffled["loss"].get<double>() == Approx(original["loss"].get<double>()).epsilon(1e-6));
  CHECK(original["accuracy"].get<double>() > 0.7);  // a trained model, or equal accuracies would prove little
  CHECK(run_ember("predict --model " + model + " --data " + reordered).out ==
        run_ember("predict --model " + model + " --data " + data).out);
}

TEST_CASE("a renamed column makes predict and eval fail, naming it", "[cli][columns]") {
  TempDir dir;
  const std::string model = dir.file("m.safetensors");
  REQUIRE(run_ember("train --data " + iris + " --epochs 2 --save " + model).status == 0);
  std::string text = read_file(iris);
  text.replace(text.find("petal_width"), 11, "pw");
  text.replace(text.find("sepal_length"), 12, "sl");
  const std::string renamed = dir.write("renamed.csv", text);
  for (const std::string command : {"predict", "eval"}) {
    const auto result = run_ember(command + " --model " + model + " --data " + renamed);
    INFO(command);
    CHECK(result.status == 1);
    CHECK_THAT(result.err, Contains("2 of them are not in the file's header: \"sepal_length\", \"petal_width\""));
    CHECK(result.out.empty());
  }
}

TEST_CASE("predict writes RFC 4180 CSV that Python's csv module reads back, and --keep copies columns",
          "[cli][columns]") {
  TempDir dir;
  const std::vector<std::string> names = {"Cat, domestic", "dog \"good boy\"", "caf\xC3\xA9 cr\xC3\xA8me"};
  std::string text = "id,x1,x2,animal\n";
  for (int i = 0; i < 60; ++i) {
    const int c = i % 3;
    text += "row" + std::to_string(i) + "," + std::to_string(c * 2 + (i % 5) * 0.1) + "," +
            std::to_string(-c + (i % 7) * 0.05) + "," + ember::csv_field(names[static_cast<std::size_t>(c)]) + "\n";
  }
  const std::string data = dir.write("animals.csv", text), model = dir.file("m.safetensors");
  const auto trained = run_ember("train --data " + data + " --ignore id --epochs 150 --lr 0.01 --save " + model);
  REQUIRE(trained.status == 0);
  const std::string predictions = dir.file("p.csv");
  REQUIRE(
      run_ember("predict --model " + model + " --data " + data + " --keep id,animal --output " + predictions).status ==
      0);
  // Ember's own reader: the quoted class names come back whole.
  ember::CsvOptions options;
  options.target = "prediction";
  options.features = {"id"};
  const ember::CsvTable table = ember::read_csv_table(predictions, options);
  CHECK(table.header == std::vector<std::string>{"id", "animal", "prediction", "prob_Cat, domestic",
                                                 "prob_caf\xC3\xA9 cr\xC3\xA8me", "prob_dog \"good boy\""});
  REQUIRE(table.rows() == 60);
  int right = 0;
  for (std::size_t i = 0; i < 60; ++i) right += table.labels[i] == names[i % 3];
  CHECK(right >= 54);
  CHECK(table.columns[0].texts[7] == "row7");
  // Python's csv module, when there is a Python.
  if (std::system("/usr/bin/python3 -c 'import csv' 2>/dev/null") != 0) {
    WARN("no /usr/bin/python3: the check with Python's csv module is skipped");
    return;
  }
  const std::string script = dir.write(
      "read.py",
      "import csv, sys\n"
      "rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))\n"
      "assert len(rows) == 61 and all(len(r) == 6 for r in rows), [len(r) for r in rows]\n"
      "assert rows[0][3:] == ['prob_Cat, domestic', 'prob_caf\\u00e9 cr\\u00e8me', 'prob_dog \"good boy\"'], rows[0]\n"
      "assert sum(r[1] == r[2] for r in rows[1:]) >= 54\n"
      "assert rows[2][1] == 'dog \"good boy\"' and rows[3][1] == 'caf\\u00e9 cr\\u00e8me'\n");
  CHECK(std::system(("/usr/bin/python3 " + script + " " + predictions).c_str()) == 0);
}

TEST_CASE("a continuous target or an ID given as --target stops, naming the count", "[cli][columns]") {
  TempDir dir;
  std::string text = "id,x,price\n";
  for (int i = 0; i < 500; ++i)
    text += std::to_string(i) + "," + std::to_string(i % 17) + "," + std::to_string(i * 1.5 + 0.25) + "\n";
  const std::string data = dir.write("houses.csv", text);
  const auto price = run_ember("train --data " + data + " --epochs 1");
  CHECK(price.status == 1);
  CHECK_THAT(price.err,
             Contains("the target column \"price\" holds numbers that are not whole") && Contains("--target"));
  const auto id = run_ember("train --data " + data + " --target id --epochs 1");
  CHECK(id.status == 1);
  CHECK_THAT(id.err, Contains("the target column \"id\" has 500 distinct values in 500 rows"));
  const auto allowed = run_ember("train --data " + data + " --target x --epochs 1 --allow-many-classes");
  CHECK(allowed.status == 0);
}

TEST_CASE("a semicolon file trains, and a header of numbers is warned about", "[cli][columns]") {
  TempDir dir;
  std::string semicolons = read_file(iris);
  std::replace(semicolons.begin(), semicolons.end(), ',', ';');
  const std::string data = dir.write("iris_semicolons.csv", semicolons);
  const auto trained = run_ember("train --data " + data + " --epochs 100 --json");
  REQUIRE(trained.status == 0);
  CHECK(json::parse(trained.out)["final"]["test_accuracy"].get<double>() > 0.85);
  CHECK_THAT(trained.err,
             Contains("data: " + data + ", 120 training rows, 30 test rows, 4 inputs from 4 columns, 3 classes"));
  const std::string headless = dir.write("headless.csv", "5.1,3.5,0\n4.9,3.0,1\n4.7,3.2,0\n4.6,3.1,1\n");
  const auto warned = run_ember("train --data " + headless + " --epochs 1 --test-split 0");
  CHECK_THAT(warned.err, Contains("the file may have no header row"));
}

TEST_CASE("one-hot and mean filling round-trip through save, info and predict", "[cli][columns]") {
  TempDir dir;
  std::string text = "age,color,label\n";
  std::string complete = text;
  const char* colors[] = {"red", "blue", "green"};
  for (int i = 0; i < 90; ++i) {
    const std::string age = std::to_string(20 + (i * 7) % 40), color = colors[(i / 2) % 3];
    const std::string label = (i / 2) % 3 == 0 ? "warm" : "cold";
    text +=
        (i % 10 == 3 ? std::string("NA") : age) + "," + (i % 10 == 6 ? std::string("") : color) + "," + label + "\n";
    complete += age + "," + color + "," + label + "\n";
  }
  const std::string data = dir.write("people.csv", text), model = dir.file("m.safetensors");
  const auto trained = run_ember("train --data " + data + " --missing mean --epochs 20 --save " + model);
  REQUIRE(trained.status == 0);
  CHECK_THAT(trained.err, Contains("4 inputs from 2 columns (one-hot encoding of 1 text column added 2)") &&
                              Contains("missing values filled with the training means"));
  const json info = run_json("info " + model + " --json");
  CHECK(info["encoding"]["missing"] == "mean");
  CHECK(info["encoding"]["columns"][1]["categories"] == json({"blue", "green", "red"}));
  CHECK(info["features"] == json({"age", "color=blue", "color=green", "color=red"}));
  CHECK(info["training_data"]["seed"] == 0);
  const double age_mean = info["encoding"]["columns"][0]["fill"].get<double>();
  const std::string colour_fill = info["encoding"]["columns"][1]["fill"].get<std::string>();
  // The same rows with the stored fill values written in predict the same probabilities.
  std::string filled = "color,age,extra\n";  // another order, and a column the model never saw
  std::stringstream lines(text);
  std::string line;
  std::getline(lines, line);
  char age_text[32];
  std::snprintf(age_text, sizeof age_text, "%.9g", age_mean);
  while (std::getline(lines, line)) {
    const std::string age = line.substr(0, line.find(',')), rest = line.substr(line.find(',') + 1);
    const std::string color = rest.substr(0, rest.find(','));
    filled += (color.empty() ? colour_fill : color) + "," + (age == "NA" ? std::string(age_text) : age) + ",zzz\n";
  }
  const auto from_missing = run_ember("predict --model " + model + " --data " + data);
  const auto from_filled = run_ember("predict --model " + model + " --data " + dir.write("filled.csv", filled));
  REQUIRE(from_missing.status == 0);
  REQUIRE(from_filled.status == 0);
  CHECK(from_missing.out == from_filled.out);
  // An unseen category: an error naming it, or all zeros with --unknown ignore.
  const std::string purple = dir.write("purple.csv", "age,color\n30,purple\n");
  const auto unknown = run_ember("predict --model " + model + " --data " + purple);
  CHECK(unknown.status == 1);
  CHECK_THAT(unknown.err,
             Contains("purple.csv:2:4: category \"purple\" of column \"color\" was not in the training data "
                      "(known: blue, green, red)"));
  CHECK(run_ember("predict --model " + model + " --data " + purple + " --unknown ignore").status == 0);
  const auto text_info = run_ember("info " + model);
  CHECK_THAT(text_info.out, Contains("color: one-hot, 3 categories (blue, green, red), missing -> ") &&
                                Contains("training data   " + data + " (SHA-256 "));
}

TEST_CASE("missing drop leaves rows out of training and gives them empty predictions", "[cli][columns]") {
  TempDir dir;
  const std::string data = dir.write("d.csv", "a,b,label\n1,2,x\n,3,y\n4,5,x\n6,7,y\n8,?,x\n9,1,y\n"),
                    model = dir.file("m.safetensors");
  const auto strict = run_ember("train --data " + data + " --epochs 1");
  CHECK(strict.status == 1);
  CHECK_THAT(strict.err, Contains(data + ":3:1: missing value in column \"a\"") && Contains("--missing drop"));
  const auto dropped = run_ember("train --data " + data + " --missing drop --test-split 0 --epochs 1 --save " + model);
  REQUIRE(dropped.status == 0);
  CHECK_THAT(dropped.err, Contains("4 training rows") && Contains("dropped 2 rows with missing values"));
  const auto predicted = run_ember("predict --model " + model + " --data " + data);
  REQUIRE(predicted.status == 0);
  std::stringstream lines(predicted.out);
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  REQUIRE(rows.size() == 7);
  CHECK(rows[2] == ",");  // prediction and prob_y both empty
  CHECK(rows[5] == ",");
  CHECK(rows[1].size() > 2);
}

TEST_CASE("datasets --export writes a CSV that --data reads back bit for bit", "[cli][columns]") {
  TempDir dir;
  const std::string file = dir.file("moons.csv");
  const auto exported = run_ember("datasets --export moons " + file + " --samples 200 --noise 0.3 --seed 4");
  REQUIRE(exported.status == 0);
  ember::DataOptions options;
  options.dataset = "moons";
  options.samples = 200;
  options.noise = 0.3;
  options.seed = 4;
  const ember::Dataset generated = ember::load_builtin(options);
  const ember::Dataset read_back = ember::read_csv(file);
  CHECK(read_back.X == generated.X);  // exact: every float32 printed with 9 digits
  CHECK(read_back.y == generated.y);
  CHECK(read_back.feature_names == generated.feature_names);
  const std::string wine = dir.file("wine.csv");
  REQUIRE(run_ember("datasets --export wine " + wine).status == 0);
  CHECK(ember::read_csv(wine).X == ember::load_builtin([] {
                                     ember::DataOptions o;
                                     o.dataset = "wine";
                                     return o;
                                   }())
                                       .X);
  CHECK(run_ember("datasets --export nope " + file).status == 2);
}

TEST_CASE("ember info prints the architecture, the classes and the training data, in text and JSON", "[cli][columns]") {
  TempDir dir;
  const std::string model = dir.file("m.safetensors");
  REQUIRE(run_ember("train --dataset iris --hidden 8 --epochs 2 --seed 3 --save " + model).status == 0);
  const auto text = run_ember("info " + model);
  REQUIRE(text.status == 0);
  CHECK_THAT(text.out, Contains("fc1.weight [8, 4], fc1.bias [8], fc2.weight [3, 8], fc2.bias [3]") &&
                           Contains("parameters      67") && Contains("softmax over 3 classes") &&
                           Contains("classes         setosa, versicolor, virginica") &&
                           Contains("training data   built-in iris, 150 rows; seed 3, test split 0.2"));
  const json info = run_json("info " + model + " --json");
  CHECK(info["parameters"] == 67);
  CHECK(info["hidden"] == json({8}));
  CHECK(info["training_data"]["source"]["dataset"] == "iris");
  CHECK(info["ember_version"].is_string());
  CHECK(run_ember("info").status == 2);
}

TEST_CASE("a model file from before the column records still loads, predicts by name and evaluates", "[cli][columns]") {
  // tests/reference/models/ember_mymodel_4_3_before_columns.safetensors: the Ember fixture as the
  // previous format wrote it (feature names, target and standardization; no source, seed or encodings).
  const std::string old = std::string(EMBER_TEST_DATA_DIR) + "/models/ember_mymodel_4_3_before_columns.safetensors";
  const auto info = run_ember("info " + old);
  REQUIRE(info.status == 0);
  CHECK_THAT(info.out, Contains("training data   not recorded") && Contains("encodings       none"));
  TempDir dir;
  const std::string reordered = reorder_columns(dir, "reordered.csv", {4, 3, 2, 1, 0});
  const auto original = run_ember("predict --model " + old + " --data " + iris);
  REQUIRE(original.status == 0);
  CHECK(run_ember("predict --model " + old + " --data " + reordered).out == original.out);
  const auto evaluated = run_ember("eval --model " + old + " --data " + iris + " --test-split 0");
  REQUIRE(evaluated.status == 0);
  CHECK_THAT(evaluated.out,
             Contains("scored 150 rows: the test rows of " + iris) && Contains("does not record its training data"));
  // With no data named, there is nothing recorded to fall back on: a usage error, not a guess.
  CHECK(run_ember("eval --model " + old).status == 2);
  // eval has no standardization option of its own: the model's is applied.
  CHECK(run_ember("eval --model " + old + " --data " + iris + " --no-standardize").status == 2);
}
