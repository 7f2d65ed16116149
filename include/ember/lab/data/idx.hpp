// IDX files (the MNIST family's format: a big-endian header of magic number and dimensions, then
// raw unsigned bytes), read through zlib so both .gz and plain files work. Reading is defensive:
// a wrong magic number, a data type other than unsigned byte, or a file shorter or longer than its
// dimensions say is a DataError, and memory grows only as data arrives (a forged header cannot ask
// for a giant allocation). fashion_mnist() turns the official files into Datasets.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ember/core/data/dataset.hpp"

namespace ember {

struct IdxImages {
  Index count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // (count, rows, cols), row-major, 0..255
};

IdxImages read_idx_images(const std::string& path);                  // magic 0x00000803
std::vector<std::uint8_t> read_idx_labels(const std::string& path);  // magic 0x00000801

// Where Debian's dataset-fashion-mnist package puts the files.
inline const char* const default_fashion_mnist_dir = "/usr/share/datasets/fashion-mnist";

// Fashion-MNIST's official split: train = 60,000 images, test (train = false) = 10,000. Reads
// {train,t10k}-{images-idx3,labels-idx1}-ubyte(.gz) from data_dir (empty: the Debian folder).
// X is (N, 784) with pixels scaled to [0, 1], features pixel_<row>_<col>, ten named classes.
Dataset fashion_mnist(const std::string& data_dir = "", bool train = true);

// The ten class names, in label order: T-shirt/top, Trouser, ..., Ankle boot.
const std::vector<std::string>& fashion_mnist_classes();

}  // namespace ember
