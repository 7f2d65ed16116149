// MyModel: the article's model, composed of Linear layers, one activation module and an optional Dropout.
#include "ember/core/nn/mymodel.hpp"

#include <stdexcept>

namespace ember::nn {

MyModel::MyModel(Index input_size, Index num_classes, Generator& gen, const std::string& activation,
                 const std::vector<Index>& hidden, InitScheme init, Scalar dropout)
    : input_size_(input_size), num_classes_(num_classes), hidden_(hidden) {
  if (input_size <= 0)
    throw std::invalid_argument("MyModel: input_size must be positive, got " + std::to_string(input_size));
  if (num_classes <= 0)
    throw std::invalid_argument("MyModel: num_classes must be positive, got " + std::to_string(num_classes));
  std::vector<Index> sizes{input_size};
  sizes.insert(sizes.end(), hidden.begin(), hidden.end());
  sizes.push_back(num_classes);
  // Layers are built, and their weights drawn, in order fc1, fc2, ...: the same seed gives the same
  // weights whatever the activation, which `ember compare` relies on.
  for (std::size_t k = 0; k + 1 < sizes.size(); ++k) {
    auto layer = std::make_unique<Linear>(sizes[k], sizes[k + 1], gen);
    if (init != InitScheme::Default) initialize(*layer, init, gen);
    layers_.push_back(&register_module("fc" + std::to_string(k + 1), std::move(layer)));
  }
  activation_ = &register_module("activation", make_activation(activation));
  // Drawn after every weight, so dropout changes no weight; dropout 0 draws nothing and adds no child.
  // A negative p reaches Dropout too, which refuses it.
  if (dropout != 0) {
    dropout_gen_ = std::make_unique<Generator>(gen.next_u32());
    dropout_ = &register_module("dropout", std::make_unique<Dropout>(dropout, *dropout_gen_));
  }
  // One output: the probability of the positive class, σ(z). Several: a distribution over the
  // classes, softmax along each row (dim 1), as in the article.
  head_ = num_classes == 1 ? static_cast<Module*>(&register_module("head", std::make_unique<Sigmoid>()))
                           : &register_module("head", std::make_unique<Softmax>(1));
}

Tensor MyModel::logits(const Tensor& x) {
  if (x.dim() != 2 || x.cols() != input_size_) {
    throw ShapeError("MyModel: input has shape " + x.shape().str() + ", the model expects [N, " +
                     std::to_string(input_size_) + "]");
  }
  Tensor h = x;
  // Through operator(), not forward(): a forward hook on fc1 (the study's) sees fc1's output z₁.
  for (std::size_t k = 0; k + 1 < layers_.size(); ++k) {
    h = (*activation_)((*layers_[k])(h));
    if (dropout_) h = (*dropout_)(h);
  }
  return (*layers_.back())(h);
}

Tensor MyModel::head(const Tensor& logits) { return (*head_)(logits); }

Tensor MyModel::forward(const Tensor& x) { return head(logits(x)); }

}  // namespace ember::nn
