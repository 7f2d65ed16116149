// Drawing line charts as SVG text: axes with gridlines and tick labels, one <path> per series, an
// optional dot per point, a legend, the title, subtitle and axis labels. A figure places several charts
// in a grid. Layout is computed from estimated text widths (0.6 em a character), which is close enough
// for the sans-serif fonts viewers use. Ticks and escaping are in src/lab/plot/svg_plot_scale.cpp.
#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "ember/core/engine/format.hpp"
#include "ember/lab/plot/svg_plot.hpp"

namespace ember::plot {

namespace {

// Okabe & Ito (2008), "Color Universal Design": distinguishable with any common colour-vision
// deficiency. Ordered so that the first lines are the most contrasting; yellow, faint on white, last.
constexpr const char* kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                    "#E69F00", "#56B4E9", "#000000", "#F0E442"};
constexpr std::size_t kColours = sizeof kPalette / sizeof kPalette[0];
// Solid, dashed, dotted, dash-dot: the lines stay apart without colour. The lines have round caps, which
// lengthen every dash by the stroke width (2 px) and shorten every gap as much, hence the short dashes
// and long gaps here; a dash of 0.1 is a round dot.
constexpr const char* kDashes[] = {"", "6 6", "0.1 5", "9 5 0.1 5"};
constexpr std::size_t kDashCount = sizeof kDashes / sizeof kDashes[0];

constexpr double kFontSize = 12;  // legend and axis labels
constexpr double kTickFontSize = 11;
constexpr double kTitleFontSize = 15;
constexpr double kSubtitleFontSize = 11;
constexpr const char* kSubtitleColour = "#555555";
constexpr const char* kFontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif";

// A pixel coordinate, 2 decimals, locale-free. Pixels of a chart are far inside +-1e6.
std::string px(double value) { return format_fixed(std::clamp(value, -1e6, 1e6), 2); }

// Characters, not bytes: a UTF-8 continuation byte does not start a character.
std::size_t char_count(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

double text_width(const std::string& text, double font_size) { return 0.6 * font_size * char_count(text); }

// At most `max_chars` characters, ending in "…" when shortened (cut between UTF-8 characters).
std::string shorten(const std::string& text, std::size_t max_chars) {
  if (char_count(text) <= max_chars) return text;
  std::size_t kept = 0, end = 0;
  for (; end < text.size(); ++end) {
    if ((static_cast<unsigned char>(text[end]) & 0xC0) != 0x80 && kept++ == max_chars - 1) break;
  }
  return text.substr(0, end) + "\xE2\x80\xA6";
}

// `text` in lines of at most `max_chars` characters, broken at spaces (a longer word is cut); past
// `max_lines` lines, the last ends in "…".
std::vector<std::string> wrap(const std::string& text, std::size_t max_chars, std::size_t max_lines) {
  max_chars = std::max<std::size_t>(max_chars, 8);
  std::vector<std::string> lines;
  std::string line, word;
  std::istringstream words(text);
  while (words >> word) {
    if (line.empty()) {
      line = shorten(word, max_chars);
    } else if (char_count(line) + 1 + char_count(word) <= max_chars) {
      line += " " + word;
    } else {
      lines.push_back(line);
      line = shorten(word, max_chars);
    }
  }
  if (!line.empty()) lines.push_back(line);
  if (lines.size() > max_lines) {
    lines.resize(max_lines);
    lines.back() = shorten(lines.back() + " \xE2\x80\xA6", max_chars);  // "…": some text was left out
  }
  return lines;
}

// Lines of text centred on x, the first baseline at y and `step` pixels apart.
void draw_text_lines(std::ostringstream& out, const char* class_name, const std::vector<std::string>& lines, double x,
                     double y, double step, double font_size, const char* colour) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out << "<text class=\"" << class_name << "\" x=\"" << px(x) << "\" y=\"" << px(y + step * i)
        << "\" text-anchor=\"middle\" font-size=\"" << format_general(font_size, 6) << "\" fill=\"" << colour << "\">"
        << xml_escape(lines[i]) << "</text>\n";
  }
}

// Whether a point is drawn. On a log axis a value <= 0 has no position (log 0 = -inf), so it is
// skipped like a NaN, and the line breaks there.
bool drawable(double x, double y, bool log_x, bool log_y) {
  return std::isfinite(x) && std::isfinite(y) && (!log_x || x > 0) && (!log_y || y > 0);
}

