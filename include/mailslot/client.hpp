#ifndef MAILSLOT_CLIENT_HPP
#define MAILSLOT_CLIENT_HPP

#include <mailslot/detail/config.hpp>
#include <mailslot/detail/native_name.hpp>
#include <mailslot/detail/unique_handle.hpp>
#include <mailslot/detail/windows.hpp>
#include <mailslot/error.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace mailslot {

/// The writing end of a mailslot: opens an existing slot by name and writes
/// whole messages to it.
///
/// Move-only; owns its handle and closes it on destruction. A default-
/// constructed, closed or moved-from client owns no handle, and every
/// operation on it fails with mailslot::errc::not_open.
class client {
 public:
  /// A client that owns no mailslot.
  client() noexcept = default;

  /// Opens the mailslot `name` (UTF-8) for writing with CreateFileW.
  /// @param ec  cleared on success; otherwise the Win32 error
  ///            (ERROR_FILE_NOT_FOUND when no such slot exists, ...) or
  ///            mailslot::errc::invalid_name
  /// @return the client, or an empty one on failure
  [[nodiscard]] static client open(std::string_view name, std::error_code& ec) {
    return open_native(detail::to_native_name(name, ec), ec);
  }

  /// Opens the mailslot `name` (UTF-16); see the UTF-8 overload.
  [[nodiscard]] static client open(std::wstring_view name, std::error_code& ec) {
    return open_native(detail::to_native_name(name, ec), ec);
  }

#if MAILSLOT_HAS_EXCEPTIONS
  /// Opens the mailslot `name`; throws std::system_error on failure.
  [[nodiscard]] static client open(std::string_view name) {
    std::error_code ec;
    client result = open(name, ec);
    detail::throw_if(ec, "open mailslot", name);
    return result;
  }

  /// Opens the mailslot `name`; throws std::system_error on failure.
  [[nodiscard]] static client open(std::wstring_view name) {
    std::error_code ec;
    client result = open(name, ec);
    if (ec) {
      detail::throw_error(ec, "open mailslot", detail::to_display_utf8(name));
    }
    return result;
  }
#endif

  /// Writes `size` bytes from `data` as one message (WriteFile). A zero-length
  /// write sends an empty message.
  /// @param ec  cleared on success; otherwise the Win32 error,
  ///            mailslot::errc::short_write if Windows took only part of the
  ///            message, or mailslot::errc::not_open
  void write(const void* data, std::size_t size, std::error_code& ec) noexcept {
    ec.clear();
    if (!handle_) {
      ec = errc::not_open;
      return;
    }
    if (size > MAXDWORD) {
      ec = errc::short_write;
      return;
    }
    DWORD written = 0;
    if (::WriteFile(handle_.get(), data, static_cast<DWORD>(size), &written, nullptr) == FALSE) {
      ec = detail::last_error();
      return;
    }
    if (written != size) {
      ec = errc::short_write;
    }
  }

  /// Writes `message` as one message; see the byte overload.
  void write(std::string_view message, std::error_code& ec) noexcept {
    write(message.data(), message.size(), ec);
  }

#if MAILSLOT_HAS_EXCEPTIONS
  /// Writes one message; throws std::system_error on failure.
  void write(const void* data, std::size_t size) {
    std::error_code ec;
    write(data, size, ec);
    detail::throw_if(ec, "write to mailslot", name_);
  }

  /// Writes one message; throws std::system_error on failure.
  void write(std::string_view message) { write(message.data(), message.size()); }
#endif

  /// Closes the client's handle. The client owns no handle afterwards, even
  /// when CloseHandle reports an error; closing an empty client does nothing.
  void close(std::error_code& ec) noexcept { handle_.close(ec); }

#if MAILSLOT_HAS_EXCEPTIONS
  /// Closes the client's handle; throws std::system_error if CloseHandle fails.
  void close() {
    std::error_code ec;
    close(ec);
    detail::throw_if(ec, "close mailslot", name_);
  }
#endif

  /// True if the client owns a handle.
  [[nodiscard]] bool is_open() const noexcept { return handle_.valid(); }
  explicit operator bool() const noexcept { return is_open(); }

  /// The handle, still owned by the client; NULL when not open.
  [[nodiscard]] HANDLE native_handle() const noexcept { return handle_.get(); }

  /// The name the client was opened with, as UTF-8; empty when not open.
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

 private:
  static client open_native(detail::native_name&& name, std::error_code& ec) {
    client result;
    if (ec) {
      return result;
    }
    // FILE_SHARE_READ is what the documentation requires; FILE_SHARE_WRITE
    // lets several clients hold the slot open at once on every version.
    result.handle_.reset(::CreateFileW(name.wide.c_str(), GENERIC_WRITE,
                                       FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_EXISTING,
                                       FILE_ATTRIBUTE_NORMAL, nullptr));
    if (!result.handle_) {
      ec = detail::last_error();
      return result;
    }
    result.name_ = std::move(name.utf8);
    return result;
  }

  detail::unique_handle handle_;
  std::string name_;
};

}  // namespace mailslot

#endif
