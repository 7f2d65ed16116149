// CSV reading: a line cursor that knows where it is (for file:line:column messages), a field splitter
// with RFC 4180 quotes, a strict number parser, and the two readers built on them (labelled datasets,
// feature-only tables). The whole file is read into memory first: simple, and fast enough for
// anything an MLP trains on. Columns in messages are 1-based character positions, as in a compiler's.
#include "ember/data/csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

namespace ember {
namespace {

// ---- reading a file, with the errors a user can act on ----

std::string read_text_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw DataError(path + ": no such file");
  if (fs::is_directory(path, ec)) throw DataError(path + ": is a directory, expected a CSV file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot open the file for reading");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw DataError(path + ": read error");
  return text.str();
}

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// ---- walking the lines and splitting fields ----

struct Field {
  std::string text;  // unquoted, surrounding blanks removed
  int column = 0;    // 1-based character column where the field's text starts
};

class CsvCursor {
 public:
  CsvCursor(const std::string& text, std::string source) : text_(text), source_(std::move(source)) {
    // A UTF-8 byte order mark (Excel writes one) is not part of the first column's name.
    if (text_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;
  }

  // Splits the next line into `fields` (reusing their storage). Returns false at the end of the
  // text, where trailing empty lines are allowed; an empty line before more data is an error.
  bool next_row(std::vector<Field>& fields) {
    if (pos_ >= text_.size()) return false;
    std::size_t end = text_.find('\n', pos_);
    if (end == std::string::npos) end = text_.size();
    line_begin_ = pos_;
    line_end_ = (end > pos_ && text_[end - 1] == '\r') ? end - 1 : end;  // CRLF
    pos_ = end + 1;
    ++line_;
    if (text_.find_first_not_of(" \t", line_begin_) >= line_end_) {
      if (text_.find_first_not_of(" \t\r\n", line_begin_) == std::string::npos) return false;
      fail(1, "empty line inside the data (only empty lines at the end are allowed)");
    }
    split(fields);
    return true;
  }

  int line() const { return line_; }
  int end_column() const { return static_cast<int>(line_end_ - line_begin_) + 1; }
  const std::string& source() const { return source_; }

  [[noreturn]] void fail(int column, const std::string& message) const {
    throw DataError(source_ + ":" + std::to_string(line_) + ":" + std::to_string(column) + ": " + message);
  }

 private:
  void split(std::vector<Field>& fields) {
    std::size_t count = 0;
    std::size_t p = line_begin_;
    while (true) {
      if (fields.size() <= count) fields.emplace_back();
      p = read_field(p, fields[count++]);
      if (p >= line_end_) break;
      ++p;  // the comma
    }
    fields.resize(count);
  }

  // Reads one field starting at p; returns the position of the comma after it, or line_end_.
  std::size_t read_field(std::size_t p, Field& field) {
    while (p < line_end_ && (text_[p] == ' ' || text_[p] == '\t')) ++p;
    field.column = static_cast<int>(p - line_begin_) + 1;
    field.text.clear();
    if (p < line_end_ && text_[p] == '"') return read_quoted(p, field);
    const std::size_t comma = std::min(text_.find(',', p), line_end_);
    std::size_t last = comma;
    while (last > p && (text_[last - 1] == ' ' || text_[last - 1] == '\t')) --last;
    field.text.assign(text_, p, last - p);
    return comma;
  }

  // "a ""quoted"" field": a doubled quote is one quote character. No newlines inside quotes.
  std::size_t read_quoted(std::size_t open, Field& field) {
    std::size_t p = open + 1;
    while (true) {
      if (p >= line_end_) fail(field.column, "unterminated quoted field (a quote opens here and never closes)");
      if (text_[p] == '"' && p + 1 < line_end_ && text_[p + 1] == '"') {
        field.text += '"';
        p += 2;
      } else if (text_[p] == '"') {
        break;
      } else {
        field.text += text_[p++];
      }
    }
    ++p;  // the closing quote
    while (p < line_end_ && (text_[p] == ' ' || text_[p] == '\t')) ++p;
    if (p < line_end_ && text_[p] != ',') fail(static_cast<int>(p - line_begin_) + 1, "expected a comma after the closing quote");
    return p;
  }

  const std::string& text_;
  std::string source_;
  std::size_t pos_ = 0, line_begin_ = 0, line_end_ = 0;
  int line_ = 0;
};

// ---- the header ----

std::vector<std::string> read_header(CsvCursor& cursor, std::vector<Field>& fields) {
  if (!cursor.next_row(fields)) throw DataError(cursor.source() + ":1:1: the file is empty (expected a header row)");
  std::vector<std::string> names;
  for (const Field& field : fields) {
    if (field.text.empty()) cursor.fail(field.column, "empty column name in the header");
    const auto same = std::find(names.begin(), names.end(), field.text);
    if (same != names.end()) {
      cursor.fail(field.column, "duplicate column name " + in_quotes(field.text) + " (also column " +
                                    std::to_string(same - names.begin() + 1) + " of the header)");
    }
    names.push_back(field.text);
  }
  return names;
}

// Checks the field count of a data row against the header's.
void check_width(const CsvCursor& cursor, const std::vector<Field>& fields, std::size_t expected) {
  if (fields.size() == expected) return;
  const int column = fields.size() < expected ? cursor.end_column() : fields[expected].column;
  cursor.fail(column, "expected " + std::to_string(expected) + " fields (as in the header), found " +
                          std::to_string(fields.size()));
}

// `target` is a header name, else a 0-based index; empty means the last column.
std::size_t resolve_target(const std::vector<std::string>& header, const std::string& target,
                           const std::string& source) {
  if (target.empty()) return header.size() - 1;
  const auto named = std::find(header.begin(), header.end(), target);
  if (named != header.end()) return static_cast<std::size_t>(named - header.begin());
  std::size_t index = 0;
  const auto [end, ec] = std::from_chars(target.data(), target.data() + target.size(), index);
  if (ec == std::errc() && end == target.data() + target.size()) {
    if (index < header.size()) return index;
    throw DataError(source + ":1: target column index " + target + " is out of range: the header has " +
                    std::to_string(header.size()) + " columns (" + join(header) + ")");
  }
  throw DataError(source + ":1: no target column " + in_quotes(target) + "; the header has: " + join(header));
}

// ---- numbers ----

// Why a field is not a usable number: the rare path, apart so that the common one builds no
// strings. Returns only for a value too small for float32 (1e-400 is zero, not an error).
float number_error(const CsvCursor& cursor, const Field& field, const std::string& column_name, std::errc ec) {
  const std::string& s = field.text;
  const std::string where = " in column " + in_quotes(column_name);
  if (s.empty()) cursor.fail(field.column, "expected a number" + where + ", found an empty field");
  if (ec == std::errc::invalid_argument) cursor.fail(field.column, "expected a number" + where + ", found " + in_quotes(s));
  if (ec == std::errc::result_out_of_range) {
    const bool negative_exponent = s.find("e-") != std::string::npos || s.find("E-") != std::string::npos;
    if (negative_exponent) return 0.0f;
  } else if (s.find_first_of("nNiI") != std::string::npos) {
    cursor.fail(field.column, "NaN and infinity are not allowed" + where + ", found " + in_quotes(s));
  }
  cursor.fail(field.column, in_quotes(s) + where + " is out of float32 range");
}

// Plain or scientific notation, locale-independent (from_chars, not strtod: a German locale
// must not turn "1.5" into 1). NaN and infinity are rejected: one of them poisons every gradient.
float parse_number(const CsvCursor& cursor, const Field& field, const std::string& column_name) {
  const std::string& s = field.text;
  const bool plus = s.size() > 1 && s[0] == '+' && s[1] != '-';  // from_chars takes no leading '+'
  const char* last = s.data() + s.size();
  double value = 0.0;
  const auto [end, ec] = std::from_chars(s.data() + (plus ? 1 : 0), last, value);
  // NaN fails the comparison, so it takes the error path with infinity and overflow.
  if (ec == std::errc() && end == last && std::abs(value) <= std::numeric_limits<float>::max()) {
    return static_cast<float>(value);
  }
  return number_error(cursor, field, column_name, end == last ? ec : std::errc::invalid_argument);
}

Matrix to_matrix(const std::vector<float>& values, Index cols) {
  const Index rows = cols == 0 ? 0 : static_cast<Index>(values.size()) / cols;
  return Eigen::Map<const Matrix>(values.data(), rows, cols).cast<Scalar>();
}

// ---- labels ----

bool parse_integer(const std::string& s, long long& value) {
  const char* first = s.data() + (!s.empty() && s[0] == '+' ? 1 : 0);
  const auto [end, ec] = std::from_chars(first, s.data() + s.size(), value);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

// Integer labels sort as numbers (2 before 10) and are named by their value; any other label
// makes them all strings, sorted by bytes. Either way the sorted names become 0..C-1.
void encode_labels(const std::vector<std::string>& labels, Dataset& data) {
  std::vector<long long> numbers(labels.size());
  bool integers = true;
  for (std::size_t i = 0; i < labels.size() && integers; ++i) integers = parse_integer(labels[i], numbers[i]);
  data.y.resize(labels.size());
  if (integers) {
    std::map<long long, int> index;  // ordered: the sorted distinct values
    for (long long v : numbers) index.emplace(v, 0);
    for (auto& [value, i] : index) {
      i = static_cast<int>(data.class_names.size());
      data.class_names.push_back(std::to_string(value));
    }
    for (std::size_t i = 0; i < labels.size(); ++i) data.y[i] = index[numbers[i]];
    return;
  }
  std::map<std::string, int> index;
  for (const auto& label : labels) index.emplace(label, 0);
  for (auto& [name, i] : index) {
    i = static_cast<int>(data.class_names.size());
    data.class_names.push_back(name);
  }
  for (std::size_t i = 0; i < labels.size(); ++i) data.y[i] = index[labels[i]];
}

// ---- columns for read_feature_csv ----

// Which header columns read_feature_csv reads, in output order.
std::vector<std::size_t> select_columns(const std::vector<std::string>& header, const std::vector<std::string>& columns,
                                        const std::vector<std::string>& drop, const std::string& source) {
  std::vector<std::size_t> chosen;
  for (const auto& name : columns) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw DataError(source + ":1: no column " + in_quotes(name) + "; the header has: " + join(header));
    chosen.push_back(static_cast<std::size_t>(it - header.begin()));
  }
  if (!columns.empty()) return chosen;
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (std::find(drop.begin(), drop.end(), header[c]) == drop.end()) chosen.push_back(c);
  }
  if (chosen.empty()) throw DataError(source + ":1: no feature columns left (the header has: " + join(header) + ")");
  return chosen;
}

std::string stem(const std::string& path) { return std::filesystem::path(path).stem().string(); }

}  // namespace

