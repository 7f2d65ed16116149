// Tests for src/lab/plot/svg_plot_scale.cpp and src/lab/plot/svg_plot.cpp: tick choice and labels, escaping, and
// charts that are well-formed XML (checked by the small tag-stack parser below) with one path per
// series, a legend, broken lines at NaN, and log axes that skip non-positive values.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "ember/lab/plot/svg_plot.hpp"
#include "xml_check.hpp"

using Catch::Matchers::Contains;
using namespace ember::plot;
using ember_test::xml_problem;

namespace {

std::size_t count(const std::string& text, const std::string& piece) {
  std::size_t n = 0;
  for (std::size_t i = text.find(piece); i != std::string::npos; i = text.find(piece, i + 1)) ++n;
  return n;
}

// The d attribute of the path of series `index`.
std::string path_data(const std::string& svg, std::size_t index) {
  const std::size_t start = svg.find("class=\"series series-" + std::to_string(index) + "\"");
  REQUIRE(start != std::string::npos);
  const std::size_t d = svg.find("d=\"", start) + 3;
  return svg.substr(d, svg.find('"', d) - d);
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

std::vector<Series> loss_curves() {
  std::vector<Series> series;
  for (const char* name : {"relu", "tanh", "sigmoid"}) {
    Series s{name, {}, {}};
    for (int epoch = 1; epoch <= 20; ++epoch) {
      s.x.push_back(epoch);
      s.y.push_back(std::exp(-0.2 * epoch * (1 + series.size())));
    }
    series.push_back(s);
  }
  return series;
}

}  // namespace

// ---- ticks and labels ----

TEST_CASE("Nice ticks step by 1, 2 or 5 times a power of ten and cover the range", "[plot]") {
  auto ticks = nice_ticks(0, 1);
  REQUIRE(ticks.size() == 6);
  for (std::size_t i = 0; i < ticks.size(); ++i) CHECK(ticks[i] == Approx(0.2 * i).margin(1e-12));
  CHECK(nice_ticks(1, 50) == std::vector<double>{0, 10, 20, 30, 40, 50});
  CHECK(nice_ticks(-3, 7) == std::vector<double>{-4, -2, 0, 2, 4, 6, 8});
  ticks = nice_ticks(0.3, 0.9);  // 0.3 / 0.1 is 2.9999999999999996: no extra tick at 0.2
  CHECK(ticks.front() == Approx(0.3).margin(1e-12));
  CHECK(ticks.back() == Approx(0.9).margin(1e-12));
  ticks = nice_ticks(1234.5, 1234.5);  // a single value is widened
  CHECK(ticks.front() < 1234.5);
  CHECK(ticks.back() > 1234.5);
  CHECK(ticks.size() >= 3);
  CHECK(nice_ticks(kNaN, 1) == std::vector<double>{0, 1});
}

TEST_CASE("Log ticks are the powers of ten around the range", "[plot]") {
  const auto ticks = log_ticks(0.003, 2);
  REQUIRE(ticks.size() == 5);
  const double expected[] = {0.001, 0.01, 0.1, 1, 10};
  for (std::size_t i = 0; i < 5; ++i) CHECK(ticks[i] == Approx(expected[i]).epsilon(1e-12));
  CHECK(log_ticks(0.1, 1000).size() == 5);   // exact powers need no extra decade
  CHECK(log_ticks(1, 1).size() == 3);        // 0.1, 1, 10
  const auto wide = log_ticks(1e-12, 1e12);  // 24 decades: every third is labelled
  REQUIRE(wide.size() == 9);
  CHECK(wide.front() == Approx(1e-12).epsilon(1e-12));
  CHECK(wide[1] == Approx(1e-9).epsilon(1e-12));
}

TEST_CASE("Tick labels have just the decimals the step needs", "[plot]") {
  CHECK(format_tick(0.2, 0.2) == "0.2");
  CHECK(format_tick(0.30000000000000004, 0.1) == "0.3");
  CHECK(format_tick(-1e-17, 0.2) == "0.0");  // never "-0.0"; as many decimals as its neighbours
  CHECK(format_tick(50, 10) == "50");
  CHECK(format_tick(0.05, 0.05) == "0.05");
  CHECK(format_tick(1500, 500) == "1500");
  CHECK(format_tick(0.001, 0.001) == "0.001");
  CHECK(format_tick(1e-5, 1e-5) == "1e-5");
  CHECK(format_tick(2.5e-5, 5e-6) == "2.5e-5");
  CHECK(format_tick(1e6, 1e6) == "1e6");
}

TEST_CASE("Text is escaped for XML, control characters and invalid UTF-8 replaced", "[plot]") {
  CHECK(xml_escape("a & b < c > d \"e\" 'f'") == "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;");
  CHECK(xml_escape("tab\there\x01") == "tab here ");
  CHECK(xml_escape("caf\xC3\xA9 \xE2\x86\x92 \xF0\x9F\x98\x80") == "caf\xC3\xA9 \xE2\x86\x92 \xF0\x9F\x98\x80");
  CHECK(xml_escape("bad \xFF byte") == "bad \xEF\xBF\xBD byte");
  CHECK(xml_escape("cut \xE2\x86") == "cut \xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(xml_escape("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
}

// ---- charts ----

TEST_CASE("A line chart is well-formed SVG with one path per series and a legend", "[plot]") {
  const auto series = loss_curves();
  const std::string svg = line_chart_svg(series, {"Training loss", "epoch", "loss", false, false});
  REQUIRE(xml_problem(svg) == "");
  CHECK_THAT(svg, Contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  CHECK(count(svg, "<path ") == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(count(svg, "class=\"series series-" + std::to_string(i) + "\"") == 1);
    CHECK(count(path_data(svg, i), "L") == 19);
    CHECK_THAT(svg, Contains(">" + series[i].label + "</text>"));  // legend entry
  }
  CHECK_THAT(svg, Contains("stroke=\"#0072B2\"") && Contains("stroke=\"#D55E00\"") && Contains("stroke=\"#009E73\""));
  CHECK_THAT(svg, Contains(">Training loss</text>") && Contains(">epoch</text>") && Contains(">loss</text>"));
  CHECK_THAT(svg, Contains(">20</text>"));  // an x tick label
  CHECK(count(svg, "<circle") == 0);
}

TEST_CASE("A log-scale chart labels decades and skips values that are not positive", "[plot]") {
  Series s{"loss", {1, 2, 3, 4, 5}, {2, 0.5, 0, -1, 0.003}};
  ChartOptions options;
  options.log_y = true;
  const std::string svg = line_chart_svg({s}, options);
  REQUIRE(xml_problem(svg) == "");
  for (const char* label : {">0.001</text>", ">0.01</text>", ">0.1</text>", ">1</text>", ">10</text>"}) {
    CHECK_THAT(svg, Contains(label));
  }
  CHECK_THAT(svg, !Contains(">100</text>") && !Contains(">0.0001</text>"));
  // Points 1-2 form one run; 3 and 4 are skipped; point 5 stands alone (drawn as a dot).
  const std::string d = path_data(svg, 0);
  CHECK(count(d, "M") == 2);
  CHECK(count(d, "L") == 1);
  CHECK_THAT(d, Contains("l0 0"));
}

TEST_CASE("A log-scale x axis labels decades and skips x values that are not positive", "[plot]") {
  Series s{"val acc", {1e-4, 1e-3, 0, 1e-2, 1e-1}, {0.7, 0.9, 0.95, 0.96, 0.3}};
  ChartOptions options;
  options.log_x = true;
  const std::string svg = line_chart_svg({s}, options);
  REQUIRE(xml_problem(svg) == "");
  for (const char* label : {">0.0001</text>", ">0.001</text>", ">0.01</text>", ">0.1</text>"}) {
    CHECK_THAT(svg, Contains(label));
  }
  // x = 0 has no place on a log axis: the line breaks there.
  const std::string d = path_data(svg, 0);
  CHECK(count(d, "M") == 2);
  CHECK(count(d, "L") == 2);
}

TEST_CASE("A band is one shaded polygon per unbroken run, drawn under its line", "[plot]") {
  Series s{"relu", {1, 2, 3, 4, 5}, {0.5, 0.6, 0.7, 0.8, 0.9}, {0.4, 0.5, kNaN, 0.7, 0.8}, {0.6, 0.7, 0.8, 0.9, 1.0}};
  const std::string svg = line_chart_svg({s}, ChartOptions{});
  REQUIRE(xml_problem(svg) == "");
  CHECK(count(svg, "<polygon class=\"band series-0\"") == 2);  // points 1-2 and 4-5: the NaN breaks it
  CHECK(svg.find("<polygon") < svg.find("<path class=\"series"));
  CHECK_THAT(svg, Contains("fill-opacity=\"0.15\""));
  // A band reaching past the line widens the y axis to its ends, 0.4 and 1.0; the line alone spans 0.5 to 0.9.
  // (y tick labels are the ones anchored at their end.)
  const std::string y_tick = "text-anchor=\"end\">";
  CHECK_THAT(svg, Contains(y_tick + "0.4<") && Contains(y_tick + "1.0<"));
  const std::string plain = line_chart_svg({Series{"relu", s.x, s.y}}, ChartOptions{});
  CHECK(count(plain, "<polygon") == 0);
  CHECK_THAT(plain, !Contains(y_tick + "0.4<") && !Contains(y_tick + "1.0<"));
}

TEST_CASE("NaN and infinite points break the line", "[plot]") {
  Series s{"diverged", {1, 2, 3, 4, 5, 6}, {1, 2, kNaN, 3, 4, kInf}};
  const std::string svg = line_chart_svg({s}, ChartOptions{});
  REQUIRE(xml_problem(svg) == "");
  const std::string d = path_data(svg, 0);
  CHECK(count(d, "M") == 2);
  CHECK(count(d, "L") == 2);
  CHECK_THAT(svg, !Contains("nan") && !Contains("inf"));
}

TEST_CASE("Labels and titles are escaped in the chart", "[plot]") {
  Series s{"<b>leaky_relu</b> & \"gelu\"", {0, 1}, {0, 1}};
  const std::string svg = line_chart_svg({s}, {"a < b & c > d", "x's", "\"y\"", false, false});
  REQUIRE(xml_problem(svg) == "");
  CHECK_THAT(svg, Contains("&lt;b&gt;leaky_relu&lt;/b&gt; &amp; &quot;gelu&quot;"));
  CHECK_THAT(svg, Contains("a &lt; b &amp; c &gt; d") && Contains("x&apos;s") && Contains("&quot;y&quot;"));
}

TEST_CASE("Empty series and charts without data are drawn without failing", "[plot]") {
  const std::string none = line_chart_svg({}, ChartOptions{"Nothing yet", "", "", false, false});
  REQUIRE(xml_problem(none) == "");
  CHECK_THAT(none, Contains(">no data</text>"));
  CHECK(count(none, "<path ") == 0);

  Series empty{"empty", {}, {}};
  Series all_nan{"all NaN", {1, 2}, {kNaN, kNaN}};
  Series uneven{"uneven", {1, 2, 3}, {5}};  // only the first point has both coordinates
  const std::string svg = line_chart_svg({empty, all_nan, uneven}, ChartOptions{"", "", "", true, true});
  REQUIRE(xml_problem(svg) == "");
  CHECK(count(svg, "<path ") == 3);
  CHECK(path_data(svg, 0).empty());
  CHECK(path_data(svg, 1).empty());
  CHECK_THAT(svg, Contains(">empty</text>") && Contains(">all NaN</text>"));
  CHECK_THAT(svg, !Contains(">no data</text>"));
}

TEST_CASE("Markers put one dot on every drawn point", "[plot]") {
  Series s{"acc", {1, 2, 3, 4}, {0.5, kNaN, 0.7, 0.9}};
  ChartOptions options;
  options.markers = true;
  const std::string svg = line_chart_svg({s}, options);
  REQUIRE(xml_problem(svg) == "");
  CHECK(count(svg, "<circle") == 3 + 1);  // three points and the legend's sample
}

TEST_CASE("Line styles: the first four dashes differ, and no (colour, dash) pair repeats in 32", "[plot]") {
  std::vector<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i < 32; ++i) {
    const LineStyle style = line_style(i);
    CHECK(style.colour.size() == 7);  // "#RRGGBB"
    const std::pair<std::string, std::string> pair{style.colour, style.dash};
    CHECK(std::find(seen.begin(), seen.end(), pair) == seen.end());
    seen.push_back(pair);
  }
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = i + 1; j < 4; ++j) CHECK(line_style(i).dash != line_style(j).dash);
  CHECK(line_style(0).dash.empty());  // the first line solid
}

TEST_CASE("Every series but the first is dashed, and its legend sample shows the same dash", "[plot]") {
  std::vector<Series> four;
  for (int i = 0; i < 4; ++i) four.push_back(Series{"s" + std::to_string(i), {0, 1}, {0, double(i)}});
  const std::string svg = line_chart_svg(four, ChartOptions{});
  REQUIRE(xml_problem(svg) == "");
  for (std::size_t i = 1; i < 4; ++i)
    CHECK(count(svg, "stroke-dasharray=\"" + line_style(i).dash + "\"") == 2);  // its path and its legend line
  CHECK(count(svg, "stroke-dasharray") == 3 * 2);
}

TEST_CASE("A series' style keeps its colour and dash on every chart, whatever its position", "[plot]") {
  // relu is style 2 (the third of sigmoid, tanh, relu), also on a chart where it comes first.
  Series relu{"relu", {0, 1}, {0, 1}, {0, 0.5}, {0.5, 1}};
  relu.style = 2;
  const std::string svg = line_chart_svg({relu}, ChartOptions{});
  REQUIRE(xml_problem(svg) == "");
  const LineStyle style = line_style(2);
  CHECK_THAT(svg, Contains("class=\"series series-2\""));
  CHECK(count(svg, "stroke=\"" + style.colour + "\" stroke-dasharray=\"" + style.dash + "\"") == 2);  // line, legend
  CHECK_THAT(svg, Contains("class=\"band series-2\"") && Contains("fill=\"" + style.colour + "\""));
  CHECK_THAT(svg, !Contains(line_style(0).colour));
  // Without a style, the position decides.
  CHECK_THAT(line_chart_svg({Series{"relu", {0, 1}, {0, 1}}}, ChartOptions{}), Contains(line_style(0).colour));
}

TEST_CASE("A subtitle is drawn escaped under the title, wrapped, and moves the plotting area down", "[plot]") {
  ChartOptions options;
  options.title = "Training loss";
  const std::string plain = line_chart_svg(loss_curves(), options);
  options.subtitle = "moons <200 samples> & \"adam\"";
  const std::string one = line_chart_svg(loss_curves(), options);
  REQUIRE(xml_problem(one) == "");
  CHECK_THAT(one,
             Contains("class=\"subtitle\"") && Contains(">moons &lt;200 samples&gt; &amp; &quot;adam&quot;</text>"));
  CHECK(count(one, "class=\"subtitle\"") == 1);
  // The frame's top: lower with a subtitle, lower still with a subtitle that needs two lines.
  const auto frame_top = [](const std::string& svg) {
    const std::size_t y = svg.find("y=\"", svg.find("class=\"frame\"")) + 3;
    return std::stod(svg.substr(y, svg.find('"', y) - y));
  };
  CHECK(frame_top(one) > frame_top(plain));
  std::string long_text;
  for (int i = 0; i < 6; ++i) long_text += "setting" + std::to_string(i) + " ";
  options.subtitle = long_text;
  const std::string two = line_chart_svg(loss_curves(), options, 400, 300);
  REQUIRE(xml_problem(two) == "");
  CHECK(count(two, "class=\"subtitle\"") == 2);
  CHECK(frame_top(two) > frame_top(one));
}

TEST_CASE("A figure lays several charts out in a grid under one title", "[plot]") {
  std::vector<Panel> panels(3);
  panels[0] = Panel{{"Loss", "epoch", "loss", true, false}, loss_curves()};
  panels[1] = Panel{{"Accuracy", "epoch", "accuracy", false, false}, loss_curves()};
  panels[2] = Panel{{"Gradient norm", "epoch", "norm", false, true}, loss_curves()};
  const std::string svg = figure_svg("ember compare: moons", panels, 2, 500, 300);
  REQUIRE(xml_problem(svg) == "");
  CHECK(count(svg, "<g class=\"chart\"") == 3);
  CHECK_THAT(svg, Contains("width=\"1000.00\" height=\"640.00\""));  // 2 columns, 2 rows + title
  CHECK_THAT(svg, Contains(">ember compare: moons</text>"));
  CHECK(count(svg, "class=\"series series-0\"") == 3);
  CHECK_THAT(svg, !Contains("figure-subtitle"));
  // A subtitle: a second line under the title, escaped, and the panels below it.
  const std::string with = figure_svg("ember compare", "moons, 200 samples & more", panels, 2, 500, 300);
  REQUIRE(xml_problem(with) == "");
  CHECK_THAT(with, Contains("class=\"figure-subtitle\"") && Contains(">moons, 200 samples &amp; more</text>"));
  CHECK_THAT(with, Contains("width=\"1000.00\" height=\"660.00\""));
  CHECK_THAT(figure_svg("", {}), Contains("</svg>"));
  CHECK(xml_problem(figure_svg("", {})) == "");
}
