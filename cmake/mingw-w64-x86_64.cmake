# Toolchain: Windows x86_64 with MinGW-w64 GCC (posix threads), for cross builds
# on Linux. Programs run under Wine through cmake/wine-exec.sh.
#
#   cmake -B build -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake
#
# Override MAILSLOT_MINGW_PREFIX (default x86_64-w64-mingw32) or the compilers
# themselves (CMAKE_C_COMPILER / CMAKE_CXX_COMPILER) for other installations.
include("${CMAKE_CURRENT_LIST_DIR}/mingw-w64-common.cmake")

# std::thread needs the posix flavour of Debian's MinGW compilers.
if(NOT CMAKE_CXX_COMPILER)
  find_program(CMAKE_CXX_COMPILER NAMES ${MAILSLOT_MINGW_PREFIX}-g++-posix ${MAILSLOT_MINGW_PREFIX}-g++ REQUIRED)
endif()
if(NOT CMAKE_C_COMPILER)
  find_program(CMAKE_C_COMPILER NAMES ${MAILSLOT_MINGW_PREFIX}-gcc-posix ${MAILSLOT_MINGW_PREFIX}-gcc REQUIRED)
endif()

# Static runtime: Wine then needs no libstdc++/libwinpthread DLLs next to the
# executables.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
