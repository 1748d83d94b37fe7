#!/usr/bin/env bash
# The demo: builds the examples for Windows and runs a reader and a writer
# exchanging messages under Wine. Runs inside the toolchain that scripts/dev
# provides.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${MAILSLOT_DEV_JOBS:-$(nproc)}
catch2=()
[ -z "${MAILSLOT_CATCH2_URL:-}" ] || catch2=(-DMAILSLOT_CATCH2_URL="$MAILSLOT_CATCH2_URL")

cmake --preset wine "${catch2[@]}" >/dev/null
cmake --build --preset wine -j "$jobs" --target reader writer

run=cmake/wine-exec.sh
slot='\\.\mailslot\mailslot-demo\inbox'
log=$(mktemp)
trap 'rm -f "$log"' EXIT

"$run" build/wine/examples/reader.exe "$slot" 3 >"$log" 2>&1 &
reader=$!
# Wait until the reader has created the slot.
for _ in $(seq 100); do
  grep -q listening "$log" && break
  kill -0 "$reader" 2>/dev/null || break
  sleep 0.1
done
cat "$log"
"$run" build/wine/examples/writer.exe "$slot" "hello" "from a mailslot client" "goodbye"
wait "$reader"
tail -n +2 "$log"
