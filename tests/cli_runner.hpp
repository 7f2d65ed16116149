// Runs the built `ember` binary (EMBER_BINARY) as a user would, capturing stdout, stderr and the
// exit status, for the [cli] tests. Scratch files go in a TempDir (test_data_files.hpp).
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "test_data_files.hpp"

namespace ember_test {

struct CliResult {
  int status = -1;
  std::string out, err;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// How many times `part` occurs in `text`, occurrences not overlapping.
inline std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
  return count;
}

// `args` is appended to the binary's path as shell words.
inline CliResult run_ember(const std::string& args) {
  TempDir capture;
  const std::string out = capture.file("stdout"), err = capture.file("stderr");
  const std::string command = std::string(EMBER_BINARY) + " " + args + " >" + out + " 2>" + err + " </dev/null";
  const int raw = std::system(command.c_str());
  CliResult result;
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.out = read_file(out);
  result.err = read_file(err);
  return result;
}

}  // namespace ember_test
