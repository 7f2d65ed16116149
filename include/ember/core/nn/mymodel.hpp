// MyModel: the article's model, generalized. Linear(in, 64) → act → Linear(64, 32) → act →
// Linear(32, C), then a Sigmoid head when C == 1 and a Softmax over dim 1 otherwise.
// `hidden` changes the hidden sizes (and depth); `activation` is any name make_activation knows.
// forward() returns probabilities, as in the article; logits() the pre-head output, which is what
// training feeds to its loss (BCEWithLogits / CrossEntropy: same value, never overflows).
// Unlike the article's code, the constructor stores num_classes, which the article's forward
// reads without ever having stored it (see docs/article.md).
// `dropout` > 0 adds nn.Dropout after each hidden activation (one child "dropout", shared by every
// layer); its masks come from a Generator the model owns, seeded from one draw of `gen` taken after
// all weights are drawn, so the same seed gives the same weights with or without dropout.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ember/core/nn/activation_modules.hpp"
#include "ember/core/nn/dropout.hpp"
#include "ember/core/nn/init.hpp"
#include "ember/core/nn/linear.hpp"

namespace ember::nn {

class MyModel : public Module {
 public:
  MyModel(Index input_size, Index num_classes, Generator& gen, const std::string& activation = "relu",
          const std::vector<Index>& hidden = {64, 32}, InitScheme init = InitScheme::Default, Scalar dropout = 0);

  Tensor forward(const Tensor& x) override;  // [N, D] -> probabilities [N, C]
  Tensor logits(const Tensor& x);            // [N, D] -> logits [N, C]
  Tensor head(const Tensor& logits);         // sigmoid or softmax(dim 1)

  std::string type_name() const override { return "MyModel"; }

  Index input_size() const { return input_size_; }
  Index num_classes() const { return num_classes_; }
  const std::vector<Index>& hidden() const { return hidden_; }
  const Activation& activation() const { return *activation_; }
  Activation& activation() { return *activation_; }
  std::vector<Linear*>& layers() { return layers_; }  // fc1 .. fcK
  Scalar dropout() const { return dropout_ ? dropout_->p() : Scalar(0); }
  Generator* dropout_generator() { return dropout_gen_.get(); }  // nullptr without dropout

 private:
  Index input_size_;
  Index num_classes_;
  std::vector<Index> hidden_;
  std::vector<Linear*> layers_;             // owned as children "fc1" ... "fcK"
  Activation* activation_;                  // owned as child "activation"
  std::unique_ptr<Generator> dropout_gen_;  // the masks' randomness; null without dropout
  Dropout* dropout_ = nullptr;              // owned as child "dropout", when dropout > 0
  Module* head_;                            // owned as child "head": Sigmoid or Softmax(dim=1)
};

}  // namespace ember::nn
