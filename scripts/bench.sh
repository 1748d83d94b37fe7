#!/usr/bin/env bash
# The benchmark: the library against raw Win32 under Wine (one process, the
# ways interleaved), then the compile cost of the library's header against
# <windows.h> alone. Runs inside the toolchain that scripts/dev provides.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${MAILSLOT_DEV_JOBS:-$(nproc)}

# An optimised build of its own, so that the tests' Debug build is left alone.
cmake --no-warn-unused-cli -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake -DMAILSLOT_BUILD_EXAMPLES=OFF \
  -DMAILSLOT_REQUIRE_ASIO=ON \
  >/dev/null
cmake --build build/bench -j "$jobs" --target mailslot_bench >/dev/null
cmake/wine-exec.sh build/bench/bin/mailslot_bench.exe "$@"

echo
echo "compile cost (MinGW g++ -std=c++17 -fsyntax-only, median of 7 runs):"
cxx=$(command -v x86_64-w64-mingw32-g++-posix || command -v x86_64-w64-mingw32-g++)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include <windows.h>\n' >"$tmp/windows.cpp"
printf '#include <mailslot/mailslot.hpp>\n' >"$tmp/mailslot.cpp"
median_seconds() {
  local times=()
  for _ in 1 2 3 4 5 6 7; do
    local start end
    start=$(date +%s%N)
    "$cxx" -std=c++17 -fsyntax-only -Iinclude "$1"
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 4p
}
w=$(median_seconds "$tmp/windows.cpp")
m=$(median_seconds "$tmp/mailslot.cpp")
printf '  <windows.h> alone          %5d ms\n' "$w"
printf '  <mailslot/mailslot.hpp>    %5d ms  (%d ms more)\n' "$m" $((m - w))
