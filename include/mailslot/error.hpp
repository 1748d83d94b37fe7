#ifndef MAILSLOT_ERROR_HPP
#define MAILSLOT_ERROR_HPP

// The library's own error codes. Failures reported by Windows stay
// std::system_category() codes holding the Win32 error.

#include <mailslot/detail/config.hpp>

#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace mailslot {

/// Errors the library detects itself, before or instead of calling Windows.
enum class errc {
  /// The object owns no handle: default-constructed, closed, released or moved from.
  not_open = 1,
  /// The mailslot name is not valid.
  invalid_name,
  /// A timeout is negative or longer than Windows can represent.
  invalid_timeout,
  /// Windows accepted fewer bytes than the message holds; the message was not sent whole.
  short_write,
};

namespace detail {

class error_category_impl final : public std::error_category {
 public:
  [[nodiscard]] const char* name() const noexcept override { return "mailslot"; }

  [[nodiscard]] std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::not_open:
        return "the mailslot object is not open (default-constructed, closed, released or moved from)";
      case errc::invalid_name:
        return "invalid mailslot name";
      case errc::invalid_timeout:
        return "invalid timeout: negative, or too long for Windows";
      case errc::short_write:
        return "the message was not written whole";
    }
    return "unknown mailslot error " + std::to_string(value);
  }

  [[nodiscard]] std::error_condition default_error_condition(int value) const noexcept override {
    switch (static_cast<errc>(value)) {
      case errc::not_open:
        return std::errc::bad_file_descriptor;
      case errc::invalid_name:
      case errc::invalid_timeout:
        return std::errc::invalid_argument;
      case errc::short_write:
        return std::errc::io_error;
    }
    return {value, *this};
  }
};

}  // namespace detail

/// The category of mailslot::errc values; its name() is "mailslot".
[[nodiscard]] inline const std::error_category& error_category() noexcept {
  static const detail::error_category_impl category;
  return category;
}

/// Makes a std::error_code in mailslot::error_category().
[[nodiscard]] inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

}  // namespace mailslot

template <>
struct std::is_error_code_enum<mailslot::errc> : std::true_type {};

namespace mailslot::detail {

#if MAILSLOT_HAS_EXCEPTIONS
/// Throws std::system_error for `ec`, saying which operation failed on which mailslot.
[[noreturn]] inline void throw_error(const std::error_code& ec, std::string_view operation,
                                     std::string_view slot) {
  std::string what;
  what.reserve(operation.size() + slot.size() + 3);
  what.append(operation);
  if (!slot.empty()) {
    what.append(" '").append(slot).append("'");
  }
  throw std::system_error(ec, what);
}

inline void throw_if(const std::error_code& ec, std::string_view operation, std::string_view slot) {
  if (ec) {
    throw_error(ec, operation, slot);
  }
}
#endif

}  // namespace mailslot::detail

#endif
