// CSV reading: a strict number parser and the table reader, built on the record cursor of
// csv_cursor.hpp (which knows where it is, for file:line:column messages, and splits RFC 4180 fields). A
// table is read in two passes over the text in memory: the first decides which columns are numbers
// and which are text, the second stores each column once in its own type (a float per cell, not a
// string: a 60,000-row file of 784 pixels stays about the size of its numbers). Columns in messages
// are 1-based character positions, as in a compiler's.
#include "ember/lab/data/csv.hpp"

#include "csv_cursor.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace ember {
namespace {

using csv_detail::check_width;
using csv_detail::CsvCursor;
using csv_detail::Field;
using csv_detail::in_quotes;
using csv_detail::read_header;

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
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

// Which header columns are features, in output order: `features` if given, else every column but
// the target and the ignored ones. A name that is not in the header is an error, never skipped.
std::vector<std::size_t> select_columns(const std::vector<std::string>& header, const CsvOptions& options, long target,
                                        const std::string& source) {
  auto column_of = [&](const std::string& name, const char* option) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) {
      throw DataError(source + ":1: " + option + ": no column " + in_quotes(name) +
                      "; the header has: " + join(header));
    }
    return static_cast<std::size_t>(it - header.begin());
  };
  for (const auto& name : options.ignore) {
    if (static_cast<long>(column_of(name, "--ignore")) == target) {
      throw DataError(source + ":1: --ignore " + name + ": that is the target column");
    }
  }
  for (const auto& name : options.categorical) column_of(name, "--categorical");
  std::vector<std::size_t> chosen;
  for (const auto& name : options.features) {
    const std::size_t c = column_of(name, "--features");
    if (static_cast<long>(c) == target)
      throw DataError(source + ":1: --features " + name + ": that is the target column");
    if (std::find(options.ignore.begin(), options.ignore.end(), name) != options.ignore.end()) {
      throw DataError(source + ":1: column " + in_quotes(name) + " is both in --features and in --ignore");
    }
    if (std::find(chosen.begin(), chosen.end(), c) != chosen.end()) {
      throw DataError(source + ":1: --features names column " + in_quotes(name) + " twice");
    }
    chosen.push_back(c);
  }
  if (!options.features.empty()) return chosen;
  for (std::size_t c = 0; c < header.size(); ++c) {
    const bool ignored = std::find(options.ignore.begin(), options.ignore.end(), header[c]) != options.ignore.end();
    if (static_cast<long>(c) != target && !ignored) chosen.push_back(c);
  }
  if (chosen.empty()) throw DataError(source + ":1: no feature columns left (the header has: " + join(header) + ")");
  return chosen;
}

// ---- numbers ----

enum class Kind { missing, number, text };

// Plain or scientific notation, locale-independent (from_chars, not strtod: a German locale
// must not turn "1.5" into 1). Returns false for text. Infinity and values beyond float32 are
// errors: one of them poisons every gradient. Values below float32's range are 0.
bool parse_number(const CsvCursor& cursor, const Field& field, const std::string& column_name, float& value) {
  const std::string& s = field.text;
  const bool plus = s.size() > 1 && s[0] == '+' && s[1] != '-';  // from_chars takes no leading '+'
  const char* last = s.data() + s.size();
  double parsed = 0.0;
  const auto [end, ec] = std::from_chars(s.data() + (plus ? 1 : 0), last, parsed);
  if (end != last || ec == std::errc::invalid_argument) return false;
  const std::string where = " in column " + in_quotes(column_name);
  if (ec == std::errc::result_out_of_range) {
    const bool negative_exponent = s.find("e-") != std::string::npos || s.find("E-") != std::string::npos;
    if (!negative_exponent) cursor.fail(field.column, in_quotes(s) + where + " is out of float32 range");
    value = 0.0f;
    return true;
  }
  if (std::isinf(parsed)) cursor.fail(field.column, "infinity is not allowed" + where + ", found " + in_quotes(s));
  if (std::abs(parsed) > std::numeric_limits<float>::max()) {
    cursor.fail(field.column, in_quotes(s) + where + " is out of float32 range");
  }
  value = static_cast<float>(parsed);
  return true;
}

Kind classify(const CsvCursor& cursor, const Field& field, const std::string& column_name, float& value) {
  if (is_missing_marker(field.text)) return Kind::missing;
  return parse_number(cursor, field, column_name, value) ? Kind::number : Kind::text;
}

// "1,5" read as text in a semicolon file is almost surely a decimal comma, not a category.
bool looks_like_decimal_comma(const std::string& s) {
  if (s.find(',') == std::string::npos) return false;
  std::string dotted = s;
  std::replace(dotted.begin(), dotted.end(), ',', '.');
  double value = 0;
  const auto [end, ec] = std::from_chars(dotted.data(), dotted.data() + dotted.size(), value);
  return ec == std::errc() && end == dotted.data() + dotted.size();
}

