#!/usr/bin/env bash
# The README's first command: set up, build, and run Ember's main job on built-in data --
# `ember compare` of the article's four activations on the spiral dataset, each at the better of two
# learning rates (chosen on a validation split), over five seeds compared pair by pair, with its plot
# and the whole report as one HTML page (every plot, and each activation's decision boundary).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
./build/ember compare --dataset spiral --epochs 100 --lr 1e-3,1e-2 --seeds 5 --plot compare.svg --csv compare.csv \
  --report compare.html
echo
echo "The report: $(pwd)/compare.html (open it in a browser: tables, plots, decision boundaries with a slider)."
echo "The plot alone is in $(pwd)/compare.svg; the per-epoch table in compare.csv."
echo "Next: ./build/ember demo (the article's snippets), ./build/ember --help (every command)."
