// What the command line says about a mistyped name: the nearest known command or option ("did you
// mean --epochs?") by edit distance, and cxxopts' messages with plain ASCII quotes. Pure functions
// on strings; cli_usage.cpp and main.cpp put them into the messages. Tests: test_cli_suggest.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ember::cli {

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// neighbouring characters ("epohcs" -> "epochs") each cost 1. Compares bytes, case-sensitively.
std::size_t edit_distance(const std::string& a, const std::string& b);

// The candidate nearest to `word` (ignoring case), or "" when none is close enough to be a likely
// typo: at most 1 edit for words of up to 4 characters, 2 up to 8, 3 beyond. Ties go to the first.
std::string closest_name(const std::string& word, const std::vector<std::string>& candidates);

// `message` with cxxopts' quotes U+2018 and U+2019 replaced by '.
std::string plain_quotes(std::string message);

}  // namespace ember::cli
