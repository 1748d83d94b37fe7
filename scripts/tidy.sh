#!/usr/bin/env bash
# clang-tidy (.clang-tidy) on the public headers: one translation unit that
# includes every header and one for the Asio integration's
# (tests/CMakeLists.txt, mailslot_tidy_units), compiled for Windows with Clang
# (the wine-clang build, configured here if needed). Fails on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/wine-clang
[ -f "$build/compile_commands.json" ] || cmake --preset wine-clang >/dev/null
mapfile -t units < <(find "$build/tests/tidy" -name '*.cpp' | sort)
[ "${#units[@]}" -gt 0 ] || { echo "tidy: no header units in $build" >&2; exit 1; }
jobs=${MAILSLOT_DEV_JOBS:-$(nproc)}
core=() asio=()
for unit in "${units[@]}"; do
  case "$unit" in *asio*) asio+=("$unit") ;; *) core+=("$unit") ;; esac
done
# tidy CHECKS UNIT...: one unit per clang-tidy, as many at once as there are
# jobs, with CHECKS added to .clang-tidy's if given; fails if any unit fails.
tidy() {
  local checks=$1
  shift
  printf '%s\0' "$@" |
    xargs -0 -n 1 -P "$jobs" clang-tidy --quiet -p "$build" ${checks:+"--checks=$checks"} \
      2> >(grep -v "warnings generated" >&2)
}
# With MAILSLOT_TIDY_CACHE (the test command sets it), a clean result is
# remembered under a key of everything that decides it: clang-tidy itself,
# its configuration and this script, the units' compile commands, every file
# of the library, and the installed packages (the SDK, Asio, libstdc++). The
# same key again skips the run; anything changed runs it.
key=
if [ -n "${MAILSLOT_TIDY_CACHE:-}" ]; then
  key=$({
    clang-tidy --version
    cat .clang-tidy "$0"
    # (the checkout's own path left out: another clone gets the same key)
    grep -F /tests/tidy/ "$build/compile_commands.json" | sed "s|$PWD|@source@|g" || true
    find include -type f -print0 | sort -z | xargs -0 sha256sum
    dpkg-query -W 2>/dev/null || true
  } | sha256sum | cut -c1-32)
  if [ -f "$MAILSLOT_TIDY_CACHE/$key" ]; then
    echo "clang-tidy: ${#units[@]} header units clean (unchanged since a clean run, key $key)"
    exit 0
  fi
fi
tidy "" "${core[@]}"
# Asio's own headers pass MinGW's __MSABI_LONG(n) (n##l) through their
# macros; a literal made by token pasting has no location, so it escapes the
# filter that drops findings in system headers. That one check is off there.
if [ "${#asio[@]}" -gt 0 ]; then
  tidy -readability-uppercase-literal-suffix "${asio[@]}"
fi
if [ -n "$key" ]; then
  mkdir -p "$MAILSLOT_TIDY_CACHE" && touch "$MAILSLOT_TIDY_CACHE/$key"
fi
echo "clang-tidy: ${#units[@]} header units clean"
