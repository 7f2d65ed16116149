// Reading and writing safetensors files (format in include/ember/lab/io/safetensors.hpp).
// Reading trusts nothing: every length and offset is checked against the file's real size before
// anything is allocated or read, and the data region must be covered exactly once by the tensors
// (no gaps, no overlaps), as the format's specification requires. A file of another kind (a CSV
// given as --model) is called that, not a header-length error. Writing checks every tensor first,
// then goes through write_file_atomic. Not here: dtypes other than F32, memory mapping, lazy loading.
#include "ember/lab/io/safetensors.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <system_error>

#include <nlohmann/json.hpp>

#include "ember/lab/io/atomic_file.hpp"

namespace ember {

// The data is copied byte for byte between the file (little-endian by definition) and memory, so the
// host must be little-endian too. x86 and ARM (as Linux and macOS run it) are; a big-endian host
// fails to compile here rather than silently reading byte-swapped weights.
#if defined(__BYTE_ORDER__)
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors I/O assumes a little-endian host");
#endif
static_assert(sizeof(float) == 4 && std::numeric_limits<float>::is_iec559, "F32 must be IEEE-754 binary32");

namespace {

using json = nlohmann::json;

// The reference implementation refuses headers above 100 MB; a real header is a few kilobytes.
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;
constexpr std::uint64_t kLengthBytes = 8;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw ModelFileError("model file '" + path + "': " + what);
}

std::string tensor_label(const std::string& name) { return "tensor '" + name + "'"; }

// Product of the dimensions, or false when it overflows int64 (a dimension is never negative here).
bool element_count(const std::vector<std::int64_t>& shape, std::int64_t& count) {
  count = 1;
  for (const std::int64_t dim : shape) {
    if (dim != 0 && count > std::numeric_limits<std::int64_t>::max() / dim) return false;
    count *= dim;
  }
  return true;
}

// One header entry, checked against itself; its place in the data region is checked later.
struct Entry {
  std::string name;
  std::vector<std::int64_t> shape;
  std::uint64_t begin = 0, end = 0;
};

// ---- reading ----

// Parses the header, and notices a key repeated within one object: the JSON library would silently
// keep the last one, and a file with two "fc1.weight" entries is ambiguous, so it is rejected.
json parse_header(const std::string& path, const std::string& text) {
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  auto watch_keys = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) open_objects.emplace_back();
    if (event == json::parse_event_t::object_end) open_objects.pop_back();
    if (event == json::parse_event_t::key && !open_objects.empty() &&
        !open_objects.back().insert(parsed.get<std::string>()).second && duplicate.empty()) {
      duplicate = parsed.get<std::string>();
    }
    return true;
  };
  json header;
  try {
    header = json::parse(text, watch_keys);
  } catch (const json::exception& e) {
    fail(path, std::string("header is not valid JSON (") + e.what() + ")");
  }
  if (!header.is_object()) fail(path, "header is not a JSON object");
  if (!duplicate.empty()) fail(path, "header has the key '" + duplicate + "' twice");
  return header;
}

std::map<std::string, std::string> parse_metadata(const std::string& path, const json& value) {
  std::map<std::string, std::string> metadata;
  if (value.is_null()) return metadata;  // allowed by the reference implementation
  if (!value.is_object()) fail(path, "__metadata__ is not a JSON object of strings");
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string()) fail(path, "__metadata__ value '" + key + "' is not a string");
    metadata[key] = item.get<std::string>();
  }
  return metadata;
}

std::vector<std::int64_t> parse_shape(const std::string& path, const std::string& name, const json& value) {
  const std::string where = tensor_label(name) + ": ";
  if (!value.is_array()) fail(path, where + "\"shape\" is not an array of integers");
  std::vector<std::int64_t> shape;
  for (const json& dim : value) {
    if (!dim.is_number_integer()) fail(path, where + "\"shape\" is not an array of integers");
    if (dim.is_number_unsigned() && dim.get<std::uint64_t>() > std::numeric_limits<std::int64_t>::max()) {
      fail(path, where + "dimension " + dim.dump() + " is too large");
    }
    if (dim.get<std::int64_t>() < 0) fail(path, where + "negative dimension " + dim.dump());
    shape.push_back(dim.get<std::int64_t>());
  }
  return shape;
}

