// The CSV tokenizer, private to src/lab/data/csv.cpp: a record cursor that knows where it is (for
// file:line:column messages) and splits fields with RFC 4180 quotes, plus the header reader and the
// field-count check built on it. Not here: what the fields mean (csv.cpp reads them into columns).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "ember/lab/data/csv.hpp"

namespace ember::csv_detail {

inline std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

// ---- walking the records and splitting fields ----

struct Field {
  std::string text;  // unquoted, surrounding blanks removed
  int column = 0;    // 1-based character column where the field starts
};

class CsvCursor {
 public:
  CsvCursor(const std::string& text, std::string source, char separator)
      : text_(text), source_(std::move(source)), separator_(separator) {
    // A UTF-8 byte order mark (Excel writes one) is not part of the first column's name.
    if (text_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = line_begin_ = 3;
  }

  // Splits the next record into `fields` (reusing their storage). Returns false at the end of the
  // text, where trailing empty lines are allowed; an empty line before more data is an error.
  bool next_row(std::vector<Field>& fields) {
    if (pos_ >= text_.size()) return false;
    ++line_;
    line_begin_ = pos_;
    record_line_ = line_;
    const std::size_t end = std::min(text_.find('\n', pos_), text_.size());
    if (text_.find_first_not_of(" \t\r", pos_) >= end) {
      if (text_.find_first_not_of(" \t\r\n", pos_) == std::string::npos) return false;
      fail(1, "empty line inside the data (only empty lines at the end are allowed)");
    }
    std::size_t count = 0;
    while (true) {
      if (fields.size() <= count) fields.emplace_back();
      read_field(fields[count++]);
      if (pos_ < text_.size() && text_[pos_] == separator_) {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size()) ++pos_;  // the newline
      break;
    }
    fields.resize(count);
    return true;
  }

  int line() const { return record_line_; }
  // The column just past the record's last character (where a missing field would have started).
  int end_column() const {
    std::size_t end = pos_ > line_begin_ && text_[pos_ - 1] == '\n' ? pos_ - 1 : pos_;
    if (end > line_begin_ && text_[end - 1] == '\r') --end;
    return static_cast<int>(end - line_begin_) + 1;
  }
  const std::string& source() const { return source_; }

  [[noreturn]] void fail(int column, const std::string& message) const {
    throw DataError(source_ + ":" + std::to_string(line_) + ":" + std::to_string(column) + ": " + message);
  }

 private:
  bool at_field_end(std::size_t p) const { return p >= text_.size() || text_[p] == separator_ || text_[p] == '\n'; }

  void read_field(Field& field) {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t') && text_[pos_] != separator_) ++pos_;
    field.column = static_cast<int>(pos_ - line_begin_) + 1;
    field.text.clear();
    if (pos_ < text_.size() && text_[pos_] == '"') return read_quoted(field);
    const std::size_t begin = pos_;
    while (!at_field_end(pos_)) ++pos_;
    std::size_t last = pos_;
    while (last > begin && (text_[last - 1] == ' ' || text_[last - 1] == '\t' || text_[last - 1] == '\r') &&
           text_[last - 1] != separator_) {
      --last;
    }
    field.text.assign(text_, begin, last - begin);
  }

  // "a ""quoted"" field": a doubled quote is one quote character; a newline inside quotes is part
  // of the field (RFC 4180), so one record may span several lines.
  void read_quoted(Field& field) {
    std::size_t p = pos_ + 1;
    const int open_line = line_;
    while (true) {
      if (p >= text_.size()) {
        line_ = open_line;
        fail(field.column, "unterminated quoted field (a quote opens here and never closes)");
      }
      if (text_[p] == '"' && p + 1 < text_.size() && text_[p + 1] == '"') {
        field.text += '"';
        p += 2;
      } else if (text_[p] == '"') {
        break;
      } else {
        if (text_[p] == '\n') ++line_, line_begin_ = p + 1;
        field.text += text_[p++];
      }
    }
    ++p;  // the closing quote
    while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t' || text_[p] == '\r') && text_[p] != separator_) ++p;
    if (!at_field_end(p)) {
      fail(static_cast<int>(p - line_begin_) + 1,
           "expected " + separator_name(separator_) + " after the closing quote");
    }
    pos_ = p;
  }

  const std::string& text_;
  std::string source_;
  char separator_;
  std::size_t pos_ = 0, line_begin_ = 0;
  int line_ = 0, record_line_ = 0;
};

// ---- the header ----

inline std::vector<std::string> read_header(CsvCursor& cursor, std::vector<Field>& fields) {
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
inline void check_width(const CsvCursor& cursor, const std::vector<Field>& fields, std::size_t expected) {
  if (fields.size() == expected) return;
  const int column = fields.size() < expected ? cursor.end_column() : fields[expected].column;
  cursor.fail(column, "expected " + std::to_string(expected) + " fields (as in the header), found " +
                          std::to_string(fields.size()));
}

}  // namespace ember::csv_detail
