// Tests for src/lab/io/model_file.cpp: model files cross between PyTorch and Ember in both directions.
//   PyTorch → Ember: files written by tests/reference/make_model_files.py load with an activation
//   named by the caller and give PyTorch's probabilities (models/torch_mymodel_expected.json).
//   Ember → PyTorch: models/ember_mymodel_4_3.safetensors, written by this file's fixture writer,
//   loads into PyTorch's MyModel with strict=True; make_nn_reference.py stores PyTorch's probabilities
//   (nn_reference.json, "ember_file"). Ember must still write those exact bytes from the same seed.
// Regenerate the Ember fixture (after an intended change of format or initialization) with
//   EMBER_WRITE_FIXTURES=1 ./build/ember_tests "[io]"  &&  /usr/bin/python3 tests/reference/make_nn_reference.py
// The byte-level reader's own checks (bad headers, offsets, dtypes) are in test_io_safetensors.cpp.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "ember/lab/io/model_file.hpp"
#include "ember/lab/io/safetensors.hpp"
#include "reference_data.hpp"

using ember::Generator;
using ember::Tensor;
using reference::json;
namespace fs = std::filesystem;
namespace nn = ember::nn;

namespace {

const std::string kModels = std::string(EMBER_TEST_DATA_DIR) + "/models/";
const std::string kEmberFixture = kModels + "ember_mymodel_4_3.safetensors";

json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return json::parse(in);
}

const json& nn_reference() {
  static const json document = read_json(std::string(EMBER_TEST_DATA_DIR) + "/nn_reference.json");
  return document;
}

const json& torch_expected() {
  static const json document = read_json(kModels + "torch_mymodel_expected.json");
  return document;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Where a safetensors file's JSON header ends: 8 + its little-endian u64 length.
std::uint64_t header_end(const std::string& bytes) {
  std::uint64_t length = 0;
  for (int i = 7; i >= 0 && bytes.size() >= 8; --i)
    length = length * 256 + static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  return 8 + length;
}

// A scratch directory, removed with everything in it at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    // The process id keeps parallel test processes (ctest -j) apart; the counter, tests in one process.
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("ember_test_nn_model_file_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

// A JSON matrix ([[...], ...]) as a tensor.
Tensor matrix_of(const json& rows) {
  ember::Matrix m(static_cast<ember::Index>(rows.size()), static_cast<ember::Index>(rows.at(0).size()));
  for (ember::Index r = 0; r < m.rows(); ++r)
    for (ember::Index c = 0; c < m.cols(); ++c)
      m(r, c) = rows[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)].get<float>();
  return Tensor::from_matrix(m);
}

ember::ModelInfo make_info(std::vector<std::string> classes, std::vector<std::string> features, std::vector<float> mean,
                           std::vector<float> stddev, std::string target = "") {
  ember::ModelInfo info;
  info.class_names = std::move(classes);
  info.feature_names = std::move(features);
  info.mean = std::move(mean);
  info.stddev = std::move(stddev);
  info.target_name = std::move(target);
  return info;
}

// The Ember fixture: what `ember train` would save for an iris-like model, seeded.
struct EmberFixture {
  Generator gen{2024};
  nn::MyModel model{4, 3, gen};  // relu, hidden {64, 32}: the article's model
  ember::ModelInfo info =
      make_info({"setosa", "versicolor", "virginica"}, {"sepal_length", "sepal_width", "petal_length", "petal_width"},
                {5.843333f, 3.057333f, 3.758f, 1.199333f}, {0.825301f, 0.434411f, 1.759404f, 0.759693f}, "species");
};

}  // namespace

// ---- PyTorch → Ember ----

