#ifndef MAILSLOT_SERVER_HPP
#define MAILSLOT_SERVER_HPP

#include <mailslot/detail/config.hpp>
#include <mailslot/detail/security.hpp>
#include <mailslot/detail/unique_handle.hpp>
#include <mailslot/detail/windows.hpp>
#include <mailslot/error.hpp>
#include <mailslot/name.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#if MAILSLOT_HAS_SPAN
#  include <span>
#endif
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace mailslot {

/// A read timeout meaning "wait until a message arrives" (MAILSLOT_WAIT_FOREVER).
// (Parenthesized: <windows.h> may define a max() macro.)
inline constexpr std::chrono::milliseconds wait_forever = (std::chrono::milliseconds::max)();

/// How a server's mailslot is created.
struct server_options {
  /// Largest message the slot accepts, in bytes; 0 accepts any size. (Windows
  /// may report a larger maximum than requested; Wine does not enforce it.)
  std::uint32_t max_message_size = 0;
  /// How long read() waits for a message: `wait_forever`, or a duration from
  /// 0 (do not wait) to 2^32 - 2 ms.
  std::chrono::milliseconds read_timeout = wait_forever;
  /// Whether child processes created with handle inheritance inherit the
  /// server's handle. Set with SetHandleInformation after creation (Wine
  /// ignores SECURITY_ATTRIBUTES::bInheritHandle for mailslots).
  bool inheritable = false;
  /// The slot's security descriptor as SDDL, for example
  /// "D:(A;OICI;GRGW;;;AU)(A;OICI;GA;;;BA)" to let every authenticated user
  /// write to a service's slot; empty for the default security (write access
  /// for LocalSystem, administrators and the creator owner only).
  std::string security_descriptor;
};

/// What GetMailslotInfo reports about a slot.
struct server_info {
  /// The largest message the slot accepts (0: any); may exceed the requested one.
  std::uint32_t max_message_size = 0;
  /// The size of the next message; empty when no message is waiting.
  std::optional<std::uint32_t> next_message_size;
  /// How many messages are waiting.
  std::uint32_t message_count = 0;
  /// How long read() waits (wait_forever for MAILSLOT_WAIT_FOREVER).
  std::chrono::milliseconds read_timeout{0};
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

inline std::chrono::milliseconds from_win32_timeout(DWORD timeout) noexcept {
  return timeout == MAILSLOT_WAIT_FOREVER ? wait_forever : std::chrono::milliseconds(timeout);
}

/// Owned reads keep a buffer of up to this many bytes between calls, so that a
/// message costs one ReadFile; a larger message is read into a buffer of its
/// exact size instead.
inline constexpr std::size_t max_kept_buffer = std::size_t{1} << 20U;

}  // namespace detail

/// The reading end of a mailslot: creates `\\.\mailslot\[path\]name` and reads
/// whole messages from it.
///
/// Move-only; owns its handle and closes it on destruction. A default-
/// constructed, closed, released or moved-from server owns no handle, and every
/// operation on it fails with errc::not_open.
///
/// Reads never lose or truncate a message: a buffer that is too small fails
/// with ERROR_INSUFFICIENT_BUFFER (condition::buffer_too_small) and leaves the
/// message queued; a timeout fails with ERROR_SEM_TIMEOUT
/// (condition::timed_out), or is an empty optional for the try_ forms.
///
/// Thread safety: distinct objects are independent. One object is not for
/// concurrent use, except that while a thread reads, others may call cancel()
/// and the const members (info(), name(), native_handle(), is_open()).
class server {
 public:
  /// A server that owns no mailslot.
  server() noexcept = default;

  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Takes over `other`'s slot; `other` is left owning none. Moving a server
  /// while another thread reads from it is undefined.
  server(server&& other) noexcept { swap(other); }
  server& operator=(server&& other) noexcept {
    if (this != &other) {
      server(std::move(other)).swap(*this);
    }
    return *this;
  }

  /// Closes the slot (CloseHandle), preserving GetLastError().
  ~server() = default;

  // --- creation ------------------------------------------------------------------

  /// Creates the mailslot `slot` (CreateMailslotW).
  /// @param slot     a local name (`\\.\mailslot\[path\]name`)
  /// @param options  maximum message size, read timeout, inheritance, security
  /// @param ec       cleared on success; otherwise errc::server_name_not_local,
  ///                 errc::invalid_name (the empty name), errc::invalid_timeout,
  ///                 errc::invalid_security_descriptor, or the Win32 error
  ///                 (ERROR_ALREADY_EXISTS when the name is taken, ...)
  /// @return the server, or an empty one on failure
  [[nodiscard]] static server create(const mailslot::name& slot, const server_options& options,
                                     std::error_code& ec) {
    ec.clear();
    server result;
    DWORD timeout = 0;
    if (slot.empty()) {
      ec = errc::invalid_name;
    } else if (!slot.is_local()) {
      ec = errc::server_name_not_local;
    } else if (!detail::to_win32_timeout(options.read_timeout, timeout)) {
      ec = errc::invalid_timeout;
    }
    if (ec) {
      return result;
    }
    detail::security_descriptor descriptor;
    if (!options.security_descriptor.empty()) {
      descriptor.assign(options.security_descriptor, ec);
      if (ec) {
        return result;
      }
    }
    SECURITY_ATTRIBUTES attributes{};
    attributes.nLength = sizeof(attributes);
    attributes.lpSecurityDescriptor = descriptor.get();
    attributes.bInheritHandle = options.inheritable ? TRUE : FALSE;
    result.handle_.reset(
        ::CreateMailslotW(slot.c_str(), options.max_message_size, timeout, &attributes));
    if (!result.handle_) {
      ec = detail::last_error();
      return result;
    }
    if (options.inheritable) {
      result.handle_.set_inheritable(true, ec);
      if (ec) {
        return {};
      }
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
  /// Creates the mailslot `slot`; throws std::system_error naming the slot.
  [[nodiscard]] static server create(const mailslot::name& slot,
                                     const server_options& options = {}) {
    std::error_code ec;
    server result = create(slot, options, ec);
    if (ec == errc::invalid_security_descriptor) {
      detail::throw_error(
          ec, "create mailslot with security descriptor \"" + options.security_descriptor + "\"",
          slot.string());
    }
    detail::throw_if(ec, "create mailslot", slot.string());
    return result;
  }

  /// Parses and creates the mailslot `slot`; throws std::system_error (for an
  /// invalid name, saying what is wrong with it and where).
  [[nodiscard]] static server create(std::string_view slot, const server_options& options = {}) {
    return create(mailslot::name::parse(slot), options);
  }

  /// Parses and creates the mailslot `slot`; throws std::system_error.
  [[nodiscard]] static server create(std::wstring_view slot, const server_options& options = {}) {
    return create(mailslot::name::parse(slot), options);
  }
#endif

  /// Takes ownership of `handle`, a mailslot server handle obtained elsewhere
  /// (inherited, duplicated, or from CreateMailslotW). `slot` names it in
  /// error messages. NULL and INVALID_HANDLE_VALUE give an empty server.
  [[nodiscard]] static server adopt(HANDLE handle, mailslot::name slot = {}) noexcept {
    server result;
    result.handle_.reset(handle);
    if (result.handle_) {
      result.name_ = std::move(slot);
    }
    return result;
  }

  // --- state ---------------------------------------------------------------------

  /// What GetMailslotInfo reports: maximum message size, next message size,
  /// message count and the slot's read timeout.
  /// @param ec  cleared on success; otherwise errc::not_open or the Win32 error
  [[nodiscard]] server_info info(std::error_code& ec) const noexcept {
    ec.clear();
    server_info result;
    if (!handle_) {
      ec = errc::not_open;
      return result;
    }
    DWORD max_size = 0;
    DWORD next = 0;
    DWORD count = 0;
    DWORD timeout = 0;
    if (::GetMailslotInfo(handle_.get(), &max_size, &next, &count, &timeout) == FALSE) {
      ec = detail::last_error();
      return result;
    }
    result.max_message_size = max_size;
    if (next != MAILSLOT_NO_MESSAGE) {
      result.next_message_size = next;
    }
    result.message_count = count;
    result.read_timeout = detail::from_win32_timeout(timeout);
    return result;
  }

  /// Changes how long read() waits for a message (SetMailslotInfo). The
  /// timeout belongs to the slot: every handle to it shares it.
  /// @param timeout  `wait_forever`, or 0 to 2^32 - 2 ms
  /// @param ec       cleared on success; otherwise errc::invalid_timeout,
  ///                 errc::not_open or the Win32 error
  void set_read_timeout(std::chrono::milliseconds timeout, std::error_code& ec) noexcept {
    ec.clear();
    DWORD value = 0;
    if (!handle_) {
      ec = errc::not_open;
    } else if (!detail::to_win32_timeout(timeout, value)) {
      ec = errc::invalid_timeout;
    } else if (::SetMailslotInfo(handle_.get(), value) == FALSE) {
      ec = detail::last_error();
    }
  }

  /// Makes the handle inheritable by child processes created with handle
  /// inheritance, or not (SetHandleInformation).
  /// @param ec  cleared on success; otherwise errc::not_open or the Win32 error
  void set_inheritable(bool inheritable, std::error_code& ec) noexcept {
    handle_.set_inheritable(inheritable, ec);
  }

  // --- reading -------------------------------------------------------------------

  /// Reads the next message into `buffer` (one ReadFile), waiting up to the
  /// read timeout for one to arrive.
  /// @return the message size (0 for an empty message, and on error)
  /// @param ec  cleared on success; otherwise ERROR_SEM_TIMEOUT
  ///            (condition::timed_out) when no message arrived in time,
  ///            ERROR_INSUFFICIENT_BUFFER (condition::buffer_too_small) when
  ///            the next message is larger than `size` (it stays queued),
  ///            errc::cancelled, errc::not_open, or another Win32 error
  std::size_t read(void* buffer, std::size_t size, std::error_code& ec) noexcept {
    return is_open(ec) ? read_into(buffer, size, ec) : 0;
  }

#if MAILSLOT_HAS_SPAN
  /// read() into a span of bytes (C++20).
  std::size_t read(std::span<std::byte> buffer, std::error_code& ec) noexcept {
    return read(buffer.data(), buffer.size(), ec);
  }
  /// try_read() into a span of bytes (C++20).
  std::optional<std::size_t> try_read(std::span<std::byte> buffer,
                                      std::chrono::milliseconds timeout,
                                      std::error_code& ec) noexcept {
    return try_read(buffer.data(), buffer.size(), timeout, ec);
  }
#endif

  /// Reads the next message as a std::string of exactly its size; see read().
  /// Normally one ReadFile per message: the bytes land in a buffer the server
  /// keeps (up to 1 MiB) and are copied into the result. If allocating the
  /// result throws, the message is not lost: the next read returns it.
  [[nodiscard]] std::string read_string(std::error_code& ec) {
    return is_open(ec) ? read_owned<std::string>(ec) : std::string();
  }

  /// Reads the next message as bytes of exactly its size; see read_string().
  [[nodiscard]] std::vector<std::byte> read_bytes(std::error_code& ec) {
    return is_open(ec) ? read_owned<std::vector<std::byte>>(ec) : std::vector<std::byte>();
  }

  /// Reads the next message into `buffer` if one arrives within `timeout`
  /// (0: only if one is waiting now). No message in time is not an error: the
  /// result is empty and `ec` is clear.
  ///
  /// Windows has one read timeout per slot, so the call reads the slot's
  /// timeout (GetMailslotInfo) and, when `timeout` differs from it, sets it
  /// for the read and back afterwards (SetMailslotInfo, twice); the change is
  /// seen by every handle to the slot meanwhile.
  /// @return the message size, or an empty optional when no message arrived
  /// @param ec  cleared unless a real error occurred (see read())
  std::optional<std::size_t> try_read(void* buffer, std::size_t size,
                                      std::chrono::milliseconds timeout,
                                      std::error_code& ec) noexcept {
    return with_timeout(timeout, ec, [&] {
      const std::size_t received = read_into(buffer, size, ec);
      return ec ? std::optional<std::size_t>() : std::optional<std::size_t>(received);
    });
  }

  /// try_read() returning a std::string of exactly the message's size.
  [[nodiscard]] std::optional<std::string> try_read_string(std::chrono::milliseconds timeout,
                                                           std::error_code& ec) {
    return with_timeout(timeout, ec, [&] {
      auto message = read_owned<std::string>(ec);
      return ec ? std::optional<std::string>() : std::optional<std::string>(std::move(message));
    });
  }

  /// try_read() returning bytes of exactly the message's size.
  [[nodiscard]] std::optional<std::vector<std::byte>> try_read_bytes(
      std::chrono::milliseconds timeout, std::error_code& ec) {
    using bytes = std::vector<std::byte>;
    return with_timeout(timeout, ec, [&] {
      auto message = read_owned<bytes>(ec);
      return ec ? std::optional<bytes>() : std::optional<bytes>(std::move(message));
    });
  }

  /// Cancels reading: the read in progress (if any) and every later read
  /// return errc::cancelled at once, until resume(). A cancelled read leaves
  /// its message queued. Returns once no read is blocked any more. Safe to
  /// call from any thread while another reads; this is how a listening thread
  /// is stopped: the listener loops on read_string(ec) until
  /// `ec == condition::cancelled`; the owner calls cancel(), then joins it.
  ///
  /// Because the state persists, there is no race with a reader that is
  /// between two reads when cancel() is called. Does nothing on a server that
  /// owns no slot. It waits for each blocked read to end, so a reader thread
  /// that is suspended keeps it waiting; do not call resume() while a cancel()
  /// is still running.
  void cancel() noexcept {
    if (!handle_) {
      return;
    }
    cancelled_.store(true);
    // A reader may be between checking the state and entering ReadFile, where
    // CancelIoEx finds nothing to cancel yet; so repeat until none is left.
    for (unsigned round = 0; readers_.load() != 0; ++round) {
      ::CancelIoEx(handle_.get(), nullptr);
      ::Sleep(round < 8 ? 0 : 1);
    }
  }

  /// Ends the cancelled state: reads wait for messages again.
  void resume() noexcept { cancelled_.store(false); }

  /// True between cancel() and resume().
  [[nodiscard]] bool is_cancelled() const noexcept { return cancelled_.load(); }

#if MAILSLOT_HAS_EXCEPTIONS
  /// Reads the next message into `buffer`; throws std::system_error (a
  /// timeout included) naming the slot.
  std::size_t read(void* buffer, std::size_t size) {
    std::error_code ec;
    const std::size_t received = read(buffer, size, ec);
    throw_if(ec, "read from mailslot");
    return received;
  }
  /// Reads the next message as a std::string; throws std::system_error.
  [[nodiscard]] std::string read_string() {
    std::error_code ec;
    std::string message = read_string(ec);
    throw_if(ec, "read from mailslot");
    return message;
  }
  /// Reads the next message as bytes; throws std::system_error.
  [[nodiscard]] std::vector<std::byte> read_bytes() {
    std::error_code ec;
    std::vector<std::byte> message = read_bytes(ec);
    throw_if(ec, "read from mailslot");
    return message;
  }
  /// try_read(); throws std::system_error on errors other than the timeout.
  std::optional<std::size_t> try_read(void* buffer, std::size_t size,
                                      std::chrono::milliseconds timeout = {}) {
    std::error_code ec;
    const auto received = try_read(buffer, size, timeout, ec);
    throw_if(ec, "read from mailslot");
    return received;
  }
#  if MAILSLOT_HAS_SPAN
  /// read() into a span of bytes; throws std::system_error.
  std::size_t read(std::span<std::byte> buffer) { return read(buffer.data(), buffer.size()); }
  /// try_read() into a span of bytes; throws std::system_error on errors other than the timeout.
  std::optional<std::size_t> try_read(std::span<std::byte> buffer,
                                      std::chrono::milliseconds timeout = {}) {
    return try_read(buffer.data(), buffer.size(), timeout);
  }
#  endif
  /// try_read_string(); throws std::system_error on errors other than the timeout.
  [[nodiscard]] std::optional<std::string> try_read_string(std::chrono::milliseconds timeout = {}) {
    std::error_code ec;
    auto message = try_read_string(timeout, ec);
    throw_if(ec, "read from mailslot");
    return message;
  }
  /// try_read_bytes(); throws std::system_error on errors other than the timeout.
  [[nodiscard]] std::optional<std::vector<std::byte>> try_read_bytes(
      std::chrono::milliseconds timeout = {}) {
    std::error_code ec;
    auto message = try_read_bytes(timeout, ec);
    throw_if(ec, "read from mailslot");
    return message;
  }
  /// info(); throws std::system_error.
  [[nodiscard]] server_info info() const {
    std::error_code ec;
    server_info result = info(ec);
    throw_if(ec, "query mailslot");
    return result;
  }
  /// set_read_timeout(); throws std::system_error.
  void set_read_timeout(std::chrono::milliseconds timeout) {
    std::error_code ec;
    set_read_timeout(timeout, ec);
    throw_if(ec, "set the read timeout of mailslot");
  }
  /// set_inheritable(); throws std::system_error.
  void set_inheritable(bool inheritable) {
    std::error_code ec;
    set_inheritable(inheritable, ec);
    throw_if(ec, "set the inheritance of mailslot");
  }
#endif

  // --- ownership -----------------------------------------------------------------

  /// Closes the slot (CloseHandle). The server owns no handle afterwards, even
  /// when CloseHandle reports an error; closing an empty server does nothing.
  void close(std::error_code& ec) noexcept {
    handle_.close(ec);
    reset_state();
  }

#if MAILSLOT_HAS_EXCEPTIONS
  /// Closes the slot; throws std::system_error if CloseHandle fails (the
  /// server is closed either way).
  void close() {
    std::error_code ec;
    mailslot::name slot = name_;
    close(ec);
    detail::throw_if(ec, "close mailslot", slot.string());
  }
#endif

  /// Gives up ownership of the handle without closing it; the server is empty
  /// afterwards. The caller must close the handle.
  [[nodiscard]] HANDLE release() noexcept {
    HANDLE handle = handle_.release();
    reset_state();
    return handle;
  }

  /// True if the server owns a mailslot handle.
  [[nodiscard]] bool is_open() const noexcept { return handle_.valid(); }
  /// Same as is_open().
  explicit operator bool() const noexcept { return is_open(); }

  /// The mailslot handle, still owned by the server; NULL when not open.
  [[nodiscard]] HANDLE native_handle() const noexcept { return handle_.get(); }

  /// The name the server was created with; empty when not open (and for an
  /// adopted handle given no name).
  [[nodiscard]] const mailslot::name& name() const noexcept { return name_; }

  /// Exchanges the slots (and all state) of two servers.
  void swap(server& other) noexcept {
    handle_.swap(other.handle_);
    event_.swap(other.event_);
    std::swap(name_, other.name_);
    std::swap(buffer_, other.buffer_);
    std::swap(buffer_size_, other.buffer_size_);
    std::swap(pending_, other.pending_);
    const bool cancelled = cancelled_.load();
    cancelled_.store(other.cancelled_.load());
    other.cancelled_.store(cancelled);
  }
  /// Exchanges the slots of two servers.
  friend void swap(server& a, server& b) noexcept { a.swap(b); }

 private:
  // Announces a read for cancel() for as long as it lives.
  class read_scope {
   public:
    explicit read_scope(server& owner) noexcept : owner_(owner) { owner_.readers_.fetch_add(1); }
    ~read_scope() { owner_.readers_.fetch_sub(1); }
    read_scope(const read_scope&) = delete;
    read_scope& operator=(const read_scope&) = delete;
    [[nodiscard]] bool cancelled() const noexcept { return owner_.cancelled_.load(); }

   private:
    server& owner_;
  };

  void reset_state() noexcept {
    event_.reset();
    name_ = mailslot::name();
    buffer_.reset();
    buffer_size_ = 0;
    pending_.reset();
    cancelled_.store(false);
  }

#if MAILSLOT_HAS_EXCEPTIONS
  void throw_if(const std::error_code& ec, const char* operation) const {
    detail::throw_if(ec, operation, name_.string());
  }
#endif

  bool is_open(std::error_code& ec) const noexcept {
    ec.clear();
    if (!handle_) {
      ec = errc::not_open;
      return false;
    }
    return true;
  }

  // Runs `read` (which returns an optional) with the slot's timeout set to
  // `timeout`, then puts the slot's own timeout back; a timeout is no error.
  template <class Read>
  auto with_timeout(std::chrono::milliseconds timeout, std::error_code& ec, Read read)
      -> decltype(read()) {
    DWORD wanted = 0;
    DWORD previous = 0;
    if (!is_open(ec)) {
      return std::nullopt;
    }
    if (!detail::to_win32_timeout(timeout, wanted)) {
      ec = errc::invalid_timeout;
      return std::nullopt;
    }
    if (::GetMailslotInfo(handle_.get(), nullptr, nullptr, nullptr, &previous) == FALSE ||
        (previous != wanted && ::SetMailslotInfo(handle_.get(), wanted) == FALSE)) {
      ec = detail::last_error();
      return std::nullopt;
    }
    auto result = read();
    if (ec == condition::timed_out) {
      ec.clear();
    }
    if (previous != wanted && ::SetMailslotInfo(handle_.get(), previous) == FALSE && !ec) {
      ec = detail::last_error();
    }
    return result;
  }

  // One ReadFile of a whole message into `buffer`. CreateMailslot's handle is
  // overlapped on Windows, and ReadFile on an overlapped handle needs an
  // OVERLAPPED of its own (without one it may report completion early), so
  // the read goes through one with the server's event and waits for it. Where
  // the handle is synchronous (Wine), ReadFile simply completes.
  std::size_t read_into(void* buffer, std::size_t size, std::error_code& ec) noexcept {
    ec.clear();
    if (!event_) {
      event_.reset(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
      if (!event_) {
        ec = detail::last_error();
        return 0;
      }
    }
    const read_scope scope(*this);
    if (scope.cancelled()) {
      ec = errc::cancelled;
      return 0;
    }
    if (pending_) {
      return take_pending(*pending_, buffer, size, ec);
    }
    // A message is at most 2^32 - 1 bytes; a larger buffer is not needed.
    auto capacity = static_cast<DWORD>(size);
    if constexpr (sizeof(std::size_t) > sizeof(DWORD)) {
      capacity = size > MAXDWORD ? MAXDWORD : static_cast<DWORD>(size);
    }
    OVERLAPPED overlapped{};
    // The low bit keeps the completion off any I/O completion port the
    // handle may have been associated with (GetQueuedCompletionStatus docs).
    overlapped.hEvent =  // NOLINTNEXTLINE(performance-no-int-to-ptr): the documented tagging
        reinterpret_cast<HANDLE>(reinterpret_cast<std::uintptr_t>(event_.get()) | 1U);
    DWORD received = 0;
    if (::ReadFile(handle_.get(), buffer, capacity, &received, &overlapped) == FALSE &&
        (::GetLastError() != ERROR_IO_PENDING ||
         ::GetOverlappedResult(handle_.get(), &overlapped, &received, TRUE) == FALSE)) {
      ec = detail::last_error();
      if (ec.value() == ERROR_OPERATION_ABORTED && scope.cancelled()) {
        ec = errc::cancelled;
      }
      return 0;
    }
    return received;
  }

  // Delivers a message that an owned read took from the slot but could not
  // hand over (its allocation threw); see read_owned.
  std::size_t take_pending(std::size_t length, void* buffer, std::size_t size,
                           std::error_code& ec) noexcept {
    if (length > size) {
      ec = std::error_code(ERROR_INSUFFICIENT_BUFFER, std::system_category());
      return 0;
    }
    if (length != 0) {
      std::memcpy(buffer, buffer_.get(), length);
    }
    pending_.reset();
    return length;
  }

  // A Container holding `size` bytes from `data`.
  template <class Container>
  static Container make_message(const char* data, std::size_t size) {
    if constexpr (std::is_same_v<typename Container::value_type, char>) {
      return Container(data, size);
    } else {
      Container message(size);
      if (size != 0) {
        std::memcpy(message.data(), data, size);
      }
      return message;
    }
  }

  // Reads a whole message into a new Container of exactly its size.
  template <class Container>
  Container read_owned(std::error_code& ec) {
    if (const std::optional<std::size_t> length = pending_) {
      // Taken from the slot earlier, but allocating its container threw.
      auto message = make_message<Container>(buffer_.get(), *length);
      pending_.reset();
      return message;
    }
    if (!buffer_) {
      grow_buffer(4096);
    }
    for (;;) {
      const std::size_t received = read_into(buffer_.get(), buffer_size_, ec);
      if (!ec) {
        // The message is off the slot now: if allocating its container
        // throws, the next read delivers it from the kept buffer.
        pending_ = received;
        auto message = make_message<Container>(buffer_.get(), received);
        pending_.reset();
        return message;
      }
      if (ec != condition::buffer_too_small) {
        return Container();
      }
      // Rare path: the message is larger than the kept buffer.
      DWORD next = 0;
      if (::GetMailslotInfo(handle_.get(), nullptr, &next, nullptr, nullptr) == FALSE) {
        ec = detail::last_error();
        return Container();
      }
      if (next == MAILSLOT_NO_MESSAGE) {
        continue;  // another reader took it; wait for the next one
      }
      if (next > detail::max_kept_buffer) {
        Container message(next, typename Container::value_type{});
        const std::size_t received_large = read_into(message.data(), message.size(), ec);
        if (!ec) {
          message.resize(received_large);
          return message;
        }
        if (ec != condition::buffer_too_small) {
          return Container();
        }
        continue;  // the head changed between the two calls; start over
      }
      std::size_t grown = buffer_size_;
      while (grown < next) {
        grown *= 2;
      }
      grow_buffer(grown);
    }
  }

  void grow_buffer(std::size_t size) {
    buffer_.reset(new char[size]);  // not zero-filled: ReadFile overwrites it
    buffer_size_ = size;
  }

  detail::unique_handle handle_;
  detail::unique_handle event_;  // for overlapped reads, made on first use
  mailslot::name name_;
  std::unique_ptr<char[]> buffer_;  // kept for owned reads
  std::size_t buffer_size_ = 0;
  std::optional<std::size_t> pending_;  // a message in buffer_ not yet handed over
  std::atomic<unsigned> readers_{0};    // reads in progress, for cancel()
  std::atomic<bool> cancelled_{false};  // between cancel() and resume()
};

}  // namespace mailslot

#endif
