#!/usr/bin/env bash
# Builds the reference with CMake's docs target (docs/CMakeLists.txt: Doxygen
# over the guide in docs/ and the public headers; any warning fails it) into
# build/docs/html, then checks it:
#   - every link of the generated HTML inside the reference leads to a file
#     that exists, and to an anchor there (tests/docs/check_links.py);
#   - every guide page (docs/*.md) has its HTML page;
#   - headless Chromium loads the main page, every guide page and the
#     server, client, thread_pool_reader, name and error class pages with no console
#     error, no page error and no failed request, and keeps screenshots of the
#     main page and one guide page in build/docs/screenshots
#     (tests/docs/browser_check.cjs, through Playwright's playwright-core
#     package from the npm registry, pinned and checked against its SHA-512).
#
#   scripts/docs.sh                build and check
#   scripts/docs.sh --no-browser   build and check the links only
#   scripts/docs.sh --fetch DIR    only fetch playwright-core into DIR
#
# scripts/dev fetches playwright-core into its toolchain root while
# provisioning it (as it does actionlint), with Chromium in the root's
# package list, and runs this inside the root.
set -euo pipefail
cd "$(dirname "$0")/.."
version=1.64.1
sha512=042e2cf32e9211503a435ad2c594eda3c848d4a508df15e51c6660bc6a8fe08a8f748fdae855fd1f6f480cdcfbbcaa3d976d5be8b7d8a2c49c3cbe8cdf1c720d
url=https://registry.npmjs.org/playwright-core/-/playwright-core-$version.tgz
tarball=playwright-core-$version.tgz
. scripts/npm_package.sh

fetch() {  # fetch DIR: DIR/package, playwright-core unpacked
  [ -f "$1/package/package.json" ] && return 0
  npm_fetch "$url" "$sha512" "$1/$tarball"
  rm -rf "$1/package"
  tar -xzf "$1/$tarball" -C "$1"
}

browser=1
case "${1:-}" in
  --fetch) fetch "${2:?--fetch: into which folder?}"; exit 0 ;;
  --no-browser) browser=0 ;;
  "") ;;
  *) echo "docs: unknown option $1" >&2; exit 2 ;;
esac

command -v doxygen >/dev/null || { echo "docs: doxygen not found" >&2; exit 127; }
out=$PWD/build/docs
cmake --preset native "-DMAILSLOT_DOCS_DIR=$out" >/dev/null
cmake --build --preset native --target docs
python3 tests/docs/check_links.py "$out/html" docs
if [ "$browser" = 1 ]; then
  dir=${MAILSLOT_PLAYWRIGHT_DIR:-}
  if [ -z "$dir" ] || [ ! -f "$dir/package/package.json" ]; then
    dir=$(npm_cache playwright)
    fetch "$dir"
  fi
  command -v node >/dev/null || { echo "docs: Node.js (node) not found" >&2; exit 1; }
  MAILSLOT_PLAYWRIGHT="$dir/package" node tests/docs/browser_check.cjs "$out/html" docs "$out/screenshots"
fi
echo "the reference: $out/html/index.html"
