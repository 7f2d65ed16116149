// The model file: a MyModel and what a user needs to apply it (class names, feature names, the
// standardization learned from the training split) in one safetensors file (see DESIGN.md).
// Tensors are named as PyTorch names the article's model (fc1.weight [H1, D], fc1.bias [H1], ...),
// so PyTorch's MyModel.load_state_dict(strict=True) takes them; everything else is "ember."
// metadata. A file written by PyTorch has no such metadata: its sizes come from the tensor shapes,
// and its activation must be named by the caller.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ember/core/nn/mymodel.hpp"
#include "ember/lab/data/builtin.hpp"
#include "ember/lab/data/encoding.hpp"

namespace ember {

struct ModelInfo {
  std::vector<std::string> class_names;    // (C'), C' = 2 for a one-output binary model
  std::vector<std::string> feature_names;  // (D), empty if unknown
  std::vector<float> mean, stddev;         // (D) each, empty when the data was not standardized
  std::string target_name;                 // the label column's name in the training CSV, if any
  // How the training data was made (a file from before these fields, or PyTorch's, has none):
  bool data_recorded = false;
  DataRecord data;            // source (dataset, or CSV path and SHA-256), seed, test split
  Encoding encoding;          // a CSV's columns -> inputs; empty: feature_names are numbers
  std::string ember_version;  // of the Ember that wrote the file
};

// The Ember version this library is (CMakeLists.txt's project version).
const char* ember_version();

struct LoadedModel {
  std::unique_ptr<nn::MyModel> model;
  ModelInfo info;
  bool activation_recorded = false;  // false for a file from PyTorch
};

// Writes atomically: a failed save leaves any previous file at `path` whole.
void save_model(const std::string& path, const nn::MyModel& model, const ModelInfo& info);

// `activation`: used when the file records none (PyTorch's); empty means "the file must record one".
// Throws ModelFileError naming the file and the problem.
LoadedModel load_model(const std::string& path, const std::string& activation = "");

}  // namespace ember