// An axis: its ticks, the data range they span, and the pixels that range maps onto.
struct Axis {
  std::vector<double> ticks;
  bool log = false;
  double low = 0, high = 1;              // axis ends, in log10 units on a log axis
  double pixel_low = 0, pixel_high = 1;  // where `low` and `high` are drawn

  double to_pixel(double value) const {
    const double t = log ? std::log10(value) : value;
    return pixel_low + (t - low) / (high - low) * (pixel_high - pixel_low);
  }
  std::string label(double tick) const {
    return format_tick(tick, log ? tick : (ticks.size() > 1 ? ticks[1] - ticks[0] : 1.0));
  }
};

// An axis over `values` drawn from pixel_low to pixel_high, with about one labelled tick per
// `pixels_per_tick` (fewer on a short axis, so that labels never collide).
Axis make_axis(const std::vector<double>& values, bool log, double pixel_low, double pixel_high,
               double pixels_per_tick) {
  Axis axis;
  axis.log = log;
  axis.pixel_low = pixel_low;
  axis.pixel_high = pixel_high;
  const int target = std::max(2, static_cast<int>(std::abs(pixel_high - pixel_low) / pixels_per_tick));
  if (values.empty()) {
    axis.ticks = log ? std::vector<double>{1, 10} : nice_ticks(0, 1, target);
  } else {
    const auto [min, max] = std::minmax_element(values.begin(), values.end());
    axis.ticks = log ? log_ticks(*min, *max) : nice_ticks(*min, *max, target);
  }
  axis.low = log ? std::log10(axis.ticks.front()) : axis.ticks.front();
  axis.high = log ? std::log10(axis.ticks.back()) : axis.ticks.back();
  return axis;
}

// The plotting area, in pixels from the chart's top-left corner.
struct Box {
  double left, top, right, bottom;
};

// A gridline across the plotting area at `value`, sticking out `tick` pixels below (x) or left (y) of
// the frame as a tick mark.
void draw_grid_line(std::ostringstream& out, const Box& box, const Axis& axis, bool vertical, double value,
                    const char* colour, double tick) {
  const double p = axis.to_pixel(value);
  if (vertical) {
    out << "<line x1=\"" << px(p) << "\" y1=\"" << px(box.top) << "\" x2=\"" << px(p) << "\" y2=\""
        << px(box.bottom + tick) << "\" stroke=\"" << colour << "\"/>\n";
  } else {
    out << "<line x1=\"" << px(box.left - tick) << "\" y1=\"" << px(p) << "\" x2=\"" << px(box.right) << "\" y2=\""
        << px(p) << "\" stroke=\"" << colour << "\"/>\n";
  }
}

// Gridlines (extended 5 px past the frame as tick marks), tick labels and the frame.
void draw_axes(std::ostringstream& out, const Box& box, const Axis& x, const Axis& y) {
  out << "<g class=\"grid\" stroke-width=\"1\">\n";
  // Minor gridlines at 2..9 x 10^k make a log axis readable when it spans few decades.
  if (y.log && y.ticks.size() >= 2 && y.ticks.size() <= 7 && y.ticks[1] / y.ticks[0] < 11) {
    for (std::size_t i = 0; i + 1 < y.ticks.size(); ++i) {
      for (int m = 2; m <= 9; ++m) draw_grid_line(out, box, y, false, m * y.ticks[i], "#eeeeee", 0);
    }
  }
  for (double tick : x.ticks) draw_grid_line(out, box, x, true, tick, "#d0d0d0", 5);
  for (double tick : y.ticks) draw_grid_line(out, box, y, false, tick, "#d0d0d0", 5);
  out << "</g>\n<g class=\"tick-labels\" font-size=\"" << format_general(kTickFontSize, 6) << "\" fill=\"#333333\">\n";
  for (double tick : x.ticks) {
    out << "<text x=\"" << px(x.to_pixel(tick)) << "\" y=\"" << px(box.bottom + 18) << "\" text-anchor=\"middle\">"
        << xml_escape(x.label(tick)) << "</text>\n";
  }
  for (double tick : y.ticks) {
    out << "<text x=\"" << px(box.left - 8) << "\" y=\"" << px(y.to_pixel(tick) + 4) << "\" text-anchor=\"end\">"
        << xml_escape(y.label(tick)) << "</text>\n";
  }
  out << "</g>\n<rect class=\"frame\" x=\"" << px(box.left) << "\" y=\"" << px(box.top) << "\" width=\""
      << px(box.right - box.left) << "\" height=\"" << px(box.bottom - box.top)
      << "\" fill=\"none\" stroke=\"#444444\"/>\n";
}

