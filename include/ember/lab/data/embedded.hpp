// The CSV files of data/, compiled into the library so that built-in datasets need no path at run
// time. The table is generated at build time by cmake/EmbedData.cmake (see CMakeLists.txt); each
// file is split into raw-string chunks below compilers' string-literal limits, joined on use.
// Users want builtin.hpp; this is its plumbing.
#pragma once

#include <cstddef>
#include <string>

namespace ember {

struct EmbeddedFile {
  const char* name;           // file name without .csv: "iris"
  const char* const* chunks;  // the file's text, in pieces
  std::size_t chunk_count;
};

extern const EmbeddedFile embedded_files[];
extern const std::size_t embedded_file_count;

// The text of data/<name>.csv, or an empty string when no such file was embedded.
std::string embedded_csv(const std::string& name);

}  // namespace ember
