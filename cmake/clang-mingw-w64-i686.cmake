# Toolchain: 32-bit Windows (x86) with Clang targeting i686-w64-mingw32 (the
# MinGW-w64 headers, GCC's libstdc++, lld). Compiled and linked here, run on
# Windows only.
#
#   cmake -B build -DCMAKE_TOOLCHAIN_FILE=cmake/clang-mingw-w64-i686.cmake
set(_mailslot_mingw_arch i686)
include("${CMAKE_CURRENT_LIST_DIR}/clang-mingw-w64-x86_64.cmake")
