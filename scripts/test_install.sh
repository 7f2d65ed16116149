#!/usr/bin/env bash
# Checks that a project of your own can use Ember (tests/consumer/), as ctest's install_* tests do
# (cmake/EmberInstallTests.cmake gives them their arguments):
#   scripts/test_install.sh package BUILD_DIR WORK_DIR [CMAKE_ARGS...]
#     installs BUILD_DIR (cmake --install) into WORK_DIR/prefix; checks the files, that bin/ember
#     --version prints the project's version, that tests/consumer/ builds against the prefix with
#     find_package(Ember) and its two programs pass, and that main.cpp and lab_main.cpp build with
#     `pkg-config --cflags --libs ember-core` / `ember-lab` alone and pass too.
#   scripts/test_install.sh add_subdirectory BUILD_DIR WORK_DIR [CMAKE_ARGS...]
#     configures tests/consumer/ with Ember's source tree as a subdirectory (no build type: Ember
#     must not impose its own; its tests, examples and install rules must be off), then builds and
#     runs consumer_core, which compiles the core library a second time (-O0: about 70 s of CPU).
#     The lab, as much again, only with EMBER_TEST_SUBDIR_LAB=1: it compiles the same way here as in
#     the build, and the installed package's test builds a program with it.
# The consumer is compiled by BUILD_DIR's compiler (and, as a subdirectory, with its EMBER_NATIVE and
# EMBER_OPENBLAS); CMAKE_ARGS go to the consumer's configure step too. Everything is written under
# WORK_DIR (removed first, and again when the check passes; kept for a look when it fails). Nothing
# else is written, except the install manifest that `cmake --install` always writes into BUILD_DIR
# (install_manifest.txt; nothing reads it). Nothing is downloaded.
# Options: EMBER_TEST_JOBS (build jobs, default 2), EMBER_TEST_SUBDIR_LAB (above).
set -euo pipefail
mode="$1"
build_dir="$(cd "$2" && pwd)"
work="$(realpath -m "$3")"
shift 3
consumer_args=("$@")
source_dir="$(cd "$(dirname "$0")/.." && pwd)"
jobs="${EMBER_TEST_JOBS:-2}"
# cached NAME: the value of NAME in BUILD_DIR's CMakeCache.txt.
cached() { sed -n "s/^$1:[A-Z]*=//p" "$build_dir/CMakeCache.txt"; }
cxx="$(cached CMAKE_CXX_COMPILER)"
version="$(sed -n 's/^project(ember VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")"
if [ -z "$cxx" ] || [ -z "$version" ]; then
  echo "test_install: no compiler in $build_dir/CMakeCache.txt or no version in CMakeLists.txt" >&2
  exit 2
fi

fail() {
  echo "test_install ($mode): FAILED: $*" >&2
  echo "test_install ($mode): the files are kept in $work" >&2
  exit 1
}
# run LOG CMD...: runs CMD with its output in LOG, which is shown if CMD fails.
run() {
  local log="$1"
  shift
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    fail "$* (log above, in $log)"
  fi
}
# passes PROGRAM WHAT: runs PROGRAM, shows its output, and wants the line "ember WHAT consumer: ok".
passes() {
  local out status=0
  out="$("$1" 2>&1)" || status=$?
  [ "$status" -eq 0 ] || { echo "$out" >&2; fail "$1 exited with status $status"; }
  printf '    %s\n' "${out//$'\n'/$'\n'    }"
  grep -qx "ember $2 consumer: ok" <<<"$out" || fail "$1 did not print 'ember $2 consumer: ok'"
}
# warning_free LOG: the consumer's own build printed no warning (-Werror stops the build anyway;
# this also catches a linker's warning).
warning_free() {
  if grep "warning:" "$1" >&2; then fail "the build printed warnings ($1)"; fi
}

rm -rf "$work"
mkdir -p "$work"
start=$SECONDS