// What the first pass learns about one feature column.
struct ColumnScan {
  Index numbers = 0, texts = 0, decimal_commas = 0;
  int first_text_line = 0, first_text_column = 0;
  std::string first_text;
};

// A column is text when any value is not a number. A column of numbers with a few words in it is
// a typo or an unmarked missing value far more often than a category: that is an error, not 400
// one-hot columns. So is a column whose every "word" is a number written with a decimal comma.
bool decide_text(const ColumnScan& scan, const std::string& name, bool forced, const std::string& source) {
  if (forced) return true;
  if (scan.texts == 0) return false;
  const std::string where =
      source + ":" + std::to_string(scan.first_text_line) + ":" + std::to_string(scan.first_text_column) + ": ";
  if (scan.decimal_commas == scan.texts) {
    throw DataError(where + in_quotes(scan.first_text) + " in column " + in_quotes(name) +
                    " looks like a number with a decimal comma; Ember reads numbers with a decimal point (1.5)");
  }
  if (scan.numbers > scan.texts) {
    throw DataError(where + "expected a number in column " + in_quotes(name) + ", found " + in_quotes(scan.first_text) +
                    " (" + std::to_string(scan.numbers) + " of its values are numbers, " + std::to_string(scan.texts) +
                    " are not); if it marks a missing value, write it as an empty field, NA or ?; to read the column "
                    "as categories, give --categorical " +
                    name);
  }
  return true;
}

}  // namespace

// ---- names ----

MissingValues parse_missing_values(const std::string& name) {
  if (name == "error") return MissingValues::error;
  if (name == "drop") return MissingValues::drop;
  if (name == "mean") return MissingValues::mean;
  throw std::invalid_argument("--missing must be error, drop or mean, got \"" + name + "\"");
}

std::string to_string(MissingValues missing) {
  return missing == MissingValues::error ? "error" : missing == MissingValues::drop ? "drop" : "mean";
}

bool is_missing_marker(const std::string& field) {
  return field.empty() || field == "NA" || field == "N/A" || field == "NaN" || field == "nan" || field == "?";
}

std::string separator_name(char separator) {
  if (separator == ',') return "a comma";
  if (separator == ';') return "a semicolon";
  if (separator == '\t') return "a tab";
  return std::string("'") + separator + "'";
}

char detect_separator(const std::string& text) {
  std::size_t commas = 0, semicolons = 0, tabs = 0;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n') break;
    commas += c == ',';
    semicolons += c == ';';
    tabs += c == '\t';
  }
  if (semicolons > commas && semicolons >= tabs) return ';';
  if (tabs > commas && tabs > semicolons) return '\t';
  return ',';
}

// ---- the table ----

std::string CsvTable::where(Index row, int column) const {
  const std::size_t r = static_cast<std::size_t>(row);
  const int at = column < 0 ? 1 : columns[static_cast<std::size_t>(column)].char_columns[r];
  return source + ":" + std::to_string(lines[r]) + ":" + std::to_string(at) + ": ";
}

CsvTable CsvTable::select_rows(const std::vector<Index>& rows) const {
  CsvTable out = *this;
  out.lines.clear();
  out.labels.clear();
  out.label_columns.clear();
  for (CsvColumn& column : out.columns) {
    column.numbers.clear();
    column.texts.clear();
    column.char_columns.clear();
    column.missing = 0;
  }
  for (CsvColumn& column : out.kept) column.texts.clear(), column.char_columns.clear();
  for (Index row : rows) {
    const std::size_t r = static_cast<std::size_t>(row);
    out.lines.push_back(lines[r]);
    for (std::size_t k = 0; k < kept.size(); ++k) {
      out.kept[k].texts.push_back(kept[k].texts[r]);
      out.kept[k].char_columns.push_back(kept[k].char_columns[r]);
    }
    if (!labels.empty()) out.labels.push_back(labels[r]), out.label_columns.push_back(label_columns[r]);
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const CsvColumn& from = columns[c];
      CsvColumn& to = out.columns[c];
      to.char_columns.push_back(from.char_columns[r]);
      if (from.is_text) {
        to.texts.push_back(from.texts[r]);
        to.missing += from.texts[r].empty();
      } else {
        to.numbers.push_back(from.numbers[r]);
        to.missing += std::isnan(from.numbers[r]);
      }
    }
  }
  return out;
}

