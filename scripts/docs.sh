#!/usr/bin/env bash
# Builds the API reference with Doxygen (cmake/Doxyfile) into build/docs/html.
# Fails on any Doxygen warning: an undocumented public declaration, parameter
# or return value, or a broken reference. Runs inside the toolchain that
# scripts/dev provides (Doxygen 1.9.8 or later).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v doxygen >/dev/null || { echo "docs: doxygen not found" >&2; exit 127; }
version=$(sed -n 's/^#define MAILSLOT_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9][0-9]*\)$/\2/p' \
  include/mailslot/version.hpp | paste -sd .)
rm -rf build/docs
MAILSLOT_VERSION=$version doxygen cmake/Doxyfile
echo "API reference: build/docs/html/index.html"
