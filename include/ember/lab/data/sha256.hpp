// SHA-256 (FIPS 180-4) of a byte string, as lowercase hex: the fingerprint a model file records of
// the CSV file it was trained on, so `ember eval` can tell the very file from another one. The same
// digest as `sha256sum FILE`.
#pragma once

#include <string>

namespace ember {

std::string sha256_hex(const std::string& bytes);

}  // namespace ember
