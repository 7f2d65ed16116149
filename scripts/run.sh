#!/usr/bin/env bash
# The README's first command: set up, build, and run Ember's main job on built-in data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
./build/ember demo
