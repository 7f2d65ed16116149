// Tests for src/core/engine/format.cpp: each format against the printf conversion it stands for
// ("%.*f", "%.*e", "%.*g"), rounding, signed zero, NaN and infinities, the Python-style floats of the
// module reprs, and that a global C++ locale with a decimal comma changes nothing.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <locale>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "ember/core/engine/format.hpp"

using ember::format_fixed;
using ember::format_general;
using ember::format_python_float;
using ember::format_scientific;

namespace {

std::string printf_text(const char* format, int precision, double value) {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, format, precision, value);
  return buffer;
}

}  // namespace

TEST_CASE("format_fixed writes %.*f", "[format]") {
  CHECK(format_fixed(0.25, 4) == "0.2500");
  CHECK(format_fixed(0.93333, 4) == "0.9333");
  CHECK(format_fixed(2.0 / 3, 3) == "0.667");
  CHECK(format_fixed(12.5, 1) == "12.5");
  CHECK(format_fixed(1234.5678, 0) == "1235");
  CHECK(format_fixed(-3.14159, 2) == "-3.14");
  CHECK(format_fixed(0.1, 6) == "0.100000");  // what std::to_string(0.1) gave
}

TEST_CASE("format_fixed rounds the exact binary value, ties to even", "[format]") {
  CHECK(format_fixed(0.5, 0) == "0");
  CHECK(format_fixed(1.5, 0) == "2");
  CHECK(format_fixed(2.5, 0) == "2");
  CHECK(format_fixed(0.125, 2) == "0.12");
  CHECK(format_fixed(0.375, 2) == "0.38");
  CHECK(format_fixed(1.005, 2) == "1.00");  // 1.005 is stored as 1.00499999999999989...
  CHECK(format_fixed(0.99996, 4) == "1.0000");
}

TEST_CASE("format_fixed keeps the sign of zero, as printf does", "[format]") {
  CHECK(format_fixed(0.0, 4) == "0.0000");
  CHECK(format_fixed(-0.0, 4) == "-0.0000");
  CHECK(format_fixed(-0.00001, 4) == "-0.0000");
  CHECK(format_fixed(-0.0, 0) == "-0");
}

TEST_CASE("format_fixed writes huge numbers in full", "[format]") {
  const std::string text = format_fixed(1e300, 2);
  CHECK(text.size() == 304);  // 301 digits, the point, 2 decimals
  CHECK(text.substr(0, 4) == "1000");
  CHECK(text.substr(text.size() - 3) == ".00");
  CHECK(text == printf_text("%.*f", 2, 1e300));
  CHECK(format_fixed(-1.7976931348623157e308, 30) == printf_text("%.*f", 30, -1.7976931348623157e308));
}

TEST_CASE("format_scientific writes %.*e", "[format]") {
  CHECK(format_scientific(0.00123, 2) == "1.23e-03");
  CHECK(format_scientific(12345.678, 3) == "1.235e+04");
  CHECK(format_scientific(1.6e-7, 1) == "1.6e-07");
  CHECK(format_scientific(0.0, 2) == "0.00e+00");
  CHECK(format_scientific(-0.0, 1) == "-0.0e+00");
  CHECK(format_scientific(1e-300, 1) == "1.0e-300");
  CHECK(format_scientific(5.8950e-03, 4) == "5.8950e-03");
  CHECK(format_scientific(9.99995, 4) == "1.0000e+01");
}

TEST_CASE("format_general writes %.*g", "[format]") {
  CHECK(format_general(0.1, 6) == "0.1");
  CHECK(format_general(0.001, 6) == "0.001");
  CHECK(format_general(1e-7, 6) == "1e-07");
  CHECK(format_general(0.0001, 6) == "0.0001");
  CHECK(format_general(0.00001, 6) == "1e-05");
  CHECK(format_general(100, 6) == "100");
  CHECK(format_general(1234567, 6) == "1.23457e+06");
  CHECK(format_general(123456789, 9) == "123456789");
  CHECK(format_general(0.2, 9) == "0.2");
  CHECK(format_general(static_cast<double>(0.1f), 9) == "0.100000001");  // a float32, read back exactly
  CHECK(format_general(-0.0, 6) == "-0");
  CHECK(format_general(0.5, 0) == "0.5");  // precision 0 counts as 1, as in printf
}

TEST_CASE("NaN and infinities are written as printf writes them", "[format]") {
  const double nan = std::nan("");
  for (int digits : {0, 4}) {
    CHECK(format_fixed(nan, digits) == "nan");
    CHECK(format_fixed(-nan, digits) == "-nan");
    CHECK(format_fixed(INFINITY, digits) == "inf");
    CHECK(format_fixed(-INFINITY, digits) == "-inf");
    CHECK(format_scientific(nan, digits) == "nan");
    CHECK(format_scientific(-INFINITY, digits) == "-inf");
    CHECK(format_general(nan, digits) == "nan");
    CHECK(format_general(INFINITY, digits) == "inf");
  }
}

TEST_CASE("format_python_float writes the floats of PyTorch's module reprs", "[format]") {
  CHECK(format_python_float(0.01) == "0.01");
  CHECK(format_python_float(1) == "1.0");
  CHECK(format_python_float(20) == "20.0");
  CHECK(format_python_float(1e-7) == "1e-07");
  CHECK(format_python_float(0.0) == "0.0");
  CHECK(format_python_float(-0.5) == "-0.5");
  CHECK(format_python_float(123456) == "123456.0");
  CHECK(format_python_float(1e6) == "1e+06");
  CHECK(format_python_float(static_cast<double>(0.01f)) == "0.01");  // six digits hide the float32 error
  CHECK(format_python_float(static_cast<double>(0.3f)) == "0.3");
}

TEST_CASE("every format agrees with printf on random doubles", "[format]") {
  std::mt19937_64 bits(7);
  std::uniform_real_distribution<double> uniform(-1000, 1000);
  for (int i = 0; i < 20000; ++i) {
    double v = 0;
    if (i % 2 == 0) {
      const std::uint64_t b = bits();
      std::memcpy(&v, &b, sizeof v);  // any double: subnormals, huge ones, NaNs
    } else {
      v = std::round(uniform(bits) * 1e4) / 1e4;  // many near ties
    }
    const int precision = i % 12;
    INFO("value " << printf_text("%.*g", 17, v) << ", precision " << precision);
    REQUIRE(format_fixed(v, precision) == printf_text("%.*f", precision, v));
    REQUIRE(format_scientific(v, precision) == printf_text("%.*e", precision, v));
    REQUIRE(format_general(v, precision) == printf_text("%.*g", precision, v));
  }
}

namespace {
struct DecimalComma : std::numpunct<char> {
  char do_decimal_point() const override { return ','; }
};
}  // namespace

TEST_CASE("a global locale with a decimal comma changes nothing", "[format]") {
  const std::locale previous = std::locale::global(std::locale(std::locale::classic(), new DecimalComma));
  const std::string fixed = format_fixed(0.5, 1), general = format_general(0.25, 6),
                    scientific = format_scientific(1.5e-5, 1), python = format_python_float(0.01);
  std::locale::global(previous);
  CHECK(fixed == "0.5");
  CHECK(general == "0.25");
  CHECK(scientific == "1.5e-05");
  CHECK(python == "0.01");
}
