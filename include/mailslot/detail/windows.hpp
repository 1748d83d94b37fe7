#ifndef MAILSLOT_DETAIL_WINDOWS_HPP
#define MAILSLOT_DETAIL_WINDOWS_HPP

#if !defined(_WIN32)
#  error \
      "this mailslot header needs Windows; names and errors (mailslot/name.hpp, mailslot/error.hpp) are portable"
#endif

// The library defines neither WIN32_LEAN_AND_MEAN nor NOMINMAX: both would
// change what the including program sees. Its own code writes (T::max)() so
// that the min/max macros cannot interfere, and avoids the names the SDK
// defines as macros (small, near, far, interface, hyper).
// Mailslots are a desktop API, absent from UWP and the other Store
// partitions; CancelIoEx, on which reading depends, came with Windows Vista.
// Both are checked before <windows.h>, whose own errors in those
// configurations say nothing useful.
#include <winapifamily.h>
#if defined(WINAPI_FAMILY) && !WINAPI_FAMILY_PARTITION(WINAPI_PARTITION_DESKTOP)
#  error \
      "mailslot needs the Windows desktop API (WINAPI_FAMILY_DESKTOP_APP): mailslots are not available to Store apps"
#endif
#if defined(_WIN32_WINNT) && _WIN32_WINNT < 0x0600
#  error "mailslot needs Windows Vista or later: define _WIN32_WINNT as 0x0600 or higher"
#endif

#include <windows.h>

#include <system_error>

namespace mailslot::detail {

/// The calling thread's last Win32 error as a std::system_category() code.
[[nodiscard]] inline std::error_code last_error() noexcept {
  return {static_cast<int>(::GetLastError()), std::system_category()};
}

}  // namespace mailslot::detail

#endif
