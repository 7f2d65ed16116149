// Tests for src/lab/io/safetensors.cpp and src/lab/io/atomic_file.cpp: round trips, PyTorch's files
// (tests/reference/make_model_files.py), every malformed header the reader must reject with a clear
// message, and saves that fail without harming the previous file.
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ember/lab/io/atomic_file.hpp"
#include "ember/lab/io/safetensors.hpp"
#include "safetensors_bytes.hpp"

using Catch::Matchers::Contains;
using ember::ModelFileError;
using ember::SafetensorsFile;
using ember::StoredTensor;
namespace fs = std::filesystem;

namespace {

// A fresh directory per test, removed at the end.
struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path =
        fs::temp_directory_path() / ("ember_test_io_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ignored);
    fs::remove_all(path, ignored);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

using ember_test::crafted;
using ember_test::u64_le;

// A header with one F32 entry: name, shape and offsets given as JSON text.
std::string one_entry(const std::string& name, const std::string& shape, const std::string& offsets) {
  return "{\"" + name + "\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}";
}

SafetensorsFile small_model() {
  SafetensorsFile file;
  file.tensors["fc1.weight"] = StoredTensor{{2, 3}, {1.f, -2.f, 3.5f, 0.f, -0.f, 1e-30f}};
  file.tensors["fc1.bias"] = StoredTensor{{2}, {0.25f, -0.75f}};
  file.tensors["scale"] = StoredTensor{{}, {42.f}};  // a scalar: shape [], one value
  file.tensors["empty"] = StoredTensor{{0, 3}, {}};  // zero elements, zero bytes
  file.metadata = {{"format", "pt"}, {"ember.activation", "leaky_relu:0.05"}, {"ember.note", "naïve \"quoted\""}};
  return file;
}

void require_same(const SafetensorsFile& a, const SafetensorsFile& b) {
  REQUIRE(a.metadata == b.metadata);
  REQUIRE(a.tensors.size() == b.tensors.size());
  for (const auto& [name, tensor] : a.tensors) {
    INFO("tensor " << name);
    REQUIRE(b.tensors.count(name) == 1);
    CHECK(b.tensors.at(name).shape == tensor.shape);
    CHECK(b.tensors.at(name).data == tensor.data);
  }
}

// Loading `bytes` must throw a ModelFileError naming the file and containing `problem`.
void require_rejected(const std::string& bytes, const std::string& problem) {
  TempDir dir;
  const std::string path = dir.file("bad.safetensors");
  write_bytes(path, bytes);
  INFO("expected problem: " << problem);
  REQUIRE_THROWS_AS(ember::load_safetensors(path), ModelFileError);
  REQUIRE_THROWS_WITH(ember::load_safetensors(path), Contains(path) && Contains(problem));
}

std::size_t count_entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

// ---- round trips and layout ----

TEST_CASE("A saved model file loads back with the same tensors and metadata", "[io]") {
  TempDir dir;
  const SafetensorsFile original = small_model();
  ember::save_safetensors(dir.file("m.safetensors"), original);
  require_same(original, ember::load_safetensors(dir.file("m.safetensors")));
  CHECK(count_entries(dir.path) == 1);  // no temporary file left behind
}

TEST_CASE("A saved file has a padded header and tensors laid out in name order", "[io]") {
  TempDir dir;
  ember::save_safetensors(dir.file("m.safetensors"), small_model());
  const std::string bytes = read_bytes(dir.file("m.safetensors"));
  std::uint64_t length = 0;
  for (std::size_t i = 8; i-- > 0;) length = (length << 8) | static_cast<unsigned char>(bytes[i]);
  CHECK(length % 8 == 0);
  const auto header = nlohmann::json::parse(bytes.substr(8, length));
  CHECK(header["__metadata__"]["format"] == "pt");
  CHECK(header["empty"]["data_offsets"] == nlohmann::json::array({0, 0}));
  CHECK(header["fc1.bias"]["data_offsets"] == nlohmann::json::array({0, 8}));
  CHECK(header["fc1.weight"]["data_offsets"] == nlohmann::json::array({8, 32}));
  CHECK(header["scale"]["shape"] == nlohmann::json::array());
  CHECK(header["scale"]["data_offsets"] == nlohmann::json::array({32, 36}));
  CHECK(bytes.size() == 8 + length + 36);
}

TEST_CASE("A file with no tensors and no metadata round-trips", "[io]") {
  TempDir dir;
  ember::save_safetensors(dir.file("empty.safetensors"), SafetensorsFile{});
  const SafetensorsFile loaded = ember::load_safetensors(dir.file("empty.safetensors"));
  CHECK(loaded.tensors.empty());
  CHECK(loaded.metadata.empty());
}

// ---- files written by PyTorch ----

TEST_CASE("PyTorch's MyModel files load with PyTorch's names, shapes and values", "[io]") {
  const std::string models = std::string(EMBER_TEST_DATA_DIR) + "/models/";
  std::ifstream expected_file(models + "torch_mymodel_expected.json");
  REQUIRE(expected_file);
  const auto expected = nlohmann::json::parse(expected_file);
  for (const char* name : {"torch_mymodel_4_3.safetensors", "torch_mymodel_4_1.safetensors"}) {
    INFO(name);
    const auto& model = expected["models"][name];
    const SafetensorsFile file = ember::load_safetensors(models + name);
    CHECK(file.metadata == std::map<std::string, std::string>{{"format", "pt"}});
    const std::int64_t classes = model["num_classes"];
    const std::map<std::string, std::vector<std::int64_t>> shapes = {
        {"fc1.weight", {64, 4}},       {"fc1.bias", {64}},     {"fc2.weight", {32, 64}}, {"fc2.bias", {32}},
        {"fc3.weight", {classes, 32}}, {"fc3.bias", {classes}}};
    REQUIRE(file.tensors.size() == shapes.size());
    for (const auto& [tensor, shape] : shapes) {
      REQUIRE(file.tensors.count(tensor) == 1);
      CHECK(file.tensors.at(tensor).shape == shape);
    }
    // The JSON holds each float32 exactly (as a double), so the comparison is exact.
    CHECK(file.tensors.at("fc1.bias").data == model["fc1.bias"].get<std::vector<float>>());
    CHECK(file.tensors.at("fc3.bias").data == model["fc3.bias"].get<std::vector<float>>());
    std::vector<float> fc3_weight;
    for (const auto& row : model["fc3.weight"]) {
      for (const auto& value : row) fc3_weight.push_back(value.get<float>());
    }
    CHECK(file.tensors.at("fc3.weight").data == fc3_weight);
  }
}

TEST_CASE("Re-saving PyTorch's file reproduces it byte for byte", "[io]") {
  TempDir dir;
  const std::string original = std::string(EMBER_TEST_DATA_DIR) + "/models/torch_mymodel_4_3.safetensors";
  ember::save_safetensors(dir.file("copy.safetensors"), ember::load_safetensors(original));
  const std::string copy = read_bytes(dir.file("copy.safetensors"));
  CHECK(copy.size() == read_bytes(original).size());
  CHECK((copy == read_bytes(original)));  // parenthesized: Catch would print the binary content
}

// ---- malformed files ----

TEST_CASE("Files too short or with an impossible header length are rejected", "[io]") {
  require_rejected("", "too short");
  require_rejected(std::string(7, '\0'), "too short");
  const std::string header = one_entry("a", "[1]", "[0,4]");
  // One byte more than the file holds.
  require_rejected(u64_le(header.size() + 5) + header + std::string(4, '\0'), "exceeds the file size");
}

TEST_CASE("A huge declared header length in a tiny file is rejected without allocating it", "[io]") {
  // Were the reader to trust these lengths it would throw std::bad_alloc or std::length_error (not a
  // ModelFileError) or be killed for memory: the length is checked against the file size first.
  require_rejected(u64_le(std::uint64_t{1} << 40) + "{}", "exceeds the file size");
  require_rejected(u64_le(~std::uint64_t{0}) + "{}", "exceeds the file size");
}

TEST_CASE("A file that is not a safetensors file at all is called that, not a bad header length", "[io]") {
  const std::string not_model = ": not an Ember/safetensors model file (";
  require_rejected("a,b,label\n1,2,x\n3,4,y\n", not_model + "it is text, beginning \"a,b,label\")");
  require_rejected("hello, world\n", not_model + "it is text, beginning \"hello, world\")");
  require_rejected("caf\xC3\xA9,th\xC3\xA9,label\n",
                   not_model + "it is text, beginning \"caf\xC3\xA9,th\xC3\xA9,label\")");
  require_rejected(std::string(70, 'x') + "\n",
                   not_model + "it is text, beginning \"" + std::string(40, 'x') + "...\")");
  require_rejected(std::string(16, '\xff'), not_model + "its first 8 bytes are not the length");
  const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89", 33);
  require_rejected(png, not_model + "it is a PNG image)");
  const std::string zip("PK\x03\x04\x14\0\0\0\x08\0archive/data.pkl", 26);  // what torch.save writes
  require_rejected(
      zip,
      not_model + "it is a zip archive, as torch.save writes: save the state dict with safetensors.torch.save_file)");
  require_rejected(std::string("\x7f"
                               "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0",
                               16),
                   not_model + "its first 8 bytes are not the length of a JSON header that follows them)");
  // A safetensors file whose length is wrong but whose header is there is corrupt, and said so.
  const std::string header = "{}";
  require_rejected(u64_le(1000) + header, "header length 1000 exceeds the file size (10 bytes)");
}

TEST_CASE("A header that is not a JSON object is rejected", "[io]") {
  require_rejected(crafted("{not json", 0), "not valid JSON");
  require_rejected(crafted("", 0), "not valid JSON");
  require_rejected(crafted("[1, 2]", 0), "not a JSON object");
  require_rejected(crafted("{\"a\": \"\xff\xfe\"}", 0), "not valid JSON");  // invalid UTF-8
  require_rejected(crafted("{} trailing", 0), "not valid JSON");
}

TEST_CASE("Tensor entries with missing fields or wrong JSON types are rejected, naming the tensor", "[io]") {
  require_rejected(crafted("{\"w\": 5}", 0), "tensor 'w': entry is not a JSON object");
  require_rejected(crafted("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor 'w': missing \"dtype\"");
  require_rejected(crafted("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "tensor 'w': missing \"shape\"");
  require_rejected(crafted("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "tensor 'w': missing \"data_offsets\"");
  require_rejected(crafted("{\"w\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                   "\"dtype\" is not a string");
  require_rejected(crafted(one_entry("w", "4", "[0,16]"), 16), "tensor 'w': \"shape\" is not an array");
  require_rejected(crafted(one_entry("w", "[1.5]", "[0,4]"), 4), "\"shape\" is not an array of integers");
  require_rejected(crafted(one_entry("w", "[\"1\"]", "[0,4]"), 4), "\"shape\" is not an array of integers");
  require_rejected(crafted(one_entry("w", "[1]", "[0]"), 4), "tensor 'w': \"data_offsets\" is not a pair");
  require_rejected(crafted(one_entry("w", "[1]", "[0,4,8]"), 8), "\"data_offsets\" is not a pair");
  require_rejected(crafted(one_entry("w", "[1]", "[-4,0]"), 4), "\"data_offsets\" is not a pair of non-negative");
  require_rejected(crafted(one_entry("w", "[1]", "[0.0,4.0]"), 4), "\"data_offsets\" is not a pair");
  require_rejected(crafted(one_entry("w", "[1]", "{\"a\":0}"), 4), "\"data_offsets\" is not a pair");
}

TEST_CASE("A dtype other than F32 is rejected, naming the dtype", "[io]") {
  require_rejected(crafted("{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4),
                   "tensor 'w': dtype is F16; Ember reads only F32");
  require_rejected(crafted("{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8), "dtype is F64");
}

TEST_CASE("Negative, overflowing or inconsistent shapes are rejected", "[io]") {
  require_rejected(crafted(one_entry("w", "[-1]", "[0,4]"), 4), "tensor 'w': negative dimension -1");
  require_rejected(crafted(one_entry("w", "[4294967296,4294967296]", "[0,4]"), 4), "too many elements");
  // 2^62 elements: the count fits in int64 but its byte size (x4) does not.
  require_rejected(crafted(one_entry("w", "[4611686018427387904]", "[0,4]"), 4), "too many elements");
  require_rejected(crafted(one_entry("w", "[18446744073709551615]", "[0,4]"), 4), "is too large");
  require_rejected(crafted(one_entry("w", "[3]", "[0,8]"), 8),
                   "tensor 'w': shape [3] needs 12 bytes but data_offsets give 8");
  require_rejected(crafted(one_entry("w", "[2,0]", "[0,4]"), 4), "needs 0 bytes");
}

TEST_CASE("Offsets out of range, reversed, overlapping or leaving gaps are rejected", "[io]") {
  auto two = [](const std::string& a, const std::string& b) {
    return "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":" + a +
           "},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":" + b + "}}";
  };
  require_rejected(crafted(one_entry("w", "[100]", "[0,400]"), 8),
                   "tensor 'w': data_offsets [0, 400] run past the end");
  require_rejected(crafted(one_entry("w", "[1]", "[8,4]"), 8), "tensor 'w': data_offsets end before they begin");
  require_rejected(crafted(two("[0,8]", "[4,12]"), 12), "tensor 'b' overlaps tensor 'a'");
  require_rejected(crafted(two("[0,8]", "[0,8]"), 8), "overlaps");
  require_rejected(crafted(two("[0,8]", "[12,20]"), 20), "bytes 8 to 12 of the data belong to no tensor");
  require_rejected(crafted(one_entry("w", "[1]", "[4,8]"), 8), "bytes 0 to 4 of the data belong to no tensor");
  require_rejected(crafted(one_entry("w", "[1]", "[0,4]"), 12), "the last 8 bytes of the data belong to no tensor");
  require_rejected(crafted("{}", 4), "the last 4 bytes");
}

TEST_CASE("Metadata that is not an object of strings is rejected", "[io]") {
  require_rejected(crafted("{\"__metadata__\":[\"pt\"]}", 0), "__metadata__ is not a JSON object");
  require_rejected(crafted("{\"__metadata__\":{\"format\":1}}", 0), "__metadata__ value 'format' is not a string");
  require_rejected(crafted("{\"__metadata__\":{\"a\":{\"b\":\"c\"}}}", 0), "value 'a' is not a string");
}

TEST_CASE("A header that repeats a key is rejected", "[io]") {
  const std::string entry = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
  require_rejected(crafted("{\"w\":" + entry + ",\"w\":" + entry + "}", 4), "header has the key 'w' twice");
  require_rejected(crafted("{\"__metadata__\":{\"format\":\"pt\",\"format\":\"np\"}}", 0), "key 'format' twice");
}

TEST_CASE("A missing file or a directory is a clear error", "[io]") {
  TempDir dir;
  REQUIRE_THROWS_WITH(ember::load_safetensors(dir.file("absent.safetensors")),
                      Contains("absent.safetensors") && Contains("cannot open"));
  REQUIRE_THROWS_AS(ember::load_safetensors(dir.path.string()), ModelFileError);
}

// ---- saves that fail ----

TEST_CASE("A tensor whose data disagrees with its shape is rejected before anything is written", "[io]") {
  TempDir dir;
  const std::string path = dir.file("m.safetensors");
  ember::save_safetensors(path, small_model());
  const std::string before = read_bytes(path);

  SafetensorsFile bad = small_model();
  bad.tensors["fc1.weight"].data.pop_back();
  REQUIRE_THROWS_WITH(ember::save_safetensors(path, bad),
                      Contains(path) && Contains("tensor 'fc1.weight': shape needs 6 values but the data has 5"));
  bad = small_model();
  bad.tensors["fc1.bias"].shape = {-2};
  REQUIRE_THROWS_WITH(ember::save_safetensors(path, bad), Contains("negative dimension -2"));
  bad = small_model();
  bad.tensors["__metadata__"] = StoredTensor{{1}, {1.f}};
  REQUIRE_THROWS_WITH(ember::save_safetensors(path, bad), Contains("reserved"));

  CHECK(read_bytes(path) == before);
  CHECK(count_entries(dir.path) == 1);
}

TEST_CASE("Saving into a missing directory throws and names the file", "[io]") {
  TempDir dir;
  const std::string path = dir.file("no/such/dir/m.safetensors");
  REQUIRE_THROWS_AS(ember::save_safetensors(path, small_model()), ModelFileError);
  REQUIRE_THROWS_WITH(ember::save_safetensors(path, small_model()),
                      Contains(path) && Contains("No such file or directory"));
}

TEST_CASE("Saving into an unwritable directory throws and leaves the old file whole", "[io]") {
  TempDir dir;
  const std::string path = dir.file("m.safetensors");
  ember::save_safetensors(path, small_model());
  const std::string before = read_bytes(path);
  fs::permissions(dir.path, fs::perms::owner_read | fs::perms::owner_exec);
  if (::geteuid() == 0) {
    WARN("running as root: directory permissions do not stop root, so only the file check runs");
  } else {
    REQUIRE_THROWS_WITH(ember::save_safetensors(path, SafetensorsFile{}), Contains("Permission denied"));
  }
  CHECK(read_bytes(path) == before);
}

TEST_CASE("A write that fails midway (disk full) leaves the old file whole and no temporary", "[io]") {
  TempDir dir;
  const std::string path = dir.file("m.safetensors");
  ember::save_safetensors(path, small_model());
  const std::string before = read_bytes(path);

  // Simulate a full disk: cap this process's file size at 1 KiB, so write() fails with EFBIG
  // (SIGXFSZ, which would kill the process, is ignored meanwhile). Both are restored below.
  SafetensorsFile big = small_model();
  big.tensors["big"] = StoredTensor{{4096}, std::vector<float>(4096, 1.f)};
  rlimit saved{};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
  rlimit capped = saved;
  capped.rlim_cur = 1024;
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &capped) == 0);
  bool threw = false;
  std::string message;
  try {
    ember::save_safetensors(path, big);
  } catch (const ModelFileError& e) {
    threw = true;
    message = e.what();
  }
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, old_handler);

  REQUIRE(threw);
  CHECK_THAT(message, Contains(path) && Contains("write failed"));
  CHECK(read_bytes(path) == before);
  CHECK(count_entries(dir.path) == 1);
}

TEST_CASE("A rename that fails removes the temporary file", "[io]") {
  TempDir dir;
  const std::string path = dir.file("taken");
  fs::create_directories(fs::path(path) / "child");  // a non-empty directory cannot be replaced by a file
  REQUIRE_THROWS_WITH(ember::write_text_file_atomic(path, "text"), Contains(path) && Contains("rename failed"));
  CHECK(fs::is_directory(path));
  CHECK(count_entries(dir.path) == 1);
}

TEST_CASE("write_text_file_atomic replaces a file's content", "[io]") {
  TempDir dir;
  const std::string path = dir.file("chart.svg");
  ember::write_text_file_atomic(path, "first version, longer");
  ember::write_text_file_atomic(path, "second");
  CHECK(read_bytes(path) == "second");
  CHECK(count_entries(dir.path) == 1);
}
