// CSV input: a header row, then one sample per line. Numbers in plain or scientific notation; the
// target column may hold integers or strings (class names, sorted, become indices 0..C-1). Accepted:
// CRLF line ends, a UTF-8 BOM, "quoted" fields, empty lines at the end. Anything else irregular is a
// DataError naming file:line:column. Not here: type sniffing, missing values, other delimiters.
// Reads the whole file into memory first; see builtin.hpp for the shipped datasets.
#pragma once

#include <string>
#include <vector>

#include "ember/data/dataset.hpp"

namespace ember {

// A labelled dataset from a CSV file. `target` is a header name or a 0-based column index;
// empty means the last column. Every other column is a feature.
Dataset read_csv(const std::string& path, const std::string& target = "");

// The same from text already in memory; `source` names it in error messages (the built-in
// datasets are parsed this way from the copies embedded in the library).
Dataset parse_csv(const std::string& text, const std::string& source, const std::string& target = "");

// Features only, for `ember predict`: the header names and the numbers below them.
struct FeatureTable {
  std::vector<std::string> names;  // (D)
  Matrix X;                        // (N, D)
};

// Reads the columns named in `columns`, in that order (a name missing from the header is an
// error listing the header); with `columns` empty, every column except those named in `drop`
// (`drop` names absent from the header are fine). Columns not read are not parsed either.
FeatureTable read_feature_csv(const std::string& path, const std::vector<std::string>& columns = {},
                              const std::vector<std::string>& drop = {});

// Just the header's column names (to decide what to ask read_feature_csv for).
std::vector<std::string> read_csv_header(const std::string& path);

}  // namespace ember
