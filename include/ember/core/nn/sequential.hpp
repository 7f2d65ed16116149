// Sequential: modules applied one after another, named "0", "1", ... as in torch.nn.Sequential.
#pragma once

#include <memory>
#include <vector>

#include "ember/core/nn/module.hpp"

namespace ember::nn {

class Sequential : public Module {
 public:
  Sequential() = default;
  // Takes ownership: Sequential seq; seq.push_back(std::make_unique<Linear>(4, 8, gen));
  Module& push_back(std::unique_ptr<Module> module);
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "Sequential"; }
  std::size_t size() const { return modules_.size(); }
  Module& operator[](std::size_t i) { return *modules_.at(i); }

 private:
  std::vector<Module*> modules_;  // owned as children by Module
};

}  // namespace ember::nn
