// The docs cannot rot: every sample in README.md and docs/*.md is checked against code that is built
// and run.
//   ```cpp blocks      a C++ sample: must appear verbatim, as whole lines, in some examples/*.cpp
//                      (CMakeLists.txt builds each example and ctest runs it as example_<name>);
//   ```cpp PATH blocks a quote of a source file (```cpp src/core/engine/autograd.cpp): must appear verbatim,
//                      as whole lines, in PATH, so a quoted function cannot silently drift from the code;
//   ```console blocks  `$ ember ...` commands with their output: each command is run (in a scratch
//                      folder holding a link to data/) and every output line shown must still be one of
//                      the lines it prints; a line "..." stands for lines left out. Use ```text for
//                      output that varies (timings), which is not checked.
//   ```python blocks   the one in the README's "Loading an Ember model file in PyTorch" is a whole
//                      program: it is run on a model `ember train` saved, and must print the
//                      probabilities `ember predict` prints (when /usr/bin/python3 has torch and numpy;
//                      otherwise the test says it skipped). The other python blocks are fragments of
//                      the article's code, shown, not run.
// Plus: the README's compare table has the header `ember compare` prints, and every repository path
// the docs name (links, `src/...` in backticks) exists.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path source_dir = EMBER_SOURCE_DIR;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

std::string rstrip(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

// README.md and docs/*.md, as paths relative to the repository root.
std::vector<std::string> markdown_files() {
  std::vector<std::string> files{"README.md"};
  for (const auto& entry : fs::directory_iterator(source_dir / "docs")) {
    if (entry.path().extension() == ".md") files.push_back("docs/" + entry.path().filename().string());
  }
  std::sort(files.begin() + 1, files.end());
  return files;
}

struct Block {
  std::string file;                // "docs/02-backward.md"
  int line = 0;                    // 1-based line of the opening fence
  std::string language;            // "cpp", "console", "text", ...
  std::string argument;            // what follows the language: a quoted file's path
  std::vector<std::string> lines;  // the content, the fence's indentation removed
};

// The fenced code blocks of a Markdown file (``` fences, possibly indented inside a list).
std::vector<Block> fenced_blocks(const std::string& file) {
  std::vector<Block> blocks;
  const std::vector<std::string> lines = split_lines(read_text(source_dir / file));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::size_t indent = lines[i].find_first_not_of(' ');
    if (indent == std::string::npos || lines[i].compare(indent, 3, "```") != 0) continue;
    Block block;
    block.file = file;
    block.line = static_cast<int>(i + 1);
    std::istringstream info(lines[i].substr(indent + 3));
    info >> block.language >> block.argument;
    for (++i; i < lines.size(); ++i) {
      const std::size_t at = lines[i].find_first_not_of(' ');
      if (at != std::string::npos && lines[i].compare(at, 3, "```") == 0 && rstrip(lines[i]).size() == at + 3) break;
      const std::size_t spaces = at == std::string::npos ? lines[i].size() : at;
      block.lines.push_back(lines[i].substr(std::min(indent, spaces)));
    }
    blocks.push_back(block);
  }
  return blocks;
}

std::vector<Block> all_blocks() {
  std::vector<Block> blocks;
  for (const std::string& file : markdown_files()) {
    for (Block& block : fenced_blocks(file)) blocks.push_back(std::move(block));
  }
  return blocks;
}

// True when `lines` occur in `text` as consecutive whole lines.
bool contains_lines(const std::string& text, const std::vector<std::string>& lines) {
  std::string needle;
  for (const std::string& line : lines) needle += line + "\n";
  const std::string haystack = "\n" + text + (text.empty() || text.back() != '\n' ? "\n" : "");
  return haystack.find("\n" + needle) != std::string::npos;
}

std::string first_line(const Block& block) {
  for (const std::string& line : block.lines)
    if (!rstrip(line).empty()) return rstrip(line);
  return "(empty)";
}

std::string where(const Block& block) { return block.file + ":" + std::to_string(block.line); }

// "README.md:12", for the match at `offset` in the file's text.
std::string where(const std::string& file, const std::string& text, std::ptrdiff_t offset) {
  return file + ":" + std::to_string(1 + std::count(text.begin(), text.begin() + offset, '\n'));
}

