// eval's and predict's column matching; contract in model_columns.hpp.
#include "model_columns.hpp"

#include <algorithm>
#include <stdexcept>

namespace ember::cli {

Encoding model_encoding(const ModelInfo& info) {
  if (!info.encoding.empty()) return info.encoding;
  return numeric_encoding(info.feature_names);
}

void require_model_columns(const std::string& path, char separator, const Encoding& encoding) {
  const std::vector<std::string> header = read_csv_header(path, separator);
  std::vector<std::string> lacking;
  for (const std::string& name : encoding.column_names()) {
    if (std::find(header.begin(), header.end(), name) == header.end()) lacking.push_back(name);
  }
  if (lacking.empty()) return;
  auto join = [](const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "\"" : ", \"") + name + "\"";
    return out;
  };
  throw std::runtime_error(path + ": the model reads " + std::to_string(encoding.columns.size()) +
                           " columns by name, and " + std::to_string(lacking.size()) + " of them " +
                           (lacking.size() == 1 ? "is" : "are") + " not in the file's header: " + join(lacking) +
                           " (the header has: " + join(header) +
                           "); rename the columns, or use the file the model was trained on");
}

}  // namespace ember::cli
