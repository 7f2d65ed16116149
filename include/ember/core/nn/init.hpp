// Weight initialization schemes for Linear layers, each with its formula and its source.
// `default`: PyTorch's Linear.reset_parameters; `he` and `xavier` for `ember compare --init-scheme`,
// which shows how much of an activation's behaviour is really its initialization.
#pragma once

#include <string>

#include "ember/core/nn/linear.hpp"

namespace ember::nn {

enum class InitScheme { Default, He, Xavier };

InitScheme parse_init_scheme(const std::string& name);  // "default" | "he" | "xavier"
std::string to_string(InitScheme scheme);

// Re-draws the layer's weight and bias with the scheme; draws weight row by row, then bias.
void initialize(Linear& layer, InitScheme scheme, Generator& gen);

}  // namespace ember::nn
