// Drawing decision boundaries (decision_boundary.hpp): each snapshot becomes a small PNG, one pixel a
// cell of the grid, stretched over its square and carried inside the SVG as a data: URL; the points
// are drawn over it as circles (training points filled, test points as rings). A figure is a table of
// such pictures: a row per activation, a column per epoch.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "ember/core/engine/format.hpp"
#include "ember/lab/plot/decision_boundary.hpp"
#include "ember/lab/plot/png.hpp"
#include "ember/lab/plot/svg_plot.hpp"

namespace ember {

namespace {

constexpr const char* kClassColours[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                         "#56B4E9", "#D55E00", "#F0E442", "#999999"};
constexpr const char* kFontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif";

std::string px(double value) { return format_fixed(std::clamp(value, -1e6, 1e6), 2); }

int hex_digit(char c) { return c <= '9' ? c - '0' : c - 'A' + 10; }
int channel(const std::string& colour, int k) {
  return 16 * hex_digit(colour[static_cast<std::size_t>(1 + 2 * k)]) +
         hex_digit(colour[static_cast<std::size_t>(2 + 2 * k)]);
}

// The tick values of [low, high] that lie inside it, about three.
std::vector<double> inner_ticks(double low, double high) {
  std::vector<double> ticks;
  for (double t : plot::nice_ticks(low, high, 3))
    if (t >= low && t <= high) ticks.push_back(t);
  return ticks;
}

}  // namespace

std::string class_colour(int label) {
  const int n = static_cast<int>(sizeof kClassColours / sizeof kClassColours[0]);
  return kClassColours[((label % n) + n) % n];
}

std::vector<std::uint8_t> boundary_pixels(const BoundaryFrame& frame, const BoundarySnapshot& snapshot) {
  const std::size_t cells = static_cast<std::size_t>(frame.resolution) * static_cast<std::size_t>(frame.resolution);
  if (snapshot.predicted.size() != cells || snapshot.confidence.size() != cells)
    throw std::invalid_argument("a boundary snapshot of " + std::to_string(snapshot.predicted.size()) +
                                " cells for a grid of " + std::to_string(cells));
  std::vector<std::uint8_t> rgb;
  rgb.reserve(3 * cells);
  for (std::size_t i = 0; i < cells; ++i) {
    const std::string colour = class_colour(snapshot.predicted[i]);
    // Mixed with white: a pale tint where the classes are near a tie, a strong one where the model is sure,
    // never so strong that the points on top stop standing out.
    const double strength = 0.10 + 0.62 * snapshot.confidence[i] / 255.0;
    for (int k = 0; k < 3; ++k)
      rgb.push_back(static_cast<std::uint8_t>(std::lround(255 + strength * (channel(colour, k) - 255))));
  }
  return rgb;
}

std::string boundary_picture(const BoundaryFrame& frame, const BoundarySnapshot& snapshot, double left, double top,
                             double size, bool x_axis, bool y_axis) {
  std::ostringstream out;
  const std::string png = plot::encode_png(frame.resolution, frame.resolution, boundary_pixels(frame, snapshot));
  out << "<image class=\"boundary-image\" x=\"" << px(left) << "\" y=\"" << px(top) << "\" width=\"" << px(size)
      << "\" height=\"" << px(size) << "\" preserveAspectRatio=\"none\" href=\"" << plot::png_data_url(png) << "\"/>\n";
  const auto to_x = [&](double x) { return left + (x - frame.x_min) / (frame.x_max - frame.x_min) * size; };
  const auto to_y = [&](double y) { return top + (frame.y_max - y) / (frame.y_max - frame.y_min) * size; };
  out << "<g class=\"points\">";
  for (const BoundaryPoint& p : frame.points) {
    const std::string colour = class_colour(p.label);
    out << "<circle cx=\"" << px(to_x(p.x)) << "\" cy=\"" << px(to_y(p.y)) << "\" r=\""
        << (p.test ? "2.8\" fill=\"#ffffff\" stroke=\"" + colour + "\" stroke-width=\"1.6\""
                   : "2.6\" fill=\"" + colour + "\" stroke=\"#ffffff\" stroke-width=\"0.7\"")
        << "/>";
  }
  out << "</g>\n<rect x=\"" << px(left) << "\" y=\"" << px(top) << "\" width=\"" << px(size) << "\" height=\""
      << px(size) << "\" fill=\"none\" stroke=\"#444444\"/>\n";
  out << "<g font-size=\"10\" fill=\"#333333\">";
  if (x_axis) {
    const std::vector<double> ticks = inner_ticks(frame.x_min, frame.x_max);
    for (double t : ticks)
      out << "<text x=\"" << px(to_x(t)) << "\" y=\"" << px(top + size + 13) << "\" text-anchor=\"middle\">"
          << plot::xml_escape(plot::format_tick(t, ticks.size() > 1 ? ticks[1] - ticks[0] : 1)) << "</text>";
  }
  if (y_axis) {
    const std::vector<double> ticks = inner_ticks(frame.y_min, frame.y_max);
    for (double t : ticks)
      out << "<text x=\"" << px(left - 4) << "\" y=\"" << px(to_y(t) + 3.5) << "\" text-anchor=\"end\">"
          << plot::xml_escape(plot::format_tick(t, ticks.size() > 1 ? ticks[1] - ticks[0] : 1)) << "</text>";
  }
  out << "</g>\n";
  return out.str();
}

std::string boundary_legend(const BoundaryFrame& frame, double left, double top) {
  std::ostringstream out;
  out << "<g class=\"boundary-legend\" font-size=\"12\" fill=\"#222222\">";
  double x = left;
  for (int c = 0; c < frame.classes; ++c) {
    const std::string name = c < static_cast<int>(frame.class_names.size())
                                 ? frame.class_names[static_cast<std::size_t>(c)]
                                 : std::to_string(c);
    const std::string label = "class " + name;
    out << "<rect x=\"" << px(x) << "\" y=\"" << px(top - 10) << "\" width=\"12\" height=\"12\" fill=\""
        << class_colour(c) << "\"/><text x=\"" << px(x + 17) << "\" y=\"" << px(top) << "\">" << plot::xml_escape(label)
        << "</text>";
    x += 30 + 7.2 * static_cast<double>(label.size());
  }
  out << "<circle cx=\"" << px(x + 6) << "\" cy=\"" << px(top - 4) << "\" r=\"3.5\" fill=\"#555555\"/><text x=\""
      << px(x + 15) << "\" y=\"" << px(top) << "\">training point</text>";
  x += 130;
  out << "<circle cx=\"" << px(x + 6) << "\" cy=\"" << px(top - 4) << "\" r=\"3.5\" fill=\"#ffffff\" stroke=\"#555555\""
      << " stroke-width=\"1.6\"/><text x=\"" << px(x + 15) << "\" y=\"" << px(top) << "\">test point</text>";
  x += 100;
  out << "<text x=\"" << px(x) << "\" y=\"" << px(top) << "\" fill=\"#555555\">paler: less sure of the class</text>";
  out << "</g>\n";
  return out.str();
}

std::string boundary_caption(const EpochStats& stats) {
  std::string caption =
      "epoch " + std::to_string(stats.epoch) + " · accuracy " + format_fixed(stats.train_accuracy, 2) + " train";
  if (!std::isnan(stats.test_accuracy)) caption += ", " + format_fixed(stats.test_accuracy, 2) + " test";
  return caption;
}

std::string boundary_figure_svg(const BoundaryFrame& frame, const std::vector<BoundaryRow>& rows,
                                const std::string& title, const std::string& subtitle) {
  constexpr double kSize = 190, kGap = 34, kLabelWidth = 170, kCaption = 50;
  std::size_t columns = 1;
  for (const BoundaryRow& row : rows) columns = std::max(columns, row.snapshots.size());
  const double header = 58 + (subtitle.empty() ? 0 : 18);
  const double width = std::max(kLabelWidth + columns * (kSize + kGap) + 10, 760.0);
  const double height = header + rows.size() * (kSize + kCaption + kGap) + 40;
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" << px(width) << "\" height=\""
      << px(height) << "\" viewBox=\"0 0 " << px(width) << " " << px(height) << "\" font-family=\"" << kFontFamily
      << "\">\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  out << "<text class=\"figure-title\" x=\"" << px(width / 2) << "\" y=\"28\" text-anchor=\"middle\" font-size=\"18\""
      << " font-weight=\"bold\">" << plot::xml_escape(title) << "</text>\n";
  if (!subtitle.empty())
    out << "<text class=\"figure-subtitle\" x=\"" << px(width / 2)
        << "\" y=\"48\" text-anchor=\"middle\" font-size=\"12\" fill=\"#555555\">" << plot::xml_escape(subtitle)
        << "</text>\n";
  out << boundary_legend(frame, kLabelWidth, header - 6);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const double top = header + 14 + r * (kSize + kCaption + kGap);
    out << "<g class=\"boundary-row\">\n<text x=\"" << px(kLabelWidth - 34) << "\" y=\"" << px(top + kSize / 2)
        << "\" text-anchor=\"end\" font-size=\"13\" font-weight=\"bold\">" << plot::xml_escape(rows[r].label)
        << "</text>\n";
    for (std::size_t c = 0; c < rows[r].snapshots.size(); ++c) {
      const double left = kLabelWidth + c * (kSize + kGap);
      out << boundary_picture(frame, rows[r].snapshots[c], left, top, kSize, r + 1 == rows.size(), c == 0);
      // "epoch 10 · accuracy ..." on two lines: the epoch, then the figures, so that neighbours never touch.
      const std::string caption = c < rows[r].captions.size() ? rows[r].captions[c] : "";
      const std::size_t dot = caption.find(" · ");
      const std::string first = caption.substr(0, dot),
                        second = dot == std::string::npos ? "" : caption.substr(dot + 4);
      out << "<text x=\"" << px(left + kSize / 2) << "\" y=\"" << px(top + kSize + 34)
          << "\" text-anchor=\"middle\" font-size=\"12\"><tspan font-weight=\"bold\">" << plot::xml_escape(first)
          << "</tspan><tspan x=\"" << px(left + kSize / 2) << "\" dy=\"15\">" << plot::xml_escape(second)
          << "</tspan></text>\n";
    }
    out << "</g>\n";
  }
  out << "<text x=\"" << px(kLabelWidth) << "\" y=\"" << px(height - 12) << "\" font-size=\"11\" fill=\"#555555\">"
      << plot::xml_escape("across: " + frame.x_name + ", up: " + frame.y_name + " (the data's own units)")
      << "</text>\n</svg>\n";
  return out.str();
}

}  // namespace ember
