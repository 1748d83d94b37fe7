#!/usr/bin/env bash
# The demo: builds the command-line tool for Windows and runs `mailslot listen`
# and `mailslot send` against each other under Wine. Runs inside the toolchain
# that scripts/dev provides.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${MAILSLOT_DEV_JOBS:-$(nproc)}

cmake --preset wine >/dev/null
cmake --build --preset wine -j "$jobs" --target mailslot_cli >/dev/null

run() { cmake/wine-exec.sh build/wine/bin/mailslot.exe "$@"; }
slot='\\.\mailslot\demo\inbox'
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "\$ mailslot listen $slot --count 4 &"
run listen "$slot" --count 4 >"$log" 2>&1 &
listener=$!
for _ in $(seq 100); do   # until the listener has created the slot
  grep -q listening "$log" && break
  kill -0 "$listener" 2>/dev/null || break
  sleep 0.1
done
echo "\$ mailslot send $slot hello \"from a mailslot client\" \"\""
run send "$slot" hello "from a mailslot client" ""
echo "\$ printf 'one line\\n' | mailslot send $slot -"
printf 'one line\n' | run send "$slot" -
wait "$listener"
echo "--- the listener printed:"
cat "$log"
