// IDX reading (src/lab/data/idx.cpp) on small hand-made files, written uncompressed (zlib's gzread reads
// plain files too), and the real Fashion-MNIST files of Debian's dataset-fashion-mnist.
#include <catch2/catch.hpp>

#include <filesystem>

#include "ember/lab/data/builtin.hpp"
#include "ember/lab/data/idx.hpp"
#include "ember/lab/data/split.hpp"
#include "test_data_files.hpp"

using namespace ember;
using Catch::Contains;

namespace {

std::string be32(std::uint32_t v) {
  return {char(v >> 24), char((v >> 16) & 0xFF), char((v >> 8) & 0xFF), char(v & 0xFF)};
}

std::string images_header(std::uint32_t count, std::uint32_t rows, std::uint32_t cols) {
  return std::string("\0\0\x08\x03", 4) + be32(count) + be32(rows) + be32(cols);
}

}  // namespace

TEST_CASE("read_idx_images and read_idx_labels read a well-formed file", "[data][idx]") {
  ember_test::TempDir dir;
  const auto images =
      dir.write("i.idx", images_header(2, 2, 3) + std::string("\x00\x01\x02\x03\x04\x05\xFF\xFE\xFD\xFC\xFB\xFA", 12));
  const IdxImages read = read_idx_images(images);
  CHECK(read.count == 2);
  CHECK(read.rows == 2);
  CHECK(read.cols == 3);
  REQUIRE(read.pixels.size() == 12);
  CHECK(read.pixels[5] == 5);
  CHECK(read.pixels[6] == 255);
  const auto labels = dir.write("l.idx", std::string("\0\0\x08\x01", 4) + be32(3) + std::string("\x07\x00\x09", 3));
  CHECK(read_idx_labels(labels) == std::vector<std::uint8_t>{7, 0, 9});
}

TEST_CASE("IDX errors name the file and what is wrong", "[data][idx]") {
  ember_test::TempDir dir;
  SECTION("a wrong magic number") {
    const auto path = dir.write("m.idx", std::string("\0\0\x08\x01", 4) + be32(1) + "x");
    CHECK_THROWS_WITH(read_idx_images(path),
                      Contains(path + ": not an IDX file of images: magic number 0x00000801, expected 0x00000803"));
  }
  SECTION("a data type other than unsigned bytes") {
    const auto path = dir.write("t.idx", std::string("\0\0\x0D\x03", 4) + be32(1) + be32(1) + be32(1) + "abcd");
    CHECK_THROWS_WITH(read_idx_images(path), Contains("magic number 0x00000D03"));
  }
  SECTION("a truncated header") {
    const auto path = dir.write("h.idx", std::string("\0\0\x08\x03", 4) + be32(1));
    CHECK_THROWS_WITH(read_idx_images(path), Contains(path + ": truncated IDX header"));
  }
  SECTION("truncated pixels") {
    const auto path = dir.write("p.idx", images_header(2, 28, 28) + std::string(100, '\x01'));
    CHECK_THROWS_WITH(
        read_idx_images(path),
        Contains(path + ": truncated: the header says 2 x 28 x 28 = 1568 bytes of data, the file has 100"));
  }
  SECTION("a forged header asking for gigabytes fails on the missing data, without allocating them") {
    const auto path = dir.write("big.idx", images_header(10000000, 28, 28) + std::string(64, '\x01'));
    CHECK_THROWS_WITH(read_idx_images(path), Contains("7840000000 bytes of data, the file has 64"));
  }
  SECTION("implausible dimensions") {
    const auto path = dir.write("huge.idx", images_header(0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu));
    CHECK_THROWS_WITH(read_idx_images(path), Contains(path + ": implausible dimensions"));
  }
  SECTION("data beyond the header's size") {
    const auto path = dir.write("x.idx", std::string("\0\0\x08\x01", 4) + be32(2) + "abc");
    CHECK_THROWS_WITH(read_idx_labels(path), Contains(path + ": more data than the header's 2 labels = 2 bytes"));
  }
  SECTION("a missing file and a directory") {
    CHECK_THROWS_WITH(read_idx_labels(dir.file("none.gz")), Contains(dir.file("none.gz") + ": no such file"));
    CHECK_THROWS_WITH(read_idx_labels(dir.path()), Contains(dir.path() + ": is a directory"));
  }
}

TEST_CASE("fashion_mnist names the package and --data-dir when its files are absent", "[data][idx]") {
  ember_test::TempDir dir;
  CHECK_THROWS_WITH(fashion_mnist(dir.path()), Contains("apt-get install dataset-fashion-mnist") &&
                                                   Contains("--data-dir") &&
                                                   Contains(dir.path() + "/train-images-idx3-ubyte.gz"));
}

TEST_CASE("fashion_mnist loads the official 60,000 / 10,000 split", "[data][idx][fashion]") {
  if (!std::filesystem::exists(std::string(default_fashion_mnist_dir) + "/train-images-idx3-ubyte.gz")) {
    WARN("skipped: Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    return;
  }
  DataOptions options;
  options.dataset = "fashion_mnist";
  const auto [train, test] = load_train_test(options, 0.2);  // the official split, whatever the fraction
  CHECK(train.size() == 60000);
  CHECK(test.size() == 10000);
  CHECK(train.num_features() == 784);
  CHECK(train.feature_names[29] == "pixel_1_1");
  CHECK(train.class_names.front() == "T-shirt/top");
  CHECK(train.class_names.back() == "Ankle boot");
  CHECK(train.X.minCoeff() == 0.0f);
  CHECK(train.X.maxCoeff() == 1.0f);
  CHECK(class_counts(train) == std::vector<Index>(10, 6000));
  CHECK(class_counts(test) == std::vector<Index>(10, 1000));
  CHECK(train.y[0] == 9);  // the first training image is an ankle boot
  CHECK(test.y[0] == 9);
}
