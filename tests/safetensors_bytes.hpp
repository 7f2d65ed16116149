// Hand-made safetensors bytes for the model-file tests: a little-endian length and a header text,
// so each test can build exactly the malformed file it is about.
#pragma once

#include <cstdint>
#include <string>

namespace ember_test {

inline std::string u64_le(std::uint64_t value) {
  std::string bytes;
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  return bytes;
}

// A safetensors file from a header text and `data_bytes` zero bytes of data.
inline std::string crafted(const std::string& header, std::size_t data_bytes) {
  return u64_le(header.size()) + header + std::string(data_bytes, '\0');
}

}  // namespace ember_test
