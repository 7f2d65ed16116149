// ember demo: runs the article's snippets in order ("Activation functions in deep learning: from
// principles to PyTorch practice", shared/seed/README.md) and prints each output exactly as
// PyTorch 1.13 prints it. The article's printed outputs are data to check, not truth: each one is
// compared with Ember's result, number by number at 4 decimals, and a wrong one is named as such.
// Here: the checks, section 2 (activations, softmax) and the whole run; article_demo_model.cpp:
// section 4. The command, with its options, is apps/cmd_demo.cpp.
#include "ember/lab/demo/article_demo.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "article_demo_sections.hpp"
#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/engine/format.hpp"
#include "ember/core/engine/ops.hpp"
#include "ember/core/nn/activation_modules.hpp"
#include "ember/lab/text/tensor_print.hpp"

namespace ember {
namespace demo {

namespace {

// ---- comparing a printed tensor with the article's ----

// The numbers in a printed tensor, in order: "tensor([-0.0100,  1.])" -> {-0.01, 1}.
std::vector<double> numbers_in(const std::string& text) {
  static const std::regex number(R"(-?[0-9]+(\.[0-9]*)?(e[-+]?[0-9]+)?)");
  std::vector<double> numbers;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), number); it != std::sregex_iterator(); ++it) {
    numbers.push_back(std::stod(it->str()));
  }
  return numbers;
}

double round4(double v) { return std::stod(format_fixed(v, 4)); }

// "[0.0064, 0.0000, 0.0471, 0.9465]"
std::string list4(const std::vector<double>& values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i)
    text += (i ? ", " : "") + format_fixed(values[i] == 0 ? 0.0 : values[i], 4);  // no "-0.0000"
  return text + "]";
}

std::string without_spaces(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
  return text;
}

// Float32 steps (ulps) from v to the nearest whole number: 0 when v is whole. Tiny values count as far
// from 0 (there are ~10⁹ floats below 1, and PyTorch prints them as what they are).
int ulps_from_whole(double v) {
  const float whole = static_cast<float>(std::round(v));
  if (whole == 0) return v == 0 ? 0 : 100;
  int steps = 0;
  for (float f = static_cast<float>(v); f != whole && steps < 100; f = std::nextafter(f, whole)) ++steps;
  return steps;
}

// A sum of float32 probabilities lands on 1 or one step beside it, depending on the order and the
// vector width of the additions, that is on the CPU and the compiler's flags; print() then shows `1.`
// or `1.0000`. "" unless the values are whole within a few ulps but not all exactly whole; then the
// values at full precision, so the reader sees why 4 decimals show.
std::string rounding_note(const std::vector<double>& values) {
  int most = 0;
  for (double v : values) most = std::max(most, ulps_from_whole(v));
  if (most == 0 || most > 4) return "";
  std::string list;
  for (std::size_t i = 0; i < values.size(); ++i) list += (i ? ", " : "") + format_general(values[i], 9);
  return "the values are [" + list + "],\n      whole only within float32 rounding (" + std::to_string(most) +
         " ulp), so print() shows 4 decimals,\n      as PyTorch would for them; exactly whole values print as `1.`";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// How Ember's printed line `ours` (values `values`) compares with the article's line `article`.
// The values decide right or wrong (at the 4 decimals both print); the characters only whether the
// article shows what print() really shows.
std::string verdict(const std::vector<double>& values, const std::string& ours, const std::string& article,
                    const std::string& spacing_note) {
  const std::vector<double> printed = numbers_in(article);
  bool same = printed.size() == values.size();
  for (std::size_t i = 0; same && i < values.size(); ++i) {
    same = std::abs(round4(values[i]) - printed[i]) < 5e-5;
  }
  if (!same) {
    return "WRONG in the article: the true values are " + list4(values) + ",\n      the article printed " +
           list4(printed) + " (PyTorch 1.13 agrees with Ember)";
  }
  // Characters that hinge on the last bit of a float sum are said to, whatever the article shows.
  const std::string rounding = rounding_note(values);
  if (!rounding.empty()) {
    return (ours == article ? "matches the article only by rounding: "
                            : "right values, printed `" + article + "` in the article; ") +
           rounding;
  }
  if (ours == article) return "matches the article";
  // PyTorch writes whole numbers as "1." once every value shown is whole: "1.0000" never appears then.
  static const std::regex whole(R"([0-9]\.([^0-9]|$))");
  if (std::regex_search(ours, whole) && !std::regex_search(article, whole)) {
    return "right values, but PyTorch prints whole numbers as `0.`, `1.`:\n      the article's `" + article +
           "` is not what print() shows";
  }
  if (without_spaces(ours) == without_spaces(article)) {
    return "values match the article; spacing differs: " + spacing_note + "\n      (the article shows `" + article +
           "`)";
  }
  return "matches the article's values, printed differently there: `" + article + "`";
}

}  // namespace

