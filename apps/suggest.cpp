// The nearest name to a typo, and plain quotes in cxxopts' messages.
#include "suggest.hpp"

#include <algorithm>
#include <cctype>

namespace ember::cli {

// d[i][j] is the distance between the first i characters of a and the first j of b:
//   d[i][j] = min(d[i-1][j] + 1, d[i][j-1] + 1, d[i-1][j-1] + (a[i-1] != b[j-1]),
//                 d[i-2][j-2] + 1 when a[i-2..i-1] and b[j-2..j-1] are the same two characters swapped).
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

std::string closest_name(const std::string& word, const std::vector<std::string>& candidates) {
  if (word.empty()) return "";
  // A third of the word, roughly: "epohcs" may be 2 edits off, "lr" only 1.
  const std::size_t allowed = word.size() <= 4 ? 1 : word.size() <= 8 ? 2 : 3;
  std::string best;
  std::size_t best_distance = allowed + 1;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = edit_distance(lower(word), lower(candidate));
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string plain_quotes(std::string message) {
  for (const char* curly : {"\xE2\x80\x98", "\xE2\x80\x99"}) {
    for (auto at = message.find(curly); at != std::string::npos; at = message.find(curly, at + 1))
      message.replace(at, 3, "'");
  }
  return message;
}

}  // namespace ember::cli
