// IDX reading with zlib's gz* API (it reads plain files too), and the Fashion-MNIST loader on top.
// Format (http://yann.lecun.com/exdb/mnist/): bytes 0-1 zero, byte 2 the data type (0x08 = unsigned
// byte), byte 3 the number of dimensions, then each dimension as a big-endian uint32, then the data.
#include "ember/lab/data/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace ember {
namespace {

// Owns a gzFile: closed on every path out, errors included.
class GzFile {
 public:
  explicit GzFile(const std::string& path) : path_(path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw DataError(path + ": no such file");
    if (std::filesystem::is_directory(path, ec)) throw DataError(path + ": is a directory, expected an IDX file");
    file_ = gzopen(path.c_str(), "rb");
    if (file_ == nullptr) throw DataError(path + ": cannot open the file for reading");
  }
  ~GzFile() { gzclose(file_); }
  GzFile(const GzFile&) = delete;
  GzFile& operator=(const GzFile&) = delete;

  // Reads up to `count` bytes; fewer only at the end of the data.
  std::size_t read(std::uint8_t* out, std::size_t count) {
    std::size_t got = 0;
    while (got < count) {
      const unsigned want = static_cast<unsigned>(std::min<std::size_t>(count - got, 1u << 20));
      const int n = gzread(file_, out + got, want);
      if (n < 0) {
        int code = 0;
        throw DataError(path_ + ": corrupt or unreadable data (" + gzerror(file_, &code) + ")");
      }
      if (n == 0) break;
      got += static_cast<std::size_t>(n);
    }
    return got;
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  gzFile file_ = nullptr;
};

// Reads and checks the header; returns the dimensions.
std::vector<Index> read_header(GzFile& file, int magic_dims, const char* what) {
  std::uint8_t magic[4];
  if (file.read(magic, 4) < 4) throw DataError(file.path() + ": too short for an IDX header");
  if (magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08 || magic[3] != magic_dims) {
    char found[16];
    std::snprintf(found, sizeof found, "0x%02X%02X%02X%02X", magic[0], magic[1], magic[2], magic[3]);
    throw DataError(file.path() + ": not an IDX file of " + what + ": magic number " + found + ", expected 0x0000080" +
                    std::to_string(magic_dims));
  }
  std::vector<Index> dims;
  for (int d = 0; d < magic_dims; ++d) {
    std::uint8_t b[4];
    if (file.read(b, 4) < 4) throw DataError(file.path() + ": truncated IDX header");
    dims.push_back((Index(b[0]) << 24) | (Index(b[1]) << 16) | (Index(b[2]) << 8) | Index(b[3]));
    if (dims.back() == 0) throw DataError(file.path() + ": dimension " + std::to_string(d) + " is 0");
  }
  return dims;
}

// Reads exactly `expected` data bytes, and checks nothing follows them. The buffer grows chunk
// by chunk as bytes arrive, so a header that lies about its size costs no more memory than the file.
std::vector<std::uint8_t> read_payload(GzFile& file, Index expected, const std::string& shape) {
  const std::size_t total = static_cast<std::size_t>(expected);
  const std::size_t chunk = std::size_t(1) << 22;
  std::vector<std::uint8_t> data;
  data.reserve(std::min(total, std::size_t(1) << 26));  // 64 MiB: all of Fashion-MNIST's train images at once
  std::size_t got = 0;
  while (got < total) {
    data.resize(got + std::min(chunk, total - got));
    const std::size_t n = file.read(data.data() + got, data.size() - got);
    got += n;
    if (got < data.size()) {
      throw DataError(file.path() + ": truncated: the header says " + shape + " = " + std::to_string(total) +
                      " bytes of data, the file has " + std::to_string(got));
    }
  }
  std::uint8_t extra;
  if (file.read(&extra, 1) != 0) {
    throw DataError(file.path() + ": more data than the header's " + shape + " = " + std::to_string(total) + " bytes");
  }
  return data;
}

// Above this an IDX header is forged or corrupt: 8 GiB is 100 times Fashion-MNIST's training images.
constexpr Index kMaxBytes = Index(1) << 33;

}  // namespace

IdxImages read_idx_images(const std::string& path) {
  GzFile file(path);
  const std::vector<Index> dims = read_header(file, 3, "images");
  IdxImages images;
  images.count = dims[0];
  images.rows = dims[1];
  images.cols = dims[2];
  // Checked by division, so that no product can overflow before it is compared.
  if (images.rows > kMaxBytes / images.cols || images.count > kMaxBytes / (images.rows * images.cols)) {
    throw DataError(path + ": implausible dimensions " + std::to_string(images.count) + " x " +
                    std::to_string(images.rows) + " x " + std::to_string(images.cols));
  }
  const std::string shape =
      std::to_string(images.count) + " x " + std::to_string(images.rows) + " x " + std::to_string(images.cols);
  images.pixels = read_payload(file, images.count * images.rows * images.cols, shape);
  return images;
}

std::vector<std::uint8_t> read_idx_labels(const std::string& path) {
  GzFile file(path);
  const std::vector<Index> dims = read_header(file, 1, "labels");
  if (dims[0] > kMaxBytes) throw DataError(path + ": implausible label count " + std::to_string(dims[0]));
  return read_payload(file, dims[0], std::to_string(dims[0]) + " labels");
}

// ---- Fashion-MNIST ----

const std::vector<std::string>& fashion_mnist_classes() {
  static const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                 "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

namespace {

// The .gz file, or the same without .gz (PyTorch's raw/ folder holds both kinds).
std::string find_idx_file(const std::string& dir, const std::string& stem) {
  const std::string gz = dir + "/" + stem + ".gz";
  std::error_code ec;
  if (std::filesystem::exists(gz, ec)) return gz;
  if (std::filesystem::exists(dir + "/" + stem, ec)) return dir + "/" + stem;
  throw DataError("fashion_mnist: cannot find " + gz +
                  ". Install the data with `apt-get install dataset-fashion-mnist` (Debian), or pass --data-dir "
                  "with a folder holding the four IDX files of https://github.com/zalandoresearch/fashion-mnist");
}

}  // namespace

Dataset fashion_mnist(const std::string& data_dir, bool train) {
  const std::string dir = data_dir.empty() ? default_fashion_mnist_dir : data_dir;
  const std::string prefix = train ? "train" : "t10k";
  const IdxImages images = read_idx_images(find_idx_file(dir, prefix + "-images-idx3-ubyte"));
  const std::string labels_path = find_idx_file(dir, prefix + "-labels-idx1-ubyte");
  const std::vector<std::uint8_t> labels = read_idx_labels(labels_path);
  if (static_cast<Index>(labels.size()) != images.count) {
    throw DataError(labels_path + ": " + std::to_string(labels.size()) + " labels for " + std::to_string(images.count) +
                    " images");
  }
  Dataset data;
  data.name = "fashion_mnist";
  data.class_names = fashion_mnist_classes();
  const Index features = images.rows * images.cols;
  using ByteMatrix = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  data.X = Eigen::Map<const ByteMatrix>(images.pixels.data(), images.count, features).cast<Scalar>() / Scalar(255);
  data.y.assign(labels.begin(), labels.end());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= data.class_names.size()) {
      throw DataError(labels_path + ": label " + std::to_string(labels[i]) + " of image " + std::to_string(i) +
                      " is outside 0..9");
    }
  }
  for (Index r = 0; r < images.rows; ++r) {
    for (Index c = 0; c < images.cols; ++c)
      data.feature_names.push_back("pixel_" + std::to_string(r) + "_" + std::to_string(c));
  }
  return data;
}

}  // namespace ember
