# Toolchain: 32-bit Windows (x86) with MinGW-w64 GCC (posix threads), for cross
# builds on Linux. Its programs are compiled and linked here, and run on
# Windows only: no 32-bit program runs on these machines (see docs/proven.md).
#
#   cmake -B build -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-i686.cmake
set(_mailslot_mingw_arch i686)
include("${CMAKE_CURRENT_LIST_DIR}/mingw-w64-x86_64.cmake")
