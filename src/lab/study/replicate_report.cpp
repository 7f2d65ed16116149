// What `ember replicate` prints and writes for a replication (replicate.hpp): the text, the JSON
// document, the self-contained HTML page, and the list of experiments.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "ember/core/engine/format.hpp"
#include "ember/lab/plot/svg_plot.hpp"
#include "ember/lab/study/html_report.hpp"
#include "ember/lab/study/replicate.hpp"

namespace ember {

namespace {

constexpr const char* kStyle = R"(
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; max-width: 1000px; margin: 0 auto;
       padding: 16px 24px 48px; }
h1 { font-size: 24px; }
h2 { font-size: 19px; margin-top: 32px; border-bottom: 2px solid #d8dde3; }
dl { display: grid; grid-template-columns: max-content auto; gap: 6px 16px; }
dt { font-weight: bold; }
dd { margin: 0; }
.verdict { color: #fff; padding: 2px 8px; border-radius: 4px; font-weight: bold; }
table { border-collapse: collapse; font-size: 14px; }
td, th { padding: 4px 10px; border-bottom: 1px solid #e3e6ea; text-align: left; }
.rule { color: #555; }
)";

// Fixed decimals, with no "-0.0000" for a value that rounds to zero.
std::string fixed(double v, int decimals) {
  const std::string text = format_fixed(v, decimals);
  return text.find_first_not_of("-0.") == std::string::npos ? format_fixed(0.0, decimals) : text;
}

// "0.1234 [0.1000, 0.1500]": the mean over seeds and their range; one value alone as it is.
std::string spread(const Measured& m) {
  std::vector<double> finite;
  for (double v : m.values)
    if (!std::isnan(v)) finite.push_back(v);
  if (finite.empty()) return "-";
  double sum = 0;
  for (double v : finite) sum += v;
  const auto [low, high] = std::minmax_element(finite.begin(), finite.end());
  const std::string mean = fixed(sum / static_cast<double>(finite.size()), m.decimals);
  if (finite.size() == 1) return mean;
  return mean + " [" + fixed(*low, m.decimals) + ", " + fixed(*high, m.decimals) + "] over " +
         std::to_string(finite.size());
}

std::string figure_line(const Measured& m) {
  return m.label + ": " + spread(m) + (m.note.empty() ? "" : " (" + m.note + ")");
}

}  // namespace

std::string replication_text(const Replication& r) {
  std::ostringstream out;
  out << "ember replicate " << r.name << (r.quick ? " --quick" : "") << "\n"
      << "paper:   " << r.paper << "\n"
      << "claim:   " << r.claim << "\n"
      << "setup:   " << r.setup << "\n"
      << "differs: " << r.differs << "\n";
  for (std::size_t i = 0; i < r.checks.size(); ++i) {
    const Check& c = r.checks[i];
    out << "\n" << i + 1 << ". " << c.claim << "\n";
    for (const Measured& m : c.figures) out << "   " << figure_line(m) << "\n";
    out << "   rule: " << c.rule << "\n"
        << "   " << outcome_name(c.outcome) << ": " << c.because << "\n";
  }
  out << "\nverdict: " << outcome_name(r.outcome()) << " (" << format_fixed(r.seconds, 1) << " s)\n";
  return out.str();
}

nlohmann::json replication_json(const Replication& r) {
  nlohmann::json checks = nlohmann::json::array();
  for (const Check& c : r.checks) {
    nlohmann::json figures = nlohmann::json::array();
    for (const Measured& m : c.figures) {
      nlohmann::json values = nlohmann::json::array();
      for (double v : m.values) values.push_back(std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v));
      figures.push_back({{"label", m.label}, {"values", values}, {"note", m.note}});
    }
    checks.push_back({{"claim", c.claim},
                      {"rule", c.rule},
                      {"figures", figures},
                      {"verdict", outcome_name(c.outcome)},
                      {"because", c.because}});
  }
  return {{"experiment", r.name}, {"paper", r.paper},     {"claim", r.claim},
          {"setup", r.setup},     {"differs", r.differs}, {"quick", r.quick},
          {"seeds", r.seeds},     {"checks", checks},     {"verdict", outcome_name(r.outcome())},
          {"seconds", r.seconds}};
}

std::string replication_html(const Replication& r) {
  using plot::xml_escape;
  std::ostringstream out;
  const auto badge = [](Outcome o) {
    const char* colour = o == Outcome::reproduced ? "#1b7837" : o == Outcome::not_reproduced ? "#b2182b" : "#8c6d1f";
    return "<span class=\"verdict\" style=\"background:" + std::string(colour) + "\">" + outcome_name(o) + "</span>";
  };
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>ember replicate "
      << xml_escape(r.name) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n";
  out << "<h1>ember replicate " << xml_escape(r.name) << (r.quick ? " (quick)" : "") << " " << badge(r.outcome())
      << "</h1>\n<dl>\n<dt>paper</dt><dd>" << xml_escape(r.paper) << "</dd>\n<dt>claim</dt><dd>" << xml_escape(r.claim)
      << "</dd>\n<dt>setup</dt><dd>" << xml_escape(r.setup) << "</dd>\n<dt>differs</dt><dd>" << xml_escape(r.differs)
      << "</dd>\n<dt>time</dt><dd>" << format_fixed(r.seconds, 1) << " s</dd>\n</dl>\n";
  for (std::size_t i = 0; i < r.checks.size(); ++i) {
    const Check& c = r.checks[i];
    out << "<section id=\"check-" << i + 1 << "\">\n<h2>" << i + 1 << ". " << xml_escape(c.claim) << " "
        << badge(c.outcome) << "</h2>\n<table>\n<tr><th>figure</th><th>mean [lowest, highest]</th><th></th></tr>\n";
    for (const Measured& m : c.figures)
      out << "<tr><td>" << xml_escape(m.label) << "</td><td>" << xml_escape(spread(m)) << "</td><td>"
          << xml_escape(m.note) << "</td></tr>\n";
    out << "</table>\n<p class=\"rule\">rule: " << xml_escape(c.rule) << "</p>\n<p>" << xml_escape(c.because)
        << "</p>\n</section>\n";
  }
  if (!r.plots.empty()) out << "<h2>The figure</h2>\n";
  for (std::size_t i = 0; i < r.plots.size(); ++i) {
    const plot::Panel& p = r.plots[i];
    out << "<figure id=\"plot-" << i + 1 << "\">" << inline_svg(plot::line_chart_svg(p.series, p.options, 760, 440))
        << "</figure>\n";
  }
  out << "</body>\n</html>\n";
  return out.str();
}

std::string experiments_list() {
  std::ostringstream out;
  std::size_t width = 0;
  for (const Experiment& e : replication_experiments()) width = std::max(width, e.name.size());
  for (const Experiment& e : replication_experiments())
    out << e.name << std::string(width + 2 - e.name.size(), ' ') << e.paper << ": " << e.claim << "\n";
  return out.str();
}

}  // namespace ember
