// CSV input: a header row, then one sample per line. The separator (comma, semicolon or tab) is
// detected from the header unless given. Numbers in plain or scientific notation; a column that
// holds text is read as text (encoding.hpp one-hot encodes it). Missing values (an empty field,
// NA, N/A, NaN, nan, ?) are recorded, not guessed: what to do with them is a policy (error, drop,
// mean). Accepted: CRLF line ends, a UTF-8 BOM, RFC 4180 "quoted" fields, empty lines at the end.
// Anything else irregular is a DataError naming file:line:column. Whole file read into memory.
// Then: encoding.hpp (columns -> model inputs), builtin.hpp (datasets by name, train/test).
#pragma once

#include <string>
#include <vector>

#include "ember/core/data/dataset.hpp"

namespace ember {

// What happens to a missing value in a feature column (--missing).
enum class MissingValues {
  error,  // stop, naming file:line:column (the default: a guess would be a silent wrong number)
  drop,   // leave out every row with a missing feature (or label)
  mean,   // fill with the training split's column mean (a text column: its most frequent category)
};
MissingValues parse_missing_values(const std::string& name);  // "error", "drop", "mean"
std::string to_string(MissingValues missing);

// Which columns to read and how (the CLI's --sep, --target, --features, --ignore, --categorical).
struct CsvOptions {
  char separator = 0;                    // 0: detect from the header
  std::string target;                    // a header name or 0-based index; empty: the last column
  bool read_target = true;               // false: features only (ember predict)
  std::vector<std::string> features;     // only these columns, in this order; empty: all but target and ignore
  std::vector<std::string> ignore;       // columns never read
  std::vector<std::string> categorical;  // read as text (one-hot) even when every value is a number
  std::vector<std::string> keep;         // also read these columns' raw text, to copy them out (predict --keep)
};

// One feature column as read: numbers, or text when any of its values is not a number.
struct CsvColumn {
  std::string name;
  bool is_text = false;
  std::vector<float> numbers;      // numeric column, one per row; NaN where the value is missing
  std::vector<std::string> texts;  // text column, one per row; "" where the value is missing
  std::vector<int> char_columns;   // 1-based character column of each row's field (for messages)
  Index missing = 0;               // how many rows have no value here
};

struct CsvTable {
  std::string source;  // the file's path (or a name for text in memory)
  char separator = ',';
  std::vector<std::string> header;    // every column of the file
  std::vector<CsvColumn> columns;     // the feature columns, in order
  std::vector<CsvColumn> kept;        // CsvOptions::keep, as raw text (missing markers included)
  std::string target_name;            // empty when the target was not read
  std::vector<std::string> labels;    // the target column's text, one per row
  std::vector<int> label_columns;     // where each row's label starts (1-based character column)
  int target_char_column = 0;         // where the target's name stands in the header
  std::vector<int> lines;             // the file line of each row
  std::vector<std::string> warnings;  // for the user: a header that looks like data

  Index rows() const { return static_cast<Index>(lines.size()); }
  // "file:line:column: " for row `row` of feature column `column` (or the target when column < 0).
  std::string where(Index row, int column) const;
  // The same table with only `rows`, in that order.
  CsvTable select_rows(const std::vector<Index>& rows) const;
};

bool is_missing_marker(const std::string& field);  // "", NA, N/A, NaN, nan, ?

// Reads the table; `text` is the file's content and `source` its name in messages.
CsvTable parse_csv_table(const std::string& text, const std::string& source, const CsvOptions& options);
CsvTable read_csv_table(const std::string& path, const CsvOptions& options);

// One field of CSV output (RFC 4180): quoted when it holds the separator, a quote, a newline or
// surrounding blanks, with quotes doubled; otherwise as it is.
std::string csv_field(const std::string& text, char separator = ',');

// The file's bytes (a missing file or a directory is a DataError naming it).
std::string read_text_file(const std::string& path);

// Comma, semicolon or tab: whichever the header line (outside quotes) holds most; comma if none.
char detect_separator(const std::string& text);
std::string separator_name(char separator);  // "comma", "semicolon", "tab", "'|'"

// Just the header's column names.
std::vector<std::string> read_csv_header(const std::string& path, char separator = 0);

// A labelled dataset from a CSV file with every feature numeric and no missing value (the shipped
// datasets, and the simple case): read_csv_table + encode_labels + a numeric-only encoding.
// `target` is a header name or a 0-based column index; empty means the last column.
Dataset read_csv(const std::string& path, const std::string& target = "");
Dataset parse_csv(const std::string& text, const std::string& source, const std::string& target = "");

}  // namespace ember
