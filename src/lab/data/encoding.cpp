// Labels and feature encodings; contracts in include/ember/lab/data/encoding.hpp. Also read_csv and
// parse_csv, the simple readers of csv.hpp, which are a table plus these two encodings.
#include "ember/lab/data/encoding.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>
#include <set>

namespace ember {
namespace {

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

bool parse_integer(const std::string& s, long long& value) {
  const char* first = s.data() + (!s.empty() && s[0] == '+' ? 1 : 0);
  const auto [end, ec] = std::from_chars(first, s.data() + s.size(), value);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

bool parse_double(const std::string& s, double& value) {
  const char* first = s.data() + (!s.empty() && s[0] == '+' ? 1 : 0);
  const auto [end, ec] = std::from_chars(first, s.data() + s.size(), value);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

std::vector<Index> all_rows(Index n) {
  std::vector<Index> rows(static_cast<std::size_t>(n));
  std::iota(rows.begin(), rows.end(), Index(0));
  return rows;
}

// A target that is a measurement (a price, a temperature) or an identifier, not a class: training
// a 500-class classifier on it would report accuracy 0 and look like a result.
void check_target(const CsvTable& table, const Dataset& data, bool all_numbers, bool integers) {
  const std::string where = table.source + ":1:" + std::to_string(table.target_char_column) + ": the target column " +
                            in_quotes(table.target_name);
  const std::string advice =
      "; Ember trains classifiers: name the label column with --target NAME (the header has "
      "these columns), or give --allow-many-classes to use each value as a class";
  if (all_numbers && !integers) {
    std::size_t example = 0;
    long long unused = 0;
    while (parse_integer(table.labels[example], unused)) ++example;
    throw DataError(where + " holds numbers that are not whole (" + in_quotes(table.labels[example]) + " at line " +
                    std::to_string(table.lines[example]) + "): it looks continuous, not a class" + advice);
  }
  const Index classes = data.num_classes(), rows = table.rows();
  if (classes > 20 && classes * 10 > rows) {
    throw DataError(where + " has " + std::to_string(classes) + " distinct values in " + std::to_string(rows) +
                    " rows: too many for classes (more than 20 and more than a tenth of the rows)" + advice);
  }
}

}  // namespace

// ---- labels ----

std::string missing_label(const CsvTable& table, std::size_t row) {
  return table.source + ":" + std::to_string(table.lines[row]) + ":" + std::to_string(table.label_columns[row]) +
         ": missing label (" +
         (table.labels[row].empty() ? std::string("an empty field") : in_quotes(table.labels[row])) +
         ") in the target column " + in_quotes(table.target_name) + "; --missing drop leaves out such rows";
}

void encode_labels(const CsvTable& table, Dataset& data, bool allow_many_classes) {
  const std::vector<std::string>& labels = table.labels;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (is_missing_marker(labels[i])) throw DataError(missing_label(table, i));
  }
  std::vector<long long> numbers(labels.size());
  bool integers = true, all_numbers = true;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    double unused = 0;
    const bool integer = parse_integer(labels[i], numbers[i]);
    integers = integers && integer;
    all_numbers = all_numbers && (integer || parse_double(labels[i], unused));
  }
  data.class_names.clear();
  data.y.resize(labels.size());
  if (integers) {
    std::map<long long, int> index;  // ordered: the sorted distinct values
    for (long long v : numbers) index.emplace(v, 0);
    for (auto& [value, i] : index) {
      i = static_cast<int>(data.class_names.size());
      data.class_names.push_back(std::to_string(value));
    }
    for (std::size_t i = 0; i < labels.size(); ++i) data.y[i] = index[numbers[i]];
  } else {
    std::map<std::string, int> index;
    for (const auto& label : labels) index.emplace(label, 0);
    for (auto& [name, i] : index) {
      i = static_cast<int>(data.class_names.size());
      data.class_names.push_back(name);
    }
    for (std::size_t i = 0; i < labels.size(); ++i) data.y[i] = index[labels[i]];
  }
  if (data.num_classes() < 2) {
    throw DataError(table.source + ":1:" + std::to_string(table.target_char_column) + ": the target column " +
                    in_quotes(table.target_name) + " has a single class (" + in_quotes(data.class_names[0]) +
                    "); a classifier needs at least two");
  }
  if (!allow_many_classes) check_target(table, data, all_numbers, integers);
}

// ---- features ----

Index Encoding::inputs() const {
  Index n = 0;
  for (const ColumnEncoding& c : columns) n += c.one_hot ? static_cast<Index>(c.categories.size()) : 1;
  return n;
}

std::vector<std::string> Encoding::input_names() const {
  std::vector<std::string> names;
  for (const ColumnEncoding& c : columns) {
    if (!c.one_hot) names.push_back(c.name);
    for (const auto& category : c.categories) names.push_back(c.name + "=" + category);
  }
  return names;
}

std::vector<std::string> Encoding::column_names() const {
  std::vector<std::string> names;
  for (const ColumnEncoding& c : columns) names.push_back(c.name);
  return names;
}

std::vector<std::string> Encoding::text_columns() const {
  std::vector<std::string> names;
  for (const ColumnEncoding& c : columns)
    if (c.one_hot) names.push_back(c.name);
  return names;
}

Encoding numeric_encoding(const std::vector<std::string>& names) {
  Encoding encoding;
  for (const auto& name : names)
    encoding.columns.push_back({name, false, {}, std::numeric_limits<float>::quiet_NaN(), ""});
  return encoding;
}

Encoding fit_encoding(const CsvTable& table, const std::vector<Index>& train_rows, MissingValues missing) {
  Encoding encoding;
  encoding.missing = missing;
  for (const CsvColumn& column : table.columns) {
    ColumnEncoding c;
    c.name = column.name;
    c.one_hot = column.is_text;
    if (column.is_text) {
      std::map<std::string, Index> counts;  // ordered: the categories come out sorted
      for (Index r : train_rows) {
        const std::string& value = column.texts[static_cast<std::size_t>(r)];
        if (!value.empty()) ++counts[value];
      }
      Index most = 0;
      for (const auto& [category, count] : counts) {
        c.categories.push_back(category);
        if (count > most) most = count, c.fill_category = category;
      }
    } else if (missing == MissingValues::mean) {
      double sum = 0;
      Index n = 0;
      for (Index r : train_rows) {
        const float value = column.numbers[static_cast<std::size_t>(r)];
        if (!std::isnan(value)) sum += value, ++n;
      }
      if (n == 0)
        throw DataError(table.source + ": column " + in_quotes(column.name) +
                        " has no value in the training split to take a mean of");
      c.fill = static_cast<float>(sum / static_cast<double>(n));
    }
    if (column.is_text && c.categories.empty()) {
      throw DataError(table.source + ": column " + in_quotes(column.name) + " has no value in the training split");
    }
    if (missing != MissingValues::mean) c.fill_category.clear();
    encoding.columns.push_back(std::move(c));
  }
  return encoding;
}

std::string first_missing_value(const CsvTable& table, bool with_label) {
  for (Index r = 0; r < table.rows(); ++r) {
    const std::size_t i = static_cast<std::size_t>(r);
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      const CsvColumn& column = table.columns[c];
      const bool missing = column.is_text ? column.texts[i].empty() : std::isnan(column.numbers[i]);
      if (missing) {
        return table.where(r, static_cast<int>(c)) + "missing value in column " + in_quotes(column.name) +
               " (an empty field, NA, NaN or ?); --missing drop leaves out rows with missing values, "
               "--missing mean fills them with the training split's column mean";
      }
    }
    if (with_label && !table.labels.empty() && is_missing_marker(table.labels[i])) return missing_label(table, i);
  }
  return "";
}

