#!/usr/bin/env bash
# CI: the whole ctest suite built with AddressSanitizer (LeakSanitizer included, on Linux) and
# UndefinedBehaviorSanitizer, in build-asan/. Any out-of-bounds access, use after free, leak or
# undefined behaviour in the library, the tests or the `ember` binary the CLI tests run fails the
# run with the sanitizer's report. Installs what is missing (scripts/install-missing.sh), as setup.sh does.
# Options: EMBER_CI_JOBS (default nproc) for the build and ctest; extra arguments go to ctest
# (e.g. `scripts/ci_sanitize.sh -R cli`).
set -euo pipefail
cd "$(dirname "$0")/.."

# The build's packages, as scripts/setup.sh lists them; gcc's sanitizer runtimes (libasan, libubsan,
# liblsan) come with build-essential.
scripts/install-missing.sh build-essential cmake libeigen3-dev catch2 libcxxopts-dev nlohmann-json3-dev \
  zlib1g-dev libopenblas-pthread-dev dataset-fashion-mnist graphviz parallel

jobs="${EMBER_CI_JOBS:-$(nproc)}"
# -O1 -g: readable stack traces at a speed the suite can bear; no -DNDEBUG, so Eigen's own bounds
# assertions stay on as a second net.
cmake -S . -B build-asan -DEMBER_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null
cmake --build build-asan -j "$jobs"

# halt_on_error / detect_leaks: a finding fails the test that triggered it (and so ctest), and the
# report lands in that test's output. The same settings reach the `ember` processes the CLI tests start.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:check_initialization_order=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="print_suppressions=0"

cd build-asan
start=$SECONDS
ctest --output-on-failure -j "$jobs" --timeout 900 "$@"
echo "ci_sanitize: the whole suite passed under ASan+LSan+UBSan in $((SECONDS - start)) s"
