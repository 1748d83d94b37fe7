# Toolchain: Windows x86_64 with MinGW-w64 GCC (posix threads), for cross builds
# on Linux. Test programs run under Wine through cmake/wine-exec.sh.
#
#   cmake -B build -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake
#
# Override MAILSLOT_MINGW_PREFIX (default x86_64-w64-mingw32) or the compilers
# themselves (CMAKE_C_COMPILER / CMAKE_CXX_COMPILER) for other installations.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(MAILSLOT_MINGW_PREFIX "x86_64-w64-mingw32" CACHE STRING "MinGW-w64 target triple")

# std::thread needs the posix flavour of Debian's MinGW compilers.
if(NOT CMAKE_CXX_COMPILER)
  find_program(CMAKE_CXX_COMPILER NAMES ${MAILSLOT_MINGW_PREFIX}-g++-posix ${MAILSLOT_MINGW_PREFIX}-g++ REQUIRED)
endif()
if(NOT CMAKE_C_COMPILER)
  find_program(CMAKE_C_COMPILER NAMES ${MAILSLOT_MINGW_PREFIX}-gcc-posix ${MAILSLOT_MINGW_PREFIX}-gcc REQUIRED)
endif()
if(NOT CMAKE_RC_COMPILER)
  find_program(CMAKE_RC_COMPILER NAMES ${MAILSLOT_MINGW_PREFIX}-windres)
endif()

set(CMAKE_FIND_ROOT_PATH /usr/${MAILSLOT_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Static runtime: Wine then needs no libstdc++/libwinpthread DLLs next to the
# executables.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

if(NOT CMAKE_CROSSCOMPILING_EMULATOR)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${CMAKE_CURRENT_LIST_DIR}/wine-exec.sh")
endif()
