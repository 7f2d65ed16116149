// Sequential: each module's output is the next one's input.
#include "ember/core/nn/sequential.hpp"

#include <string>

namespace ember::nn {

Module& Sequential::push_back(std::unique_ptr<Module> module) {
  Module& added = register_module(std::to_string(modules_.size()), std::move(module));
  modules_.push_back(&added);
  return added;
}

Tensor Sequential::forward(const Tensor& input) {
  Tensor x = input;
  for (Module* module : modules_) x = (*module)(x);
  return x;
}

}  // namespace ember::nn
