# Toolchain: Windows x86_64 with Clang targeting x86_64-w64-mingw32, using the
# MinGW-w64 headers and GCC's libstdc++ (posix threads), linked by lld.
# Programs run under Wine through cmake/wine-exec.sh.
#
#   cmake -B build -DCMAKE_TOOLCHAIN_FILE=cmake/clang-mingw-w64-x86_64.cmake
include("${CMAKE_CURRENT_LIST_DIR}/mingw-w64-common.cmake")

if(NOT CMAKE_CXX_COMPILER)
  find_program(CMAKE_CXX_COMPILER NAMES clang++ REQUIRED)
endif()
if(NOT CMAKE_C_COMPILER)
  find_program(CMAKE_C_COMPILER NAMES clang REQUIRED)
endif()
set(CMAKE_C_COMPILER_TARGET ${MAILSLOT_MINGW_PREFIX})
set(CMAKE_CXX_COMPILER_TARGET ${MAILSLOT_MINGW_PREFIX})

# GCC's libstdc++ for MinGW-w64 keeps its thread-local variables in emulated
# TLS (__emutls_v.*, such as std::call_once's); code that reaches them from
# the headers (std::call_once, std::future) must use emulated TLS as well, or
# it does not link.
set(CMAKE_C_FLAGS_INIT "-femulated-tls")
set(CMAKE_CXX_FLAGS_INIT "-femulated-tls")

# Static runtime (no DLLs for Wine to find); libgcc's emutls needs winpthread.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -pthread -fuse-ld=lld")
