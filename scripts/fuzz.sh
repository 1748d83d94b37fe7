#!/usr/bin/env bash
# Fuzzes mailslot::name's parser for a bounded time: scripts/dev fuzz [SECONDS]
# (default 300). New inputs are kept in build/fuzz/tests/fuzz/corpus/name.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
jobs=${MAILSLOT_DEV_JOBS:-$(nproc)}
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs" --target name_fuzzer
mkdir -p build/fuzz/tests/fuzz/corpus/name
exec build/fuzz/bin/name_fuzzer -max_total_time="$seconds" -print_final_stats=1 \
  build/fuzz/tests/fuzz/corpus/name tests/fuzz/corpus/name
