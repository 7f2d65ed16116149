// write_file_atomic: temporary file in the target's directory, write, fsync, rename over the target.
// POSIX calls (open/write/fsync/rename) rather than iostreams, because iostreams cannot fsync and
// hide the errno that makes an error message useful ("No space left on device").
// Read include/ember/lab/io/atomic_file.hpp for the contract.
#include "ember/lab/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace ember {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what, int error) {
  throw FileWriteError("cannot write '" + path + "': " + what + ": " + std::strerror(error));
}

std::string directory_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Opens a new file "<path>.tmp.<pid>.<n>" that did not exist before (O_EXCL), so two processes or
// threads saving to the same target never share a temporary. Mode 0666 lets the umask decide the
// final permissions, as for any newly created file.
int open_unique_temporary(const std::string& path, std::string& temp_path) {
  static std::atomic<unsigned> counter{0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp_path = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
    const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) return fd;
    if (errno != EEXIST) fail(path, "cannot create a temporary file in '" + directory_of(path) + "'", errno);
  }
  fail(path, "cannot find an unused temporary file name", EEXIST);
}

// Writes everything, retrying short writes and interrupted calls. Returns 0 or the errno.
int write_all(int fd, const std::string& bytes) {
  const char* data = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t written = ::write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  return 0;
}

// After the rename, flush the directory entry too, so the new name survives a power cut. A file
// system that cannot fsync a directory is not an error: the data itself is already on disk.
void sync_directory(const std::string& path) {
  const int dir = ::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return;
  ::fsync(dir);
  ::close(dir);
}

}  // namespace

void write_file_atomic(const std::string& path, const std::string& bytes) {
  if (path.empty()) throw FileWriteError("cannot write a file with an empty name");
  std::string temp_path;
  const int fd = open_unique_temporary(path, temp_path);

  // Each step records the first failure; the temporary is removed before throwing, so nothing is
  // left behind and the old file under `path` is untouched.
  int error = write_all(fd, bytes);
  const char* step = "write failed";
  if (error == 0 && ::fsync(fd) != 0) {
    error = errno;
    step = "fsync failed";
  }
  if (::close(fd) != 0 && error == 0) {
    error = errno;
    step = "close failed";
  }
  if (error == 0 && ::rename(temp_path.c_str(), path.c_str()) != 0) {
    error = errno;
    step = "rename failed";
  }
  if (error != 0) {
    ::unlink(temp_path.c_str());
    fail(path, step, error);
  }
  sync_directory(path);
}

}  // namespace ember
