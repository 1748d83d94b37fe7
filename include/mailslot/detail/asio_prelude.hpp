#ifndef MAILSLOT_DETAIL_ASIO_PRELUDE_HPP
#define MAILSLOT_DETAIL_ASIO_PRELUDE_HPP

// What mailslot/asio.hpp and mailslot/boost_asio.hpp check and settle before
// Asio's first header.

#if !defined(_WIN32)
#  error "mailslot's Asio integration needs Windows (it reads through an I/O completion port)"
#endif

// Asio needs <winsock2.h>; once <winsock.h> is in (which <windows.h> brings
// unless WIN32_LEAN_AND_MEAN is defined), <winsock2.h> cannot follow, and
// Asio stops with "WinSock.h has already been included".
#if defined(_WINSOCKAPI_) && !defined(_WINSOCK2API_)
#  error \
      "mailslot/asio.hpp (and Asio) must be included before <windows.h>, <winsock.h> and the other mailslot headers, or WIN32_LEAN_AND_MEAN defined before <windows.h>"
#endif

// Asio warns when no target Windows version is set; the SDK's own default
// (sdkddkver.h with MSVC, _mingw.h with MinGW-w64) is the right one.
// (MinGW-w64's own sdkddkver.h would pick Windows Server 2003.)
#if !defined(_WIN32_WINNT) && !defined(_WIN32_WINDOWS)
#  if defined(__MINGW32__)
#    include <_mingw.h>
#  else
#    include <sdkddkver.h>
#  endif
#endif

#endif