TEST_CASE("Model files written by PyTorch load with a named activation and give PyTorch's probabilities", "[io]") {
  const json& expected = torch_expected();
  const Tensor x = matrix_of(expected.at("input"));
  REQUIRE(expected.at("models").size() == 2);
  for (const auto& [file, m] : expected.at("models").items()) {
    INFO(file);
    const ember::LoadedModel loaded = ember::load_model(kModels + file, "relu");
    CHECK_FALSE(loaded.activation_recorded);
    const nn::MyModel& model = *loaded.model;
    CHECK(model.input_size() == m.at("input_size").get<ember::Index>());
    CHECK(model.num_classes() == m.at("num_classes").get<ember::Index>());
    CHECK(model.hidden() == m.at("hidden").get<std::vector<ember::Index>>());
    // The tensors arrive bit for bit.
    const nn::StateDict state = model.state_dict();
    for (const char* name : {"fc1.bias", "fc3.bias"}) {
      INFO(name);
      REQUIRE(state.at(name).numel() == static_cast<ember::Index>(m.at(name).size()));
      for (ember::Index i = 0; i < state.at(name).numel(); ++i)
        CHECK(state.at(name).at(i) == m.at(name)[static_cast<std::size_t>(i)].get<float>());
    }
    // PyTorch's probabilities, to 1e-6.
    const Tensor p = loaded.model->forward(x);
    const Tensor want = matrix_of(m.at("probabilities"));
    REQUIRE(p.shape() == want.shape());
    for (ember::Index i = 0; i < p.numel(); ++i) {
      INFO("element " << i);
      CHECK(p.value().data()[i] == Approx(want.value().data()[i]).epsilon(1e-6).margin(1e-6));
    }
  }
}

TEST_CASE("Loading a PyTorch file without naming an activation is a clear error", "[io]") {
  CHECK_THROWS_AS(ember::load_model(kModels + "torch_mymodel_4_3.safetensors"), ember::ModelFileError);
  CHECK_THROWS_WITH(ember::load_model(kModels + "torch_mymodel_4_3.safetensors"),
                    Catch::Contains("torch_mymodel_4_3.safetensors") && Catch::Contains("activation"));
  CHECK_THROWS_WITH(ember::load_model(kModels + "torch_mymodel_4_3.safetensors", "sparkle"),
                    Catch::Contains("torch_mymodel_4_3.safetensors") && Catch::Contains("sparkle"));
}

// ---- Ember → PyTorch ----

TEST_CASE("Ember writes the committed fixture byte for byte from the same seed", "[io]") {
  EmberFixture fixture;
  if (std::getenv("EMBER_WRITE_FIXTURES") != nullptr) {
    ember::save_model(kEmberFixture, fixture.model, fixture.info);
    WARN("wrote " << kEmberFixture << "; now run tests/reference/make_nn_reference.py");
  }
  TempDir dir;
  ember::save_model(dir.file("model.safetensors"), fixture.model, fixture.info);
  const std::string committed = read_bytes(kEmberFixture);
  const std::string written = read_bytes(dir.file("model.safetensors"));
  REQUIRE_FALSE(committed.empty());
  // Compared by offset, not printed: a failure names the first differing byte, not 10 KB of binary.
  const auto [at_written, at_committed] =
      std::mismatch(written.begin(), written.end(), committed.begin(), committed.end());
  const auto first_difference = static_cast<long>(at_written - written.begin());
  INFO("written " << written.size() << " bytes, committed " << committed.size() << "; first difference at byte "
                  << first_difference << " (the JSON header ends at byte " << header_end(committed) << ")");
  CHECK(written.size() == committed.size());
  CHECK((at_written == written.end() && at_committed == committed.end()));
}

TEST_CASE("An Ember file loads into PyTorch strictly, and PyTorch's probabilities equal Ember's", "[io]") {
  REQUIRE(nn_reference().contains("ember_file"));  // else: write the fixture, rerun make_nn_reference.py
  const json& reference = nn_reference().at("ember_file");
  // PyTorch saw exactly the six parameters: strict=True left nothing over and nothing missing.
  CHECK(reference.at("tensor_names") ==
        json({"fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight", "fc3.bias", "fc3.weight"}));
  CHECK(reference.at("metadata").at("format") == "pt");

  const ember::LoadedModel loaded = ember::load_model(kEmberFixture);
  CHECK(loaded.activation_recorded);
  const Tensor x = reference::tensor_of(reference.at("input"));
  const Tensor p = loaded.model->forward(x);
  reference::check_shape(p.shape(), reference.at("probabilities").at("shape"), "probabilities");
  reference::check_values(p.value(), reference.at("probabilities").at("values"), "Ember vs PyTorch probabilities",
                          {1e-6, 1e-6});
  // And the freshly built model (not read back) computes the same; the metadata came through.
  EmberFixture fixture;
  CHECK(fixture.model(x).value() == p.value());
  CHECK(loaded.info.class_names == fixture.info.class_names);
  CHECK(loaded.info.feature_names == fixture.info.feature_names);
  CHECK(loaded.info.mean == fixture.info.mean);
  CHECK(loaded.info.stddev == fixture.info.stddev);
  CHECK(loaded.info.target_name == "species");
  CHECK(reference.at("metadata").at("ember.class_names") == "[\"setosa\",\"versicolor\",\"virginica\"]");
}

