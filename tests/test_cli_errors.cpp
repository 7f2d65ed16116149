// Every error path of the `ember` command line, run as a user runs it: the exit status (2 for a
// usage error, 1 for any other failure) and one message on stderr naming the option, or the file
// (with line and column for CSV), at fault -- once, with no stack trace, no "terminate called", and
// nothing on stdout. Cases already in test_cli_train.cpp (ragged CSV, unknown activation, missing
// --model, ...) are not repeated here. Saving under signals and a full disk: test_robustness_saving.cpp.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "cli_runner.hpp"

using ember_test::CliResult;
using ember_test::count_of;
using ember_test::read_file;
using ember_test::run_ember;
using ember_test::TempDir;

namespace {

// The shape every failure must have. `command` is "train", "eval", ...; `says` must appear exactly
// once in stderr, inside the one "ember <command>:" message.
void check_one_message(const CliResult& r, const std::string& command, int status, const std::string& says) {
  INFO("stderr: " << r.err);
  CHECK(r.status == status);
  CHECK(count_of(r.err, says) == 1);
  CHECK(count_of(r.err, "ember " + command + ":") == 1);
  if (status == 2) CHECK(r.err.find("(see 'ember " + command + " --help')") != std::string::npos);
  if (status == 1) CHECK(r.err.find("ember " + command + ": error: ") != std::string::npos);
  for (const char* noise : {"terminate called", "what():", "Aborted", "Sanitizer", "runtime error:", "std::", "#0 "}) {
    CHECK(r.err.find(noise) == std::string::npos);
  }
  // Plain ASCII quotes: cxxopts' curly ones (U+2018, U+2019) are replaced in every message.
  CHECK(r.err.find("\xE2\x80\x98") == std::string::npos);
  CHECK(r.err.find("\xE2\x80\x99") == std::string::npos);
  CHECK(r.out.empty());
}

struct Case {
  std::string args;
  int status;
  std::string says;
};

void check_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    INFO("ember " << c.args);
    check_one_message(run_ember(c.args), c.args.substr(0, c.args.find(' ')), c.status, c.says);
  }
}

// A small iris model (3 classes, features sepal_length..petal_width), trained once per test case.
std::string iris_model(const TempDir& dir) {
  const std::string path = dir.file("iris.safetensors");
  REQUIRE(run_ember("train --dataset iris --epochs 2 --save " + path).status == 0);
  return path;
}

}  // namespace

TEST_CASE("Usage errors in the data options exit 2 and name the option", "[cli]") {
  TempDir dir;
  const std::string csv = dir.write("d.csv", "a,b,label\n1,2,x\n3,4,y\n");
  const std::string torch_model = std::string(EMBER_TEST_DATA_DIR) + "/models/torch_mymodel_4_3.safetensors";
  check_cases({
      {"train --dataset iris --data " + csv, 2, "give --dataset or --data, not both"},
      {"train --dataset iris --samples 10", 2, "--samples does not apply to iris"},
      {"train --dataset iris --noise 0.1", 2, "--noise does not apply to iris"},
      {"train --dataset iris --data-dir " + dir.path(), 2, "--data-dir does not apply to iris"},
      {"train --data " + csv + " --samples 10", 2, "--samples does not apply"},
      {"train --dataset moons --samples 0", 2, "--samples must be at least 1, got 0"},
      {"train --dataset moons --noise -1", 2, "--noise must be >= 0"},
      {"train --dataset iris --target species", 2, "--target applies to --data FILE.csv only"},
      {"train --dataset nosuch", 2, "unknown dataset \"nosuch\""},
      {"train --dataset iris --seed -1", 2, "--seed: expected a whole number >= 0, got \"-1\""},
      {"train --dataset iris --test-split abc", 2, "--test-split: expected a number, got \"abc\""},
      {"train --dataset iris --test-split -0.1", 2, "--test-split must be in [0, 1)"},
      {"eval --model " + torch_model + " --activation relu --dataset iris --samples 5", 2,
       "--samples does not apply to iris"},
      {"compare --dataset iris --noise 1", 2, "--noise does not apply to iris"},
  });
}

