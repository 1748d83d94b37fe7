#!/usr/bin/env bash
# Builds and runs every test (the matrix and why it covers each axis:
# docs/dev/verification.md):
#   1. formatting (clang-format, first of all) and the Windows workflow
#      (actionlint);
#   2. the platform-independent parts natively: GCC, then Clang with the name
#      fuzzer, both with ASan + UBSan; clang-tidy on the headers; and the
#      reference (the guide and the API, Doxygen through CMake's docs target,
#      any warning fails; its links checked, and its pages loaded in headless
#      Chromium);
#   3. the Windows builds: MinGW GCC C++17 x64 (everything, the model test's
#      slice included, under Wine), Clang C++20 x64 (the behavioural suite,
#      what only C++20 has, the C++20 module and its consumers, and the
#      MSVC-mode check, under Wine), and 32-bit MinGW GCC C++20 and Clang
#      C++17 (compiled and linked: 32-bit programs do not run here).
#      Each build's tests run in the background, with a Wine server of their
#      own, while the next build compiles.
# Stops at the first failure, naming the build and the tests that failed
# (the tests that run in the background are reported when they end, in the
# order they started).
# Objects are kept in a compiler cache (ccache) between runs, keyed by the
# compiler's contents, every flag and every header, so a changed toolchain,
# flag or header never reuses an object. Runs inside the toolchain that
# scripts/dev provides.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
jobs=${MAILSLOT_DEV_JOBS:-$(nproc)}
# Wine's tests mostly wait (on the Wine server, on timeouts): more of them at
# once than there are cores.
test_jobs=${MAILSLOT_TEST_JOBS:-$((jobs + 1))}
cache=${MAILSLOT_TEST_CACHE:-/var/cache/mailslot-test}
[ -w "$(dirname "$cache")" ] || cache=${XDG_CACHE_HOME:-$HOME/.cache}/mailslot-test
mkdir -p "$cache/ctest-costs"

# Every configuration of the test command: test programs of many short cases
# run in shards (tests/CMakeLists.txt, mailslot_add_tests), and the compiler
# cache, when there is one.
configure_args=(-DMAILSLOT_TESTS_SHARDED=ON)
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_DIR=$cache/ccache CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1
  export CCACHE_COMPILERCHECK=content CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-4G}
  # Depend mode: on a miss, the compiler's own dependency list (-MD, which
  # Ninja asks for) names the headers, so the source is not preprocessed a
  # second time. Measured (wine preset, empty cache): 119 s, as with no cache,
  # rather than 140 s.
  export CCACHE_DEPEND=1
  # (No precompiled header: another clone's would differ, and miss the cache;
  # the unity builds do most of its work.)
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
            -DMAILSLOT_TESTS_PCH=OFF)
  ccache --zero-stats >/dev/null
fi

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
finish() {
  local status=$?
  wait 2>/dev/null || true
  printf '\n(%s: %d s; the whole run: %d s)\n' "${step_name:-}" $((SECONDS - step_started)) "$SECONDS"
  if [ "${#launcher[@]}" -gt 0 ] && [ -n "${CCACHE_DIR:-}" ]; then
    ccache --show-stats 2>/dev/null | grep -E "^(Cacheable calls|  Hits|  Misses)" | head -n 3 |
      sed 's/^ */ccache: /' || true
  fi
  exit "$status"
}
trap finish EXIT
build() {  # build PRESET: configure and build, at a lower priority than the tests running
  local started=$SECONDS
  cmake --preset "$1" "${configure_args[@]}" "${launcher[@]}" >/dev/null
  nice -n 10 cmake --build --preset "$1" -j "$jobs"
  printf '(%s built in %d s)\n' "$1" $((SECONDS - started))
}
# run_tests PRESET CTEST-ARGS...: ctest, scheduled from the costs of earlier
# runs (kept in the cache), with a Wine prefix (and so a Wine server) of the
# build's own, its output in build/PRESET/tests.log.
run_tests() {
  local preset=$1 costs="build/$1/Testing/Temporary/CTestCostData.txt"
  shift
  mkdir -p "build/$preset/Testing/Temporary" "$cache/wine"
  [ -f "$cache/ctest-costs/$preset.txt" ] && cp "$cache/ctest-costs/$preset.txt" "$costs"
  local started=$SECONDS status=0
  WINEPREFIX=$cache/wine/$preset ctest --preset "$preset" -j "$test_jobs" "$@" \
    >"build/$preset/tests.log" 2>&1 || status=$?
  [ -f "$costs" ] && cp "$costs" "$cache/ctest-costs/$preset.txt"
  printf '(%s tests ran in %d s)\n' "$preset" $((SECONDS - started)) >>"build/$preset/tests.log"
  return "$status"
}
# Test runs go on in the background while later builds compile; each is
# reported (its whole output) when it ends, in the order they started.
running=()
start_tests() {
  run_tests "$@" &
  running+=("$1:$!")
}
report_tests() {
  local entry preset pid status
  for entry in "${running[@]}"; do
    preset=${entry%%:*}
    pid=${entry##*:}
    status=0
    wait "$pid" || status=$?
    printf '\n\033[1m-- tests of %s\033[0m\n' "$preset"
    cat "build/$preset/tests.log"
    if [ "$status" -ne 0 ]; then
      printf '\n\033[1;31mFAILED: tests of the %s build (above; build/%s/tests.log)\033[0m\n' \
        "$preset" "$preset" >&2
      exit "$status"
    fi
  done
  running=()
}

step "formatting"
bash scripts/format.sh --check

step "the Windows workflow (actionlint)"
bash scripts/workflow_lint.sh

step "native, GCC (platform-independent parts, sanitizers)"
build native
ctest --preset native -j "$jobs"

step "native, Clang: portable tests and the name fuzzer (sanitizers)"
build fuzz
ctest --preset fuzz -j "$jobs" -E "fuzzer finds nothing"
start_tests fuzz -R "fuzzer finds nothing"  # one core, for 20 s: beside what follows

step "clang-tidy"
cmake --preset wine-clang >/dev/null
MAILSLOT_TIDY_CACHE=$cache/tidy bash scripts/tidy.sh

step "the reference (Doxygen, warnings are errors; links; headless Chromium)"
bash scripts/docs.sh

step "Windows: four builds; each one's tests under Wine while the next compiles"
build wine                  # MinGW GCC, C++17, x64: everything, run
start_tests wine
build wine-clang-cxx20      # Clang, C++20, x64: the behavioural suite, C++20's part, MSVC mode, the fault harness
start_tests wine-clang-cxx20 -LE 'stress|package|model'
build x86                   # MinGW GCC, C++20, 32-bit: compiled and linked
build x86-clang             # Clang, C++17, 32-bit: compiled and linked
report_tests
