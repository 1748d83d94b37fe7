#!/usr/bin/env bash
# clang-tidy (.clang-tidy) on the public headers: each header's own translation
# unit from the header check, compiled for Windows with Clang (the wine-clang
# build, configured here if needed). Fails on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/wine-clang
[ -f "$build/compile_commands.json" ] || cmake --preset wine-clang >/dev/null
mapfile -t units < <(find "$build/tests/header_check" -name '*.cpp' | sort)
[ "${#units[@]}" -gt 0 ] || { echo "tidy: no header units in $build" >&2; exit 1; }
clang-tidy --quiet -p "$build" "${units[@]}" 2> >(grep -v "warnings generated" >&2)
echo "clang-tidy: ${#units[@]} header units clean"
