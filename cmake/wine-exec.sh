#!/bin/sh
# Runs a Windows program under Wine (>= 9), for CMAKE_CROSSCOMPILING_EMULATOR.
#
#   wine-exec.sh PROGRAM.exe [ARGS...]
#   wine-exec.sh --check       print the Wine version; fail if Wine is missing or < 9
#   wine-exec.sh --kill        stop the Wine server of the prefix (and its programs)
#
# The first Wine process of a session starts background services that inherit
# its standard streams; anything reading a test's output through a pipe (ctest,
# Catch2's test discovery) would then wait for them forever. So the server is
# started persistently and the prefix booted with every stream on /dev/null,
# once, before the program runs.
#
# Environment: MAILSLOT_WINE (the wine loader), WINEPREFIX (default: a prefix of
# the project's own under $XDG_CACHE_HOME), WINEDEBUG (default -all).
set -eu

if [ -n "${MAILSLOT_WINE:-}" ]; then
  wine=$MAILSLOT_WINE
elif [ -x /usr/lib/wine/wine64 ]; then
  wine=/usr/lib/wine/wine64          # Debian's wine64 package
elif command -v wine64 >/dev/null 2>&1; then
  wine=$(command -v wine64)
elif command -v wine >/dev/null 2>&1; then
  wine=$(command -v wine)
else
  echo "wine-exec: no Wine found (install Wine >= 9, or set MAILSLOT_WINE)" >&2
  exit 127
fi
wine_dir=$(dirname "$wine")
wineserver=${MAILSLOT_WINESERVER:-}
if [ -z "$wineserver" ]; then
  for w in "$wine_dir/wineserver" "$wine_dir/wineserver64"; do
    if [ -x "$w" ]; then wineserver=$w; break; fi
  done
  [ -n "$wineserver" ] || wineserver=$(command -v wineserver || true)
fi

if [ "${1:-}" = --check ]; then
  version=$("$wine" --version 2>/dev/null || true)
  major=$(printf '%s' "$version" | sed -n 's/^wine-\([0-9][0-9]*\).*/\1/p')
  if [ -z "$major" ]; then
    echo "wine-exec: '$wine --version' printed '$version', not a Wine version" >&2
    exit 1
  fi
  if [ "$major" -lt 9 ]; then
    echo "wine-exec: $version is too old: Wine < 9 does not implement mailslots faithfully" >&2
    echo "  (message counts, too-small buffers and empty messages differ from Windows); use Wine >= 9" >&2
    exit 1
  fi
  [ -n "$wineserver" ] || { echo "wine-exec: no wineserver next to $wine" >&2; exit 1; }
  echo "$version"
  exit 0
fi

export WINEDEBUG="${WINEDEBUG:--all}"
export WINEPREFIX="${WINEPREFIX:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/mailslot/wine-prefix}"
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
  XDG_RUNTIME_DIR=${TMPDIR:-/tmp}/mailslot-xdg-$(id -u)
  mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
  export XDG_RUNTIME_DIR
fi
if [ "${1:-}" = --kill ]; then
  [ -n "$wineserver" ] || { echo "wine-exec: no wineserver next to $wine" >&2; exit 1; }
  exec "$wineserver" -k
fi
mkdir -p "$WINEPREFIX"

# Start the server (a no-op, exit status 2, when one already serves this
# prefix) and boot the prefix, under a lock so that parallel tests wait for
# the boot instead of starting the services themselves.
(
  flock 9
  # 9>&-: the server and the services must not inherit (and so hold) the lock.
  if "$wineserver" -p </dev/null >/dev/null 2>&1 9>&-; then
    "$wine" wineboot </dev/null >/dev/null 2>&1 9>&- || true
  fi
) 9>"$WINEPREFIX/.mailslot-boot.lock"

exec "$wine" "$@"