// The style a series is drawn with: its own, else its position in the chart.
std::size_t style_of(const Series& series, std::size_t position) {
  return series.style >= 0 ? static_cast<std::size_t>(series.style) : position;
}

std::string stroke_style(std::size_t index) {
  const LineStyle line = line_style(index);
  std::string style = "stroke=\"" + line.colour + "\"";
  if (!line.dash.empty()) style += " stroke-dasharray=\"" + line.dash + "\"";
  return style;
}

// One <path> per series: "M" starts a run of drawable points, "L" continues it. A run of a single
// point is drawn as a zero-length segment, which round line caps show as a dot.
void draw_series(std::ostringstream& out, const Series& series, std::size_t index, const Axis& x, const Axis& y,
                 bool markers) {
  std::string path, dots;
  std::size_t run = 0;
  const std::size_t n = std::min(series.x.size(), series.y.size());
  for (std::size_t i = 0; i <= n; ++i) {
    const bool ok = i < n && drawable(series.x[i], series.y[i], x.log, y.log);
    if (!ok) {
      if (run == 1) path += " l0 0";
      run = 0;
      continue;
    }
    const std::string px_x = px(x.to_pixel(series.x[i])), px_y = px(y.to_pixel(series.y[i]));
    path += (run++ == 0 ? (path.empty() ? "M" : " M") : " L") + px_x + " " + px_y;
    if (markers) dots += "<circle cx=\"" + px_x + "\" cy=\"" + px_y + "\" r=\"3\"/>";
  }
  out << "<path class=\"series series-" << index << "\" d=\"" << path << "\" fill=\"none\" " << stroke_style(index)
      << " stroke-width=\"2\" stroke-linejoin=\"round\" stroke-linecap=\"round\"><title>" << xml_escape(series.label)
      << "</title></path>\n";
  if (markers) {
    out << "<g class=\"markers series-" << index << "\" fill=\"" << line_style(index).colour << "\">" << dots
        << "</g>\n";
  }
}

// The band of a series: one translucent polygon per run of points whose both ends are drawable,
// along band_high forwards and band_low back.
void draw_band(std::ostringstream& out, const Series& series, std::size_t index, const Axis& x, const Axis& y) {
  const std::size_t n = std::min({series.x.size(), series.band_low.size(), series.band_high.size()});
  std::size_t start = 0;
  for (std::size_t i = 0; i <= n; ++i) {
    const bool ok = i < n && drawable(series.x[i], series.band_low[i], x.log, y.log) &&
                    drawable(series.x[i], series.band_high[i], x.log, y.log);
    if (ok) continue;
    if (i > start) {
      std::string points;
      for (std::size_t k = start; k < i; ++k)
        points += px(x.to_pixel(series.x[k])) + "," + px(y.to_pixel(series.band_high[k])) + " ";
      for (std::size_t k = i; k-- > start;)
        points += px(x.to_pixel(series.x[k])) + "," + px(y.to_pixel(series.band_low[k])) + " ";
      points.pop_back();
      out << "<polygon class=\"band series-" << index << "\" points=\"" << points << "\" fill=\""
          << line_style(index).colour << "\" fill-opacity=\"0.15\" stroke=\"none\"/>\n";
    }
    start = i + 1;
  }
}

constexpr std::size_t kLegendMaxChars = 28;
constexpr double kLegendSample = 30;  // the length of a legend's line sample: a dash-dot shows twice

double legend_width(const std::vector<Series>& series) {
  double widest = 0;
  for (const Series& s : series) widest = std::max(widest, text_width(shorten(s.label, kLegendMaxChars), kFontSize));
  return series.empty() ? 0 : widest + kLegendSample + 20;
}

// To the right of the plotting area, one line sample and label per series.
void draw_legend(std::ostringstream& out, const std::vector<Series>& series, double left, double top, bool markers) {
  out << "<g class=\"legend\" font-size=\"" << format_general(kFontSize, 6) << "\" fill=\"#222222\">\n";
  for (std::size_t i = 0; i < series.size(); ++i) {
    const double y = top + 10 + 20.0 * i;
    const std::size_t style = style_of(series[i], i);
    // Round caps and the lines' own width, so that the sample's dashes look like the line's.
    out << "<line x1=\"" << px(left + 1) << "\" y1=\"" << px(y) << "\" x2=\"" << px(left + kLegendSample - 1)
        << "\" y2=\"" << px(y) << "\" " << stroke_style(style) << " stroke-width=\"2\" stroke-linecap=\"round\"/>";
    if (markers) {
      out << "<circle cx=\"" << px(left + kLegendSample / 2) << "\" cy=\"" << px(y) << "\" r=\"3\" fill=\""
          << line_style(style).colour << "\"/>";
    }
    out << "<text x=\"" << px(left + kLegendSample + 6) << "\" y=\"" << px(y + 4) << "\">"
        << xml_escape(shorten(series[i].label, kLegendMaxChars)) << "</text>\n";
  }
  out << "</g>\n";
}