TEST_CASE("A saved model loads back with its activation, sizes, weights and metadata", "[io]") {
  Generator gen(9);
  nn::MyModel model(3, 1, gen, "leaky_relu:0.05", {7, 5, 4});
  const ember::ModelInfo info = make_info({"no", "yes"}, {"a", "b", "c"}, {0.5f, -1, 2}, {1, 2, 0.25f}, "label");
  TempDir dir;
  ember::save_model(dir.file("m.safetensors"), model, info);
  const ember::LoadedModel loaded = ember::load_model(dir.file("m.safetensors"));
  CHECK(loaded.activation_recorded);
  CHECK(loaded.model->activation().spec() == "leaky_relu:0.05");
  CHECK(loaded.model->hidden() == std::vector<ember::Index>{7, 5, 4});
  CHECK(loaded.model->num_classes() == 1);
  CHECK(loaded.info.class_names == info.class_names);
  CHECK(loaded.info.feature_names == info.feature_names);
  CHECK(loaded.info.mean == info.mean);
  CHECK(loaded.info.stddev == info.stddev);
  CHECK(loaded.info.target_name == "label");
  const auto a = model.state_dict(), b = loaded.model->state_dict();
  for (const auto& [name, t] : a) CHECK(b.at(name).value() == t.value());
}

// ---- errors ----

TEST_CASE("load_model names the problem: a missing fc2.bias, a broken chain of shapes, an extra tensor", "[io]") {
  const ember::SafetensorsFile original = ember::load_safetensors(kModels + "torch_mymodel_4_3.safetensors");
  TempDir dir;
  auto load_modified = [&](const std::string& name, const std::function<void(ember::SafetensorsFile&)>& edit) {
    ember::SafetensorsFile file = original;
    edit(file);
    const std::string path = dir.file(name);
    ember::save_safetensors(path, file);
    return [path] { return ember::load_model(path, "relu"); };
  };

  const auto missing = load_modified("missing.safetensors", [](auto& f) { f.tensors.erase("fc2.bias"); });
  CHECK_THROWS_AS(missing(), ember::ModelFileError);
  CHECK_THROWS_WITH(missing(), Catch::Contains("missing.safetensors") && Catch::Contains("\"fc2.bias\"") &&
                                   Catch::Contains("missing"));

  const auto chain = load_modified("chain.safetensors", [](auto& f) {
    f.tensors["fc2.weight"] = ember::StoredTensor{{32, 60}, std::vector<float>(32 * 60, 0.5f)};
  });
  CHECK_THROWS_WITH(chain(), Catch::Contains("chain.safetensors") && Catch::Contains("fc2.weight") &&
                                 Catch::Contains("60") && Catch::Contains("64"));

  const auto extra = load_modified("extra.safetensors", [](auto& f) {
    f.tensors["temperature"] = ember::StoredTensor{{1}, {2.0f}};
  });
  CHECK_THROWS_WITH(extra(), Catch::Contains("extra.safetensors") && Catch::Contains("\"temperature\""));

  // An extra name that looks like a layer is named too.
  const auto stray = load_modified("stray.safetensors", [](auto& f) {
    f.tensors["fc5.bias"] = ember::StoredTensor{{3}, {1, 2, 3}};
  });
  CHECK_THROWS_WITH(stray(), Catch::Contains("\"fc5.bias\""));

  const auto bias = load_modified("bias.safetensors", [](auto& f) {
    f.tensors["fc3.bias"] = ember::StoredTensor{{4}, {1, 2, 3, 4}};
  });
  CHECK_THROWS_WITH(bias(), Catch::Contains("fc3.bias") && Catch::Contains("[3]"));

  const auto empty = load_modified("empty.safetensors", [](auto& f) { f.tensors.clear(); });
  CHECK_THROWS_WITH(empty(), Catch::Contains("fc1.weight"));

  const auto standardization = load_modified("std.safetensors", [](auto& f) {
    f.metadata["ember.standardize_mean"] = "[1, 2]";
    f.metadata["ember.standardize_std"] = "[1, 2]";
  });
  CHECK_THROWS_WITH(standardization(), Catch::Contains("standardization"));
}