void header(std::ostream& out, const std::string& article_section, const std::string& title) {
  out << "\n== [article section " << article_section << "] " << title << " ==\n";
}

void show(std::ostream& out, const std::string& python, const Tensor& value, const std::string& article,
          const std::string& spacing_note) {
  const std::string ours = to_string(value, printoptions());
  out << ">>> " << python << "\n" << ours << "\n";
  const std::vector<double> values(value.value().data(), value.value().data() + value.numel());
  if (article.empty()) {
    const std::string rounding = rounding_note(values);
    if (!rounding.empty()) out << "   -> " << rounding << "\n";
    return;
  }
  const std::vector<std::string> our_lines = lines_of(ours), article_lines = lines_of(article);
  if (value.dim() < 2 || our_lines.size() != static_cast<std::size_t>(value.rows()) ||
      article_lines.size() != our_lines.size()) {
    out << "   -> " << verdict(values, ours, article, spacing_note) << "\n";
    return;
  }
  // A matrix: one verdict per row, so a wrong row is named.
  for (Index r = 0; r < value.rows(); ++r) {
    std::vector<double> row(value.value().row(r).begin(), value.value().row(r).end());
    out << "   -> row " << r << ": " << verdict(row, our_lines[r], article_lines[r], spacing_note) << "\n";
  }
}

namespace {

// ---- article section 2: the activations, then softmax ----

void show_activations(std::ostream& out) {
  header(out, "2", "The common activations: Sigmoid, Tanh, ReLU, Leaky ReLU");
  out << "(\"->\" compares each output with what the article printed, number by number at 4 decimals)\n";
  const Tensor x = Tensor::vector({-1.0f, 0.0f, 1.0f, 2.0f});
  out << ">>> x = torch.tensor([-1.0, 0.0, 1.0, 2.0])\n";
  show(out, "print(torch.sigmoid(x))", sigmoid(x), "tensor([0.2689, 0.5000, 0.7311, 0.8808])");
  const std::string widest = "PyTorch pads all to the widest one's width";
  show(out, "print(torch.tanh(x))", tanh(x), "tensor([-0.7616, 0.0000, 0.7616, 0.9640])", widest);
  show(out, "print(torch.relu(x))", relu(x), "tensor([0.0000, 0.0000, 1.0000, 2.0000])");
  nn::LeakyReLU leaky_relu(0.01f);
  out << ">>> leaky_relu = nn.LeakyReLU(negative_slope=0.01)\n";
  show(out, "print(leaky_relu(x))", leaky_relu(x), "tensor([-0.0100, 0.0000, 1.0000, 2.0000])", widest);
}

void show_softmax(std::ostream& out) {
  header(out, "2", "Softmax: scores to probabilities, each row summing to 1");
  PrintOptions options = printoptions();
  options.sci_mode = SciMode::Off;
  set_printoptions(options);
  out << ">>> torch.set_printoptions(sci_mode=False)\n";
  const Tensor x = Tensor::matrix({{-1, 2, -3, 4}, {5, -6, 7, 10}});
  out << ">>> x = torch.tensor([[-1, 2, -3, 4], [5, -6, 7, 10]], dtype=torch.float32)\n"
         ">>> y = nn.Softmax(dim=1)(x)\n";
  nn::Softmax sm(1);
  const Tensor y = sm(x);
  show(out, "print(y)", y,
       "tensor([[ 0.0059,  0.1184,  0.0008,  0.8749],\n"
       "        [ 0.0067,  0.0000,  0.0472,  0.9461]])",
       "PyTorch 1.13 pads to 10, as for 5.8950e-03");
  show(out, "print(y.sum(dim=1))", sum(y, 1), "tensor([1.0000, 1.0000])");
  show(out, "print(y.argmax(dim=1))", argmax(y, 1), "tensor([3, 3])");
}

// Restores the print options on the way out: set_printoptions is process-wide, like PyTorch's.
class PrintOptionsGuard {
 public:
  PrintOptionsGuard() : saved_(printoptions()) {}
  ~PrintOptionsGuard() { set_printoptions(saved_); }

 private:
  PrintOptions saved_;
};

}  // namespace
}  // namespace demo

void run_article_demo(std::ostream& out, std::uint64_t seed) {
  demo::PrintOptionsGuard restore_print_options;
  out << "Ember demo: the article \"Activation functions in deep learning: from principles to PyTorch\n"
         "practice\", snippet by snippet. Ember computes every tensor below and prints it as PyTorch 1.13\n"
         "prints it.\n";
  demo::show_activations(out);
  demo::show_softmax(out);

  Generator gen(seed);
  nn::MyModel binary_model(10, 1, gen);
  nn::MyModel multi_model(10, 5, gen);
  const Tensor x = Tensor::normal(Shape::matrix(3, 10), 0, 1, gen);
  demo::show_models(out, binary_model, multi_model, x);
  demo::show_faults(out, binary_model, multi_model, x, gen);
}

}  // namespace ember
