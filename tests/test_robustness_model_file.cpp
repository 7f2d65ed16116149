// A model file never makes Ember allocate more than its size justifies: headers that claim terabytes
// in a file of a hundred bytes are a ModelFileError, at once, with the process's peak memory
// (getrusage) barely moving -- through load_safetensors and through load_model, which builds the
// model from the shapes. The same for an IDX header claiming gigabytes. The reader's other checks
// (offsets, dtypes, overflow) are in test_io_safetensors.cpp; fuzzing in tests/fuzz/.
#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <string>

#include "ember/lab/data/idx.hpp"
#include "ember/lab/io/model_file.hpp"
#include "ember/lab/io/safetensors.hpp"
#include "safetensors_bytes.hpp"
#include "test_data_files.hpp"

using Catch::Matchers::Contains;
using ember::ModelFileError;

namespace {

using ember_test::crafted;
using ember_test::u64_le;

std::string entry(const std::string& name, const std::string& shape, const std::string& offsets) {
  return "\"" + name + "\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
}

long peak_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // KiB on Linux
}

// Runs `load`, which must throw a ModelFileError containing `problem`, within a second and with
// the peak resident memory growing by less than 16 MiB.
template <typename Load>
void require_cheap_rejection(Load load, const std::string& problem) {
  INFO("expected problem: " << problem);
  const long before = peak_kib();
  const auto start = std::chrono::steady_clock::now();
  REQUIRE_THROWS_AS(load(), ModelFileError);
  REQUIRE_THROWS_WITH(load(), Contains(problem));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 1.0);
  CHECK(peak_kib() - before < 16 * 1024);
}

}  // namespace

TEST_CASE("A header claiming a 1 TB tensor in a 100-byte file is rejected at once, without allocating",
          "[robustness]") {
  ember_test::TempDir dir;
  // [262144, 1048576] F32 = 2^40 bytes, with offsets that agree with the shape.
  const std::string header = "{" + entry("fc1.weight", "[262144,1048576]", "[0,1099511627776]") + "}";
  const std::string path = dir.write("tb.safetensors", crafted(header, 4));
  require_cheap_rejection([&] { ember::load_safetensors(path); }, "run past the end of the data");
  require_cheap_rejection([&] { ember::load_model(path, "relu"); }, "run past the end of the data");
}

TEST_CASE("Many tensors whose sizes together exceed the file are rejected before any is read", "[robustness]") {
  ember_test::TempDir dir;
  // Each range alone is plausible; together they claim 8 GiB of a file with 64 bytes of data.
  std::string header = "{";
  for (int i = 0; i < 8; ++i) {
    const std::uint64_t begin = std::uint64_t(i) << 30, end = std::uint64_t(i + 1) << 30;
    header += (i ? "," : "") + entry("t" + std::to_string(i), "[268435456]",
                                     "[" + std::to_string(begin) + "," + std::to_string(end) + "]");
  }
  header += "}";
  const std::string path = dir.write("many.safetensors", crafted(header, 64));
  require_cheap_rejection([&] { ember::load_safetensors(path); }, "run past the end of the data");
}

TEST_CASE("A zero-sized layer cannot smuggle in a giant input size through load_model", "[robustness]") {
  ember_test::TempDir dir;
  // fc1.weight [0, 2^40] holds zero bytes, so its byte range is honest; the model it describes is
  // not: a layer of no units. load_model must refuse it before building anything.
  const std::string header =
      "{" + entry("fc1.bias", "[0]", "[0,0]") + "," + entry("fc1.weight", "[0,1099511627776]", "[0,0]") + "}";
  const std::string path = dir.write("zero.safetensors", crafted(header, 0));
  require_cheap_rejection([&] { ember::load_model(path, "relu"); }, path);

  // The same one layer deeper: fc1 maps 2^40 inputs to 0 units, fc2 maps those 0 to 3 classes.
  const std::string deeper = "{" + entry("fc1.bias", "[0]", "[0,0]") + "," +
                             entry("fc1.weight", "[0,1099511627776]", "[0,0]") + "," +
                             entry("fc2.bias", "[3]", "[0,12]") + "," + entry("fc2.weight", "[3,0]", "[12,12]") + "}";
  const std::string path2 = dir.write("zero2.safetensors", crafted(deeper, 12));
  require_cheap_rejection([&] { ember::load_model(path2, "relu"); }, path2);
}

TEST_CASE("A header length just under the format's limit, in a small file, is rejected without reading it",
          "[robustness]") {
  ember_test::TempDir dir;
  const std::string path = dir.write("len.safetensors", u64_le(99'999'999) + "{}");
  require_cheap_rejection([&] { ember::load_safetensors(path); }, "exceeds the file size");
}

