// Activation specs as the command line holds them: a list split at its top-level commas (a formula's own
// commas stay inside its parentheses), and the label a spec is shown by ("mish" for "mish = x*tanh(softplus(x))").
// Text only: nothing here parses a formula.
#include <string>
#include <vector>

#include "ember/lab/formula/formula.hpp"

namespace ember {

std::string activation_label(const std::string& spec) {
  const auto equals = spec.find('=');
  if (equals == std::string::npos) return spec;
  const auto name_end = spec.find_last_not_of(" \t", equals == 0 ? 0 : equals - 1);
  const std::string name = spec.substr(0, name_end == std::string::npos ? 0 : name_end + 1);
  const auto begin = name.find_first_not_of(" \t");
  return begin == std::string::npos ? spec : name.substr(begin);
}

std::vector<std::string> split_activation_list(const std::string& text) {
  if (text.empty()) return {};
  std::vector<std::string> items(1);
  int depth = 0;
  for (const char c : text) {
    if (c == ',' && depth == 0) {
      items.emplace_back();
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && depth > 0) --depth;
    items.back() += c;
  }
  return items;
}

}  // namespace ember
