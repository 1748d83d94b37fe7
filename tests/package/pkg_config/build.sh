#!/bin/sh
# The pkg-config consumer: builds ../main.cpp with the compiler and nothing
# but what pkg-config says about the installed package, as a user would:
#
#   c++ $(pkg-config --cflags mailslot) main.cpp $(pkg-config --libs mailslot)
#
#   build.sh PKG_CONFIG PC_DIR VERSION OUTPUT COMPILER [ARGS...]
#
# PC_DIR is the installed package's pkgconfig folder (the only one searched);
# VERSION is the version pkg-config must report; COMPILER and ARGS are the
# compiler and the flags of the target (target triple, static linking).
set -eu
pkg_config=$1 pc_dir=$2 version=$3 output=$4
shift 4
export PKG_CONFIG_LIBDIR="$pc_dir"
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

found=$("$pkg_config" --modversion mailslot)
if [ "$found" != "$version" ]; then
  echo "pkg-config reports mailslot $found, not $version" >&2
  exit 1
fi
cflags=$("$pkg_config" --cflags mailslot)
libs=$("$pkg_config" --libs mailslot)
echo "pkg-config: mailslot $found; cflags: $cflags; libs: $libs"
case " $libs " in
  *" -ladvapi32 "*) ;;
  *) echo "pkg-config's libs lack -ladvapi32 (SDDL security descriptors)" >&2; exit 1 ;;
esac
set -x
# shellcheck disable=SC2086 # the flags are words, as pkg-config prints them
"$@" $cflags "$(dirname "$0")/../main.cpp" -o "$output" $libs