std::vector<bool> rows_with_missing(const CsvTable& table, bool with_label) {
  std::vector<bool> missing(static_cast<std::size_t>(table.rows()), false);
  for (std::size_t i = 0; i < missing.size(); ++i) {
    for (const CsvColumn& column : table.columns) {
      missing[i] = missing[i] || (column.is_text ? column.texts[i].empty() : std::isnan(column.numbers[i]));
    }
    if (with_label && !table.labels.empty()) missing[i] = missing[i] || is_missing_marker(table.labels[i]);
  }
  return missing;
}

Matrix encode_features(const Encoding& encoding, const CsvTable& table, const std::vector<Index>& rows,
                       UnknownCategories unknown) {
  if (table.columns.size() != encoding.columns.size()) {
    throw DataError(table.source + ": has " + std::to_string(table.columns.size()) + " feature columns, the encoding " +
                    std::to_string(encoding.columns.size()));
  }
  Matrix X = Matrix::Zero(static_cast<Index>(rows.size()), encoding.inputs());
  Index first_input = 0;
  for (std::size_t c = 0; c < encoding.columns.size(); ++c) {
    const ColumnEncoding& e = encoding.columns[c];
    const CsvColumn& column = table.columns[c];
    if (column.is_text != e.one_hot) {
      // A numeric column of the model that holds text in this file (one-hot columns are always
      // read as text, so the other way round cannot happen).
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::string& value = column.texts[static_cast<std::size_t>(rows[i])];
        if (!value.empty()) {
          throw DataError(table.where(rows[i], static_cast<int>(c)) + "expected a number in column " +
                          in_quotes(e.name) + " (the model reads it as numbers), found " + in_quotes(value));
        }
      }
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::size_t r = static_cast<std::size_t>(rows[i]);
      const Index row = static_cast<Index>(i);
      const bool missing = column.is_text ? column.texts[r].empty() : std::isnan(column.numbers[r]);
      if (missing && encoding.missing != MissingValues::mean) {
        throw DataError(table.where(rows[i], static_cast<int>(c)) + "missing value in column " + in_quotes(e.name) +
                        " (the model was trained with --missing " + to_string(encoding.missing) + ")");
      }
      if (!e.one_hot) {
        X(row, first_input) = static_cast<Scalar>(missing ? e.fill : (column.is_text ? 0.0f : column.numbers[r]));
        continue;
      }
      const std::string& value = missing ? e.fill_category : column.texts[r];
      const auto found = std::lower_bound(e.categories.begin(), e.categories.end(), value);
      if (found != e.categories.end() && *found == value) {
        X(row, first_input + (found - e.categories.begin())) = Scalar(1);
      } else if (unknown == UnknownCategories::error) {
        std::string known;
        for (std::size_t k = 0; k < e.categories.size() && k < 10; ++k) known += (k ? ", " : "") + e.categories[k];
        if (e.categories.size() > 10) known += ", ...";
        throw DataError(table.where(rows[i], static_cast<int>(c)) + "category " + in_quotes(value) + " of column " +
                        in_quotes(e.name) + " was not in the training data (known: " + known +
                        "); --unknown ignore encodes an unseen category as all zeros");
      }
    }
    first_input += e.one_hot ? static_cast<Index>(e.categories.size()) : 1;
  }
  return X;
}