bool is_cpp(const std::string& language) {
  return language == "cpp" || language == "c++" || language == "cxx" || language == "cc" || language == "c" ||
         language == "h" || language == "hpp";
}

// Runs `command` (its words after "ember") in `dir`; stdout and stderr together.
std::string run_in(const std::string& dir, const std::string& args) {
  const std::string capture = (fs::path(dir) / ".output").string();
  const std::string command =
      "cd '" + dir + "' && " + std::string(EMBER_BINARY) + " " + args + " >'" + capture + "' 2>&1 </dev/null";
  (void)std::system(command.c_str());  // the status is not checked: the lines shown are
  return read_text(capture);
}

}  // namespace

TEST_CASE("docs: every C++ sample in README.md and docs is a verbatim excerpt of compiled code", "[docs]") {
  std::vector<std::pair<std::string, std::string>> examples;  // name, text
  for (const auto& entry : fs::directory_iterator(source_dir / "examples")) {
    if (entry.path().extension() == ".cpp") {
      examples.emplace_back("examples/" + entry.path().filename().string(), read_text(entry.path()));
    }
  }
  REQUIRE(examples.size() >= 4);
  int samples = 0, quotes = 0;
  for (const Block& block : all_blocks()) {
    if (!is_cpp(block.language)) continue;
    if (!block.argument.empty()) {
      ++quotes;
      const fs::path quoted = source_dir / block.argument;
      if (!fs::is_regular_file(quoted)) {
        FAIL_CHECK(where(block) + ": the ```" + block.language + " block quotes " + block.argument +
                   ", which does not exist");
      } else if (!contains_lines(read_text(quoted), block.lines)) {
        FAIL_CHECK(where(block) + ": the block starting `" + first_line(block) + "` is no longer in " + block.argument +
                   ": copy the current code from that file into the doc");
      }
      continue;
    }
    ++samples;
    const bool found = std::any_of(examples.begin(), examples.end(),
                                   [&](const auto& example) { return contains_lines(example.second, block.lines); });
    if (!found) {
      FAIL_CHECK(where(block) + ": the C++ sample starting `" + first_line(block) +
                 "` appears verbatim in no examples/*.cpp. Every sample must be an excerpt of an example, which "
                 "the build compiles and ctest runs; to quote library code instead, name its file: ```cpp src/...");
    }
  }
  CHECK(samples >= 10);  // the parser found the samples: the README's program and the chapters'
  CHECK(quotes >= 20);   // and the quotes of the library
}

TEST_CASE("docs: every ember command shown with its output still prints that output", "[docs][cli]") {
  ember_test::TempDir scratch;
  fs::create_directory_symlink(source_dir / "data", fs::path(scratch.path()) / "data");
  int commands = 0;
  for (const Block& block : all_blocks()) {
    if (block.language != "console") continue;
    // The block as commands, each with the output lines shown under it.
    std::vector<std::pair<std::string, std::vector<std::string>>> runs;
    for (const std::string& raw : block.lines) {
      const std::string line = rstrip(raw);
      if (line.rfind("$ ", 0) == 0) {
        if (line.rfind("$ ember ", 0) != 0 && line != "$ ember") {
          FAIL_CHECK(where(block) + ": a console block may run only ember commands, found `" + line + "`");
        }
        runs.push_back({line.substr(std::min<std::size_t>(line.size(), 8)), {}});
      } else if (!runs.empty() && !line.empty() && line != "...") {
        runs.back().second.push_back(line);
      }
    }
    if (runs.empty()) FAIL_CHECK(where(block) + ": a console block without a `$ ember ...` command");
    for (const auto& [args, expected] : runs) {
      ++commands;
      const std::vector<std::string> printed = split_lines(run_in(scratch.path(), args));
      for (const std::string& line : expected) {
        const bool found =
            std::any_of(printed.begin(), printed.end(), [&](const std::string& p) { return rstrip(p) == line; });
        if (!found) {
          FAIL_CHECK(where(block) + ": `ember " + args + "` no longer prints the line\n  " + line +
                     "\nUpdate the doc with the real output (or show varying output in a ```text block).");
        }
      }
    }
  }
  CHECK(commands >= 5);
}