// ---- the readers ----

Dataset parse_csv(const std::string& text, const std::string& source, const std::string& target) {
  CsvCursor cursor(text, source);
  std::vector<Field> fields;
  const std::vector<std::string> header = read_header(cursor, fields);
  const std::size_t label_column = resolve_target(header, target, source);
  if (header.size() < 2) cursor.fail(1, "the header has only the target column; at least one feature column is needed");
  const int label_header_column = fields[label_column].column;

  Dataset data;
  data.name = stem(source);
  std::vector<float> values;
  std::vector<std::string> labels;
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (c != label_column) data.feature_names.push_back(header[c]);
  }
  while (cursor.next_row(fields)) {
    check_width(cursor, fields, header.size());
    for (std::size_t c = 0; c < fields.size(); ++c) {
      if (c != label_column) values.push_back(parse_number(cursor, fields[c], header[c]));
    }
    const Field& label = fields[label_column];
    if (label.text.empty()) cursor.fail(label.column, "empty label in the target column " + in_quotes(header[label_column]));
    labels.push_back(label.text);
  }
  if (labels.empty()) throw DataError(source + ":2:1: no data rows after the header");
  data.X = to_matrix(values, static_cast<Index>(header.size() - 1));
  encode_labels(labels, data);
  if (data.num_classes() < 2) {
    throw DataError(source + ":1:" + std::to_string(label_header_column) + ": the target column " +
                    in_quotes(header[label_column]) + " has a single class (" + in_quotes(data.class_names[0]) +
                    "); a classifier needs at least two");
  }
  return data;
}

Dataset read_csv(const std::string& path, const std::string& target) {
  return parse_csv(read_text_file(path), path, target);
}

std::vector<std::string> read_csv_header(const std::string& path) {
  const std::string text = read_text_file(path);
  CsvCursor cursor(text, path);
  std::vector<Field> fields;
  return read_header(cursor, fields);
}

FeatureTable read_feature_csv(const std::string& path, const std::vector<std::string>& columns,
                              const std::vector<std::string>& drop) {
  const std::string text = read_text_file(path);
  CsvCursor cursor(text, path);
  std::vector<Field> fields;
  const std::vector<std::string> header = read_header(cursor, fields);
  const std::vector<std::size_t> chosen = select_columns(header, columns, drop, path);

  FeatureTable table;
  for (std::size_t c : chosen) table.names.push_back(header[c]);
  std::vector<float> values;
  while (cursor.next_row(fields)) {
    check_width(cursor, fields, header.size());
    for (std::size_t c : chosen) values.push_back(parse_number(cursor, fields[c], header[c]));
  }
  if (values.empty()) throw DataError(path + ":2:1: no data rows after the header");
  table.X = to_matrix(values, static_cast<Index>(chosen.size()));
  return table;
}

}  // namespace ember