TEST_CASE("Usage errors in the model and training options exit 2 and name the option", "[cli]") {
  check_cases({
      {"train --dataset iris --epochs abc", 2, "--epochs: expected a whole number, got \"abc\""},
      {"train --dataset iris --epochs=1.5", 2, "--epochs: expected a whole number, got \"1.5\""},
      {"train --dataset iris --lr fast", 2, "--lr: expected a number, got \"fast\""},
      {"train --dataset iris --epochs", 2, "epochs"},
      {"train --dataset iris --batch-size 0", 2, "--batch-size must be at least 1"},
      {"train --dataset iris --lr -1", 2, "--lr must be >= 0"},
      {"train --dataset iris --momentum 0.9", 2, "--momentum applies to --optimizer sgd only"},
      {"train --dataset iris --optimizer sgd --momentum -1", 2, "--momentum must be >= 0"},
      {"train --dataset iris --weight-decay -1", 2, "--weight-decay must be >= 0"},
      {"train --dataset iris --threads 0", 2, "--threads must be at least 1"},
      {"compare --dataset iris --jobs 0", 2, "--jobs must be at least 1"},
      {"compare --dataset iris --jobs two", 2, "--jobs: expected a whole number, got \"two\""},
      {"train --dataset iris --init-scheme lecun", 2, "unknown init scheme \"lecun\""},
      {"train --dataset iris --activation leaky_relu:abc", 2, "\"abc\" is not a number"},
      {"train --dataset iris --activation softplus:-1", 2, "beta must be positive"},
      {"train --dataset iris --hidden 0", 2, "--hidden: \"0\" is not a positive layer size"},
      {"train --dataset iris --hidden 64,,32", 2, "--hidden: \"\" is not a positive layer size"},
      {"train --dataset iris --hidden ''", 2, "--hidden: give at least one hidden layer size (e.g. 64,32)"},
      {"train --dataset iris --hidden=", 2, "--hidden: give at least one hidden layer size (e.g. 64,32)"},
      {"compare --hidden ''", 2, "--hidden: give at least one hidden layer size (e.g. 64,32)"},
      {"train --dataset iris --classes -1", 2, "--classes must be at least 1, got -1"},
      {"train --dataset iris --classes 2", 2, "--classes 2"},
      {"train --dataset iris stray", 2, "unexpected argument \"stray\""},
  });
}

TEST_CASE("Usage errors of eval, predict, compare and datasets exit 2 and name the option", "[cli]") {
  TempDir dir;
  const std::string model = std::string(EMBER_TEST_DATA_DIR) + "/models/torch_mymodel_4_3.safetensors";
  const std::string csv = dir.write("x.csv", "a,b,c,d\n1,2,3,4\n");
  check_cases({
      {"eval --model " + model + " --dataset iris --activation sparkle", 2,
       "--activation: unknown activation \"sparkle\""},
      {"predict --data " + csv, 2, "--model FILE is required"},
      {"predict --model " + model, 2, "--data FILE.csv is required"},
      {"predict --model " + model + " --data " + csv + " --activation nope", 2, "unknown activation \"nope\""},
      {"predict --model " + model + " --data " + csv + " --activation relu --output " + dir.path(), 2,
       "is a directory"},
      {"compare --seeds 0", 2, "--seeds must be at least 1"},
      {"compare --seeds x", 2, "--seeds: expected a whole number, got \"x\""},
      {"compare --target-loss 0.1 --target-accuracy 0.9", 2, "give --target-loss or --target-accuracy, not both"},
      {"compare --activations ''", 2, "--activations: give at least one activation"},
      {"compare --activations relu,,tanh", 2, "--activations: unknown activation \"\""},
      {"compare --activations relu,tanh,relu", 2, "--activations: \"relu\" is given twice"},
      {"compare --activations leaky_relu,tanh,leaky_relu:0.01", 2,
       "--activations: \"leaky_relu:0.01\" is the same activation as \"leaky_relu\""},
      {"datasets extra", 2, "unexpected argument \"extra\""},
      {"train --dataset iris --epochs 1 --save " + dir.path(), 2, "--save " + dir.path() + ": is a directory"},
  });
  // No command at all: the usage text, on stderr, and status 2.
  const CliResult none = run_ember("");
  CHECK(none.status == 2);
  CHECK(none.out.empty());
  CHECK(none.err.find("usage: ember <command>") != std::string::npos);
}

