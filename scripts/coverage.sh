#!/usr/bin/env bash
# scripts/dev coverage: line and branch coverage of include/mailslot from the
# test command's suites, native and Windows, added up (scripts/coverage.py).
#   1. native, GCC: the portable tests (build/coverage-native);
#   2. Windows, MinGW-w64 GCC C++17 x64 under Wine: every suite of the test
#      command's wine build but the package and walkthrough tests, which build
#      projects of their own (build/coverage). Each program writes its data
#      below a directory of its own (scripts/coverage_exec.sh). The fault
#      harness is built without its undefined behaviour traps there: each
#      trap is a branch in the library's lines that no test may take.
# Writes build/coverage/html/index.html and prints
#   coverage: lines X% branches Y% uncovered-unexplained N
# Every gap must be explained in tests/coverage/reasons.txt. Not part of the
# test command (it builds everything again, instrumented, without the cache).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${MAILSLOT_DEV_JOBS:-$(nproc)}
cache=${MAILSLOT_TEST_CACHE:-/var/cache/mailslot-test}
[ -w "$(dirname "$cache")" ] || cache=${XDG_CACHE_HOME:-$HOME/.cache}/mailslot-test
flags=(-DMAILSLOT_TESTS_SHARDED=ON "-DCMAKE_CXX_FLAGS=--coverage -fprofile-update=atomic")
started=$SECONDS
status=0

echo "== native (GCC): the portable tests"
cmake --preset native -B build/coverage-native "${flags[@]}" -DCMAKE_EXE_LINKER_FLAGS=--coverage >/dev/null
cmake --build build/coverage-native -j "$jobs"
find build/coverage-native -name '*.gcda' -delete
ctest --test-dir build/coverage-native -j "$jobs" --output-on-failure >build/coverage-native/tests.log 2>&1 ||
  { status=$?; tail -n 30 build/coverage-native/tests.log; }
tail -n 3 build/coverage-native/tests.log

echo "== Windows (MinGW-w64 GCC, C++17, x64) under Wine"
cmake --preset wine -B build/coverage "${flags[@]}" -DMAILSLOT_TESTS_PCH=OFF -DMAILSLOT_FAULT_UBSAN=OFF \
  "-DCMAKE_EXE_LINKER_FLAGS=-static --coverage" \
  "-DCMAKE_CROSSCOMPILING_EMULATOR=$PWD/scripts/coverage_exec.sh" >/dev/null
cmake --build build/coverage -j "$jobs"
rm -rf build/coverage/data
mkdir -p build/coverage/data "$cache/wine"
MAILSLOT_COVERAGE_DATA=$PWD/build/coverage/data WINEPREFIX=$cache/wine/coverage \
  ctest --test-dir build/coverage -j $((jobs + 1)) -LE package -E walkthrough --output-on-failure \
  >build/coverage/tests.log 2>&1 || { status=$?; grep -E "Failed|\*\*\*" build/coverage/tests.log | tail -n 30; }
tail -n 3 build/coverage/tests.log

echo "== report"
python3 scripts/coverage.py --source include/mailslot --reasons tests/coverage/reasons.txt \
  --html build/coverage/html \
  --data gcov build/coverage-native \
  --data x86_64-w64-mingw32-gcov-posix build/coverage build/coverage/data || status=$?
echo "(coverage: $((SECONDS - started)) s)"
if [ "$status" -ne 0 ]; then
  echo "coverage: FAILED (a test failed, or a gap is unexplained; above)" >&2
fi
exit "$status"
