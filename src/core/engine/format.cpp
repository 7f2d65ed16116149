// The number formats of format.hpp, all three by std::to_chars: it writes what printf writes in
// the "C" locale (the standard defines it so), but never reads the locale.
#include "ember/core/engine/format.hpp"

#include <charconv>

namespace ember {

namespace {

std::string to_text(double value, std::chars_format format, int precision) {
  char buffer[64];  // enough for every number but a huge one in fixed notation
  auto written = std::to_chars(buffer, buffer + sizeof buffer, value, format, precision);
  if (written.ec == std::errc()) return std::string(buffer, written.ptr);
  // 1e308 in fixed notation has 309 digits before the point: sign, digits, point and decimals fit.
  std::string text(320 + static_cast<std::size_t>(precision > 6 ? precision : 6), '\0');
  written = std::to_chars(text.data(), text.data() + text.size(), value, format, precision);
  text.resize(static_cast<std::size_t>(written.ptr - text.data()));
  return text;
}

}  // namespace

std::string format_fixed(double value, int decimals) { return to_text(value, std::chars_format::fixed, decimals); }

std::string format_scientific(double value, int decimals) {
  return to_text(value, std::chars_format::scientific, decimals);
}

std::string format_general(double value, int significant) {
  return to_text(value, std::chars_format::general, significant);
}

std::string format_python_float(double value) {
  std::string text = format_general(value, 6);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

}  // namespace ember