TEST_CASE("A misspelt option is a usage error that suggests the nearest option", "[cli]") {
  check_cases({
      {"train --dataset iris --epohcs 5", 2, "unknown option --epohcs; did you mean --epochs?"},
      {"train --dataset iris --epohcs=5", 2, "unknown option --epohcs; did you mean --epochs?"},
      {"train --dataset iris --batch_size 8", 2, "unknown option --batch_size; did you mean --batch-size?"},
      {"train --datset iris", 2, "unknown option --datset; did you mean --dataset?"},
      {"compare --activatons relu,tanh", 2, "unknown option --activatons; did you mean --activations?"},
      {"eval --modle m.safetensors --dataset iris", 2, "unknown option --modle; did you mean --model?"},
      {"predict --dat x.csv", 2, "unknown option --dat; did you mean --data?"},
      {"datasets --hepl", 2, "unknown option --hepl; did you mean --help?"},
      {"train --dataset iris epochs 5", 2, "unexpected argument \"epochs\"; did you mean --epochs?"},
  });
  // Nothing near: no guess, only the option and the pointer to --help.
  const CliResult far = run_ember("train --dataset iris --frobnicate");
  check_one_message(far, "train", 2, "unknown option --frobnicate");
  CHECK(far.err.find("did you mean") == std::string::npos);
  const CliResult letter = run_ember("train --dataset iris -x");
  check_one_message(letter, "train", 2, "unknown option -x");
  CHECK(letter.err.find("did you mean") == std::string::npos);
  // cxxopts' other complaints keep their words, with plain quotes (checked in check_one_message).
  check_one_message(run_ember("train --dataset iris --epochs"), "train", 2, "Option 'epochs' is missing an argument");
}

TEST_CASE("A misspelt command is a usage error that suggests the nearest command", "[cli]") {
  const CliResult r = run_ember("trian --dataset iris");
  INFO("stderr: " << r.err);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(count_of(r.err, "ember: unknown command 'trian'; did you mean 'ember train'?") == 1);
  CHECK(r.err.find("(see 'ember --help')") != std::string::npos);
  const CliResult compar = run_ember("compar");
  CHECK(compar.status == 2);
  CHECK(compar.err.find("did you mean 'ember compare'?") != std::string::npos);
  // Nothing near: the list of commands instead of a guess.
  const CliResult far = run_ember("fly");
  CHECK(far.status == 2);
  CHECK(far.err.find("did you mean") == std::string::npos);
  CHECK(far.err.find("usage: ember <command>") != std::string::npos);
}

TEST_CASE("CSV files a user can get wrong fail with status 1 and file:line:column", "[cli]") {
  TempDir dir;
  const std::string empty = dir.write("empty.csv", "");
  const std::string header_only = dir.write("header.csv", "a,b,label\n");
  const std::string nan = dir.write("nan.csv", "a,b,label\n1,2,x\nnan,4,y\n");
  const std::string inf = dir.write("inf.csv", "a,b,label\n1,2,x\n3,1e39,y\n");
  const std::string quote = dir.write("quote.csv", "a,b,label\n1,2,x\n3,\"4,y\n");
  const std::string gap = dir.write("gap.csv", "a,b,label\n1,2,x\n\n3,4,y\n");
  const std::string duplicate = dir.write("dup.csv", "a,b,a\n1,2,x\n");
  const std::string no_label = dir.write("nolabel.csv", "a,b,label\n1,2,x\n3,4,\n");
  const std::string good = dir.write("good.csv", "a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n");
  check_cases({
      {"train --data " + dir.path(), 1, dir.path() + ": is a directory, expected a CSV file"},
      {"train --data " + empty, 1, empty + ":1:1: the file is empty"},
      {"train --data " + header_only, 1, header_only + ":2:1: no data rows after the header"},
      {"train --data " + nan, 1, nan + ":3:1: missing value in column \"a\""},
      {"train --data " + inf, 1, inf + ":3:3: \"1e39\" in column \"b\" is out of float32 range"},
      {"train --data " + quote, 1, quote + ":3:3: unterminated quoted field"},
      {"train --data " + gap, 1, gap + ":3:1: empty line inside the data"},
      {"train --data " + duplicate, 1, duplicate + ":1:5: duplicate column name \"a\""},
      {"train --data " + no_label, 1, no_label + ":3:5: missing label (an empty field)"},
      {"train --data " + good + " --target nosuch", 1, "no target column \"nosuch\"; the header has: a, b, label"},
      {"train --data " + good + " --target 7", 1, "target column index 7 is out of range"},
      {"compare --data " + nan + " --epochs 1", 1, nan + ":3:1"},
  });
}

