#!/usr/bin/env bash
# scripts/dev mutants [REGEX]: the tests' mutation score. Each mutant of
# tests/mutants/mutants.txt (those whose line matches REGEX, if given) is
# applied to a copy of the sources, the test programs it names are rebuilt
# (the wine preset, in build/mutants) and run with their filters under Wine,
# and the mutant is reported killed, with the tests that failed, or survived.
# A mutant killed only by a test of which Win32 calls the library makes (not
# of what it does) is counted apart. Not part of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
list=tests/mutants/mutants.txt
work=build/mutants
src=$work/src
build=$work/build
filter=${1:-}
# (A test that checks which Win32 calls are made, not what the library does.)
call_lists='intercepts the Win32 functions|calls SetMailslotInfo'

export CCACHE_DIR=${CCACHE_DIR:-/var/cache/mailslot-test/ccache} CCACHE_BASEDIR=$PWD/$src
export CCACHE_NOHASHDIR=1 CCACHE_COMPILERCHECK=content
export WINEPREFIX=${WINEPREFIX:-/var/cache/mailslot-test/wine/wine-mine}

mkdir -p "$src"
# The copy: the checkout's files as they are now, without builds.
tar --exclude=./build --exclude=./.git -cf - . | (cd "$src" && tar -xf -)
# (Configured every time: a ctest test the list names may be new.)
cmake --preset wine -S "$src" -B "$build" -DMAILSLOT_TESTS_SHARDED=OFF \
  -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null

declare -A program=([windows]=mailslot_windows_tests [asio]=mailslot_asio_tests
  [fault]=mailslot_fault_tests [portable]=mailslot_portable_tests)
killed=0 survived=0 by_calls=0 number=0 started=$(date +%s)
mapfile -t lines <"$list"  # (read whole: the list may be edited during a run)
for line in "${lines[@]}"; do
  case "$line" in '#'* | '') continue ;; esac
  number=$((number + 1))
  if [ -n "$filter" ] && ! grep -qE -- "$filter" <<<"$line"; then
    continue
  fi
  # (Fields are separated by " | "; a field may hold | itself, as in ||.)
  mapfile -d '' -t fields < <(python3 -c '
import sys
fields = [f.strip() for f in sys.argv[1].split(" | ")]
if len(fields) != 5:
    sys.exit(1)
sys.stdout.write("\0".join(fields) + "\0")' "$line") || true
  if [ "${#fields[@]}" -ne 5 ]; then
    echo "mutant $number: not five fields: $line" >&2
    exit 1
  fi
  file=${fields[0]} text=${fields[1]} replacement=${fields[2]} tests=${fields[3]} what=${fields[4]}
  # Apply: TEXT must occur exactly once (\n in it is a line break).
  python3 - "$src/$file" "$text" "$replacement" <<'PY' || { echo "mutant $number ($what): does not apply to $file" >&2; exit 1; }
import sys
path = sys.argv[1]
text, replacement = (a.replace('\\n', '\n') for a in sys.argv[2:4])
source = open(path).read()
if source.count(text) != 1:
    sys.exit(1)
open(path, 'w').write(source.replace(text, replacement))
PY
  targets=() runs=() ctests=()
  for spec in $tests; do
    case $spec in
      build:*) targets+=("${spec#build:}") ;;    # a compile-time check: built only
      ctest:*) ctests+=("${spec#ctest:}") ;;     # a ctest test (the compile-fail checks)
      *)
        targets+=("${program[${spec%%:*}]}")
        runs+=("${program[${spec%%:*}]}:${spec#*:}")
        ;;
    esac
  done
  failed=()
  if [ "${#targets[@]}" -gt 0 ] && ! cmake --build "$build" --target "${targets[@]}" >"$work/build.log" 2>&1; then
    # A compile-time check of a test (a static_assert) kills it; a warning
    # made an error means the mutant itself is badly made: fix the list.
    first=$(grep -m1 -E 'error:|Error' "$work/build.log" | sed 's|.*/||' | cut -c1-160)
    if grep -q -- '-Werror' <<<"$first"; then
      cp "$file" "$src/$file"
      echo "mutant $number ($what) does not compile cleanly: $first" >&2
      exit 1
    fi
    failed+=("(the build: $first)")
  else
    for run in "${runs[@]}"; do
      exe=$build/bin/${run%%:*}.exe
      sh cmake/wine-exec.sh "$exe" "${run#*:}" -r junit -o "$work/result.xml" >/dev/null 2>&1 || true
      while IFS= read -r name; do
        if [ "$name" = __no_tests__ ]; then  # a filter that matches nothing tests nothing
          cp "$file" "$src/$file"
          echo "mutant $number ($what): no test case of ${run%%:*} matches ${run#*:}" >&2
          exit 1
        fi
        [ -n "$name" ] && failed+=("$name")
      done < <(python3 - "$work/result.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print("(the program ended without its report)")
    sys.exit(0)
cases = list(root.iter('testcase'))
if not cases:
    print("__no_tests__")
for case in cases:
    if case.find('failure') is not None or case.find('error') is not None:
        print(case.get('name'))
PY
)
      rm -f "$work/result.xml"
    done
    for regex in "${ctests[@]}"; do
      ctest --test-dir "$build" -R "$regex" >"$work/ctest.log" 2>&1 || true
      if grep -q "No tests were found" "$work/ctest.log"; then
        cp "$file" "$src/$file"
        echo "mutant $number ($what): no ctest test matches $regex" >&2
        exit 1
      fi
      while IFS= read -r name; do
        [ -n "$name" ] && failed+=("$name")
      done < <(sed -n 's/^[[:space:]]*[0-9]* - \(.*\) (\(Failed\|Timeout\|Not Run\).*/\1/p' "$work/ctest.log")
    done
  fi
  cp "$file" "$src/$file"  # (the original back)
  if [ "${#failed[@]}" -eq 0 ]; then
    survived=$((survived + 1))
    echo "mutant $number survived: $what ($file)"
  else
    killed=$((killed + 1))
    if printf '%s\n' "${failed[@]}" | grep -qvE "$call_lists"; then
      echo "mutant $number killed: $what, by \"${failed[0]}\"$([ "${#failed[@]}" -gt 1 ] && echo " and $((${#failed[@]} - 1)) more")"
    else
      by_calls=$((by_calls + 1))
      echo "mutant $number killed only by a call list: $what, by \"${failed[0]}\""
    fi
  fi
done
echo "mutants: $killed killed, $survived survived, $by_calls killed only by call lists ($(($(date +%s) - started)) s)"
