#!/usr/bin/env bash
# CI: the whole ctest suite on two more builds than scripts/test.sh's (GCC, -march=native):
#   build-portable/  GCC without -march=native (-DEMBER_NATIVE=OFF: baseline x86-64, SSE2 vectors), the
#                    binary one copies to another machine;
#   build-clang/     Clang, -march=native.
# Float sums round differently at another vector width or with another compiler, so a test that pins
# the last bit of one CPU's sum fails here. Each build must also print no warning: the build's output
# is kept in <dir>/build.log, and any "warning:" line in it fails the run (a fresh build dir, as CI's,
# compiles every file; an incremental one shows only the warnings of what it recompiles).
# Installs what is missing (scripts/install-missing.sh), as setup.sh does.
# Options: EMBER_CI_JOBS (default nproc) for the builds and ctest; extra arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

# The build's packages, as scripts/setup.sh lists them, plus clang and its OpenMP.
scripts/install-missing.sh build-essential cmake libeigen3-dev catch2 libcxxopts-dev nlohmann-json3-dev \
  zlib1g-dev libopenblas-pthread-dev dataset-fashion-mnist graphviz parallel clang libomp-dev

jobs="${EMBER_CI_JOBS:-$(nproc)}"

# build_and_test DIR CMAKE_ARGS...: configure, build (no warning allowed), run the whole suite.
build_and_test() {
  local dir="$1"
  shift
  local start=$SECONDS
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$dir" -j "$jobs" 2>&1 | tee "$dir/build.log"
  local warnings
  warnings="$(grep -c "warning:" "$dir/build.log" || true)"
  if [ "$warnings" -ne 0 ]; then
    echo "ci_portable: the build in $dir ($*) printed $warnings warnings (see $dir/build.log)" >&2
    exit 1
  fi
  (cd "$dir" && ctest --output-on-failure -j "$jobs" "${ctest_args[@]}")
  echo "ci_portable: $dir ($*): no warnings, the whole suite passed in $((SECONDS - start)) s"
}

ctest_args=("$@")
build_and_test build-portable -DEMBER_NATIVE=OFF
build_and_test build-clang -DCMAKE_CXX_COMPILER=clang++
