// Printing a tensor the way PyTorch prints it: `tensor([0.2689, 0.5000])`, a common width per
// tensor, 4 decimals, scientific notation when the values span more than a factor of 1000 (or are
// tiny, or huge), whole numbers as `1.`, long tensors summarized with `...`. This mirrors
// torch/_tensor_str.py's _Formatter closely enough that the article's outputs line up character
// for character.
#include <algorithm>
#include <cmath>
#include <ostream>
#include <sstream>

#include "ember/core/engine/format.hpp"
#include "ember/lab/text/tensor_print.hpp"

namespace ember {

namespace {
PrintOptions current_options;

// Decides one format and one width for all elements of a tensor, as PyTorch's _Formatter does:
// the decision (whole numbers? scientific?) and the width come from the finite non-zero values;
// an explicit sci_mode overrides the notation afterwards but not the width, which is why PyTorch
// pads `0.0059` to ten characters under sci_mode=False when "auto" would have chosen 5.8950e-03.
class Formatter {
 public:
  Formatter(const std::vector<double>& values, DType dtype, const PrintOptions& options)
      : options_(options), integer_dtype_(dtype == DType::Int64) {
    if (integer_dtype_) {
      for (double v : values) width_ = std::max(width_, format_raw(v).size());
      return;
    }
    std::vector<double> nonzero_finite;
    for (double v : values)
      if (std::isfinite(v) && v != 0) nonzero_finite.push_back(v);
    if (!nonzero_finite.empty()) decide(nonzero_finite);
    if (options.sci_mode == SciMode::On) sci_ = true;
    if (options.sci_mode == SciMode::Off) sci_ = false;
  }

  std::string format(double v) const {
    std::string text = format_raw(v);
    return std::string(width_ > text.size() ? width_ - text.size() : 0, ' ') + text;
  }
  std::size_t width() const { return width_; }

 private:
  void decide(const std::vector<double>& nonzero_finite) {
    double max_abs = 0, min_abs = INFINITY;
    for (double v : nonzero_finite) {
      if (v != std::ceil(v)) whole_numbers_ = false;
      max_abs = std::max(max_abs, std::abs(v));
      min_abs = std::min(min_abs, std::abs(v));
    }
    // Whole numbers switch to scientific only when they span a lot or are huge; fractions also when tiny.
    const bool spread = max_abs / min_abs > 1000.0 || max_abs > 1e8;
    sci_ = whole_numbers_ ? spread : (spread || min_abs < 1e-4);
    for (double v : nonzero_finite) width_ = std::max(width_, format_raw(v).size());
  }

  std::string format_raw(double v) const {
    if (integer_dtype_) {
      return format_fixed(v, 0);
    } else if (!std::isfinite(v)) {
      return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
    } else if (sci_) {
      return format_scientific(v, options_.precision);
    } else if (whole_numbers_) {
      return format_fixed(v, 0) + ".";
    } else {
      return format_fixed(v, options_.precision);
    }
  }

  PrintOptions options_;
  bool integer_dtype_;
  bool whole_numbers_ = true;
  bool sci_ = false;
  std::size_t width_ = 1;
};

// The indices shown along one axis: all of them, or the first and last `edgeitems` with a gap (-1).
std::vector<Index> shown(Index n, bool summarize, Index edgeitems) {
  std::vector<Index> idx;
  if (!summarize || n <= 2 * edgeitems) {
    for (Index i = 0; i < n; ++i) idx.push_back(i);
  } else {
    for (Index i = 0; i < edgeitems; ++i) idx.push_back(i);
    idx.push_back(-1);
    for (Index i = n - edgeitems; i < n; ++i) idx.push_back(i);
  }
  return idx;
}

// One row: "[a, b, c]", wrapped to the line width like PyTorch; `indent` is the column where the
// row's "[" stands, continuation lines start one further.
std::string format_row(const Matrix& value, Index row, const std::vector<Index>& cols, const Formatter& formatter,
                       std::size_t indent, const PrintOptions& options) {
  const std::size_t element_width = formatter.width() + 2;
  const std::size_t per_line =
      std::max<std::size_t>(1, (static_cast<std::size_t>(options.linewidth) - indent) / element_width);
  std::string text = "[";
  for (std::size_t k = 0; k < cols.size(); ++k) {
    if (k > 0) text += (k % per_line == 0) ? ",\n" + std::string(indent + 1, ' ') : ", ";
    // PyTorch's gap element within a row is " ..." (with a space), so it reads "0.9310,  ..., 1.1527".
    text += cols[k] < 0 ? " ..." : formatter.format(value(row, cols[k]));
  }
  return text + "]";
}

}  // namespace

void set_printoptions(const PrintOptions& options) { current_options = options; }
const PrintOptions& printoptions() { return current_options; }

std::string to_string(const Tensor& tensor, const PrintOptions& options) {
  const Matrix& value = tensor.value();
  const bool summarize = tensor.numel() > options.threshold;
  const std::vector<Index> rows = shown(value.rows(), summarize, options.edgeitems);
  const std::vector<Index> cols = shown(value.cols(), summarize, options.edgeitems);
  std::vector<double> values;  // the formatter sees only what is shown, as in PyTorch
  for (Index r : rows)
    for (Index c : cols)
      if (r >= 0 && c >= 0) values.push_back(static_cast<double>(value(r, c)));
  const Formatter formatter(values, tensor.dtype(), options);

  std::string body;
  if (tensor.dim() == 0) {
    body = formatter.format(value(0, 0));
  } else if (tensor.dim() == 1) {
    body = format_row(value, 0, cols, formatter, 7, options);
  } else {
    body = "[";
    for (std::size_t k = 0; k < rows.size(); ++k) {
      if (k > 0) body += ",\n        ";
      body += rows[k] < 0 ? "..." : format_row(value, rows[k], cols, formatter, 8, options);
    }
    body += "]";
  }
  std::string text = "tensor(" + body;
  if (tensor.requires_grad() && tensor.node().is_leaf()) text += ", requires_grad=True";
  if (!tensor.node().is_leaf()) {
    std::string name = tensor.op();  // "leaky_relu" -> "LeakyReluBackward"
    std::string pascal;
    bool upper = true;
    for (char ch : name) {
      if (ch == '_') {
        upper = true;
        continue;
      }
      pascal += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch))) : ch;
      upper = false;
    }
    text += ", grad_fn=<" + pascal + "Backward>";
  }
  return text + ")";
}

std::ostream& operator<<(std::ostream& out, const Tensor& tensor) {
  if (!tensor.defined()) return out << "tensor(undefined)";
  return out << to_string(tensor, current_options);
}

}  // namespace ember
