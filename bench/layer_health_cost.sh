#!/usr/bin/env bash
# What `ember compare --layers-csv` costs: the same compare with and without the layer figures, each run
# ROUNDS times (5 by default), interleaved so that a slow spell of a shared machine hits both alike; prints
# the median wall seconds of each and their ratio. One job, so that the runs do not share the cores.
#   bench/layer_health_cost.sh [path/to/ember] [rounds]
# The measured figures are in bench/README.md ("The cost of looking inside each layer").
set -euo pipefail

ember=${1:-build/ember}
rounds=${2:-5}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
args=(compare --dataset digits --epochs 30 --seeds 3 --jobs 1)

seconds_of() {
  local start end
  start=$(date +%s.%N)
  "$ember" "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

without=() with=()
for ((i = 0; i < rounds; ++i)); do
  without+=("$(seconds_of "${args[@]}")")
  with+=("$(seconds_of "${args[@]}" --layers-csv "$scratch/layers.csv")")
done
plain=$(printf '%s\n' "${without[@]}" | median)
layers=$(printf '%s\n' "${with[@]}" | median)
echo "ember ${args[*]}"
echo "  without layer health: median $(printf '%.2f' "$plain") s of ${rounds} (${without[*]})"
echo "  with --layers-csv:    median $(printf '%.2f' "$layers") s of ${rounds} (${with[*]})"
echo "  ratio: $(echo "$layers / $plain" | bc -l | xargs printf '%.2f')"