// Title, subtitle (already wrapped into lines), axis labels, and a note when nothing could be drawn.
void draw_labels(std::ostringstream& out, const ChartOptions& options, const std::vector<std::string>& subtitle,
                 const Box& box, double height, bool empty) {
  const double middle_x = (box.left + box.right) / 2, middle_y = (box.top + box.bottom) / 2;
  if (!options.title.empty()) {
    out << "<text class=\"title\" x=\"" << px(middle_x) << "\" y=\"24\" text-anchor=\"middle\" font-size=\""
        << format_general(kTitleFontSize, 6) << "\" font-weight=\"bold\">" << xml_escape(options.title) << "</text>\n";
  }
  draw_text_lines(out, "subtitle", subtitle, middle_x, options.title.empty() ? 16.0 : 41.0, 15, kSubtitleFontSize,
                  kSubtitleColour);
  out << "<g font-size=\"" << format_general(kFontSize, 6) << "\" fill=\"#222222\" text-anchor=\"middle\">\n";
  if (!options.x_label.empty()) {
    out << "<text class=\"x-label\" x=\"" << px(middle_x) << "\" y=\"" << px(height - 12) << "\">"
        << xml_escape(options.x_label) << "</text>\n";
  }
  if (!options.y_label.empty()) {
    out << "<text class=\"y-label\" transform=\"translate(18 " << px(middle_y) << ") rotate(-90)\">"
        << xml_escape(options.y_label) << "</text>\n";
  }
  if (empty) {
    out << "<text class=\"no-data\" x=\"" << px(middle_x) << "\" y=\"" << px(middle_y)
        << "\" fill=\"#888888\">no data</text>\n";
  }
  out << "</g>\n";
}

// One chart in a width x height box whose top-left corner is at (left, top) of the document.
void draw_chart(std::ostringstream& out, const Panel& panel, double left, double top, double width, double height) {
  const ChartOptions& options = panel.options;
  std::vector<double> xs, ys;
  for (const Series& s : panel.series) {
    for (std::size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (!drawable(s.x[i], s.y[i], options.log_x, options.log_y)) continue;
      xs.push_back(s.x[i]);
      ys.push_back(s.y[i]);
    }
    for (std::size_t i = 0; i < std::min({s.x.size(), s.band_low.size(), s.band_high.size()}); ++i) {
      for (double v : {s.band_low[i], s.band_high[i]})
        if (drawable(s.x[i], v, options.log_x, options.log_y)) ys.push_back(v);
    }
  }
  // The y axis first: its tick labels decide the left margin, which decides the x axis's length. The
  // subtitle's lines push the plotting area down, and how many there are depends on the width they are
  // centred in (over the plotting area, as the title): so the lines of the widest case decide the layout
  // first, and the plotting area is laid out again if the real width needs more lines.
  const double box_bottom = height - (options.x_label.empty() ? 30.0 : 48.0);
  const double legend = std::min(legend_width(panel.series), 0.4 * width);
  const auto layout = [&](std::size_t subtitle_lines) {
    const double title_bottom = options.title.empty() ? 0.0 : 24.0;
    const double box_top =
        subtitle_lines > 0 ? title_bottom + 15.0 * subtitle_lines + 18 : (options.title.empty() ? 16.0 : 40.0);
    Axis y = make_axis(ys, options.log_y, box_bottom, box_top, 50);  // SVG's y grows downwards
    double widest_tick = 0;
    for (double tick : y.ticks) widest_tick = std::max(widest_tick, text_width(y.label(tick), kTickFontSize));
    const Box box{(options.y_label.empty() ? 8 : 30) + widest_tick + 12, box_top, width - 16 - legend, box_bottom};
    return std::make_pair(box, y);
  };
  const auto subtitle_lines = [&](double centre) {
    const double room = 2 * std::min(centre, width - centre) - 16;
    // 0.66 em a character, not the 0.6 of the other estimates: a centred line that overflows is cut at both
    // ends, and DejaVu Sans's digits and commas run wider than 0.6 em.
    return wrap(options.subtitle, static_cast<std::size_t>(room / (0.66 * kSubtitleFontSize)), 3);
  };
  auto [box, y] = layout(subtitle_lines(width / 2).size());
  const std::vector<std::string> subtitle = subtitle_lines((box.left + box.right) / 2);
  if (subtitle.size() != subtitle_lines(width / 2).size()) std::tie(box, y) = layout(subtitle.size());
  const Axis x = make_axis(xs, options.log_x, box.left, box.right, 70);

  out << "<g class=\"chart\" transform=\"translate(" << px(left) << " " << px(top) << ")\">\n";
  draw_axes(out, box, x, y);
  for (std::size_t i = 0; i < panel.series.size(); ++i)
    draw_band(out, panel.series[i], style_of(panel.series[i], i), x, y);
  for (std::size_t i = 0; i < panel.series.size(); ++i)
    draw_series(out, panel.series[i], style_of(panel.series[i], i), x, y, options.markers);
  draw_legend(out, panel.series, box.right + 14, box.top, options.markers);
  draw_labels(out, options, subtitle, box, height, xs.empty());
  out << "</g>\n";
}

