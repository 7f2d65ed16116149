// A PNG reader for the tests: the chunks checked (signature, CRCs, IHDR), the IDAT data inflated with
// zlib and unfiltered (the five filter types of the PNG specification), giving 8-bit pixels. Enough to
// check Ember's own images and headless Chromium's screenshots; not a general decoder (no palettes,
// no 16-bit channels, no interlacing: those are reported as a problem).
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace ember_test {

struct DecodedPng {
  std::string problem;  // "" when the file was read
  int width = 0, height = 0, channels = 0;
  std::vector<std::uint8_t> pixels;  // width * height * channels bytes, row by row from the top
};

inline std::uint32_t png_u32(const std::string& bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(bytes[at + k]);
  return v;
}

inline DecodedPng decode_png(const std::string& png) {
  DecodedPng out;
  if (png.size() < 8 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return {"no PNG signature", 0, 0, 0, {}};
  std::string idat;
  int colour_type = -1;
  for (std::size_t at = 8; at + 12 <= png.size();) {
    const std::uint32_t length = png_u32(png, at);
    if (at + 12 + length > png.size()) return {"a chunk runs past the end", 0, 0, 0, {}};
    const std::string type = png.substr(at + 4, 4), data = png.substr(at + 8, length);
    const std::string body = png.substr(at + 4, 4 + length);
    const auto crc =
        crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
    if (crc != png_u32(png, at + 8 + length)) return {"bad CRC in " + type, 0, 0, 0, {}};
    if (type == "IHDR") {
      out.width = static_cast<int>(png_u32(data, 0));
      out.height = static_cast<int>(png_u32(data, 4));
      colour_type = static_cast<unsigned char>(data[9]);
      if (data[8] != 8 || data[12] != 0) return {"not 8-bit or interlaced", 0, 0, 0, {}};
    } else if (type == "IDAT") {
      idat += data;
    }
    at += 12 + length;
  }
  out.channels = colour_type == 2 ? 3 : colour_type == 6 ? 4 : colour_type == 0 ? 1 : 0;
  if (out.channels == 0) return {"colour type " + std::to_string(colour_type) + " is not read here", 0, 0, 0, {}};
  const std::size_t stride = static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.channels);
  std::string raw((stride + 1) * static_cast<std::size_t>(out.height), '\0');
  uLongf raw_size = static_cast<uLongf>(raw.size());
  if (uncompress(reinterpret_cast<Bytef*>(&raw[0]), &raw_size, reinterpret_cast<const Bytef*>(idat.data()),
                 static_cast<uLong>(idat.size())) != Z_OK ||
      raw_size != raw.size())
    return {"the image data does not inflate to its size", 0, 0, 0, {}};
  out.pixels.assign(stride * static_cast<std::size_t>(out.height), 0);
  const std::size_t bpp = static_cast<std::size_t>(out.channels);
  for (std::size_t y = 0; y < static_cast<std::size_t>(out.height); ++y) {
    const unsigned char filter = static_cast<unsigned char>(raw[y * (stride + 1)]);
    for (std::size_t x = 0; x < stride; ++x) {
      const int filtered = static_cast<unsigned char>(raw[y * (stride + 1) + 1 + x]);
      const int left = x >= bpp ? out.pixels[y * stride + x - bpp] : 0;
      const int up = y > 0 ? out.pixels[(y - 1) * stride + x] : 0;
      const int up_left = x >= bpp && y > 0 ? out.pixels[(y - 1) * stride + x - bpp] : 0;
      int predicted = 0;
      if (filter == 1) predicted = left;
      else if (filter == 2) predicted = up;
      else if (filter == 3) predicted = (left + up) / 2;
      else if (filter == 4) {  // Paeth: the neighbour nearest to left + up − up_left
        const int p = left + up - up_left, pa = std::abs(p - left), pb = std::abs(p - up), pc = std::abs(p - up_left);
        predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : up_left;
      } else if (filter != 0) {
        return {"unknown filter " + std::to_string(filter), 0, 0, 0, {}};
      }
      out.pixels[y * stride + x] = static_cast<std::uint8_t>((filtered + predicted) & 0xFF);
    }
  }
  return out;
}

}  // namespace ember_test
