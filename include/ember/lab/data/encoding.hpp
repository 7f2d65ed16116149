// From a CSV table (csv.hpp) to what a model takes: class indices from the target column's text,
// and model inputs from the feature columns (numbers as they are, text one-hot encoded, missing
// values filled). The encoding is fitted on the training split only and stored in the model file,
// so eval and predict turn a file's columns into inputs exactly as training did: by name.
// Then: split.hpp (train/test, standardize), builtin.hpp (the whole preparation, by options).
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "ember/lab/data/csv.hpp"

namespace ember {

// ---- labels ----

// Class indices for table.labels: integer labels sort as numbers (2 before 10) and are named by
// their value; any other label makes them all strings, sorted by bytes. A target that looks like
// a measurement or an identifier (numbers with fractions; more distinct values than a tenth of the
// rows, and more than 20) is an error naming the count, unless `allow_many_classes`.
void encode_labels(const CsvTable& table, Dataset& data, bool allow_many_classes = false);
// The error message for row `row`'s missing label (an empty field or a marker such as NA).
std::string missing_label(const CsvTable& table, std::size_t row);

// ---- features ----

// One CSV column's part of the model input.
struct ColumnEncoding {
  std::string name;                                      // the CSV column
  bool one_hot = false;                                  // text: one input per category, 1 for the row's category
  std::vector<std::string> categories;                   // one_hot: sorted, from the training split
  float fill = std::numeric_limits<float>::quiet_NaN();  // --missing mean: the training mean
  std::string fill_category;                             // --missing mean, one_hot: the most frequent category
};

// What a category unseen in training becomes (--unknown): an error naming it, or all zeros.
enum class UnknownCategories { error, ignore };

struct Encoding {
  std::vector<ColumnEncoding> columns;  // in model input order
  MissingValues missing = MissingValues::error;

  bool empty() const { return columns.empty(); }
  Index inputs() const;                           // the model's input size
  std::vector<std::string> input_names() const;   // "age", "color=red", ... one per input
  std::vector<std::string> column_names() const;  // the CSV columns read, in order
  std::vector<std::string> text_columns() const;  // the one-hot ones
};

// Fitted on the rows `train_rows` of `table`: categories and fill values never see the test split.
Encoding fit_encoding(const CsvTable& table, const std::vector<Index>& train_rows, MissingValues missing);

// The encoding of a table of numbers only (the shipped datasets, a model file from before encodings).
Encoding numeric_encoding(const std::vector<std::string>& names);

// X (rows.size(), encoding.inputs()) for the rows `rows` of `table`, whose columns are those of
// encoding.column_names() in that order. A missing value is filled under --missing mean and an
// error naming file:line:column otherwise (drop removes such rows before).
Matrix encode_features(const Encoding& encoding, const CsvTable& table, const std::vector<Index>& rows,
                       UnknownCategories unknown = UnknownCategories::error);

// The first missing value among the features (and the label, when `with_label`) as an error
// message naming file:line:column; "" when there is none.
std::string first_missing_value(const CsvTable& table, bool with_label);

// Whether row r has a missing feature (or label, when `with_label`): what --missing drop drops.
std::vector<bool> rows_with_missing(const CsvTable& table, bool with_label);

// Warnings for feature columns that look like row identifiers (every value a distinct integer or
// a distinct text): a model can memorize such a column but learns nothing it can use.
std::vector<std::string> identifier_warnings(const CsvTable& table);

}  // namespace ember