std::vector<std::string> identifier_warnings(const CsvTable& table) {
  std::vector<std::string> warnings;
  if (table.rows() < 20) return warnings;  // a few rows are distinct by chance
  for (const CsvColumn& column : table.columns) {
    if (column.missing > 0) continue;
    bool distinct = false;
    if (column.is_text) {
      distinct = std::set<std::string>(column.texts.begin(), column.texts.end()).size() == column.texts.size();
    } else {
      const bool integers =
          std::all_of(column.numbers.begin(), column.numbers.end(), [](float v) { return v == std::floor(v); });
      distinct =
          integers && std::set<float>(column.numbers.begin(), column.numbers.end()).size() == column.numbers.size();
    }
    if (distinct) {
      warnings.push_back(table.source + ": column " + in_quotes(column.name) + " looks like an identifier (all " +
                         std::to_string(table.rows()) + " values are distinct " +
                         (column.is_text ? "texts" : "integers") +
                         ") but is used as a feature; leave it out with --ignore " + column.name);
    }
  }
  return warnings;
}

// ---- the simple readers of csv.hpp ----

Dataset parse_csv(const std::string& text, const std::string& source, const std::string& target) {
  CsvOptions options;
  options.target = target;
  const CsvTable table = parse_csv_table(text, source, options);
  const std::string missing = first_missing_value(table, true);
  if (!missing.empty()) throw DataError(missing);
  Dataset data;
  data.name = std::filesystem::path(source).stem().string();
  encode_labels(table, data);
  const std::vector<Index> rows = all_rows(table.rows());
  const Encoding encoding = fit_encoding(table, rows, MissingValues::error);
  data.X = encode_features(encoding, table, rows);
  data.feature_names = encoding.input_names();
  return data;
}

Dataset read_csv(const std::string& path, const std::string& target) {
  return parse_csv(read_text_file(path), path, target);
}

}  // namespace ember
