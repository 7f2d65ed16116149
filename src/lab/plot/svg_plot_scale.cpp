// The text and number side of the SVG charts: tick positions (linear 1-2-5 steps, log decades),
// tick labels, and XML escaping. Pure functions, no drawing: src/lab/plot/svg_plot.cpp draws with them.
// Numbers are formatted by ember/core/engine/format.hpp, which ignores the C locale: a German locale
// must not turn "0.5" into "0,5" inside an SVG.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ember/core/engine/format.hpp"
#include "ember/lab/plot/svg_plot.hpp"

namespace ember::plot {

// ---- ticks ----

std::vector<double> nice_ticks(double low, double high, int target_count) {
  if (!std::isfinite(low) || !std::isfinite(high)) return {0.0, 1.0};
  if (low > high) std::swap(low, high);
  if (high - low <= std::abs(high) * 1e-12) {  // one value: widen so that it sits mid-axis
    const double pad = low == 0.0 ? 1.0 : std::abs(low) * 0.1;
    low -= pad;
    high += pad;
  }
  // The step is the 1, 2 or 5 (x 10^k) nearest, on a log scale, to span / target_count: the
  // thresholds sqrt(2), sqrt(10), sqrt(50) are the geometric midpoints (d3's rule). Dividing each end
  // separately keeps span from overflowing for ends near +-DBL_MAX.
  const double raw = high / std::max(target_count, 2) - low / std::max(target_count, 2);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  const double step = magnitude * (fraction >= std::sqrt(50.0)   ? 10.0
                                   : fraction >= std::sqrt(10.0) ? 5.0
                                   : fraction >= std::sqrt(2.0)  ? 2.0
                                                                 : 1.0);

  // Ticks are k * step (multiplied, not accumulated, so 0.1 + 0.1 + 0.1 errors never build up);
  // the 1e-9 slack keeps 0.3 / 0.1 = 2.9999999999999996 from adding a needless tick below 0.3.
  const double first = std::floor(low / step + 1e-9);
  const double last = std::ceil(high / step - 1e-9);
  std::vector<double> ticks;
  for (double k = first; k <= last; k += 1.0) {
    const double tick = k * step;
    ticks.push_back(std::abs(tick) < step * 1e-9 ? 0.0 : tick);  // no "-0"
  }
  return ticks;
}

std::vector<double> log_ticks(double low, double high) {
  if (!(low > 0.0) || !std::isfinite(low) || !std::isfinite(high)) return {1.0, 10.0};
  if (low > high) std::swap(low, high);
  // The 1e-9 slack: log10(1000) may come out as 2.9999999999999996, which must still be decade 3.
  int first = static_cast<int>(std::floor(std::log10(low) + 1e-9));
  int last = static_cast<int>(std::ceil(std::log10(high) - 1e-9));
  if (first == last) {  // a single power of ten: show the decade on either side
    --first;
    ++last;
  }
  // At most about ten labelled decades: beyond that, every second, third ... decade.
  const int stride = (last - first + 9) / 10;
  first = static_cast<int>(std::floor(static_cast<double>(first) / stride)) * stride;
  std::vector<double> ticks;
  for (int k = first; k < last + stride; k += stride) ticks.push_back(std::pow(10.0, k));
  return ticks;
}

// ---- labels ----

std::string format_tick(double value, double step) {
  if (!std::isfinite(value)) return std::isnan(value) ? "NaN" : (value > 0 ? "inf" : "-inf");
  step = std::abs(step);
  if (!(step > 0.0) || !std::isfinite(step)) step = value == 0.0 ? 1.0 : std::abs(value);
  if (std::abs(value) < step * 1e-9) value = 0.0;

  std::string text;
  const double digits_of_step = std::floor(std::log10(step) + 1e-9);
  if (value != 0.0 && (std::abs(value) >= 1e6 || std::abs(value) < 1e-4)) {
    // Scientific, with as many mantissa digits as the step needs: 2.5e-5 on a 5e-6 step.
    const double exponent = std::floor(std::log10(std::abs(value)));
    const int decimals = static_cast<int>(std::clamp(exponent - digits_of_step, 0.0, 6.0));
    text = format_scientific(value, decimals);
  } else {
    const int decimals = static_cast<int>(std::clamp(-digits_of_step, 0.0, 10.0));
    text = format_fixed(value, decimals);
  }
  // "2.5e-05" -> "2.5e-5", "1e+06" -> "1e6": shorter, and as readable.
  const auto e = text.find('e');
  if (e != std::string::npos) {
    std::string exponent = text.substr(e + 1);
    const bool negative = exponent[0] == '-';
    exponent.erase(0, exponent.find_first_not_of("+-0"));
    text = text.substr(0, e + 1) + (negative ? "-" : "") + (exponent.empty() ? "0" : exponent);
  }
  return text;
}

namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 if it is not valid (stray
// continuation byte, overlong form, surrogate, beyond U+10FFFF, or cut short).
std::size_t utf8_sequence_length(const std::string& text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
  } else {
    return 0;  // 0x80-0xC1 and 0xF5-0xFF never start a sequence (the caller handles ASCII)
  }
  if (i + length > text.size()) return 0;
  // The second byte's range rules out overlong forms (after E0, F0), UTF-16 surrogates (after ED)
  // and code points past U+10FFFF (after F4).
  const unsigned char low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
  const unsigned char high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {  // keep valid UTF-8 as it is; an invalid byte would make the XML ill-formed
      const std::size_t length = utf8_sequence_length(text, i);
      out += length ? text.substr(i, length) : "\xEF\xBF\xBD";  // U+FFFD, the replacement character
      i += length ? length : 1;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c < 0x20 ? ' ' : static_cast<char>(c);  // XML 1.0 forbids most control characters
    }
    ++i;
  }
  return out;
}

}  // namespace ember::plot
