#ifndef MAILSLOT_CLIENT_HPP
#define MAILSLOT_CLIENT_HPP

/// @file
/// mailslot::client, the writing end of a mailslot.

#include <mailslot/account.hpp>
#include <mailslot/detail/config.hpp>
#include <mailslot/detail/security.hpp>
#include <mailslot/detail/unique_handle.hpp>
#include <mailslot/detail/windows.hpp>
#include <mailslot/error.hpp>
#include <mailslot/name.hpp>

#include <cstddef>
#include <optional>
#if MAILSLOT_HAS_SPAN
#  include <span>
#endif
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace mailslot {

/// How a client opens its slot.
struct client_options {
  /// The account that must own the slot, or none (the default) to write to
  /// whoever created the name. When set, open() asks also for READ_CONTROL
  /// and reads the slot's owner (GetSecurityInfo); if it is another account,
  /// or Windows reports none, open() fails with errc::unexpected_owner before
  /// anything is written. Only local slots have an owner to ask: for another
  /// name open() fails with errc::owner_check_not_local. The slot's DACL must
  /// grant the client READ_CONTROL (GENERIC_READ includes it), or the open
  /// fails with ERROR_ACCESS_DENIED. What the check proves: the guide's
  /// security page (docs/security.md).
  std::optional<account> required_owner;
};

/// The writing end of a mailslot: opens a slot by name (on this computer, on
/// another one, or every slot of that name in a domain) and writes whole
/// messages to it.
///
/// Move-only; owns its handle and closes it on destruction. A default-
/// constructed, closed, released or moved-from client owns no handle, and
/// every operation on it fails with errc::not_open.
///
/// Thread safety: distinct objects are independent; concurrent write() calls
/// on one client each send their own whole message (WriteFile is atomic per
/// message), but opening, closing and moving must not race with them.
class client {
 public:
  /// A client that owns no mailslot.
  client() noexcept = default;

  client(const client&) = delete;
  client& operator=(const client&) = delete;
  /// Takes over `other`'s handle; `other` is left owning none.
  /// @param other  the client to move from
  client(client&& other) noexcept { swap(other); }
  /// Closes this client's handle, then takes over `other`'s; `other` is left
  /// owning none. Moving a client onto itself changes nothing.
  /// @param other  the client to move from
  /// @return `*this`
  client& operator=(client&& other) noexcept {
    if (this != &other) {
      client(std::move(other)).swap(*this);
    }
    return *this;
  }
  /// Closes the handle (CloseHandle), preserving GetLastError().
  ~client() = default;

  /// Opens the mailslot `slot` for writing (CreateFileW).
  /// @param slot  a local, remote, domain or primary-domain name
  /// @param ec    cleared on success; otherwise errc::invalid_name (the empty
  ///              name) or the Win32 error: ERROR_FILE_NOT_FOUND when no such
  ///              slot exists (condition::not_found),
  ///              ERROR_REMOTE_MAILSLOTS_DEPRECATED when remote mailslots are
  ///              disabled (condition::remote_mailslots_disabled), ...
  /// @return the open client, or an empty one on failure
  [[nodiscard]] static client open(const mailslot::name& slot, std::error_code& ec) {
    return open(slot, client_options{}, ec);
  }

  /// Opens the mailslot `slot` for writing (CreateFileW), checking its owner
  /// if `options` asks for it (GetSecurityInfo).
  /// @param slot     a local, remote, domain or primary-domain name
  /// @param options  the owner the slot must have, if any
  /// @param ec       cleared on success; otherwise as for open(slot, ec), or
  ///                 errc::unexpected_owner (the slot has another owner; the
  ///                 client is closed), errc::owner_check_not_local, or the
  ///                 Win32 error of resolving the required owner
  ///                 (ERROR_INVALID_SID for a SID that is not one) or of
  ///                 reading the owner (ERROR_ACCESS_DENIED, ...)
  /// @return the client, or an empty one on failure
  [[nodiscard]] static client open(const mailslot::name& slot, const client_options& options,
                                   std::error_code& ec) {
    return detail::reporting_out_of_memory(ec, [&]() -> client {
      ec.clear();
      client result;
      if (slot.empty()) {
        ec = errc::invalid_name;
        return result;
      }
      const bool check_owner = options.required_owner.has_value();
      detail::sid_bytes owner;
      if (check_owner) {
        if (!slot.is_local()) {
          ec = errc::owner_check_not_local;
          return result;
        }
        owner = detail::resolve_sid(*options.required_owner, ec);
        if (ec) {
          return result;
        }
      }
      // FILE_SHARE_READ is what the documentation requires; FILE_SHARE_WRITE
      // lets several clients hold the slot open at once on every version.
      result.handle_.reset(::CreateFileW(slot.c_str(),
                                         GENERIC_WRITE | (check_owner ? READ_CONTROL : 0),
                                         FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_EXISTING,
                                         FILE_ATTRIBUTE_NORMAL, nullptr));
      if (!result.handle_) {
        ec = detail::last_error();
        return result;
      }
      if (check_owner) {
        detail::check_owner(result.handle_.get(), owner, ec);
        if (ec) {
          return {};  // (closes the handle)
        }
      }
      result.name_ = slot;
      return result;
    });
  }

  /// Parses `slot` (UTF-8) as a mailslot::name and opens it; see above.
  /// @param slot  the name in UTF-8
  /// @param ec    cleared on success; otherwise the error of name::parse() or
  ///              of opening
  /// @return the open client, or an empty one on failure
  [[nodiscard]] static client open(std::string_view slot, std::error_code& ec) {
    return open(slot, client_options{}, ec);
  }

  /// Parses `slot` (UTF-16) as a mailslot::name and opens it; see above.
  /// @param slot  the name in UTF-16
  /// @param ec    cleared on success; otherwise the error of name::parse() or
  ///              of opening
  /// @return the open client, or an empty one on failure
  [[nodiscard]] static client open(std::wstring_view slot, std::error_code& ec) {
    return open(slot, client_options{}, ec);
  }

  /// Parses `slot` (UTF-8) as a mailslot::name and opens it, checking its
  /// owner if `options` asks for it; see above.
  /// @param slot     the name in UTF-8
  /// @param options  the owner the slot must have, if any
  /// @param ec       cleared on success; otherwise the error of name::parse()
  ///                 or of opening
  /// @return the client, or an empty one on failure
  [[nodiscard]] static client open(std::string_view slot, const client_options& options,
                                   std::error_code& ec) {
    const auto parsed = mailslot::name::parse(slot, ec);
    return ec ? client() : open(parsed, options, ec);
  }

  /// Parses `slot` (UTF-16) as a mailslot::name and opens it, checking its
  /// owner if `options` asks for it; see above.
  /// @param slot     the name in UTF-16
  /// @param options  the owner the slot must have, if any
  /// @param ec       cleared on success; otherwise the error of name::parse()
  ///                 or of opening
  /// @return the client, or an empty one on failure
  [[nodiscard]] static client open(std::wstring_view slot, const client_options& options,
                                   std::error_code& ec) {
    const auto parsed = mailslot::name::parse(slot, ec);
    return ec ? client() : open(parsed, options, ec);
  }

#if MAILSLOT_HAS_EXCEPTIONS
  /// Opens the mailslot `slot`, checking its owner if `options` asks for it;
  /// throws std::system_error naming the slot (and the owner required).
  /// @param slot     a local, remote, domain or primary-domain name
  /// @param options  the owner the slot must have, if any
  /// @return the open client
  /// @throws std::system_error  with the error the std::error_code form reports
  [[nodiscard]] static client open(const mailslot::name& slot, const client_options& options = {}) {
    std::error_code ec;
    client result = open(slot, options, ec);
    if (ec && options.required_owner) {
      const account& owner = *options.required_owner;
      detail::throw_error(
          ec,
          "open mailslot (owner required: " +
              (owner.is_current_user() ? std::string("the current user") : owner.sid()) + ")",
          slot.string());
    }
    detail::throw_if(ec, "open mailslot", slot.string());
    return result;
  }

  /// Parses and opens the mailslot `slot`, checking its owner if `options`
  /// asks for it; throws std::system_error (for an invalid name, saying what
  /// is wrong with it and where).
  /// @param slot     the name in UTF-8
  /// @param options  the owner the slot must have, if any
  /// @return the open client
  /// @throws std::system_error  with the error the std::error_code form reports
  [[nodiscard]] static client open(std::string_view slot, const client_options& options = {}) {
    return open(mailslot::name::parse(slot), options);
  }

  /// Parses and opens the mailslot `slot`, checking its owner if `options`
  /// asks for it; throws std::system_error.
  /// @param slot     the name in UTF-16
  /// @param options  the owner the slot must have, if any
  /// @return the open client
  /// @throws std::system_error  with the error the std::error_code form reports
  [[nodiscard]] static client open(std::wstring_view slot, const client_options& options = {}) {
    return open(mailslot::name::parse(slot), options);
  }
#endif

  /// Takes ownership of `handle`, a write handle to the mailslot `destination`
  /// obtained elsewhere (inherited, duplicated, or from CreateFileW without
  /// FILE_FLAG_OVERLAPPED: write() is synchronous).
  ///
  /// `destination` decides the size limit write() enforces
  /// (message_size_limit()) and names the slot in error messages. No owner is
  /// checked. NULL and INVALID_HANDLE_VALUE give an empty client.
  /// @param handle       the handle, owned by the client from now on
  /// @param destination  the name of the slot the handle writes to
  /// @return the client owning `handle`
  [[nodiscard]] static client adopt(HANDLE handle, mailslot::name destination) noexcept {
    client result;
    result.handle_.reset(handle);
    if (result.handle_) {
      result.name_ = std::move(destination);
    }
    return result;
  }

  /// Writes `size` bytes from `data` as one message (one WriteFile): never
  /// split, never partial. A zero-length write sends an empty message.
  /// @param data  the message's first byte (may be null when `size` is 0)
  /// @param size  the message's size in bytes
  /// @param ec  cleared on success; otherwise errc::message_too_large (over
  ///            message_size_limit() for a name that leaves the computer:
  ///            424 bytes, less for a long path; or over 2^32 - 1 bytes;
  ///            refused before Windows is called), the Win32 error,
  ///            errc::short_write if Windows took only part of the message,
  ///            or errc::not_open
  void write(const void* data, std::size_t size, std::error_code& ec) noexcept {
    ec.clear();
    if (!handle_) {
      ec = errc::not_open;
      return;
    }
    const std::optional<std::size_t> limit = message_size_limit(name_);
    bool too_large = limit && size > *limit;
    if constexpr (sizeof(std::size_t) > sizeof(DWORD)) {
      too_large = too_large || size > MAXDWORD;
    }
    if (too_large) {
      ec = errc::message_too_large;
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
  /// @param message  the message's bytes
  /// @param ec       as for the byte overload
  void write(std::string_view message, std::error_code& ec) noexcept {
    write(message.data(), message.size(), ec);
  }

#if MAILSLOT_HAS_SPAN
  /// Writes the bytes of `message` as one message (C++20); see the byte overload.
  /// @param message  the message's bytes
  /// @param ec       as for the byte overload
  void write(std::span<const std::byte> message, std::error_code& ec) noexcept {
    write(message.data(), message.size(), ec);
  }
#endif

#if MAILSLOT_HAS_EXCEPTIONS
  /// Writes one message; throws std::system_error naming the slot.
  /// @param data  the message's first byte (may be null when `size` is 0)
  /// @param size  the message's size in bytes
  /// @throws std::system_error  with the error the std::error_code form reports
  void write(const void* data, std::size_t size) {
    std::error_code ec;
    write(data, size, ec);
    if (ec) {  // (the name is spelled out only for the exception)
      detail::throw_error(ec, "write to mailslot", name_.string());
    }
  }

  /// Writes one message; throws std::system_error naming the slot.
  /// @param message  the message's bytes
  /// @throws std::system_error  with the error the std::error_code form reports
  void write(std::string_view message) { write(message.data(), message.size()); }
#  if MAILSLOT_HAS_SPAN
  /// Writes the bytes of `message` as one message; throws std::system_error.
  /// @param message  the message's bytes
  /// @throws std::system_error  with the error the std::error_code form reports
  void write(std::span<const std::byte> message) { write(message.data(), message.size()); }
#  endif
#endif

  /// Makes the handle inheritable by child processes created with handle
  /// inheritance, or not (SetHandleInformation).
  /// @param inheritable  whether child processes inherit the handle
  /// @param ec  cleared on success; otherwise errc::not_open or the Win32 error
  void set_inheritable(bool inheritable, std::error_code& ec) noexcept {
    handle_.set_inheritable(inheritable, ec);
  }

#if MAILSLOT_HAS_EXCEPTIONS
  /// set_inheritable(); throws std::system_error.
  /// @param inheritable  whether child processes inherit the handle
  /// @throws std::system_error  with the error the std::error_code form reports
  void set_inheritable(bool inheritable) {
    std::error_code ec;
    set_inheritable(inheritable, ec);
    detail::throw_if(ec, "set the inheritance of mailslot", name_.string());
  }
#endif

  /// Closes the handle. The client owns no handle afterwards, even when
  /// CloseHandle reports an error; closing an empty client does nothing.
  /// @param ec  cleared on success; otherwise the Win32 error of CloseHandle
  void close(std::error_code& ec) noexcept {
    handle_.close(ec);
    name_ = mailslot::name();
  }

#if MAILSLOT_HAS_EXCEPTIONS
  /// Closes the handle; throws std::system_error if CloseHandle fails (the
  /// client is closed either way).
  /// @throws std::system_error  with the Win32 error of CloseHandle
  void close() {
    std::error_code ec;
    const mailslot::name slot = std::move(name_);  // (moved: nothing can throw before the close)
    close(ec);
    detail::throw_if(ec, "close mailslot", slot.string());
  }
#endif

  /// Gives up ownership of the handle without closing it; the client is empty
  /// afterwards. The caller must close the handle.
  /// @return the handle; NULL if the client owned none
  [[nodiscard]] HANDLE release() noexcept {
    name_ = mailslot::name();
    return handle_.release();
  }

  /// Whether the client owns a handle.
  /// @return true if it does
  [[nodiscard]] bool is_open() const noexcept { return handle_.valid(); }
  /// Same as is_open().
  explicit operator bool() const noexcept { return is_open(); }

  /// The handle, for Win32 calls the client does not wrap.
  /// @return the handle, still owned by the client; NULL when not open
  [[nodiscard]] HANDLE native_handle() const noexcept { return handle_.get(); }

  /// The name the client was opened with.
  /// @return the name; empty when not open
  [[nodiscard]] const mailslot::name& name() const noexcept { return name_; }

  /// Exchanges the slots (and all state) of two clients.
  /// @param other  the client to exchange with
  void swap(client& other) noexcept {
    handle_.swap(other.handle_);
    std::swap(name_, other.name_);
  }
  /// Exchanges the slots of two clients.
  friend void swap(client& a, client& b) noexcept { a.swap(b); }

 private:
  detail::unique_handle handle_;
  mailslot::name name_;
};

}  // namespace mailslot

#endif
