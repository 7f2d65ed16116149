#!/usr/bin/env bash
# CI: fuzzes the three file readers a user feeds Ember -- CSV (fuzz_csv), IDX (fuzz_idx) and model
# files (fuzz_model_file) -- and the formulas of --activation (fuzz_formula: parsed, then evaluated
# forward and backward) with libFuzzer under ASan and UBSan, for a bounded time each, starting
# from a copy of the committed seeds in tests/fuzz/corpus/<target>/. Prints each target's executions
# ("Done N runs") and fails if any target finds a crash, a leak, undefined behaviour, a timeout or an
# allocation beyond the limit; the input that did it is kept in build-fuzz/findings/<target>/.
# Installs clang and its runtimes when missing (scripts/install-missing.sh), as setup.sh does.
# Options: FUZZ_SECONDS (per target, default 60), EMBER_CI_JOBS (build, default nproc).
# To replay a finding: build-fuzz/fuzz_csv build-fuzz/findings/csv/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
jobs="${EMBER_CI_JOBS:-$(nproc)}"
targets=(csv idx model_file formula)

# ---- packages: the build's, plus clang, OpenMP for clang, and libFuzzer's runtime ----
scripts/install-missing.sh build-essential cmake libeigen3-dev libcxxopts-dev nlohmann-json3-dev zlib1g-dev \
  clang libomp-dev

# libFuzzer ships in libclang-rt-<major>-dev on Debian 12 and later (earlier, in libclang-common).
fuzzer_links() {
  printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' |
    clang++ -x c++ -fsanitize=fuzzer,address,undefined - -o /tmp/ember_fuzz_probe.$$ 2>/dev/null
  local ok=$?
  rm -f /tmp/ember_fuzz_probe.$$
  return $ok
}
if ! fuzzer_links; then
  major="$(clang++ -dumpversion | cut -d. -f1)"
  scripts/install-missing.sh "libclang-rt-${major}-dev"
  fuzzer_links || { echo "ci_fuzz: clang++ cannot link -fsanitize=fuzzer (libclang-rt-${major}-dev?)" >&2; exit 1; }
fi

# ---- build: only the fuzz targets (the instrumented library and four programs) ----
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DEMBER_BUILD_FUZZERS=ON -DEMBER_BUILD_TESTS=OFF \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null
cmake --build build-fuzz -j "$jobs" --target "${targets[@]/#/fuzz_}"

# ---- run: each target for $seconds from a scratch copy of its seeds ----
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# The targets write each input to a scratch file: on tmpfs when there is one.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; else export TMPDIR="${TMPDIR:-/tmp}"; fi
failed=()
summary=()
for t in "${targets[@]}"; do
  work="build-fuzz/work/$t"
  findings="build-fuzz/findings/$t"
  rm -rf "$work"
  mkdir -p "$work" "$findings"
  cp tests/fuzz/corpus/"$t"/* "$work"/
  log="build-fuzz/fuzz_$t.log"
  echo "ci_fuzz: fuzzing $t for ${seconds} s" >&2
  # A formula is at most 1000 characters (longer specs are refused before parsing): longer inputs waste runs.
  max_len=16384
  [ "$t" = formula ] && max_len=1100
  status=0
  "build-fuzz/fuzz_$t" "$work" -dict="tests/fuzz/$t.dict" -max_total_time="$seconds" -timeout=5 \
      -rss_limit_mb=2048 -malloc_limit_mb=2048 -max_len="$max_len" -print_final_stats=1 \
      -artifact_prefix="$findings/" >"$log" 2>&1 || status=$?
  runs="$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | grep -o '[0-9]*' || true)"
  if [ "$status" -ne 0 ]; then
    failed+=("$t")
    summary+=("$t: FAILED (exit $status) after ${runs:-?} runs; input kept in $findings/")
    echo "---- fuzz_$t found a problem; the end of its log: ----" >&2
    tail -60 "$log" >&2
  else
    summary+=("$t: ${runs:-?} runs in ${seconds} s, corpus $(ls "$work" | wc -l) inputs, nothing found")
  fi
done

echo
echo "ci_fuzz results:"
printf '  %s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "ci_fuzz: FAILED: ${failed[*]} (logs: build-fuzz/fuzz_<target>.log)" >&2
  exit 1
fi