TEST_CASE("docs: the README's compare table has the header that ember compare prints", "[docs][cli]") {
  std::string header;
  for (const Block& block : fenced_blocks("README.md")) {
    for (const std::string& line : block.lines)
      if (line.rfind("activation ", 0) == 0 && line.find("train loss") != std::string::npos) header = rstrip(line);
  }
  REQUIRE_FALSE(header.empty());
  ember_test::TempDir scratch;
  // scripts/run.sh's command, without the files it writes.
  const std::vector<std::string> printed =
      split_lines(run_in(scratch.path(), "compare --dataset spiral --epochs 100 --lr 1e-3,1e-2 --seeds 5"));
  const bool found =
      std::any_of(printed.begin(), printed.end(), [&](const std::string& p) { return rstrip(p) == header; });
  INFO("README.md's table header:\n  " << header);
  CHECK(found);
}

TEST_CASE("docs: every repository path the docs name exists, and the index links every chapter", "[docs]") {
  static const std::regex link(R"(\]\(([^)\s]+)\))");  // [text](target)
  static const std::regex code_path(
      R"(`((include|src|apps|tests|examples|docs|scripts|data|cmake|bench)/[^`\s*<>]*)`)");
  int checked = 0;
  for (const std::string& file : markdown_files()) {
    const std::string text = read_text(source_dir / file);
    const fs::path base = (source_dir / file).parent_path();
    for (auto it = std::sregex_iterator(text.begin(), text.end(), link); it != std::sregex_iterator(); ++it) {
      std::string target = (*it)[1];
      if (target.find("://") != std::string::npos || target.rfind('#', 0) == 0 || target.rfind("mailto:", 0) == 0)
        continue;
      target = target.substr(0, target.find('#'));
      ++checked;
      if (!fs::exists(base / target))
        FAIL_CHECK(where(file, text, it->position()) + ": the link to " + target + " leads nowhere");
    }
    for (auto it = std::sregex_iterator(text.begin(), text.end(), code_path); it != std::sregex_iterator(); ++it) {
      const std::string path = (*it)[1];
      ++checked;
      if (!fs::exists(source_dir / path)) {
        FAIL_CHECK(where(file, text, it->position()) + ": names `" + path + "`, which does not exist");
      }
    }
  }
  CHECK(checked >= 50);
  const std::string index = read_text(source_dir / "docs/README.md");
  for (const std::string& file : markdown_files()) {
    if (file.rfind("docs/", 0) != 0 || file == "docs/README.md") continue;
    const std::string name = file.substr(5);
    if (index.find("(" + name + ")") == std::string::npos) FAIL_CHECK("docs/README.md does not link " + name);
  }
}

