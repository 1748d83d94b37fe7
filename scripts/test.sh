#!/usr/bin/env bash
# Builds and runs every test, stopping at the first failure:
#   1. the platform-independent parts natively: GCC, then Clang with the name
#      fuzzer, both with ASan + UBSan;
#   2. formatting (clang-format), clang-tidy on the headers, and the API
#      reference (Doxygen; any warning fails);
#   3. the Windows builds under Wine: Clang C++17 (with the MSVC-mode check,
#      clang-cl over the headers, examples and README code) and C++20, MinGW
#      GCC C++20 (each without the reliability suite and the packaging tests),
#      and last MinGW GCC C++17 with everything.
# Runs inside the toolchain that scripts/dev provides.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${MAILSLOT_DEV_JOBS:-$(nproc)}

# Each step says how long the one before it took (and the last, the whole run).
step_started=$SECONDS
step() {
  if [ -n "${step_name:-}" ]; then
    printf '\n(%s: %d s)\n' "$step_name" $((SECONDS - step_started))
  fi
  step_name=$*
  step_started=$SECONDS
  printf '\n\033[1m== %s\033[0m\n' "$*"
}
trap 'step_name=${step_name:-}; printf "\n(%s: %d s; the whole run: %d s)\n" "$step_name" $((SECONDS - step_started)) "$SECONDS"' EXIT
build() {  # build PRESET: configure and build
  local started=$SECONDS
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1" -j "$jobs"
  printf '(%s built in %d s)\n' "$1" $((SECONDS - started))
}

step "native, GCC (platform-independent parts, sanitizers)"
build native
ctest --preset native -j "$jobs"

step "native, Clang: portable tests and the name fuzzer (sanitizers)"
build fuzz
ctest --preset fuzz -j "$jobs"

step "formatting and clang-tidy"
bash scripts/format.sh --check
cmake --preset wine-clang >/dev/null
bash scripts/tidy.sh

step "API reference (Doxygen, warnings are errors)"
bash scripts/docs.sh

for preset in wine-clang wine-clang-cxx20 wine-cxx20; do
  step "Windows, $preset, under Wine (without the reliability suite and packaging)"
  build "$preset"
  ctest --preset "$preset" -j "$jobs" -LE 'stress|package'
done

step "Windows, MinGW GCC C++17, under Wine: everything"
build wine
ctest --preset wine -j "$jobs"
