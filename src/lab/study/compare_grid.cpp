// The learning rates of a comparison's grid, as `--lr 1e-4,3e-4` and `--lr-grid LOW:HIGH:N` give them.
// The grid itself (settings_of) and the choice among its cells (summarize) are in compare.cpp.
#include <cmath>
#include <stdexcept>

#include "ember/core/engine/format.hpp"
#include "ember/lab/study/compare.hpp"

namespace ember {

namespace {

// One finite number, the whole of `text`, in the words parse_or_usage uses for any number option.
// Its sign is validate()'s to check (TrainConfig's rule: lr >= 0).
double parse_rate(const std::string& text, const std::string& option) {
  std::size_t used = 0;
  double value = NAN;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || !std::isfinite(value))
    throw std::invalid_argument(option + ": expected a number, got \"" + text + "\"");
  return value;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t end = text.find(separator); end != std::string::npos; end = text.find(separator, start)) {
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  parts.push_back(text.substr(start));
  return parts;
}

}  // namespace

std::vector<double> parse_lr_list(const std::string& text) {
  std::vector<double> rates;
  for (const std::string& part : split(text, ',')) rates.push_back(parse_rate(part, "--lr"));
  return rates;
}

std::vector<double> parse_lr_grid(const std::string& text) {
  const std::vector<std::string> parts = split(text, ':');
  if (parts.size() != 3)
    throw std::invalid_argument("--lr-grid: \"" + text + "\" is not LOW:HIGH:N (e.g. 1e-4:1e-1:7)");
  const double low = parse_rate(parts[0], "--lr-grid"), high = parse_rate(parts[1], "--lr-grid");
  std::size_t used = 0;
  int count = 0;
  try {
    count = std::stoi(parts[2], &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != parts[2].size() || count < 2)
    throw std::invalid_argument("--lr-grid: N must be a whole number of at least 2, got \"" + parts[2] + "\"");
  if (!(low > 0 && low < high))
    throw std::invalid_argument("--lr-grid: LOW and HIGH must be positive, LOW below HIGH, got " + text);
  // lr_k = 10^(log10 low + k/(N−1) · (log10 high − log10 low)), k = 0 .. N−1; the ends exactly as given.
  std::vector<double> rates;
  const double a = std::log10(low), b = std::log10(high);
  for (int k = 0; k < count; ++k) {
    const double t = static_cast<double>(k) / static_cast<double>(count - 1);
    rates.push_back(k == 0 ? low : k == count - 1 ? high : std::pow(10.0, a + t * (b - a)));
  }
  return rates;
}

bool is_chosen(const Summary& summary, const CompareRun& run) {
  for (const GridCell& cell : summary.grid)
    if (cell.chosen && cell.activation == run.activation && same_setting(cell.setting, run.setting)) return true;
  return false;
}

CompareResult chosen_runs(const CompareResult& result, const Summary& summary) {
  CompareResult chosen = result;
  chosen.runs.clear();
  for (const CompareRun& run : result.runs)
    if (is_chosen(summary, run)) chosen.runs.push_back(run);
  return chosen;
}

std::string describe_grid(const CompareConfig& config) {
  std::vector<std::string> optimizers = config.optimizers;
  if (optimizers.empty()) optimizers.push_back(config.base.optimizer);
  std::vector<double> lrs = config.lrs;
  if (lrs.empty()) lrs.push_back(config.base.lr);
  std::string text;
  for (const std::string& optimizer : optimizers) text += (text.empty() ? "" : ", ") + optimizer;
  text += " at lr ";
  if (lrs.size() <= 4) {
    for (std::size_t k = 0; k < lrs.size(); ++k) text += (k == 0 ? "" : ", ") + format_general(lrs[k], 3);
  } else {
    text += format_general(lrs.front(), 3) + " .. " + format_general(lrs.back(), 3) + " (" +
            std::to_string(lrs.size()) + " rates)";
  }
  return text;
}

}  // namespace ember
