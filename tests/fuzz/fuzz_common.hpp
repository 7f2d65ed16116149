// Shared by the libFuzzer targets in tests/fuzz/: a scratch file per fuzzing process (the readers
// under test take a path), and the check that turns a broken invariant into a crash libFuzzer
// reports. Build and run them with scripts/ci_fuzz.sh (CMake option EMBER_BUILD_FUZZERS, clang).
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace ember_fuzz {

// A file under $TMPDIR (default /tmp) named after the target and this process, removed at exit.
inline const std::string& scratch_path(const char* target) {
  static const std::string path = [target] {
    const char* dir = std::getenv("TMPDIR");
    std::string p =
        std::string(dir && *dir ? dir : "/tmp") + "/ember_fuzz_" + target + "_" + std::to_string(::getpid());
    return p;
  }();
  static const bool registered = [] {
    std::atexit([] { std::remove(path.c_str()); });
    return true;
  }();
  (void)registered;
  return path;
}

// Removed first, then written anew: truncating a file that holds data makes ext4 flush it to disk on
// close (auto_da_alloc), which turns thousands of runs a second into hundreds.
inline void write_file(const std::string& path, const std::uint8_t* data, std::size_t size) {
  std::remove(path.c_str());
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) {
    std::fprintf(stderr, "fuzz: cannot write the scratch file %s\n", path.c_str());
    std::abort();
  }
}

// An invariant of a successful read that does not hold: a bug, reported as a crash.
#define EMBER_FUZZ_CHECK(condition)                                                          \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)

}  // namespace ember_fuzz
