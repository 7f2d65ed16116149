// Atomic file writes: the new content appears under `path` whole, or not at all.
// The bytes go to a uniquely named temporary file in the same directory, are flushed to disk
// (fsync), and the temporary is then renamed over the target: rename is atomic within a file
// system, so a crash, a full disk or an unwritable directory never leaves a half-written file,
// and the previous file stays whole. Used by save_safetensors and the SVG/CSV outputs.
// Not here: locking against a second writer (the last rename wins, which is what a user expects).
#pragma once

#include <stdexcept>
#include <string>

namespace ember {

// A file that could not be written; the message names the file and the system's reason.
class FileWriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writes `bytes` (any binary content) to `path` atomically. Throws FileWriteError on any failure,
// after removing its temporary file.
void write_file_atomic(const std::string& path, const std::string& bytes);

// The same for text (an SVG chart, a CSV log): the content is written byte for byte, no newline
// translation.
inline void write_text_file_atomic(const std::string& path, const std::string& content) {
  write_file_atomic(path, content);
}

}  // namespace ember
