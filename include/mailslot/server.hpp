#ifndef MAILSLOT_SERVER_HPP
#define MAILSLOT_SERVER_HPP

#include <mailslot/detail/config.hpp>
#include <mailslot/detail/unique_handle.hpp>
#include <mailslot/detail/windows.hpp>
#include <mailslot/error.hpp>
#include <mailslot/name.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace mailslot {

/// A read timeout meaning "wait until a message arrives" (MAILSLOT_WAIT_FOREVER).
inline constexpr std::chrono::milliseconds wait_forever = std::chrono::milliseconds::max();

/// How a server's mailslot is created.
struct server_options {
  /// Largest message the slot accepts, in bytes; 0 accepts any size.
  std::uint32_t max_message_size = 0;
  /// How long a read waits for a message: `wait_forever`, or a duration
  /// (0 returns at once) shorter than 2^32 - 1 ms.
  std::chrono::milliseconds read_timeout = wait_forever;
};

namespace detail {

/// Converts a timeout to the DWORD milliseconds Windows takes.
inline bool to_win32_timeout(std::chrono::milliseconds timeout, DWORD& out) noexcept {
  if (timeout == wait_forever) {
    out = MAILSLOT_WAIT_FOREVER;
    return true;
  }
  if (timeout.count() < 0 || timeout.count() >= static_cast<std::int64_t>(MAILSLOT_WAIT_FOREVER)) {
    return false;
  }
  out = static_cast<DWORD>(timeout.count());
  return true;
}

/// An event for the calling thread's overlapped reads, created on first use
/// and closed when the thread exits; NULL if it could not be created.
inline HANDLE thread_read_event() noexcept {
  thread_local const unique_handle event(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
  return event.get();
}

/// One ReadFile of a whole message. CreateMailslot's handle is overlapped on
/// Windows, and ReadFile on an overlapped handle needs its own OVERLAPPED
/// (without one it may report completion too early), so the read goes through
/// an OVERLAPPED with this thread's event and waits for it. Where the handle is
/// synchronous (Wine), ReadFile simply completes.
inline std::size_t read_message(HANDLE slot, void* buffer, DWORD capacity,
                                std::error_code& ec) noexcept {
  OVERLAPPED overlapped{};
  overlapped.hEvent = thread_read_event();
  if (overlapped.hEvent == nullptr) {
    ec = last_error();
    return 0;
  }
  DWORD received = 0;
  if (::ReadFile(slot, buffer, capacity, &received, &overlapped) == FALSE) {
    if (::GetLastError() != ERROR_IO_PENDING ||
        ::GetOverlappedResult(slot, &overlapped, &received, TRUE) == FALSE) {
      ec = last_error();
      return 0;
    }
  }
  return received;
}

}  // namespace detail

/// The reading end of a mailslot: creates `\\.\mailslot\[path\]name` and reads
/// whole messages from it.
///
/// Move-only; owns its handle and closes it on destruction. A default-
/// constructed, closed or moved-from server owns no handle, and every
/// operation on it fails with mailslot::errc::not_open.
class server {
 public:
  /// A server that owns no mailslot.
  server() noexcept = default;

  /// Creates the mailslot `slot` with CreateMailslotW.
  /// @param slot     a local name (`\\.\mailslot\[path\]name`)
  /// @param options  maximum message size and read timeout
  /// @param ec       cleared on success; otherwise errc::server_name_not_local,
  ///                 errc::invalid_name (empty name), errc::invalid_timeout, or
  ///                 the Win32 error (ERROR_ALREADY_EXISTS when the name is
  ///                 taken, ...)
  /// @return the server, or an empty one on failure
  [[nodiscard]] static server create(const mailslot::name& slot, const server_options& options,
                                     std::error_code& ec) {
    ec.clear();
    server result;
    if (slot.empty()) {
      ec = errc::invalid_name;
      return result;
    }
    if (!slot.is_local()) {
      ec = errc::server_name_not_local;
      return result;
    }
    DWORD timeout = 0;
    if (!detail::to_win32_timeout(options.read_timeout, timeout)) {
      ec = errc::invalid_timeout;
      return result;
    }
    result.handle_.reset(
        ::CreateMailslotW(slot.c_str(), options.max_message_size, timeout, nullptr));
    if (!result.handle_) {
      ec = detail::last_error();
      return result;
    }
    result.name_ = slot;
    return result;
  }

