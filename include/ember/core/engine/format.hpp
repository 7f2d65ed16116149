// Numbers as text, the one way every part of Ember writes them: format_fixed(0.25, 4) is "0.2500".
// Each function prints exactly what printf's "%.*f", "%.*e" or "%.*g" prints in the "C" locale,
// nan, -nan, inf and -inf included, but never a decimal comma: the text is the same whatever
// locale the program runs in, so a CSV or an SVG written in Germany still reads "0.5".
#pragma once

#include <string>

namespace ember {

std::string format_fixed(double value, int decimals);       // "%.*f": (0.25, 4) -> "0.2500"
std::string format_scientific(double value, int decimals);  // "%.*e": (0.00123, 2) -> "1.23e-03"
std::string format_general(double value, int significant);  // "%.*g": (0.1, 6) -> "0.1", (1e-7, 6) -> "1e-07"

// A float the way Python's repr shows it in PyTorch's module reprs (LeakyReLU(negative_slope=0.01)):
// six significant digits, and ".0" after a whole number: 0.01 -> "0.01", 1 -> "1.0", 1e-7 -> "1e-07".
std::string format_python_float(double value);

}  // namespace ember