Entry parse_entry(const std::string& path, const std::string& name, const json& value) {
  const std::string where = tensor_label(name) + ": ";
  if (!value.is_object()) fail(path, where + "entry is not a JSON object");
  for (const char* field : {"dtype", "shape", "data_offsets"}) {
    if (!value.contains(field)) fail(path, where + "missing \"" + field + "\"");
  }
  const json& dtype = value["dtype"];
  if (!dtype.is_string()) fail(path, where + "\"dtype\" is not a string");
  if (dtype != "F32") fail(path, where + "dtype is " + dtype.get<std::string>() + "; Ember reads only F32");

  Entry entry{name, parse_shape(path, name, value["shape"]), 0, 0};
  const json& offsets = value["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned()) {
    fail(path, where + "\"data_offsets\" is not a pair of non-negative integers");
  }
  entry.begin = offsets[0].get<std::uint64_t>();
  entry.end = offsets[1].get<std::uint64_t>();
  if (entry.end < entry.begin) fail(path, where + "data_offsets end before they begin");

  // The shape must account for exactly the bytes of the range: count * 4 == end - begin.
  std::int64_t count = 0;
  if (!element_count(entry.shape, count) || count > std::numeric_limits<std::int64_t>::max() / 4) {
    fail(path, where + "shape " + value["shape"].dump() + " has too many elements");
  }
  if (static_cast<std::uint64_t>(count) * 4 != entry.end - entry.begin) {
    fail(path, where + "shape " + value["shape"].dump() + " needs " + std::to_string(count * 4) +
                   " bytes but data_offsets give " + std::to_string(entry.end - entry.begin));
  }
  return entry;
}

// The tensors must tile the data region [0, data_bytes) exactly: sorted by offset, each begins where
// the previous one ended, and the last ends at the end of the file.
void check_coverage(const std::string& path, std::vector<Entry> entries, std::uint64_t data_bytes) {
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
  std::uint64_t covered = 0;
  const Entry* previous = nullptr;
  for (const Entry& entry : entries) {
    if (entry.end > data_bytes) {
      fail(path, tensor_label(entry.name) + ": data_offsets [" + std::to_string(entry.begin) + ", " +
                     std::to_string(entry.end) + "] run past the end of the data (" + std::to_string(data_bytes) +
                     " bytes)");
    }
    if (entry.begin < covered) {
      fail(path, tensor_label(entry.name) + " overlaps " + tensor_label(previous->name));
    }
    if (entry.begin > covered) {
      fail(path, "bytes " + std::to_string(covered) + " to " + std::to_string(entry.begin) +
                     " of the data belong to no tensor (a gap before " + tensor_label(entry.name) + ")");
    }
    covered = entry.end;
    previous = &entry;
  }
  if (covered != data_bytes) {
    fail(path, "the last " + std::to_string(data_bytes - covered) + " bytes of the data belong to no tensor");
  }
}

void read_at(std::ifstream& in, const std::string& path, std::uint64_t offset, char* destination, std::uint64_t bytes) {
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(destination, static_cast<std::streamsize>(bytes));
  if (!in || static_cast<std::uint64_t>(in.gcount()) != bytes) fail(path, "read error");
}

// True when `bytes` read as text: UTF-8 without control characters (but tabs and line ends); a
// character cut off at the end still counts.
bool looks_like_text(const std::string& bytes) {
  for (std::size_t i = 0; i < bytes.size();) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    const std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || c == 0x7f || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) return false;
    for (std::size_t k = 1; k < length && i + k < bytes.size(); ++k) {
      if ((static_cast<unsigned char>(bytes[i + k]) >> 6) != 0x2) return false;
    }
    i += length;
  }
  return true;
}

// What a file that is not safetensors at all seems to be, from its first bytes: "it is a PNG image".
std::string what_it_is(const std::string& start) {
  if (start.rfind("\x89PNG\r\n\x1a\n", 0) == 0) return "it is a PNG image";
  if (start.rfind("PK\x03\x04", 0) == 0) {
    return "it is a zip archive, as torch.save writes: save the state dict with safetensors.torch.save_file";
  }
  if (looks_like_text(start)) {
    const std::string line = start.substr(0, start.find_first_of("\r\n"));
    std::size_t cut = std::min<std::size_t>(line.size(), 40);
    while (cut < line.size() && (static_cast<unsigned char>(line[cut]) >> 6) == 0x2) --cut;  // not inside a character
    return "it is text, beginning \"" + line.substr(0, cut) + (cut < line.size() ? "...\"" : "\"");
  }
  return "its first 8 bytes are not the length of a JSON header that follows them";
}