TEST_CASE("An IDX header claiming gigabytes costs no more memory than the file", "[robustness]") {
  ember_test::TempDir dir;
  // 8 GiB of pixels announced (the reader's plausibility limit), 16 bytes present.
  const auto be32 = [](std::uint32_t v) {
    return std::string{char(v >> 24), char((v >> 16) & 0xFF), char((v >> 8) & 0xFF), char(v & 0xFF)};
  };
  const std::string path = dir.write(
      "big.idx", std::string("\0\0\x08\x03", 4) + be32(2097152) + be32(64) + be32(64) + std::string(16, '\x01'));
  const long before = peak_kib();
  REQUIRE_THROWS_WITH(ember::read_idx_images(path), Contains("truncated") && Contains("the file has 16"));
  CHECK(peak_kib() - before < 16 * 1024);
}

// ---- metadata that would make a loaded model lie ----

namespace {

// A one-layer, three-class model over two inputs, as Ember saves it.
ember::SafetensorsFile one_layer_model() {
  ember::SafetensorsFile file;
  file.tensors["fc1.weight"] = ember::StoredTensor{{3, 2}, {1, 2, 3, 4, 5, 6}};
  file.tensors["fc1.bias"] = ember::StoredTensor{{3}, {0, 0, 0}};
  file.metadata = {{"format", "pt"}, {"ember.activation", "relu"}};
  return file;
}

// one_layer_model() with `metadata` added to Ember's own.
std::string model_with(const ember_test::TempDir& dir, const std::string& name,
                       const std::map<std::string, std::string>& metadata) {
  ember::SafetensorsFile file = one_layer_model();
  for (const auto& [key, value] : metadata) file.metadata[key] = value;
  const std::string path = dir.file(name);
  ember::save_safetensors(path, file);
  return path;
}

}  // namespace

TEST_CASE("A model file whose class names do not match its outputs is rejected", "[robustness]") {
  ember_test::TempDir dir;
  // Five names for three outputs: `ember eval` would score labels 3 and 4, which no output predicts.
  const std::string five =
      model_with(dir, "five.safetensors", {{"ember.class_names", "[\"a\",\"b\",\"c\",\"d\",\"e\"]"}});
  REQUIRE_THROWS_WITH(ember::load_model(five), Contains(five) && Contains("has 5 names for 3 classes"));
  const std::string two = model_with(dir, "two.safetensors", {{"ember.class_names", "[\"a\",\"b\"]"}});
  REQUIRE_THROWS_WITH(ember::load_model(two), Contains("has 2 names for 3 classes"));
  const std::string three = model_with(dir, "three.safetensors", {{"ember.class_names", "[\"a\",\"b\",\"c\"]"}});
  CHECK(ember::load_model(three).info.class_names.size() == 3);
}

TEST_CASE("A model file with a NaN or infinite weight is rejected, naming the tensor", "[robustness]") {
  ember_test::TempDir dir;
  ember::SafetensorsFile file = one_layer_model();
  const std::string path = dir.file("m.safetensors");
  ember::save_safetensors(path, file);
  CHECK(ember::load_model(path).model->num_classes() == 3);
  file.tensors["fc1.weight"].data[4] = std::numeric_limits<float>::quiet_NaN();
  file.tensors["fc1.bias"].data[0] = std::numeric_limits<float>::infinity();
  file.tensors["fc1.bias"].data[2] = -std::numeric_limits<float>::infinity();
  ember::save_safetensors(path, file);
  REQUIRE_THROWS_WITH(
      ember::load_model(path),
      Contains(path) && Contains("tensor \"fc1.bias\" has 2 values that are not finite numbers (NaN or infinity)"));
  file.tensors["fc1.bias"].data = {0, 0, 0};
  ember::save_safetensors(path, file);
  REQUIRE_THROWS_WITH(ember::load_model(path),
                      Contains("tensor \"fc1.weight\" has 1 value that is not a finite number (NaN or infinity)"));
}

TEST_CASE("A model file with a zero, negative or infinite standardization is rejected", "[robustness]") {
  ember_test::TempDir dir;
  const auto with = [&](const std::string& name, const std::string& mean, const std::string& stddev) {
    return model_with(dir, name, {{"ember.standardize_mean", mean}, {"ember.standardize_std", stddev}});
  };
  // Standardizer::fit never stores a 0; a file that does would turn every input into inf or NaN.
  const std::string zero = with("zero.safetensors", "[0, 1]", "[1, 0]");
  REQUIRE_THROWS_WITH(ember::load_model(zero), Contains(zero) && Contains("standardization of input 1 is not usable"));
  REQUIRE_THROWS_AS(ember::load_model(with("neg.safetensors", "[0, 1]", "[-1, 1]")), ModelFileError);
  REQUIRE_THROWS_AS(ember::load_model(with("inf.safetensors", "[1e39, 1]", "[1, 1]")), ModelFileError);
  CHECK(ember::load_model(with("ok.safetensors", "[0, 1]", "[1, 0.5]")).info.stddev == std::vector<float>{1, 0.5f});
}