CsvTable parse_csv_table(const std::string& text, const std::string& source, const CsvOptions& options) {
  CsvTable table;
  table.source = source;
  table.separator = options.separator != 0 ? options.separator : detect_separator(text);
  std::vector<Field> fields;
  CsvCursor header_cursor(text, source, table.separator);
  table.header = read_header(header_cursor, fields);
  if (table.header.size() == 1 && options.read_target) {
    const char guess = detect_separator(text);
    const std::string hint =
        options.separator != 0 && guess != options.separator
            ? "; the header looks separated by " + separator_name(guess) + " (--sep " +
                  (guess == '\t' ? std::string("tab") : std::string(1, guess)) + ")"
            : "; if its columns are separated by another character, give it with --sep (e.g. --sep '|')";
    throw DataError(source + ":1:1: the header has a single column " + in_quotes(table.header[0]) + " when split at " +
                    separator_name(table.separator) + hint);
  }
  long target = -1;
  if (options.read_target) {
    target = static_cast<long>(resolve_target(table.header, options.target, source));
    if (table.header.size() < 2)
      header_cursor.fail(1, "the header has only the target column; at least one feature column is needed");
    table.target_name = table.header[static_cast<std::size_t>(target)];
    table.target_char_column = fields[static_cast<std::size_t>(target)].column;
  }
  const std::vector<std::size_t> chosen = select_columns(table.header, options, target, source);
  std::vector<std::size_t> kept;
  for (const auto& name : options.keep) {
    const auto it = std::find(table.header.begin(), table.header.end(), name);
    if (it == table.header.end())
      throw DataError(source + ":1: --keep: no column " + in_quotes(name) + "; the header has: " + join(table.header));
    kept.push_back(static_cast<std::size_t>(it - table.header.begin()));
    table.kept.push_back(CsvColumn{name, true, {}, {}, {}, 0});
  }
  bool all_numbers = true;
  for (const auto& name : table.header) {
    Field field{name, 1};
    float value = 0;
    all_numbers = all_numbers && classify(header_cursor, field, name, value) == Kind::number;
  }
  if (all_numbers) {
    table.warnings.push_back(source +
                             ":1: every name in the header row is a number: the file may have no header row "
                             "(Ember reads line 1 as the column names, not as data)");
  }

  // Pass 1: which columns are text, and every row's label and line.
  std::vector<ColumnScan> scans(chosen.size());
  {
    CsvCursor cursor(text, source, table.separator);
    read_header(cursor, fields);
    while (cursor.next_row(fields)) {
      check_width(cursor, fields, table.header.size());
      table.lines.push_back(cursor.line());
      if (target >= 0) {
        table.labels.push_back(fields[static_cast<std::size_t>(target)].text);
        table.label_columns.push_back(fields[static_cast<std::size_t>(target)].column);
      }
      for (std::size_t k = 0; k < chosen.size(); ++k) {
        const Field& field = fields[chosen[k]];
        float value = 0;
        const Kind kind = classify(cursor, field, table.header[chosen[k]], value);
        ColumnScan& scan = scans[k];
        scan.numbers += kind == Kind::number;
        if (kind != Kind::text) continue;
        if (scan.texts++ == 0) {
          scan.first_text_line = cursor.line();
          scan.first_text_column = field.column;
          scan.first_text = field.text;
        }
        scan.decimal_commas += looks_like_decimal_comma(field.text);
      }
    }
  }
  if (table.lines.empty()) throw DataError(source + ":2:1: no data rows after the header");
  for (std::size_t k = 0; k < chosen.size(); ++k) {
    CsvColumn column;
    column.name = table.header[chosen[k]];
    const bool forced =
        std::find(options.categorical.begin(), options.categorical.end(), column.name) != options.categorical.end();
    column.is_text = decide_text(scans[k], column.name, forced, source);
    table.columns.push_back(std::move(column));
  }

  // Pass 2: each column's values, in its own type.
  CsvCursor cursor(text, source, table.separator);
  read_header(cursor, fields);
  while (cursor.next_row(fields)) {
    for (std::size_t k = 0; k < kept.size(); ++k) {
      table.kept[k].texts.push_back(fields[kept[k]].text);
      table.kept[k].char_columns.push_back(fields[kept[k]].column);
    }
    for (std::size_t k = 0; k < chosen.size(); ++k) {
      const Field& field = fields[chosen[k]];
      CsvColumn& column = table.columns[k];
      column.char_columns.push_back(field.column);
      const bool missing = is_missing_marker(field.text);
      column.missing += missing;
      if (column.is_text) {
        column.texts.push_back(missing ? std::string() : field.text);
      } else {
        float value = std::numeric_limits<float>::quiet_NaN();
        if (!missing) parse_number(cursor, field, column.name, value);
        column.numbers.push_back(value);
      }
    }
  }
  return table;
}

std::string csv_field(const std::string& text, char separator) {
  const bool plain =
      text.find_first_of(std::string("\"\r\n") + separator) == std::string::npos &&
      (text.empty() || (text.front() != ' ' && text.front() != '\t' && text.back() != ' ' && text.back() != '\t'));
  if (plain) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

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

CsvTable read_csv_table(const std::string& path, const CsvOptions& options) {
  return parse_csv_table(read_text_file(path), path, options);
}

std::vector<std::string> read_csv_header(const std::string& path, char separator) {
  const std::string text = read_text_file(path);
  CsvCursor cursor(text, path, separator != 0 ? separator : detect_separator(text));
  std::vector<Field> fields;
  return read_header(cursor, fields);
}

}  // namespace ember