TEST_CASE("predict with inputs that do not fit the model fails with status 1 and names the file", "[cli]") {
  TempDir dir;
  const std::string model = iris_model(dir);
  const std::string missing_column = dir.write("three.csv", "sepal_length,sepal_width,petal_length\n5.1,3.5,1.4\n");
  const std::string nan =
      dir.write("nan.csv", "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n5,nan,1,1\n");
  const std::string text =
      dir.write("text.csv", "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,big,0.2\n");
  check_cases({
      {"predict --model " + model + " --data " + missing_column, 1,
       missing_column +
           ": the model reads 4 columns by name, and 1 of them is not in the file's header: \"petal_width\""},
      {"predict --model " + model + " --data " + nan, 1, nan + ":3:3: missing value in column \"sepal_width\""},
      {"predict --model " + model + " --data " + text, 1, text + ":2:9: expected a number in column \"petal_length\""},
      {"predict --model " + model + " --data " + dir.file("absent.csv"), 1, dir.file("absent.csv") + ": no such file"},
      {"predict --model " + model + " --data " + dir.path(), 1, dir.path() + ": is a directory"},
      {"predict --model " + model + " --data " + missing_column + " --output " + dir.file("no/p.csv"), 1,
       "--output " + dir.file("no/p.csv") + ": cannot write into directory"},
  });
  CHECK_FALSE(std::filesystem::exists(dir.file("no")));
}

TEST_CASE("eval with data that does not fit the model fails with status 1 and says why", "[cli]") {
  TempDir dir;
  const std::string model = iris_model(dir);
  const std::string header = "sepal_length,sepal_width,petal_length,petal_width,species\n";
  const std::string unknown = dir.write("daisy.csv", header + "5.1,3.5,1.4,0.2,setosa\n5,3,1,1,daisy\n");
  const std::string narrow = dir.write("narrow.csv", "a,b,species\n1,2,setosa\n3,4,virginica\n");
  check_cases({
      {"eval --model " + model + " --data " + unknown + " --test-split 0", 1,
       "the data has class \"daisy\", which the model does not know (its classes: setosa, versicolor, virginica)"},
      {"eval --model " + model + " --data " + narrow + " --test-split 0", 1, "4 of them are not in the file's header"},
      {"eval --model " + model + " --dataset moons", 1, "the data has 2 features, the model expects 4"},
  });
}

TEST_CASE(
    "Model files that are missing, truncated, of the wrong shape or not model files fail with status 1 "
    "and name the file",
    "[cli]") {
  TempDir dir;
  const std::string model = iris_model(dir);
  const std::string bytes = read_file(model);
  const std::string half = dir.write("half.safetensors", bytes.substr(0, bytes.size() / 2));
  const std::string short_data = dir.write("short.safetensors", bytes.substr(0, bytes.size() - 4));
  const std::string csv_model = dir.write("model.csv", "a,b,label\n1,2,x\n");
  const std::string png =
      dir.write("model.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0", 29));
  const std::string input = dir.write("in.csv", "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n");
  const std::string absent = dir.file("absent.safetensors");
  check_cases({
      {"predict --model " + half + " --data " + input, 1, "model file '" + half + "'"},
      {"eval --model " + half + " --dataset iris", 1, "model file '" + half + "'"},
      {"predict --model " + short_data + " --data " + input, 1, "run past the end of the data"},
      {"eval --model " + short_data + " --dataset iris", 1, "run past the end of the data"},
      {"predict --model " + csv_model + " --data " + input, 1,
       csv_model + ": not an Ember/safetensors model file (it is text"},
      {"eval --model " + png + " --dataset iris", 1, png + ": not an Ember/safetensors model file (it is a PNG image)"},
      {"train --dataset iris --init " + csv_model, 1, csv_model + ": not an Ember/safetensors model file"},
      {"predict --model " + absent + " --data " + input, 1, "model file '" + absent + "': cannot open"},
      {"eval --model " + dir.path() + " --dataset iris", 1, "model file '" + dir.path() + "'"},
      {"train --dataset iris --init " + absent, 1, "model file '" + absent + "': cannot open"},
      {"train --dataset iris --init " + half, 1, "model file '" + half + "'"},
      // The right file for another model: 64,32 hidden units where 8 are asked for; 3 classes where moons has 2.
      {"train --dataset iris --hidden 8 --init " + model, 1,
       "--init " + model +
           ": load_state_dict: \"fc1.weight\" has shape [64, 4] in the state dict, the model expects [8, 4]"},
      {"train --dataset moons --init " + model, 1, "--init " + model + ": load_state_dict"},
  });
}

