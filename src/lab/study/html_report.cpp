// comparison_html() (html_report.hpp): the page is built as text, section by section. Styles and the
// slider's script are written here, inline; the plots come from compare_figure.cpp and layer_report.cpp
// as SVG, the decision boundaries from boundary_report.cpp.
#include "ember/lab/study/html_report.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "ember/core/engine/format.hpp"
#include "ember/lab/formula/formula.hpp"
#include "ember/lab/plot/svg_plot.hpp"
#include "ember/lab/study/boundary_report.hpp"
#include "ember/lab/study/compare_report.hpp"
#include "ember/lab/study/layer_report.hpp"

namespace ember {

namespace {

using plot::xml_escape;

constexpr const char* kStyle = R"(
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; background: #fff; margin: 0; }
main { max-width: 1240px; margin: 0 auto; padding: 0 24px 48px; }
header { background: #f4f6f8; border-bottom: 1px solid #d8dde3; padding: 20px 24px 12px; }
header h1 { margin: 0 auto 6px; max-width: 1240px; font-size: 26px; }
header p { margin: 0 auto; max-width: 1240px; color: #444; }
nav { max-width: 1240px; margin: 10px auto 0; font-size: 14px; }
nav a { margin-right: 16px; color: #0b5394; text-decoration: none; }
h2 { margin-top: 40px; border-bottom: 2px solid #d8dde3; padding-bottom: 4px; font-size: 21px; }
.how { background: #f7f7f2; border-left: 4px solid #c9b458; padding: 8px 12px; max-width: 900px; font-size: 14px; }
.how b { color: #6b5a10; }
div.table { overflow-x: auto; }
table { border-collapse: collapse; margin: 12px 0; font-size: 13px; }
th, td { padding: 4px 8px; border-bottom: 1px solid #e3e6ea; white-space: nowrap; }
th { background: #eef1f4; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:nth-child(even) td { background: #fafbfc; }
.notes { font-size: 13px; color: #444; }
.subtitle { color: #555; font-size: 14px; }
.caption { text-align: center; font-size: 13px; color: #333; }
dl.settings { display: grid; grid-template-columns: max-content auto; gap: 4px 18px; font-size: 14px; }
dl.settings dt { font-weight: bold; }
dl.settings dd { margin: 0; }
figure { margin: 18px 0 28px; }
figure svg { max-width: 100%; height: auto; }
.plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 8px 24px; }
.controls { display: flex; align-items: center; gap: 14px; margin: 12px 0; font-size: 15px; }
.controls input[type=range] { width: 320px; }
.controls output { font-weight: bold; min-width: 90px; }
.controls button { font-size: 14px; padding: 3px 12px; }
.boundaries { display: flex; flex-wrap: wrap; gap: 10px 22px; }
.boundary { margin: 0; }
.boundary figcaption { font-weight: bold; text-align: center; font-size: 15px; }
.missing { color: #777; font-style: italic; }
footer { margin-top: 48px; font-size: 12px; color: #666; }
)";

// The slider shows one epoch's picture per activation; the play button walks through them.
constexpr const char* kScript = R"(
(function () {
  var slider = document.getElementById('epoch-slider');
  if (!slider) return;
  var epochs = slider.getAttribute('data-epochs').split(',');
  var label = document.getElementById('epoch-label');
  var play = document.getElementById('epoch-play');
  var timer = null;
  function show() {
    var step = String(slider.value);
    document.querySelectorAll('.boundary-step').forEach(function (picture) {
      picture.style.display = picture.getAttribute('data-step') === step ? '' : 'none';
    });
    label.textContent = 'epoch ' + epochs[Number(step)];
  }
  function stop() { clearInterval(timer); timer = null; play.textContent = 'play'; }
  slider.addEventListener('input', function () { if (timer) stop(); show(); });
  play.addEventListener('click', function () {
    if (timer) { stop(); return; }
    if (Number(slider.value) >= Number(slider.max)) slider.value = 0;
    show();
    play.textContent = 'pause';
    timer = setInterval(function () {
      if (Number(slider.value) >= Number(slider.max)) { stop(); return; }
      slider.value = Number(slider.value) + 1;
      show();
    }, 900);
  });
  show();
})();
)";

bool is_number_cell(const std::string& cell) {
  return !cell.empty() && (std::isdigit(static_cast<unsigned char>(cell[0])) || cell[0] == '-' || cell == "never");
}

// Lines of text as HTML: each escaped (which would turn a newline into a space), joined by <br>.
std::string lines_html(const std::string& text) {
  std::string out, line;
  std::istringstream lines(text);
  while (std::getline(lines, line)) out += (out.empty() ? "" : "<br>\n") + xml_escape(line);
  return out;
}

// The table's cells; its caption is left to the section's own words, which say more.
std::string html_table(const ReportTable& table) {
  std::ostringstream out;
  out << "<div class=\"table\"><table>\n";
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    out << "<tr>";
    for (std::size_t c = 0; c < table.rows[r].size(); ++c) {
      const std::string& cell = table.rows[r][c];
      const bool numeric = c > 0 && (r == 0 || is_number_cell(cell));
      const char* tag = r == 0 ? "th" : "td";
      out << "<" << tag << (numeric ? " class=\"num\"" : "") << ">" << xml_escape(cell) << "</" << tag << ">";
    }
    out << "</tr>\n";
  }
  out << "</table></div>\n";
  if (!table.notes.empty()) out << "<p class=\"notes\">" << lines_html(table.notes) << "</p>\n";
  return out.str();
}

std::string how(const std::string& text) {
  return "<p class=\"how\"><b>How to read this.</b> " + xml_escape(text) + "</p>\n";
}

std::string settings_list(const CompareResult& result, const Summary& summary, const std::string& setup) {
  const CompareConfig& c = result.config;
  const TrainConfig& b = c.base;
  std::vector<std::string> activations, hidden;
  for (const std::string& a : c.activations) activations.push_back(activation_label(a));
  for (Index h : b.hidden) hidden.push_back(std::to_string(h));
  const auto join = [](const std::vector<std::string>& items, const char* between) {
    std::string s;
    for (const std::string& item : items) s += (s.empty() ? "" : between) + item;
    return s;
  };
  const std::vector<std::pair<std::string, std::string>> items = {
      {"run", setup},
      {"activations", join(activations, ", ")},
      {"model",
       "MyModel: Linear layers of " + join(hidden, ", ") + " hidden units, init " + nn::to_string(b.init_scheme)},
      {"training",
       describe_grid(c) + ", " + std::to_string(b.epochs) + " epochs, batch " + std::to_string(b.batch_size)},
      {"seeds", std::to_string(c.seeds) + " (seed s gives every activation the same weights and batches)"},
      {"target", summary.target_description},
  };
  std::ostringstream out;
  out << "<dl class=\"settings\">\n";
  for (const auto& item : items)
    out << "<dt>" << xml_escape(item.first) << "</dt><dd>" << xml_escape(item.second) << "</dd>\n";
  out << "</dl>\n";
  return out.str();
}

// Each activation's pictures, one shown at a time: the slider picks the epoch.
std::string boundary_section(const CompareResult& result, const Summary& summary, const std::string& settings,
                             const std::string& no_boundary) {
  std::ostringstream out;
  out << "<section id=\"boundaries\">\n<h2>Decision boundaries</h2>\n";
  const std::vector<BoundaryRow> rows = boundary_rows(result, summary);
  if (rows.empty()) {
    out << "<p class=\"missing\">No decision boundaries: "
        << xml_escape(no_boundary.empty() ? "the comparison recorded none" : no_boundary) << ".</p>\n</section>\n";
    return out.str();
  }
  const BoundaryFrame& frame = result.config.boundary;
  const std::vector<int>& epochs = result.config.boundary_epochs;
  std::string epoch_list;
  for (int e : epochs) epoch_list += (epoch_list.empty() ? "" : ",") + std::to_string(e);
  out << "<p class=\"subtitle\">" << xml_escape(settings) << "; seed " << result.config.base.seed
      << ", the same start for every activation</p>\n";
  out << how(
      "The plane of the two features, coloured by the class the trained network predicts at each point, "
      "paler where it is less sure (near the boundary between classes). Dots are the training points, rings "
      "the test points, in their true class's colour: a dot on another colour is a point the network gets "
      "wrong. Move the slider (or press play) to watch the boundary form epoch by epoch. Each activation "
      "leaves its trace: ReLU and its kin cut the plane into straight-edged pieces, tanh and sigmoid bend it "
      "smoothly, and a slow learner stays close to a straight line for longer.");
  out << "<div class=\"controls\"><label for=\"epoch-slider\">epoch</label><input type=\"range\" id=\"epoch-slider\" "
         "min=\"0\" max=\""
      << epochs.size() - 1 << "\" step=\"1\" value=\"" << epochs.size() - 1 << "\" data-epochs=\"" << epoch_list
      << "\"><output id=\"epoch-label\">epoch " << epochs.back()
      << "</output><button type=\"button\" id=\"epoch-play\">play</button></div>\n";
  constexpr double kSize = 230;
  out << "<svg class=\"boundary-legend\" width=\"760\" height=\"22\" viewBox=\"0 0 760 22\" "
         "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">"
      << boundary_legend(frame, 4, 15) << "</svg>\n";
  out << "<div class=\"boundaries\">\n";
  for (const BoundaryRow& row : rows) {
    out << "<figure class=\"boundary\"><figcaption>" << xml_escape(row.label) << "</figcaption>\n";
    for (std::size_t k = 0; k < epochs.size(); ++k) {
      std::size_t found = row.snapshots.size();
      for (std::size_t s = 0; s < row.snapshots.size(); ++s)
        if (row.snapshots[s].epoch == epochs[k]) found = s;
      out << "<div class=\"boundary-step\" data-step=\"" << k << "\""
          << (k + 1 == epochs.size() ? "" : " style=\"display:none\"") << ">";
      if (found == row.snapshots.size()) {
        out << "<p class=\"missing\">not reached (the run stopped before epoch " << epochs[k] << ")</p>";
      } else {
        out << "<svg width=\"" << kSize + 40 << "\" height=\"" << kSize + 24 << "\" viewBox=\"0 0 " << kSize + 40 << " "
            << kSize + 24 << "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">"
            << boundary_picture(frame, row.snapshots[found], 36, 4, kSize, true, true) << "</svg>"
            << "<div class=\"caption\">" << xml_escape(row.captions[found]) << "</div>";
      }
      out << "</div>\n";
    }
    out << "</figure>\n";
  }
  out << "</div>\n<p class=\"notes\">"
      << xml_escape("across: " + frame.x_name + ", up: " + frame.y_name +
                    " (the data's own units, before standardization)")
      << "</p>\n</section>\n";
  return out.str();
}

}  // namespace

std::string inline_svg(const std::string& svg) {
  std::string out = svg;
  if (out.rfind("<?xml", 0) == 0) out.erase(0, out.find('\n') + 1);
  for (const std::string attribute : {" xmlns=\"http://www.w3.org/2000/svg\"", " version=\"1.1\""}) {
    const std::size_t at = out.find(attribute);
    if (at != std::string::npos) out.erase(at, attribute.size());
  }
  return out;
}

std::string comparison_html(const CompareResult& result, const Summary& summary,
                            const std::vector<std::string>& findings, const HtmlReportText& text) {
  const std::string prefix = "ember compare: ";
  const std::string settings = text.setup.rfind(prefix, 0) == 0 ? text.setup.substr(prefix.size()) : text.setup;
  const std::string dataset = settings.substr(0, settings.find(','));
  const bool grid = settings_of(result.config).size() > 1;
  const bool pairs = result.config.seeds > 1 && !summary.pairs.empty();
  const bool layers = std::any_of(result.runs.begin(), result.runs.end(), [](const CompareRun& run) {
    return !run.epochs.empty() && !run.epochs.front().layers.empty();
  });

  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>" << xml_escape("How the activations compare: " + dataset) << "</title>\n<style>" << kStyle
      << "</style>\n</head>\n<body>\n";
  out << "<header>\n<h1>" << xml_escape("How the activations compare: " + dataset) << "</h1>\n<p>"
      << xml_escape(settings) << "</p>\n<nav><a href=\"#settings\">settings</a><a href=\"#summary\">summary</a>"
      << (pairs ? "<a href=\"#pairs\">pairs</a>" : "") << (grid ? "<a href=\"#grid\">grid</a>" : "")
      << "<a href=\"#findings\">findings</a><a href=\"#curves\">curves</a>"
      << (layers ? "<a href=\"#layers\">inside the layers</a>" : "")
      << "<a href=\"#boundaries\">decision boundaries</a></nav>\n</header>\n<main>\n";

  out << "<section id=\"settings\">\n<h2>Settings</h2>\n"
      << settings_list(result, summary, text.setup) << "</section>\n";
  if (result.interrupted || result.incomplete_results)
    out << "<p class=\"missing\">" << xml_escape(interrupted_note(result))
        << ": only the finished runs are shown.</p>\n";

  out << "<section id=\"summary\">\n<h2>Summary</h2>\n"
      << how("One row per activation" + std::string(grid ? " at its chosen setting" : "") +
             ", each figure the mean ± standard deviation over the seeds, at the last epoch unless named otherwise. "
             "Epochs to target: the first epoch that reached the target accuracy (the median over seeds, with its "
             "95% bootstrap interval). Grad fc1: the first layer's weight-gradient norm in epoch 1; fc1/last: that "
             "norm over the last layer's — well below 1 means the gradient vanishes on its way down. Dead: hidden "
             "units whose derivative was 0 on every training sample of the last epoch; saturated: below 1% of the "
             "activation's steepest slope on every sample.")
      << html_table(summary_cells(summary, result)) << "</section>\n";
  if (pairs) {
    out << "<section id=\"pairs\">\n<h2>Pairs, seed by seed</h2>\n"
        << how("Seed s gives A and B the same starting weights and batches, so each difference A − B is taken "
               "within a seed. A verdict is drawn only where the 95% bootstrap interval of the mean difference "
               "excludes 0; otherwise the pair is within noise of each other.")
        << html_table(pairs_cells(summary, result)) << "</section>\n";
  }
  if (grid) {
    out << "<section id=\"grid\">\n<h2>The grid</h2>\n"
        << how("Every setting each activation was trained at, scored on the validation split (never the test "
               "split) at the final epoch, mean ± standard deviation over the seeds; the chosen one, marked *, "
               "is what the summary reports. A setting where any seed diverged cannot be chosen.")
        << html_table(grid_cells(summary, result)) << "</section>\n";
  }
  out << "<section id=\"findings\">\n<h2>Findings</h2>\n<ul>\n";
  for (const std::string& sentence : findings) out << "<li>" << xml_escape(sentence) << "</li>\n";
  out << "</ul>\n</section>\n";

  out << "<section id=\"curves\">\n<h2>Curves</h2>\n<div class=\"plots\">\n";
  for (const FigurePanel& figure : comparison_panels(result, summary, settings)) {
    out << "<figure id=\"plot-" << figure.id << "\" class=\"plot\">"
        << inline_svg(plot::line_chart_svg(figure.panel.series, figure.panel.options, 600, 380))
        << how(figure.how_to_read) << "</figure>\n";
  }
  out << "</div>\n</section>\n";
  if (layers) {
    out << "<section id=\"layers\">\n<h2>Inside the layers</h2>\n"
        << how("Each hidden layer (rows, fc1 on top) and activation (columns): the median of the layer's outputs f(z) "
               "on a fixed probe of training samples, epoch by epoch, shaded from the 2nd to the 98th percentile. "
               "Glorot & Bengio (2010) read saturation from such plots: sigmoid's top layer pinned near 0 or 1, a "
               "band that collapses to a line (units that all say the same thing), ReLU's band resting on 0.")
        << "<figure id=\"plot-layers\">" << inline_svg(layer_health_svg(result, summary, settings))
        << "</figure>\n</section>\n";
  }
  out << boundary_section(result, summary, settings, text.no_boundary);
  out << "<footer>Written by ember. The same results give the same page: rebuild it with ember report "
         "RESULTS.jsonl --html FILE from the runs of ember compare --results.</footer>\n";
  out << "</main>\n<script>" << kScript << "</script>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace ember
