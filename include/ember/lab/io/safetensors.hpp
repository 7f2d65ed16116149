// The safetensors file format (https://github.com/huggingface/safetensors), float32 only.
// Layout: 8-byte little-endian u64 header length N, N bytes of JSON header
//   {"__metadata__": {str: str}, "name": {"dtype": "F32", "shape": [..], "data_offsets": [b, e]}, ...}
// then the raw little-endian tensor bytes; offsets count from the first byte after the header.
// This file knows bytes and names only; nn/ maps a MyModel to and from these tensors and the
// "ember." metadata (see docs/DESIGN.md, "The model file"). Read src/lab/io/safetensors.cpp next.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace ember {

// One tensor as stored: shape as in PyTorch (e.g. {64, 4} for fc1.weight), values row-major.
struct StoredTensor {
  std::vector<std::int64_t> shape;
  std::vector<float> data;  // size == product of shape (1 for a scalar, shape {})
};

struct SafetensorsFile {
  std::map<std::string, StoredTensor> tensors;  // name -> tensor, e.g. "fc1.weight"
  std::map<std::string, std::string> metadata;  // "__metadata__": string -> string only
};

// Any problem with a model file: unreadable, malformed, or not writable. The message names the file,
// the problem and, where there is one, the tensor.
class ModelFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads and validates the whole file. Never trusts a length or an offset before checking it against
// the file's size, so a corrupt or hostile file gives a ModelFileError, never a crash or a huge
// allocation. Only F32 tensors are accepted (a PyTorch float model); others are an error naming the dtype.
SafetensorsFile load_safetensors(const std::string& path);

// Writes tensors in name order, contiguous, with the header padded by spaces to a multiple of 8 (as
// the reference implementation does). The metadata is written as given: the caller adds
// {"format": "pt"} so that PyTorch tools accept the file. Checks every tensor before writing
// anything, and writes atomically (write_file_atomic): a failed save leaves the old file whole.
void save_safetensors(const std::string& path, const SafetensorsFile& file);

}  // namespace ember
