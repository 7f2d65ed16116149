// The two floors, checked on the files themselves: the core (include/ember/core, src/core) never
// includes the lab; the CMake targets say the same (ember_core links nothing of the lab), and the
// consumer test builds a program against Ember::core alone. Headers mirror sources: the code of
// include/ember/<floor>/<part>/<name>.hpp is in src/<floor>/<part>/<name>.cpp, or, where one header's
// contents are split along ideas, in <name>_<idea>.cpp; a header without a source is header-only.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace fs = std::filesystem;

namespace {

const fs::path root = EMBER_SOURCE_DIR;

std::set<std::string> stems(const fs::path& dir, const std::string& extension) {
  std::set<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != extension) continue;
    const fs::path relative = fs::relative(entry.path(), dir);
    out.insert((relative.parent_path() / relative.stem()).generic_string());
  }
  return out;
}

}  // namespace

TEST_CASE("no file of the core includes a header of the lab", "[layout]") {
  for (const fs::path& dir : {root / "include/ember/core", root / "src/core"}) {
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      std::ifstream in(entry.path());
      std::string line;
      int number = 0;
      while (std::getline(in, line)) {
        ++number;
        INFO(entry.path().generic_string() << ":" << number << ": " << line);
        CHECK(line.find("#include \"ember/lab/") == std::string::npos);
      }
    }
  }
}

TEST_CASE("every source file implements the header of its name, on the same floor and part", "[layout]") {
  const std::set<std::string> headers = stems(root / "include/ember", ".hpp");
  for (const std::string& source : stems(root / "src", ".cpp")) {
    INFO("src/" << source << ".cpp");
    bool mirrored = headers.count(source) > 0;
    for (const std::string& header : headers) mirrored = mirrored || source.rfind(header + "_", 0) == 0;
    CHECK(mirrored);
  }
}
