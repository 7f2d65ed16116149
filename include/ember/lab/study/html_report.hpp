// The report of a comparison as one HTML page a learner opens in a browser: the settings, the tables,
// the sentences, every plot (inline SVG, each with a "how to read this" paragraph), the per-layer
// health when it was measured, and the decision boundaries with a slider through the epochs. One
// self-contained file: no network request, no external script, font or style — images are data: URLs,
// the little script is inline — so it works offline and can be mailed. The same results always give
// the same bytes. Written by `ember compare --report` and `ember report --html`.
#pragma once

#include <string>
#include <vector>

#include "ember/lab/study/compare.hpp"

namespace ember {

struct HtmlReportText {
  std::string setup;        // the line above compare's table ("ember compare: spiral, 192 training samples, ...")
  std::string no_boundary;  // why there are no decision boundaries, when there are none
};

std::string comparison_html(const CompareResult& result, const Summary& summary,
                            const std::vector<std::string>& findings, const HtmlReportText& text);

// An SVG document made fit to sit inside HTML: without the XML declaration and the namespace
// attributes, which HTML does not need (and which name a URL, though they load nothing).
std::string inline_svg(const std::string& svg);

}  // namespace ember
