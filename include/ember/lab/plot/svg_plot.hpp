// Line charts as hand-written SVG, for `ember compare` (loss and accuracy per epoch, one line per
// activation). No dependency: the output is a self-contained SVG 1.1 document that a browser or
// rsvg-convert shows as it is. Colours are the Okabe-Ito palette (safe for colour-blind readers), and
// every line also has a dash pattern (solid, dashed, dotted, dash-dot), so that the lines stay apart in
// grey print too: line_style. Not here: bar charts, scatter plots, interactive features. Save a chart
// with write_text_file_atomic (ember/lab/io/atomic_file.hpp).
// Read src/lab/plot/svg_plot_scale.cpp (ticks, text) and src/lab/plot/svg_plot.cpp (drawing).
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace ember::plot {

// One line. x and y have the same length; a point whose x or y is NaN or infinite is skipped and
// breaks the line there (e.g. an epoch whose loss diverged).
struct Series {
  Series() = default;
  Series(std::string label, std::vector<double> x, std::vector<double> y, std::vector<double> band_low = {},
         std::vector<double> band_high = {})
      : label(std::move(label)), x(std::move(x)), y(std::move(y)), band_low(std::move(band_low)),
        band_high(std::move(band_high)) {}
  std::string label;  // shown in the legend; any text (it is escaped)
  std::vector<double> x, y;
  // Optional, as long as x: a shaded band from band_low to band_high around the line (e.g. the
  // range over seeds), broken where either end is NaN. Empty: no band.
  std::vector<double> band_low, band_high;
  // The line style to draw it with (line_style): -1, its position in the chart. A fixed style keeps a
  // quantity (e.g. an activation) the same colour and dash on every chart, even where another is missing.
  int style = -1;
};

// How line style `index` is drawn: an SVG colour and a stroke-dasharray ("" for solid). The first four
// styles have four different dashes, and no (colour, dash) pair repeats within the first 32 styles.
struct LineStyle {
  std::string colour, dash;
};
LineStyle line_style(std::size_t index);

struct ChartOptions {
  std::string title, x_label, y_label;
  bool log_x = false;    // logarithmic x axis with decade ticks; points with x <= 0 are skipped
  bool log_y = false;    // logarithmic y axis with decade ticks; points with y <= 0 are skipped
  bool markers = false;  // a dot on every point (useful when there are few points)
  // A line under the title in smaller grey type (e.g. the dataset and settings), wrapped to the chart's
  // width. Last, so that the brace-initialised options above keep their order.
  std::string subtitle = "";
};

// One chart of a figure.
struct Panel {
  ChartOptions options;
  std::vector<Series> series;
};

// A standalone SVG document with one chart of width x height pixels.
std::string line_chart_svg(const std::vector<Series>& series, const ChartOptions& options, double width = 640,
                           double height = 400);

// Several charts in a grid of `columns` (side by side, then wrapping into rows), under one title and
// an optional subtitle (smaller and grey, wrapped to the figure's width).
std::string figure_svg(const std::string& title, const std::vector<Panel>& panels, int columns = 2,
                       double panel_width = 520, double panel_height = 360);
std::string figure_svg(const std::string& title, const std::string& subtitle, const std::vector<Panel>& panels,
                       int columns = 2, double panel_width = 520, double panel_height = 360);

// ---- the pieces, exposed for tests and for other text output ----

// "Nice" tick values on steps of 1, 2 or 5 times a power of ten, about `target_count` intervals
// (between 0.7 and 1.5 times as many), covering [low, high]: the first tick is <= low and the last
// >= high (they become the axis ends).
std::vector<double> nice_ticks(double low, double high, int target_count = 6);

// Powers of ten covering [low, high] (both > 0): 10^floor(log10 low) ... 10^ceil(log10 high), one
// per decade, or every second, third ... decade when the range spans more than ten.
std::vector<double> log_ticks(double low, double high);

// A tick label for `value` on an axis whose ticks are `step` apart: just enough decimals to tell the
// ticks apart ("0.25", "1.5", "200"); scientific notation for very large or small values.
std::string format_tick(double value, double step);

// Text made safe for XML content and attribute values: & < > " ' become entities, control
// characters become spaces, and bytes that are not valid UTF-8 become U+FFFD.
std::string xml_escape(const std::string& text);

}  // namespace ember::plot
