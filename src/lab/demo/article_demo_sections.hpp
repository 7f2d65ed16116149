// The pieces of `ember demo`, shared between article_demo.cpp (the article's activation and softmax
// snippets, the check of each printed line against the article, the whole run) and
// article_demo_model.cpp (the article's MyModel and its two faults). Private to src/lab/demo/.
#pragma once

#include <iosfwd>
#include <string>

#include "ember/core/engine/tensor.hpp"
#include "ember/core/nn/mymodel.hpp"

namespace ember::demo {

// A section header: "== [article section 2] The common activations ==".
void header(std::ostream& out, const std::string& article_section, const std::string& title);

// Prints `>>> python`, then the tensor as PyTorch prints it, then how it compares, number by number
// at 4 decimals, with what the article printed (`article`, quoted from it; "" when it printed nothing).
// `spacing_note` says why PyTorch's spacing differs where the article has the right values, wrongly spaced.
// Values that are whole only within float32 rounding (a row sum of 0.99999994) get a note, article or not:
// they print as `1.0000`, not `1.`, and which one a CPU gets hinges on the order of its additions.
void show(std::ostream& out, const std::string& python, const Tensor& value, const std::string& article = "",
          const std::string& spacing_note = "PyTorch pads all elements to one width");

// ---- demo_model.cpp: article section 4 ----
// The two models printed and run on a batch `x` [3, 10] (probabilities, row sums).
void show_models(std::ostream& out, nn::MyModel& binary_model, nn::MyModel& multi_model, const Tensor& x);
// Fault 1 (num_classes never stored) and fault 2 (softmax before CrossEntropyLoss), each shown with
// a short run; fault 2 trains two copies of multi_model's weights on data drawn from `gen`.
void show_faults(std::ostream& out, nn::MyModel& binary_model, nn::MyModel& multi_model, const Tensor& x,
                 Generator& gen);

}  // namespace ember::demo
