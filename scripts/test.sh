#!/usr/bin/env bash
# Builds and runs every test: first the platform-independent parts natively
# (ASan + UBSan), then everything cross-compiled for Windows under Wine.
# Runs inside the toolchain that scripts/dev provides; stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${MAILSLOT_DEV_JOBS:-$(nproc)}
catch2=()
[ -z "${MAILSLOT_CATCH2_URL:-}" ] || catch2=(-DMAILSLOT_CATCH2_URL="$MAILSLOT_CATCH2_URL")

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "native build (platform-independent parts, sanitizers)"
cmake --preset native >/dev/null
cmake --build --preset native -j "$jobs"
ctest --preset native -j "$jobs"

step "Clang build: portable tests and the name fuzzer (sanitizers)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"
ctest --preset fuzz -j "$jobs"

step "Windows build (MinGW-w64), tests under Wine"
cmake --preset wine "${catch2[@]}" >/dev/null
cmake --build --preset wine -j "$jobs"
ctest --preset wine -j "$jobs"
