#!/usr/bin/env bash
# Compile time of a program whose N units (1, 10, 50) each use the library,
# through `#include <mailslot/mailslot.hpp>` and through `import mailslot;`,
# the module's own build included. Each build is a fresh CMake project (the
# checkout added with add_subdirectory), built by Ninja one step at a time
# (-j1: the sum of the work, whatever the number of cores); configuring is not
# counted. Wall time and processor time (which other work on a shared machine
# does not inflate). Clang 19 for x86_64-w64-mingw32, Debug at -O0 without
# debug information (as the test builds). Runs inside the toolchain that
# scripts/dev provides:
#
#   scripts/dev exec bash scripts/bench_modules.sh [N...]
#
# Prints a Markdown table (docs/module.md shows one), then where
# the import builds' time went, from Ninja's log.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
counts=("$@")
[ "${#counts[@]}" -gt 0 ] || counts=(1 10 50)
work=$top/build/bench-modules
rm -rf "$work"
mkdir -p "$work"

# What each unit does with the library: a server, a client, a message each
# way through them, a name parsed, a thread pool reader declared. (The units
# are never run: the benchmark only builds them.)
body() {
  cat <<EOF
int use_$1(int n) {
  const auto name = mailslot::name::local("bench\\\\unit$1");
  mailslot::server_options options;
  options.max_message_size = 4096;
  auto server = mailslot::server::create(name, options);
  auto client = mailslot::client::open(name);
  client.write("unit $1");
  const auto message = server.read_string();
  const auto info = server.info();
  mailslot::thread_pool_reader reader;
  const bool valid = mailslot::name::explain("\\\\\\\\.\\\\mailslot\\\\x").empty();
  return n + static_cast<int>(message.size() + info.message_count) + (valid ? 1 : 0);
}
EOF
}

generate() {  # generate DIR KIND N
  local dir=$1 kind=$2 n=$3 i
  mkdir -p "$dir"
  {
    echo "cmake_minimum_required(VERSION 3.28)"
    echo "project(bench_${kind}_$n CXX)"
    echo "set(MAILSLOT_MODULE $([ "$kind" = import ] && echo ON || echo OFF))"
    echo "add_subdirectory(\"$top\" mailslot)"
    printf 'add_executable(bench main.cpp'
    for ((i = 0; i < n; i++)); do printf ' unit%d.cpp' "$i"; done
    echo ')'
    echo 'target_compile_features(bench PRIVATE cxx_std_20)'
    if [ "$kind" = import ]; then
      echo 'target_link_libraries(bench PRIVATE mailslot::module)'
    else
      # (Nothing to scan: a program of headers alone does not pay for it.)
      echo 'target_link_libraries(bench PRIVATE mailslot::mailslot)'
      echo 'set_target_properties(bench PROPERTIES CXX_SCAN_FOR_MODULES OFF)'
    fi
  } >"$dir/CMakeLists.txt"
  {
    for ((i = 0; i < n; i++)); do echo "int use_$i(int);"; done
    echo "int main() {"
    echo "  int n = 0;"
    for ((i = 0; i < n; i++)); do echo "  n = use_$i(n);"; done
    echo "  return n == 0 ? 1 : 0;"
    echo "}"
  } >"$dir/main.cpp"
  for ((i = 0; i < n; i++)); do
    {
      if [ "$kind" = import ]; then
        echo "import mailslot;"
      else
        echo "#include <mailslot/mailslot.hpp>"
        echo "#include <mailslot/thread_pool_reader.hpp>"
      fi
      echo
      body "$i"
    } >"$dir/unit$i.cpp"
  done
}

# Milliseconds spent on the outputs of Ninja's log whose name matches a pattern.
spent() {  # spent BUILD-DIR REGEX
  awk -v re="$2" '!/^#/ && $4 ~ re { sum += $2 - $1 } END { print sum + 0 }' "$1/.ninja_log"
}

ms() { local s=${1%.*} f=${1#*.}; echo $((10#$s * 1000 + 10#$f)); }  # 12.345 -> 12345

declare -A result
for n in "${counts[@]}"; do
  for kind in include import; do
    dir=$work/$kind-$n
    generate "$dir/src" "$kind" "$n"
    cmake -S "$dir/src" -B "$dir/build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0 \
      -DCMAKE_TOOLCHAIN_FILE="$top/cmake/clang-mingw-w64-x86_64.cmake" >/dev/null
    # Wall time, and processor time (user + system, the compilers' included).
    TIMEFORMAT='%3R %3U %3S'
    times=$({ time cmake --build "$dir/build" -j 1 >/dev/null; } 2>&1)
    read -r real user sys <<<"$times"
    result[$kind-$n]=$(ms "$real")
    result[cpu-$kind-$n]=$(( $(ms "$user") + $(ms "$sys") ))
    if [ "$kind" = import ]; then
      result[module-$n]=$(spent "$dir/build" 'mailslot\.cppm\.obj$')
      result[scan-$n]=$(spent "$dir/build" '\.ddi$')
      result[units-$n]=$(spent "$dir/build" 'unit[0-9]+\.cpp\.obj$')
    fi
  done
done

seconds() { printf '%d.%d s' $(($1 / 1000)) $((($1 % 1000) / 100)); }
clang_version=$(clang++ --version | head -n 1)
echo
echo "Compile time, $clang_version, --target=x86_64-w64-mingw32, -O0, Ninja -j1"
echo "(wall time; processor time in parentheses):"
echo
echo "| units | \`#include <mailslot/mailslot.hpp>\` | \`import mailslot;\` (module included) | import / include |"
echo "|---:|---:|---:|---:|"
for n in "${counts[@]}"; do
  inc=${result[include-$n]} imp=${result[import-$n]}
  cinc=${result[cpu-include-$n]} cimp=${result[cpu-import-$n]}
  printf '| %d | %s (%s) | %s (%s) | %d %% (%d %%) |\n' "$n" "$(seconds "$inc")" "$(seconds "$cinc")" \
    "$(seconds "$imp")" "$(seconds "$cimp")" $((imp * 100 / inc)) $((cimp * 100 / cinc))
done
echo
echo "(load average at the end: $(cut -d ' ' -f 1-3 /proc/loadavg))"
echo
echo "Of the import builds: the module's own unit, the dependency scans (one per unit), the units:"
for n in "${counts[@]}"; do
  printf '  %2d units: module %s, scans %s, units %s\n' "$n" "$(seconds "${result[module-$n]}")" \
    "$(seconds "${result[scan-$n]}")" "$(seconds "${result[units-$n]}")"
done
