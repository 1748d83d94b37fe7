# Shared by the MinGW-w64 toolchain files: the target, where to find its
# libraries, static linking, and Wine as the emulator. The including file sets
# _mailslot_mingw_arch (x86_64 or i686) first.
if(NOT _mailslot_mingw_arch)
  set(_mailslot_mingw_arch x86_64)
endif()
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR ${_mailslot_mingw_arch})

set(MAILSLOT_MINGW_PREFIX "${_mailslot_mingw_arch}-w64-mingw32" CACHE STRING "MinGW-w64 target triple")

if(NOT CMAKE_RC_COMPILER)
  find_program(CMAKE_RC_COMPILER NAMES ${MAILSLOT_MINGW_PREFIX}-windres)
endif()

set(CMAKE_FIND_ROOT_PATH /usr/${MAILSLOT_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# 32-bit programs do not run here (Debian's wine64 has no 32-bit side, and the
# machines refuse 32-bit Linux programs): i686 builds are compiled and linked
# only, and run on Windows.
if(NOT CMAKE_CROSSCOMPILING_EMULATOR AND _mailslot_mingw_arch STREQUAL "x86_64")
  set(CMAKE_CROSSCOMPILING_EMULATOR "${CMAKE_CURRENT_LIST_DIR}/wine-exec.sh")
endif()
