// How a saved model reads a CSV file (eval and predict): by the names of the columns it was trained
// on, never by position. A model from before encodings reads its recorded feature names as
// numbers; a file that records no names at all (PyTorch's) reads the columns in order, and says so.
#pragma once

#include <string>

#include "ember/lab/io/model_file.hpp"

namespace ember::cli {

// The model's encoding; one for its feature names; or an empty one when it records no names.
Encoding model_encoding(const ModelInfo& info);

// Fails naming every column the model reads that the header of `path` lacks (all of them, at once).
void require_model_columns(const std::string& path, char separator, const Encoding& encoding);

}  // namespace ember::cli