// The header's bytes. Its declared length is checked against the file size before it is allocated.
std::string read_header_text(std::ifstream& in, const std::string& path, std::uint64_t file_bytes) {
  if (file_bytes < kLengthBytes) {
    fail(path, "file is " + std::to_string(file_bytes) + " bytes, too short for a safetensors header");
  }
  unsigned char length_bytes[kLengthBytes];
  read_at(in, path, 0, reinterpret_cast<char*>(length_bytes), kLengthBytes);
  std::uint64_t header_bytes = 0;
  for (int i = 7; i >= 0; --i) header_bytes = (header_bytes << 8) | length_bytes[i];
  // Another kind of file (a CSV, a PNG) read as safetensors: a length that cannot fit in the file,
  // and no '{' where the JSON header must begin. A safetensors file damaged in its length field
  // still has the '{', and gets the error about the length below.
  if (header_bytes > file_bytes - kLengthBytes && file_bytes > kLengthBytes) {
    std::string start(static_cast<std::size_t>(std::min<std::uint64_t>(file_bytes, 64)), '\0');
    read_at(in, path, 0, start.data(), start.size());
    if (start[kLengthBytes] != '{') {
      throw ModelFileError(path + ": not an Ember/safetensors model file (" + what_it_is(start) + ")");
    }
  }
  if (header_bytes > file_bytes - kLengthBytes) {
    fail(path, "header length " + std::to_string(header_bytes) + " exceeds the file size (" +
                   std::to_string(file_bytes) + " bytes)");
  }
  if (header_bytes > kMaxHeaderBytes) {
    fail(path, "header length " + std::to_string(header_bytes) + " exceeds the format's limit of 100 MB");
  }
  std::string text(header_bytes, '\0');
  read_at(in, path, kLengthBytes, text.data(), header_bytes);
  return text;
}

}  // namespace

SafetensorsFile load_safetensors(const std::string& path) {
  std::error_code error;
  const std::uint64_t file_bytes = std::filesystem::file_size(path, error);
  if (error) fail(path, "cannot open: " + error.message());
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot open: ") + std::strerror(errno));
  const std::string header_text = read_header_text(in, path, file_bytes);
  const json header = parse_header(path, header_text);

  SafetensorsFile file;
  std::vector<Entry> entries;
  for (const auto& [name, value] : header.items()) {
    if (name == "__metadata__") {
      file.metadata = parse_metadata(path, value);
    } else {
      entries.push_back(parse_entry(path, name, value));
    }
  }
  const std::uint64_t data_start = kLengthBytes + header_text.size();
  check_coverage(path, entries, file_bytes - data_start);

  // Every range is now known to lie inside the file, so these allocations are bounded by its size.
  for (const Entry& entry : entries) {
    StoredTensor& tensor = file.tensors[entry.name];
    tensor.shape = entry.shape;
    tensor.data.resize((entry.end - entry.begin) / sizeof(float));
    read_at(in, path, data_start + entry.begin, reinterpret_cast<char*>(tensor.data.data()), entry.end - entry.begin);
  }
  return file;
}

// ---- writing ----

namespace {

void check_tensor(const std::string& path, const std::string& name, const StoredTensor& tensor) {
  const std::string where = tensor_label(name) + ": ";
  if (name == "__metadata__") fail(path, "a tensor cannot be named __metadata__ (the key is reserved)");
  for (const std::int64_t dim : tensor.shape) {
    if (dim < 0) fail(path, where + "negative dimension " + std::to_string(dim));
  }
  std::int64_t count = 0;
  if (!element_count(tensor.shape, count)) fail(path, where + "shape has too many elements");
  if (static_cast<std::uint64_t>(count) != tensor.data.size()) {
    fail(path, where + "shape needs " + std::to_string(count) + " values but the data has " +
                   std::to_string(tensor.data.size()));
  }
}

// The header JSON, with every tensor's byte range laid out in name order, padded to a multiple of 8.
// Keys keep the reference implementation's order ("__metadata__" first; dtype, shape, data_offsets),
// so Ember writes a PyTorch model's file byte for byte as the reference would.
std::string make_header(const std::string& path, const SafetensorsFile& file) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!file.metadata.empty()) header["__metadata__"] = file.metadata;
  std::uint64_t offset = 0;
  for (const auto& [name, tensor] : file.tensors) {
    const std::uint64_t bytes = tensor.data.size() * sizeof(float);
    header[name] = {{"dtype", "F32"}, {"shape", tensor.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const json::exception& e) {  // a name or metadata string that is not valid UTF-8
    fail(path, std::string("cannot encode the header (") + e.what() + ")");
  }
  text.append((8 - text.size() % 8) % 8, ' ');
  return text;
}

}  // namespace

void save_safetensors(const std::string& path, const SafetensorsFile& file) {
  for (const auto& [name, tensor] : file.tensors) check_tensor(path, name, tensor);
  const std::string header = make_header(path, file);

  std::string bytes;
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xFF));
  bytes += header;
  for (const auto& [name, tensor] : file.tensors) {
    bytes.append(reinterpret_cast<const char*>(tensor.data.data()), tensor.data.size() * sizeof(float));
  }
  try {
    write_file_atomic(path, bytes);
  } catch (const FileWriteError& e) {
    throw ModelFileError(e.what());
  }
}

}  // namespace ember
