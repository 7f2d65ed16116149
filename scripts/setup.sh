#!/usr/bin/env bash
# Installs what Ember needs to build (Debian packages, only those missing), then configures and builds
# into build/. Used by scripts/run.sh and scripts/test.sh; safe to run again. Extra arguments go to
# cmake's configure step (e.g. -DEMBER_NATIVE=OFF).
set -euo pipefail
cd "$(dirname "$0")/.."

# The build's libraries (OpenBLAS for the matrix products: see CMakeLists.txt), Fashion-MNIST's IDX
# files (Debian's dataset-fashion-mnist), Graphviz's `dot` (graphviz), which `ember graph --svg` runs, and GNU
# parallel, with which a test runs two shards of a comparison side by side.
scripts/install-missing.sh build-essential cmake libeigen3-dev catch2 libcxxopts-dev nlohmann-json3-dev \
  zlib1g-dev libopenblas-pthread-dev dataset-fashion-mnist graphviz parallel

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j "$(nproc)"
