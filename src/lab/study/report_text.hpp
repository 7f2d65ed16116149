// The formats of a comparison's tables and sentences, shared by compare_report.cpp (the tables),
// compare_findings.cpp (the sentences) and compare_figure.cpp: a missing figure (NaN) is "-", a figure
// over several seeds "mean ± std". Internal to src/lab/study/: not an installed header.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ember/core/engine/format.hpp"
#include "ember/core/nn/activation_modules.hpp"
#include "ember/lab/study/compare.hpp"

namespace ember::report_text {

// Table cells: "-" for a missing figure (NaN).
inline std::string fixed(double v, int decimals) { return std::isnan(v) ? "-" : format_fixed(v, decimals); }

inline std::string scientific(double v) { return std::isnan(v) ? "-" : format_scientific(v, 2); }

// "0.1234" for one seed, "0.1234 ± 0.0012" for several.
inline std::string cell(const Stat& s, int seeds, std::string (*format)(double)) {
  if (std::isnan(s.mean)) return "-";
  return seeds > 1 ? format(s.mean) + " ± " + format(s.std) : format(s.mean);
}

inline std::string four(double v) { return fixed(v, 4); }
// A ratio that may be tiny (1.6e-07 at depth 8): two significant digits, never rounded to 0.00.
inline std::string ratio(double v) {
  if (std::isnan(v)) return "-";
  return v >= 0.01 ? format_fixed(v, 2) : format_scientific(v, 1);
}
inline std::string percent(double v) { return std::isnan(v) ? "-" : fixed(100 * v, 1) + "%"; }
inline std::string one(double v) { return fixed(v, 1); }
inline std::string two(double v) { return fixed(v, 2); }

// The saturated units are shown for the activations that flatten out (sigmoid, tanh) and for every
// formula; for relu and its kin a flat unit is a dead one, already counted.
inline bool saturates(const std::string& activation) {
  if (activation == "sigmoid" || activation == "tanh") return true;
  const auto& core = nn::activation_names();
  return std::find(core.begin(), core.end(), activation.substr(0, activation.find(':'))) == core.end();
}

// Pads every column of a table of strings to its widest cell (counting UTF-8 characters).
inline std::string align(const std::vector<std::vector<std::string>>& rows) {
  auto width_of = [](const std::string& s) {
    std::size_t n = 0;
    for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
    return n;
  };
  std::vector<std::size_t> widths;
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (widths.size() <= c) widths.push_back(0);
      widths[c] = std::max(widths[c], width_of(row[c]));
    }
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - width_of(row[c]), ' ');
      out += c == 0 ? row[c] + pad : "  " + pad + row[c];
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();  // an empty last cell leaves no trailing spaces
    out += "\n";
  }
  return out;
}

// "a", "a and b", "a, b and c".
inline std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (std::size_t i = 0; i < items.size(); ++i)
    s += (i == 0 ? "" : (i + 1 == items.size() ? " and " : ", ")) + items[i];
  return s;
}

}  // namespace ember::report_text
