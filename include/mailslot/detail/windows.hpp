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
#include <windows.h>

#include <system_error>

namespace mailslot::detail {

/// The calling thread's last Win32 error as a std::system_category() code.
[[nodiscard]] inline std::error_code last_error() noexcept {
  return {static_cast<int>(::GetLastError()), std::system_category()};
}

}  // namespace mailslot::detail

#endif
