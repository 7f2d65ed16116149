#!/usr/bin/env bash
# The README's second command: set up, build, and run the whole test suite with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# The browser test opens the HTML report in headless Chromium, with fonts to draw its text.
scripts/install-missing.sh chromium fonts-dejavu-core
cd build
ctest --output-on-failure -j "$(nproc)"