namespace {

// The ```python blocks of README.md between the heading `heading` and the next "## " heading.
std::vector<Block> python_blocks_under(const std::string& heading) {
  const std::vector<std::string> lines = split_lines(read_text(source_dir / "README.md"));
  const auto start = std::find(lines.begin(), lines.end(), heading);
  if (start == lines.end()) return {};
  const auto end =
      std::find_if(start + 1, lines.end(), [](const std::string& line) { return line.rfind("## ", 0) == 0; });
  const int first = static_cast<int>(start - lines.begin()) + 1, last = static_cast<int>(end - lines.begin());
  std::vector<Block> blocks;
  for (Block& block : fenced_blocks("README.md")) {
    if (block.language == "python" && block.line > first && block.line <= last) blocks.push_back(std::move(block));
  }
  return blocks;
}

// `command` through the shell, in `dir`; its stdout (stderr goes to `dir`/.stderr).
std::string output_of(const std::string& dir, const std::string& command, int& status) {
  const std::string out = (fs::path(dir) / ".stdout").string(), err = (fs::path(dir) / ".stderr").string();
  const int raw =
      std::system(("cd '" + dir + "' && " + command + " >'" + out + "' 2>'" + err + "' </dev/null").c_str());
  status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return read_text(out);
}

// A predictions CSV as rows of cells.
std::vector<std::vector<std::string>> csv_cells(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : split_lines(text)) {
    std::vector<std::string> cells;
    std::stringstream in(line);
    for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

}  // namespace

TEST_CASE("docs: the README's PyTorch loader predicts the probabilities ember predict predicts", "[docs][cli]") {
  const std::vector<Block> blocks = python_blocks_under("## Loading an Ember model file in PyTorch");
  REQUIRE(blocks.size() == 1);
  std::string program;
  for (const std::string& line : blocks.front().lines) program += line + "\n";
  CHECK(program.find("ember.standardize_mean") != std::string::npos);
  ember_test::TempDir dir;
  std::ofstream(fs::path(dir.path()) / "load_ember.py") << program;
  // A softmax model whose activation has a parameter and whose hidden sizes are not the article's,
  // a binary one (one sigmoid output), and one with a preset, which PyTorch computes with its own nn.Mish.
  const std::pair<std::string, std::string> runs[] = {
      {"--dataset iris --activation leaky_relu:0.05 --hidden 16,8", "iris.csv"},
      {"--dataset breast_cancer --activation tanh", "breast_cancer.csv"},
      {"--dataset wine --activation mish --hidden 16", "wine.csv"}};
  std::string python_arguments;
  std::vector<std::string> from_ember;
  for (std::size_t k = 0; k < std::size(runs); ++k) {
    INFO("ember train " << runs[k].first);
    const std::string model = "m" + std::to_string(k) + ".safetensors",
                      data = (source_dir / "data" / runs[k].second).string();
    int status = 0;
    output_of(dir.path(), std::string(EMBER_BINARY) + " train --epochs 20 " + runs[k].first + " --save " + model,
              status);
    REQUIRE(status == 0);
    from_ember.push_back(
        output_of(dir.path(), std::string(EMBER_BINARY) + " predict --model " + model + " --data " + data, status));
    REQUIRE(status == 0);
    python_arguments += " " + model + " '" + data + "' torch" + std::to_string(k) + ".csv";
  }
  // One Python for all the runs, since importing torch takes most of the time: the program is run
  // as a script (runpy) once per model, its stdout into torch<k>.csv. Status 77: no torch or numpy.
  const std::string driver =
      "import contextlib, runpy, sys\n"
      "try:\n"
      "    import numpy, torch\n"
      "except ImportError:\n"
      "    sys.exit(77)\n"
      "for model, data, out in zip(*[iter(sys.argv[1:])] * 3):\n"
      "    sys.argv = ['load_ember.py', model, data]\n"
      "    with open(out, 'w') as f, contextlib.redirect_stdout(f):\n"
      "        runpy.run_path('load_ember.py', run_name='__main__')\n";
  std::ofstream(fs::path(dir.path()) / "driver.py") << driver;
  int status = 0;
  output_of(dir.path(), "/usr/bin/python3 driver.py" + python_arguments, status);
  if (status == 77 || status == 127) {
    WARN(
        "SKIPPED running the README's PyTorch loader: " +
        std::string(status == 127 ? "there is no /usr/bin/python3" : "/usr/bin/python3 cannot import torch and numpy") +
        " (apt-get install python3-torch)");
    return;
  }
  INFO("python's stderr: " << read_text(fs::path(dir.path()) / ".stderr"));
  REQUIRE(status == 0);
  for (std::size_t k = 0; k < std::size(runs); ++k) {
    INFO("ember train " << runs[k].first);
    const auto ember = csv_cells(from_ember[k]);
    const auto torch = csv_cells(read_text(fs::path(dir.path()) / ("torch" + std::to_string(k) + ".csv")));
    REQUIRE(torch.size() == ember.size());
    CHECK(torch.front() == ember.front());  // the header: prediction,prob_<class>...
    int predictions_differ = 0;
    for (std::size_t row = 1; row < ember.size(); ++row) {
      REQUIRE(torch[row].size() == ember[row].size());
      predictions_differ += torch[row][0] != ember[row][0];
      for (std::size_t c = 1; c < ember[row].size(); ++c) {
        INFO("row " << row << " column " << ember.front()[c]);
        CHECK(std::stod(torch[row][c]) == Approx(std::stod(ember[row][c])).margin(1e-5));
      }
    }
    CHECK(predictions_differ == 0);
  }
}
