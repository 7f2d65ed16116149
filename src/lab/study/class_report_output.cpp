// A ClassReport as JSON (eval --json, train --json) and as the table `ember eval` prints.
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "ember/core/engine/format.hpp"
#include "ember/lab/study/class_report.hpp"

namespace ember {

namespace {

nlohmann::json number_or_null(double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); }

nlohmann::json average_json(const ClassAverage& average) {
  return {{"precision", average.precision},
          {"recall", average.recall},
          {"f1-score", average.f1},
          {"support", average.support}};
}

// Four decimals; "-" for a figure that does not exist (the precision of a class never predicted).
std::string four(double v) { return std::isnan(v) ? "-" : format_fixed(v, 4); }

}  // namespace

nlohmann::json class_report_json(const ClassReport& report, const std::vector<std::string>& class_names) {
  nlohmann::json out = {{"classes", class_names}, {"confusion", report.confusion}, {"support", report.support}};
  for (std::size_t c = 0; c < report.precision.size(); ++c) {
    out["precision"].push_back(number_or_null(report.precision[c]));
    out["recall"].push_back(number_or_null(report.recall[c]));
    out["f1"].push_back(number_or_null(report.f1[c]));
  }
  out["accuracy"] = number_or_null(report.accuracy);
  out["macro avg"] = average_json(report.macro_avg);
  out["weighted avg"] = average_json(report.weighted_avg);
  if (report.roc_auc) out["roc_auc"] = number_or_null(*report.roc_auc);
  if (report.log_loss) out["log_loss"] = number_or_null(*report.log_loss);
  return out;
}

std::string format_class_report(const ClassReport& report, const std::vector<std::string>& class_names) {
  std::ostringstream out;
  std::size_t width = 14;  // "weighted avg" and two spaces
  for (const auto& name : class_names) width = std::max(width, name.size() + 2);
  auto row = [&](const std::string& label, double precision, double recall, double f1, long support) {
    out << std::left << std::setw(static_cast<int>(width)) << label << std::setw(11) << four(precision) << std::setw(8)
        << four(recall) << std::setw(10) << four(f1) << support << "\n";
  };
  out << std::left << std::setw(static_cast<int>(width)) << "class"
      << "precision  recall  f1-score  support\n";
  for (std::size_t c = 0; c < class_names.size(); ++c)
    row(class_names[c], report.precision[c], report.recall[c], report.f1[c], report.support[c]);
  out << "\n";
  row("macro avg", report.macro_avg.precision, report.macro_avg.recall, report.macro_avg.f1, report.macro_avg.support);
  row("weighted avg", report.weighted_avg.precision, report.weighted_avg.recall, report.weighted_avg.f1,
      report.weighted_avg.support);
  if (report.roc_auc) out << std::setw(static_cast<int>(width)) << "ROC AUC" << four(*report.roc_auc) << "\n";
  if (report.log_loss) out << std::setw(static_cast<int>(width)) << "log loss" << four(*report.log_loss) << "\n";

  out << "\nconfusion matrix (rows: true class, columns: predicted)\n";
  std::size_t label_width = 0;
  for (std::size_t r = 0; r < class_names.size(); ++r)
    label_width = std::max(label_width, class_names[r].size() + std::to_string(r).size() + 5);
  out << std::string(label_width, ' ');
  for (std::size_t c = 0; c < class_names.size(); ++c)
    out << std::right << std::setw(8) << ("[" + std::to_string(c) + "]");
  out << "\n";
  for (std::size_t r = 0; r < class_names.size(); ++r) {
    out << std::left << std::setw(static_cast<int>(label_width)) << ("[" + std::to_string(r) + "] " + class_names[r]);
    for (long count : report.confusion[r]) out << std::right << std::setw(8) << count;
    out << "\n";
  }
  return out.str();
}

}  // namespace ember