TEST_CASE("Outputs that cannot be written fail before the work, with status 1 and the option", "[cli]") {
  TempDir dir;
  const std::string missing = dir.file("no/such/dir");
  check_cases({
      {"train --dataset iris --log " + missing + "/log.csv", 1,
       "--log " + missing + "/log.csv: cannot write into directory"},
      {"train --dataset iris --save " + missing + "/m.safetensors", 1,
       "--save " + missing + "/m.safetensors: cannot write"},
      {"compare --dataset iris --epochs 1 --plot " + missing + "/p.svg", 1,
       "--plot " + missing + "/p.svg: cannot write"},
      {"compare --dataset iris --epochs 1 --csv " + missing + "/c.csv", 1, "--csv " + missing + "/c.csv: cannot write"},
      {"compare --dataset iris --epochs 1 --csv " + dir.path(), 2, "--csv " + dir.path() + ": is a directory"},
  });
  // A path through a regular file: the system's reason, named.
  const std::string file = dir.write("plain", "x");
  check_one_message(run_ember("train --dataset iris --epochs 1 --save " + file + "/m.safetensors"), "train", 1,
                    "cannot write into directory " + file + ": Not a directory");
}

TEST_CASE("Fashion-MNIST errors name the folder and the package", "[cli]") {
  TempDir dir;
  check_cases({
      {"train --dataset fashion_mnist --data-dir " + dir.path(), 1, "apt-get install dataset-fashion-mnist"},
  });
  if (std::filesystem::exists("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz")) {
    check_cases(
        {{"train --dataset fashion_mnist --samples 70000", 2, "--samples for fashion_mnist must be in 1..60000"}});
  }
  // A damaged IDX file: named, with what is wrong.
  const std::string fake = dir.path() + "/fake";
  std::filesystem::create_directories(fake);
  for (const char* name : {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                           "t10k-labels-idx1-ubyte.gz"}) {
    std::ofstream(fake + "/" + name, std::ios::binary) << std::string("\0\0\x08\x03\0\0\0\x02", 8);
  }
  check_cases({{"train --dataset fashion_mnist --data-dir " + fake, 1,
                fake + "/train-images-idx3-ubyte.gz: truncated IDX header"}});
}

TEST_CASE("A request for more memory than the machine has is one clear message, not std::bad_alloc", "[cli]") {
  // Under AddressSanitizer a failed allocation aborts unless allocator_may_return_null is set: set it,
  // so that this checks Ember's message and not the sanitizer's policy.
  TempDir capture;
  const std::string command = "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}allocator_may_return_null=1\" " +
                              std::string(EMBER_BINARY) + " train --dataset moons --samples 99999999999999 >" +
                              capture.file("out") + " 2>" + capture.file("err") + " </dev/null";
  const int raw = std::system(command.c_str());
  CliResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = read_file(capture.file("out"));
  r.err = read_file(capture.file("err"));
  // The sanitizer's own warning about the failed allocation is not Ember's output.
  r.err = std::regex_replace(r.err, std::regex("==[0-9]+==WARNING: AddressSanitizer failed to allocate[^\n]*\n"), "");
  check_one_message(r, "train", 1, "out of memory");
  CHECK(r.err.find("--samples") != std::string::npos);
}