case "$mode" in
package)
  prefix="$work/prefix"
  run "$work/install.log" cmake --install "$build_dir" --prefix "$prefix"
  libdir="$(cached CMAKE_INSTALL_LIBDIR)"
  echo "installed into $prefix (libdir $libdir), version $version"

  # ---- the files ----
  for f in bin/ember include/ember/ember.hpp include/ember/core/engine/tensor.hpp \
           include/ember/core/train/trainer.hpp include/ember/lab/data/builtin.hpp \
           "$libdir/cmake/Ember/EmberConfig.cmake" "$libdir/cmake/Ember/EmberConfigVersion.cmake" \
           "$libdir/cmake/Ember/EmberTargets.cmake" "$libdir/pkgconfig/ember-core.pc" \
           "$libdir/pkgconfig/ember-lab.pc"; do
    [ -e "$prefix/$f" ] || fail "cmake --install did not install $f"
  done
  for lib in ember_core ember_lab; do
    [ -e "$prefix/$libdir/lib$lib.a" ] || [ -e "$prefix/$libdir/lib$lib.so" ] ||
      fail "cmake --install did not install lib$lib (.a or .so)"
  done
  # Every header of include/ember/, and nothing from the build tree in the package.
  (cd "$source_dir/include" && find ember -type f | sort) >"$work/headers.want"
  (cd "$prefix/include" && find ember -type f | sort) >"$work/headers.got"
  diff -u "$work/headers.want" "$work/headers.got" >&2 || fail "the installed headers differ from include/ember/"
  for f in "$prefix/$libdir/cmake/Ember/"*.cmake "$prefix/$libdir/pkgconfig/"*.pc; do
    if sed "s|$prefix||g" "$f" | grep -e "$source_dir" -e "$build_dir" >&2; then
      fail "$f names the source or build tree (lines above)"
    fi
  done

  # ---- the installed program ----
  printed="$("$prefix/bin/ember" --version)" || fail "bin/ember --version exited with status $?"
  [ "$printed" = "ember $version" ] || fail "bin/ember --version printed '$printed', not 'ember $version'"
  echo "bin/ember --version: $printed"

  # ---- find_package(Ember) ----
  consumer="$work/find_package"
  run "$work/find_package.configure.log" cmake -S "$source_dir/tests/consumer" -B "$consumer" \
      -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" -DCONSUMER_WERROR=ON \
      -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DCMAKE_CXX_COMPILER="$cxx" "${consumer_args[@]}"
  grep -q "Ember $version from $prefix/" "$work/find_package.configure.log" ||
    fail "find_package(Ember) did not find the Ember just installed ($work/find_package.configure.log)"
  run "$work/find_package.build.log" cmake --build "$consumer" -j "$jobs"
  warning_free "$work/find_package.build.log"
  # The consumer compiles with the installed headers, never the source tree's.
  if grep -q -e "$source_dir/include" "$consumer/compile_commands.json"; then
    fail "the consumer's compile commands name $source_dir/include ($consumer/compile_commands.json)"
  fi
  echo "find_package(Ember): consumer_core and consumer_lab built"
  passes "$consumer/consumer_core" core
  passes "$consumer/consumer_lab" lab

  # ---- pkg-config ----
  # pkg-config comes with libeigen3-dev (Debian's package depends on it), which the build needs.
  command -v pkg-config >/dev/null || fail "pkg-config is not installed (apt-get install pkgconf)"
  export PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  for pc in ember-core:main:core ember-lab:lab_main:lab; do
    IFS=: read -r package source what <<<"$pc"
    pc_version="$(pkg-config --print-errors --modversion "$package")" || fail "pkg-config cannot read $package"
    [ "$pc_version" = "$version" ] || fail "pkg-config --modversion $package printed $pc_version, not $version"
    # shellcheck disable=SC2207
    flags=($(pkg-config --print-errors --cflags --libs "$package")) || fail "pkg-config --cflags --libs $package failed"
    echo "pkg-config --cflags --libs $package: ${flags[*]}"
    # The run path: for a shared Ember (-DBUILD_SHARED_LIBS=ON), outside the loader's search path.
    run "$work/pkg-config.$package.log" "$cxx" -std=c++17 -O2 -Wall -Wextra -Wpedantic -Werror \
        "$source_dir/tests/consumer/$source.cpp" -o "$work/pc_$source" "${flags[@]}" -Wl,-rpath,"$prefix/$libdir"
    warning_free "$work/pkg-config.$package.log"
    passes "$work/pc_$source" "$what"
  done
  ;;
add_subdirectory)
  consumer="$work/consumer"
  run "$work/configure.log" cmake -S "$source_dir/tests/consumer" -B "$consumer" -DCMAKE_BUILD_TYPE= \
      -DCONSUMER_EMBER_SOURCE_DIR="$source_dir" -DCONSUMER_WERROR=ON -DCMAKE_CXX_COMPILER="$cxx" \
      -DEMBER_NATIVE="$(cached EMBER_NATIVE)" -DEMBER_OPENBLAS="$(cached EMBER_OPENBLAS)" "${consumer_args[@]}"
  targets=(consumer_core)
  lab="${EMBER_TEST_SUBDIR_LAB:-0}"
  if [ "$lab" = 1 ]; then targets+=(consumer_lab); fi
  run "$work/build.log" cmake --build "$consumer" -j "$jobs" --target "${targets[@]}"
  warning_free "$work/build.log"
  echo "add_subdirectory(Ember): ${targets[*]} built"
  passes "$consumer/consumer_core" core
  if [ "$lab" = 1 ]; then passes "$consumer/consumer_lab" lab; fi
  ;;
*)
  echo "usage: $0 package|add_subdirectory BUILD_DIR WORK_DIR [CMAKE_ARGS...]" >&2
  exit 2
  ;;
esac

rm -rf "$work"
echo "test_install ($mode): passed in $((SECONDS - start)) s"
