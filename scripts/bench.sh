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
if [ "${1:-}" != --compile ]; then  # (--compile: the compile cost alone)
  cmake/wine-exec.sh build/bench/bin/mailslot_bench.exe "$@"
fi
# Compile cost: each header over <windows.h> alone, in C++17 and C++20, the
# runs of each standard interleaved (so that the machine's load falls on all
# alike). <string> alone is the floor: the library's API holds strings.
case "${1:-}" in --listening | --idle | --overhead | --scale | --deep) exit 0 ;; esac
echo
echo "compile cost (MinGW g++ -fsyntax-only, median of 9 runs), over <windows.h> alone:"
cxx=$(command -v x86_64-w64-mingw32-g++-posix || command -v x86_64-w64-mingw32-g++)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include <windows.h>\n' >"$tmp/windows.cpp"
printf '#include <windows.h>\n#include <string>\n' >"$tmp/string.cpp"
printf '#include <mailslot/mailslot.hpp>\n' >"$tmp/mailslot.cpp"
printf '#include <mailslot/client.hpp>\n' >"$tmp/client.cpp"
# The standard headers the library's headers include: what its declarations
# alone would still cost if its function bodies were compiled separately.
# (The core's headers: not the Asio integrations'.)
find include/mailslot -name '*.hpp' ! -name '*asio*' -exec grep -h '^#include <[a-z_]*>' {} + |
  sed 's| *//.*||' | sort -u >"$tmp/standard.cpp"
sed -i '1i #include <windows.h>' "$tmp/standard.cpp"
units=(windows string standard mailslot client)
for std in c++17 c++20; do
  declare -A times=()
  for _ in 1 2 3 4 5 6 7 8 9; do
    for unit in "${units[@]}"; do
      start=$(date +%s%N)
      "$cxx" -std=$std -fsyntax-only -Iinclude "$tmp/$unit.cpp"
      end=$(date +%s%N)
      times[$unit]+="$(( (end - start) / 1000000 )) "
    done
  done
  median() { printf '%s\n' ${times[$1]} | sort -n | sed -n 5p; }
  w=$(median windows)
  printf '  %s: <windows.h> alone %d ms; <string> %+d ms; the standard headers the library includes %+d ms; <mailslot/mailslot.hpp> %+d ms; <mailslot/client.hpp> %+d ms\n' \
    "$std" "$w" $(( $(median string) - w )) $(( $(median standard) - w )) $(( $(median mailslot) - w )) $(( $(median client) - w ))
  unset times
done