  /// Parses `slot` (UTF-8) as a mailslot::name and creates it; see above.
  [[nodiscard]] static server create(std::string_view slot, const server_options& options,
                                     std::error_code& ec) {
    const auto parsed = mailslot::name::parse(slot, ec);
    return ec ? server() : create(parsed, options, ec);
  }

  /// Parses `slot` (UTF-16) as a mailslot::name and creates it; see above.
  [[nodiscard]] static server create(std::wstring_view slot, const server_options& options,
                                     std::error_code& ec) {
    const auto parsed = mailslot::name::parse(slot, ec);
    return ec ? server() : create(parsed, options, ec);
  }

#if MAILSLOT_HAS_EXCEPTIONS
  /// Creates the mailslot `slot`; throws std::system_error on failure.
  [[nodiscard]] static server create(const mailslot::name& slot, const server_options& options = {}) {
    std::error_code ec;
    server result = create(slot, options, ec);
    detail::throw_if(ec, "create mailslot", slot.string());
    return result;
  }

  /// Parses and creates the mailslot `slot`; throws std::system_error on
  /// failure (for an invalid name, saying what is wrong with it).
  [[nodiscard]] static server create(std::string_view slot, const server_options& options = {}) {
    return create(mailslot::name::parse(slot), options);
  }

  /// Parses and creates the mailslot `slot`; throws std::system_error on failure.
  [[nodiscard]] static server create(std::wstring_view slot, const server_options& options = {}) {
    return create(mailslot::name::parse(slot), options);
  }
#endif

  /// Reads the next message into `buffer` (ReadFile), waiting up to the read
  /// timeout for one to arrive.
  /// @return the message size; 0 for an empty message (and on error)
  /// @param ec  cleared on success; otherwise ERROR_SEM_TIMEOUT when no message
  ///            arrived in time, ERROR_INSUFFICIENT_BUFFER when the next
  ///            message is larger than `size` (it stays queued), or
  ///            mailslot::errc::not_open
  std::size_t read(void* buffer, std::size_t size, std::error_code& ec) noexcept {
    ec.clear();
    if (!handle_) {
      ec = errc::not_open;
      return 0;
    }
    // A message is at most 4 GiB - 1 bytes; a larger buffer is not needed.
    const DWORD capacity = size > MAXDWORD ? MAXDWORD : static_cast<DWORD>(size);
    return detail::read_message(handle_.get(), buffer, capacity, ec);
  }

#if MAILSLOT_HAS_EXCEPTIONS
  /// Reads the next message into `buffer`; throws std::system_error on failure.
  std::size_t read(void* buffer, std::size_t size) {
    std::error_code ec;
    const std::size_t received = read(buffer, size, ec);
    detail::throw_if(ec, "read from mailslot", name_.string());
    return received;
  }
#endif

  /// Closes the mailslot. The server owns no handle afterwards, even when
  /// CloseHandle reports an error; closing an empty server does nothing.
  void close(std::error_code& ec) noexcept { handle_.close(ec); }

#if MAILSLOT_HAS_EXCEPTIONS
  /// Closes the mailslot; throws std::system_error if CloseHandle fails.
  void close() {
    std::error_code ec;
    close(ec);
    detail::throw_if(ec, "close mailslot", name_.string());
  }
#endif

  /// True if the server owns a mailslot handle.
  [[nodiscard]] bool is_open() const noexcept { return handle_.valid(); }
  explicit operator bool() const noexcept { return is_open(); }

  /// The mailslot handle, still owned by the server; NULL when not open.
  [[nodiscard]] HANDLE native_handle() const noexcept { return handle_.get(); }

  /// The name the server was created with; empty for a default-constructed
  /// or moved-from server.
  [[nodiscard]] const mailslot::name& name() const noexcept { return name_; }

 private:
  detail::unique_handle handle_;
  mailslot::name name_;
};

}  // namespace mailslot

#endif
