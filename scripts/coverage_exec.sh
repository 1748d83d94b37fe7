#!/bin/sh
# The coverage build's emulator (scripts/coverage.sh): runs a Windows program
# under Wine like cmake/wine-exec.sh, with its coverage data (.gcda) written
# below a directory of its own in $MAILSLOT_COVERAGE_DATA, so that programs
# running at once never write the same file; scripts/coverage.py adds them up.
set -eu
if [ -n "${MAILSLOT_COVERAGE_DATA:-}" ] && [ "${1:-}" != --check ] && [ "${1:-}" != --kill ]; then
  GCOV_PREFIX=$MAILSLOT_COVERAGE_DATA/$$.$(date +%s%N)
  export GCOV_PREFIX
fi
exec "$(dirname "$0")/../cmake/wine-exec.sh" "$@"
