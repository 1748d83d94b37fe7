#!/usr/bin/env bash
# Formats the project's C++ sources with clang-format (.clang-format), or with
# --check, fails listing the files that are not formatted.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find include tests examples modules -name '*.hpp' -o -name '*.cpp' -o -name '*.cppm' | sort)
if [ "${1:-}" = --check ]; then
  # (A file per clang-format, on every core.)
  mapfile -t bad < <(printf '%s\0' "${files[@]}" |
    xargs -0 -n 1 -P "$(nproc)" sh -c 'clang-format --dry-run --Werror "$1" >/dev/null 2>&1 || echo "$1"' sh |
    sort)
  if [ "${#bad[@]}" -gt 0 ]; then
    printf 'not formatted (run scripts/dev format):\n' >&2
    printf '  %s\n' "${bad[@]}" >&2
    exit 1
  fi
  echo "clang-format: ${#files[@]} files formatted"
else
  clang-format -i "${files[@]}"
fi
