#!/usr/bin/env bash
# The model test (tests/model) for as long as asked: random operation
# sequences against a model of the slot, one process per reader kind (the
# server's own reads, the thread pool reader, the Asio server), side by side,
# each for SECONDS (default 3600), with delays in the Win32 calls where the
# library's threads meet. Each process prints its seeds; a failure prints its
# sequence and a shrunk counter-example (build/soak/KIND.log).
#
# Ends with one line:
#   soak: N sequences, N steps, N messages checked, N violations
# (a hang, which the watchdog reports and ends, counts as a violation).
# Runs inside the toolchain that scripts/dev provides.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3600}
case $seconds in '' | *[!0-9]*) echo "usage: scripts/dev soak [SECONDS]" >&2; exit 2 ;; esac
jobs=${MAILSLOT_DEV_JOBS:-$(nproc)}

# The wine preset's build (Debug: the library's assertions on), in a folder of
# its own.
cmake --preset wine -B build/soak -DMAILSLOT_BUILD_EXAMPLES=OFF -DMAILSLOT_REQUIRE_ASIO=ON >/dev/null
cmake --build build/soak -j "$jobs" --target mailslot_model >/dev/null
export WINEPREFIX=${WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/mailslot-soak-wine}

kinds=(sync pool asio)
pids=()
for kind in "${kinds[@]}"; do
  cmake/wine-exec.sh build/soak/bin/mailslot_model.exe --kind "$kind" --seconds "$seconds" \
    --shrink-seconds 600 --soak >"build/soak/$kind.log" 2>&1 &
  pids+=($!)
done
sequences=0 steps=0 checked=0 violations=0
for i in "${!kinds[@]}"; do
  kind=${kinds[$i]}
  status=0 s=0 t=0 c=0 v=0
  wait "${pids[$i]}" || status=$?
  log=$(tr -d '\r' <"build/soak/$kind.log")  # (Windows programs end their lines with CR LF)
  line=$(grep -E '^soak: [0-9]+ sequences, [0-9]+ steps, [0-9]+ messages checked, [0-9]+ violations$' \
    <<<"$log" | tail -n 1 || true)
  printf -- '-- %s readers (exit %d): %s\n' "$kind" "$status" "${line:-no summary (see build/soak/$kind.log)}"
  grep -E '^(model:|VIOLATION|  |HANG)' <<<"$log" | head -n 40 || true
  if [ -n "$line" ]; then
    read -r s t c v < <(sed -E 's/^soak: ([0-9]+) sequences, ([0-9]+) steps, ([0-9]+) messages checked, ([0-9]+) violations$/\1 \2 \3 \4/' <<<"$line")
    sequences=$((sequences + s)) steps=$((steps + t)) checked=$((checked + c)) violations=$((violations + v))
  fi
  if [ "$status" -ne 0 ] && [ "$v" -eq 0 ]; then
    violations=$((violations + 1))  # a hang, or a process that died
  fi
done
echo "soak: $sequences sequences, $steps steps, $checked messages checked, $violations violations"
[ "$violations" -eq 0 ]
