#ifndef MAILSLOT_DETAIL_NATIVE_NAME_HPP
#define MAILSLOT_DETAIL_NATIVE_NAME_HPP

#include <mailslot/detail/utf.hpp>
#include <mailslot/error.hpp>

#include <string>
#include <string_view>
#include <system_error>

namespace mailslot::detail {

/// A name as Windows receives it (NUL-terminated UTF-16) and as messages show
/// it (UTF-8).
struct native_name {
  std::wstring wide;
  std::string utf8;
};

/// Converts a UTF-8 name; ill-formed UTF-8 and embedded NULs are invalid names.
inline native_name to_native_name(std::string_view name, std::error_code& ec) {
  native_name result;
  ec.clear();
  if (name.find('\0') != std::string_view::npos || !utf8_to_wide(name, result.wide).ok) {
    ec = errc::invalid_name;
    result.wide.clear();
  }
  result.utf8.assign(name);
  return result;
}

/// Converts a UTF-16 name; lone surrogates and embedded NULs are invalid names.
inline native_name to_native_name(std::wstring_view name, std::error_code& ec) {
  native_name result;
  ec.clear();
  if (name.find(L'\0') != std::wstring_view::npos || !wide_to_utf8(name, result.utf8).ok) {
    ec = errc::invalid_name;
    result.utf8 = to_display_utf8(name);
    return result;
  }
  result.wide.assign(name);
  return result;
}

}  // namespace mailslot::detail

#endif