void open_document(std::ostringstream& out, double width, double height) {
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" << px(width) << "\" height=\""
      << px(height) << "\" viewBox=\"0 0 " << px(width) << " " << px(height) << "\" font-family=\"" << kFontFamily
      << "\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
}

}  // namespace

std::string line_chart_svg(const std::vector<Series>& series, const ChartOptions& options, double width,
                           double height) {
  // Below about 240 x 160 pixels the labels no longer fit; a NaN size is taken as that minimum.
  width = std::max(std::isfinite(width) ? width : 0.0, 240.0);
  height = std::max(std::isfinite(height) ? height : 0.0, 160.0);
  std::ostringstream out;
  open_document(out, width, height);
  draw_chart(out, Panel{options, series}, 0, 0, width, height);
  out << "</svg>\n";
  return out.str();
}

std::string figure_svg(const std::string& title, const std::vector<Panel>& panels, int columns, double panel_width,
                       double panel_height) {
  return figure_svg(title, "", panels, columns, panel_width, panel_height);
}

std::string figure_svg(const std::string& title, const std::string& subtitle, const std::vector<Panel>& panels,
                       int columns, double panel_width, double panel_height) {
  panel_width = std::max(std::isfinite(panel_width) ? panel_width : 0.0, 240.0);
  panel_height = std::max(std::isfinite(panel_height) ? panel_height : 0.0, 160.0);
  const std::size_t count = std::max<std::size_t>(panels.size(), 1);
  const std::size_t per_row = std::clamp<std::size_t>(columns > 0 ? static_cast<std::size_t>(columns) : 1, 1, count);
  const std::size_t rows = (count + per_row - 1) / per_row;
  const double width = per_row * panel_width;
  const std::vector<std::string> subtitle_lines =
      wrap(subtitle, static_cast<std::size_t>((width - 32) / (0.66 * (kSubtitleFontSize + 1))), 2);
  const double subtitle_top = title.empty() ? 20.0 : 48.0;  // the first line's baseline
  const double title_height =
      subtitle_lines.empty() ? (title.empty() ? 0.0 : 40.0) : subtitle_top + 16.0 * (subtitle_lines.size() - 1) + 12;

  std::ostringstream out;
  open_document(out, width, title_height + rows * panel_height);
  if (!title.empty()) {
    out << "<text class=\"figure-title\" x=\"" << px(width / 2) << "\" y=\"28\" text-anchor=\"middle\" font-size=\""
        << format_general(kTitleFontSize + 3, 6) << "\" font-weight=\"bold\">" << xml_escape(title) << "</text>\n";
  }
  draw_text_lines(out, "figure-subtitle", subtitle_lines, width / 2, subtitle_top, 16, kSubtitleFontSize + 1,
                  kSubtitleColour);
  for (std::size_t i = 0; i < panels.size(); ++i) {
    draw_chart(out, panels[i], (i % per_row) * panel_width, title_height + (i / per_row) * panel_height, panel_width,
               panel_height);
  }
  out << "</svg>\n";
  return out.str();
}

LineStyle line_style(std::size_t index) {
  // Colours cycle every eight styles and dashes every four; the dash also steps on by one each time the
  // colours start over, so colour and dash together repeat only after 32 styles.
  return {kPalette[index % kColours], kDashes[(index + index / kColours) % kDashCount]};
}

}  // namespace ember::plot
