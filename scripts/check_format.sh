#!/usr/bin/env bash
# CI: every tracked C++ file is as clang-format (.clang-format) writes it, and no line is longer than
# its column limit (clang-format leaves comments and string literals alone: those are wrapped by hand).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-missing.sh clang-format
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
clang-format --dry-run --Werror "${files[@]}"
limit="$(sed -n 's/^ColumnLimit: *//p' .clang-format)"
# Characters, not bytes: the comments hold math in UTF-8 (grep counts characters in a UTF-8 locale).
too_long="$(LC_ALL=C.UTF-8 grep -nE "^.{$((limit + 1)),}" "${files[@]}" | cut -c1-100 || true)"
if [ -n "$too_long" ]; then
  echo "check_format: lines over the limit of $limit:" >&2
  echo "$too_long" >&2
  exit 1
fi
echo "check_format: ${#files[@]} files formatted, no line over $limit columns"
