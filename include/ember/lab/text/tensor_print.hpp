// Printing a tensor the way PyTorch prints it, `tensor([0.2689, 0.5000, 0.7311])`, so that the
// article's outputs line up character for character (`ember demo`). Presentation, not computation:
// the core's tensors know nothing of it.
#pragma once

#include <iosfwd>
#include <string>

#include "ember/core/engine/tensor.hpp"

namespace ember {

// `sci_mode`: Auto picks scientific notation as PyTorch does (values spanning more than 1000x, or
// tiny ones); Off is `torch.set_printoptions(sci_mode=False)`.
enum class SciMode { Auto, Off, On };
struct PrintOptions {
  int precision = 4;
  SciMode sci_mode = SciMode::Auto;
  int linewidth = 80;
  Index threshold = 1000;  // more elements than this are summarized with "..."
  Index edgeitems = 3;
};
// Like torch.set_printoptions, this is process-wide: printing is presentation, not computation.
void set_printoptions(const PrintOptions& options);
const PrintOptions& printoptions();
std::string to_string(const Tensor& tensor, const PrintOptions& options);
std::ostream& operator<<(std::ostream& out, const Tensor& tensor);

}  // namespace ember
