// Images for the reports: an RGB raster as a PNG file (zlib does the compression), and bytes as
// base64 text, so that an SVG or HTML file carries its images inside itself as data: URLs and opens
// offline. The decision-boundary figures (decision_boundary.hpp) are the one user. The PNG format is
// W3C's Portable Network Graphics specification: a signature, then chunks of length, type, data and
// a CRC-32 — IHDR (size and pixel format), IDAT (the compressed rows), IEND.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ember::plot {

// A PNG of width x height pixels, 8-bit RGB; `rgb` holds 3 bytes per pixel, row by row from the top.
// The same pixels always give the same bytes (one zlib, one compression level).
std::string encode_png(int width, int height, const std::vector<std::uint8_t>& rgb);

// RFC 4648 base64, with padding; decode_base64 throws std::invalid_argument on a character outside
// the alphabet or a length that is not a multiple of 4.
std::string encode_base64(const std::string& bytes);
std::string decode_base64(const std::string& text);

// "data:image/png;base64,..." for an <image href> or <img src>.
std::string png_data_url(const std::string& png);

}  // namespace ember::plot
