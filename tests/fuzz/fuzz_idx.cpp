// libFuzzer target for the IDX readers (src/lab/data/idx.cpp), which read through zlib's gz* API.
// The first input byte picks how the rest reaches the reader: odd, as the file's raw bytes (a plain
// IDX file, or a damaged .gz: zlib's own error paths); even, gzip-compressed first (the .gz path
// with an arbitrary IDX payload). Both read_idx_images and read_idx_labels see each file. A
// DataError is the expected answer; anything else, or a read whose size disagrees with its
// header, is a bug. Seeds: tests/fuzz/corpus/idx/.
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "ember/lab/data/idx.hpp"
#include "fuzz_common.hpp"

namespace {

void write_gzip(const std::string& path, const std::uint8_t* data, std::size_t size) {
  std::remove(path.c_str());  // see ember_fuzz::write_file
  gzFile out = gzopen(path.c_str(), "wb1");
  EMBER_FUZZ_CHECK(out != nullptr);
  if (size > 0) EMBER_FUZZ_CHECK(gzwrite(out, data, static_cast<unsigned>(size)) == static_cast<int>(size));
  EMBER_FUZZ_CHECK(gzclose(out) == Z_OK);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string& path = ember_fuzz::scratch_path("idx");
  if (data[0] & 1) ember_fuzz::write_file(path, data + 1, size - 1);
  else write_gzip(path, data + 1, size - 1);

  try {
    const ember::IdxImages images = ember::read_idx_images(path);
    EMBER_FUZZ_CHECK(images.count > 0 && images.rows > 0 && images.cols > 0);
    EMBER_FUZZ_CHECK(static_cast<ember::Index>(images.pixels.size()) == images.count * images.rows * images.cols);
  } catch (const ember::DataError&) {
  }
  try {
    const std::vector<std::uint8_t> labels = ember::read_idx_labels(path);
    EMBER_FUZZ_CHECK(!labels.empty());
  } catch (const ember::DataError&) {
  }
  return 0;
}
