#ifndef MAILSLOT_SERVER_HPP
#define MAILSLOT_SERVER_HPP

/// @file
/// mailslot::server, the reading end of a mailslot, and how one is created
/// (mailslot::server_options) and what it reports (mailslot::server_info).

#include <mailslot/buffer.hpp>
#include <mailslot/detail/config.hpp>
#include <mailslot/detail/ntdll.hpp>
#include <mailslot/detail/read.hpp>
#include <mailslot/detail/security.hpp>
#include <mailslot/detail/unique_handle.hpp>
#include <mailslot/detail/windows.hpp>
#include <mailslot/error.hpp>
#include <mailslot/name.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace mailslot {

namespace detail {
struct server_access;
}  // namespace detail

/// A read timeout meaning "wait until a message arrives" (MAILSLOT_WAIT_FOREVER).
inline constexpr std::chrono::milliseconds wait_forever = detail::forever;

/// Which call creates a server's slot (server_options::creation).
enum class creation : unsigned char {
  /// CreateMailslotW, the documented Win32 call; the default. On Windows its
  /// handle is asynchronous (overlapped); Wine's is synchronous, which
  /// thread_pool_reader and the Asio servers refuse.
  create_mailslot,
  /// NtCreateMailslotFile, called as Windows' kernel32 calls it inside
  /// CreateMailslotW: the same slot, and an asynchronous handle wherever the
  /// program runs, Wine included. Found in ntdll at run time: nothing more to
  /// link. For programs that read through thread_pool_reader or Asio and
  /// also run under Wine.
  nt_create_mailslot_file,
};

/// How a server's mailslot is created.
struct server_options {
  /// Largest message the slot accepts, in bytes; 0 accepts any size. (Windows
  /// may report a larger maximum than requested; Wine does not enforce it.)
  /// It is also the bound on what a writer can make the reader allocate: the
  /// reads that size their own storage (read(Container&), read<Message>(),
  /// their try_ forms, thread_pool_reader, the Asio servers' container
  /// reads) never offer ReadFile more than the maximum nor grow
  /// past it, so they fail with errc::message_too_large for a larger message
  /// (however small), which stays queued. (Windows' writers cannot send one;
  /// Wine's can.) With 0, any process that may write to the slot can make
  /// such a read allocate up to 4 GiB - 1 bytes: set a maximum.
  ///
  /// The reads have no bound of their own besides this one, by design. A
  /// mailslot resides in memory ("About Mailslots"), so a read allocates
  /// what the slot already holds, no more. And a read that refused a message the
  /// slot had accepted would leave it at the head of the queue (no message is
  /// dropped), to fail every later read too; the slot's maximum refuses it
  /// at the writer instead. For a bound per read, read into a buffer of that
  /// size.
  std::uint32_t max_message_size = 0;
  /// How long read() waits for a message: `wait_forever`, or a duration from
  /// 0 (do not wait) to 2^32 - 2 ms. It is the slot's, shared by every
  /// handle to it; only set_read_timeout() changes it, never a read. The
  /// reads that wait longer (try_read() with a longer deadline,
  /// thread_pool_reader, the Asio servers) read again each time it ends a
  /// ReadFile, no sooner than 10 ms after the one before: `wait_forever`,
  /// or a timeout at least as long as the deadlines the program uses, waits
  /// with no re-reading.
  std::chrono::milliseconds read_timeout = wait_forever;
  /// Whether child processes created with handle inheritance inherit the
  /// server's handle. Set with SetHandleInformation after creation (Wine
  /// ignores SECURITY_ATTRIBUTES::bInheritHandle for mailslots).
  bool inheritable = false;
  /// The slot's security descriptor as SDDL, for example
  /// "D:(A;OICI;GRGW;;;AU)(A;OICI;GA;;;BA)" to let every authenticated user
  /// write to a service's slot; empty for the default security (access lists
  /// from the creator's token, as CreateMailslot's documentation says). Invalid
  /// SDDL fails with errc::invalid_security_descriptor;
  /// check_security_descriptor() gives Windows' own reason. (A conversion that
  /// fails for want of memory reports that error instead.)
  std::string security_descriptor;
  /// Which call creates the slot: CreateMailslotW (the default), or
  /// NtCreateMailslotFile for an asynchronous handle under Wine too.
  mailslot::creation creation = mailslot::creation::create_mailslot;
};

/// Converts `sddl` as server::create() does
/// (ConvertStringSecurityDescriptorToSecurityDescriptorW), to learn Windows'
/// own reason for refusing a descriptor that create() reported as
/// errc::invalid_security_descriptor.
/// @param sddl  a security descriptor in SDDL (UTF-8)
/// @param ec    cleared if Windows accepts it; otherwise Windows' error in
///              std::system_category() (ERROR_INVALID_PARAMETER,
///              ERROR_INVALID_SID, ERROR_INVALID_ACL, ...;
///              ERROR_NO_UNICODE_TRANSLATION for text that is not UTF-8)
inline void check_security_descriptor(std::string_view sddl, std::error_code& ec) {
  ec.clear();
  detail::reporting_out_of_memory(ec, [&] {
    std::error_code summary;
    detail::security_descriptor descriptor;
    descriptor.assign(sddl, summary, ec);
  });
}

#if MAILSLOT_HAS_EXCEPTIONS
/// check_security_descriptor(); throws mailslot::error (a std::system_error)
/// with Windows' reason for refusing `sddl`, the descriptor quoted in its
/// what(): `check security descriptor "D:(A;;XX)": ` and Windows' message.
/// @param sddl  a security descriptor in SDDL (UTF-8)
/// @throws mailslot::error  with the error the std::error_code form reports
inline void check_security_descriptor(std::string_view sddl) {
  std::error_code ec;
  check_security_descriptor(sddl, ec);
  detail::throw_if(ec, "check security descriptor", sddl);
}
#endif

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
/// Windows' handle is asynchronous (overlapped); Wine's CreateMailslotW makes
/// a synchronous one (server_options::creation makes Windows' kind under Wine
/// too). Both read the same. No read changes the slot's read timeout, which
/// every handle to the slot shares: only set_read_timeout() (and
/// server_options::read_timeout) do. What a try_ form's deadline of its own
/// costs on each kind of handle: see try_read().
///
/// Thread safety: distinct objects are independent. One object is not for
/// concurrent use, except that while a thread reads, others may call stop_reading(),
/// resume_reading() and the const members (info(), name(), native_handle(), is_open()). Stop a
/// reading thread (stop_reading(), then join it) before closing, releasing, moving,
/// swapping or destroying its server: doing so during a read is undefined,
/// and debug builds stop with MAILSLOT_ASSERT. (A thread_pool_reader is
/// stopped by each of these, first: see thread_pool_reader.)
class server {
 public:
  /// A server that owns no mailslot.
  server() noexcept = default;

  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Takes over `other`'s slot; `other` is left owning none. No thread may be
  /// reading from either server.
  /// @param other  the server to move from
  server(server&& other) noexcept { swap(other); }
  /// Closes this server's slot, then takes over `other`'s; `other` is left
  /// owning none. Moving a server onto itself changes nothing. No thread may
  /// be reading from either server.
  /// @param other  the server to move from
  /// @return `*this`
  server& operator=(server&& other) noexcept {
    if (this != &other) {
      server(std::move(other)).swap(*this);
    }
    return *this;
  }

  /// Closes the slot (CloseHandle), preserving GetLastError().
  ~server() {
    close_handle([this] { handle_.reset(); });
  }

  // --- creation ------------------------------------------------------------------

  /// Creates the mailslot `slot` (CreateMailslotW, or NtCreateMailslotFile:
  /// see server_options::creation).
  /// @param slot     a local name (`\\.\mailslot\[path\]name`)
  /// @param options  maximum message size, read timeout, inheritance,
  ///                 security, and the call that creates the slot
  /// @param ec       cleared on success; otherwise errc::server_name_not_local,
  ///                 errc::invalid_name (the empty name), errc::invalid_timeout,
  ///                 errc::invalid_security_descriptor, or the Win32 error
  ///                 (ERROR_ALREADY_EXISTS when the name is taken, ...)
  /// @return the server owning the new slot, or an empty one on failure
  [[nodiscard]] static server create(const mailslot::name& slot, const server_options& options,
                                     std::error_code& ec) {
    return detail::reporting_out_of_memory(ec, [&]() -> server {
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
        std::error_code cause;  // (check_security_descriptor() reports it)
        descriptor.assign(options.security_descriptor, ec, cause);
        if (ec) {
          return result;
        }
      }
      SECURITY_ATTRIBUTES attributes{};
      attributes.nLength = sizeof(attributes);
      attributes.lpSecurityDescriptor = descriptor.get();
      attributes.bInheritHandle = options.inheritable ? TRUE : FALSE;
      result.handle_.reset(
          options.creation == creation::nt_create_mailslot_file
              ? detail::nt::create_mailslot(slot.c_str(), options.max_message_size, timeout,
                                            &attributes)
              : ::CreateMailslotW(slot.c_str(), options.max_message_size, timeout, &attributes));
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
      result.reader_.reset(result.handle_.get());
      return result;
    });
  }

  /// Parses `slot` (UTF-8) as a mailslot::name and creates it; see above.
  /// @param slot     the local name in UTF-8
  /// @param options  maximum message size, read timeout, inheritance, security
  /// @param ec       cleared on success; otherwise the error of name::parse()
  ///                 or of creating
  /// @return the server owning the new slot, or an empty one on failure
  [[nodiscard]] static server create(std::string_view slot, const server_options& options,
                                     std::error_code& ec) {
    const auto parsed = mailslot::name::parse(slot, ec);
    return ec ? server() : create(parsed, options, ec);
  }

  /// Parses `slot` (UTF-16) as a mailslot::name and creates it; see above.
  /// @param slot     the local name in UTF-16
  /// @param options  maximum message size, read timeout, inheritance, security
  /// @param ec       cleared on success; otherwise the error of name::parse()
  ///                 or of creating
  /// @return the server owning the new slot, or an empty one on failure
  [[nodiscard]] static server create(std::wstring_view slot, const server_options& options,
                                     std::error_code& ec) {
    const auto parsed = mailslot::name::parse(slot, ec);
    return ec ? server() : create(parsed, options, ec);
  }

  /// Creates the mailslot `slot` with the default options (any message
  /// size, read() waits for ever, the default security); see above.
  /// @param slot  a local name (`\\.\mailslot\[path\]name`)
  /// @param ec    as for create(slot, options, ec)
  /// @return the server owning the new slot, or an empty one on failure
  [[nodiscard]] static server create(const mailslot::name& slot, std::error_code& ec) {
    return create(slot, server_options{}, ec);
  }

  /// Parses `slot` (UTF-8) and creates it with the default options.
  /// @param slot  the local name in UTF-8
  /// @param ec    as for create(slot, options, ec)
  /// @return the server owning the new slot, or an empty one on failure
  [[nodiscard]] static server create(std::string_view slot, std::error_code& ec) {
    return create(slot, server_options{}, ec);
  }

  /// Parses `slot` (UTF-16) and creates it with the default options.
  /// @param slot  the local name in UTF-16
  /// @param ec    as for create(slot, options, ec)
  /// @return the server owning the new slot, or an empty one on failure
  [[nodiscard]] static server create(std::wstring_view slot, std::error_code& ec) {
    return create(slot, server_options{}, ec);
  }

#if MAILSLOT_HAS_EXCEPTIONS
  /// Creates the mailslot `slot`; throws std::system_error naming the slot.
  /// @param slot     a local name (`\\.\mailslot\[path\]name`)
  /// @param options  maximum message size, read timeout, inheritance, security
  /// @return the server owning the new slot
  /// @throws std::system_error  with the error the std::error_code form reports
  [[nodiscard]] static server create(const mailslot::name& slot,
                                     const server_options& options = {}) {
    std::error_code ec;
    server result = create(slot, options, ec);
    if (ec == errc::invalid_security_descriptor) {
      std::error_code cause;
      check_security_descriptor(options.security_descriptor, cause);
      detail::throw_error(ec, "create mailslot", slot.string(),
                          "security descriptor \"" + options.security_descriptor +
                              "\" (Windows error " + std::to_string(cause.value()) + ": " +
                              cause.message() + ")");
    }
    detail::throw_if(ec, "create mailslot", slot.string());
    return result;
  }

  /// Parses and creates the mailslot `slot`; throws std::system_error (for an
  /// invalid name, saying what is wrong with it and where).
  /// @param slot     the local name in UTF-8
  /// @param options  maximum message size, read timeout, inheritance, security
  /// @return the server owning the new slot
  /// @throws std::system_error  with the error the std::error_code form reports
  [[nodiscard]] static server create(std::string_view slot, const server_options& options = {}) {
    return create(mailslot::name::parse(slot), options);
  }

  /// Parses and creates the mailslot `slot`; throws std::system_error.
  /// @param slot     the local name in UTF-16
  /// @param options  maximum message size, read timeout, inheritance, security
  /// @return the server owning the new slot
  /// @throws std::system_error  with the error the std::error_code form reports
  [[nodiscard]] static server create(std::wstring_view slot, const server_options& options = {}) {
    return create(mailslot::name::parse(slot), options);
  }
#endif

  /// Takes ownership of `handle`, a mailslot server handle obtained elsewhere
  /// (inherited, duplicated, from CreateMailslotW or NtCreateMailslotFile),
  /// synchronous or asynchronous (asked of Windows here, once).
  ///
  /// `slot` names
  /// it in error messages. NULL and INVALID_HANDLE_VALUE give an empty server.
  ///
  /// The handle is the server's once adopt() runs; the arguments are made
  /// before that, by the caller. Copying a name can throw std::bad_alloc, so
  /// a handle just taken from another object (release()) is given with the
  /// name moved in, `adopt(handle, std::move(slot))`: nothing can throw
  /// between the two and the handle is never without an owner.
  /// @param handle  the handle, owned by the server from now on
  /// @param slot    the slot's name; may be empty
  /// @return the server owning `handle`
  [[nodiscard]] static server adopt(HANDLE handle, mailslot::name slot = {}) noexcept {
    server result;
    result.handle_.reset(handle);
    if (result.handle_) {
      result.name_ = std::move(slot);
      result.reader_.reset(result.handle_.get());
    }
    return result;
  }

  // --- state ---------------------------------------------------------------------

  /// What GetMailslotInfo reports: maximum message size, next message size,
  /// message count and the slot's read timeout.
  /// @param ec  cleared on success; otherwise errc::not_open or the Win32 error
  /// @return what Windows reports; all zero (and no next message) on error
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
  /// timeout belongs to the slot: every handle to it shares it, and it stays
  /// what the last call through any of them set (no read changes it).
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
  /// @param inheritable  whether child processes inherit the handle
  /// @param ec  cleared on success; otherwise errc::not_open or the Win32 error
  void set_inheritable(bool inheritable, std::error_code& ec) noexcept {
    handle_.set_inheritable(inheritable, ec);
  }

  // --- reading -------------------------------------------------------------------
  //
  // Three forms, each as a plain read (the slot's read timeout is its wait;
  // a timeout is an error) and a try_ read (a deadline of its own; no message
  // in time is an empty optional, not an error), each with a throwing twin:
  // into a buffer of the caller's (mutable_buffer), into a container the
  // caller reuses (it grows to fit), or into a new container it returns.

  /// Reads the next message into `buffer` (one ReadFile), waiting up to the
  /// slot's read timeout for one to arrive.
  /// @param buffer  where the message goes: mailslot::buffer(data, size),
  ///                mailslot::buffer(array), or a std::span of bytes
  /// @param ec  cleared on success; otherwise ERROR_SEM_TIMEOUT
  ///            (condition::timed_out) when no message arrived in time,
  ///            ERROR_INSUFFICIENT_BUFFER (condition::buffer_too_small) when
  ///            the next message is larger than the buffer (it stays
  ///            queued), errc::cancelled, errc::not_open, or another Win32
  ///            error
  /// @return the message size (0 for an empty message, and on error)
  [[nodiscard]] std::size_t read(mutable_buffer buffer, std::error_code& ec) noexcept {
    return is_open(ec) ? reader_.read(handle_.get(), buffer.data(), buffer.size(),
                                      detail::deadline::slot(), ec)
                       : 0;
  }

  /// Reads the next message into `message` (ReadFile), a container it reuses:
  /// std::string, std::vector<std::byte>, or any resizable contiguous
  /// container of bytes. `message` ends up holding exactly the message. Its
  /// capacity is reused, so that in steady state a message costs one
  /// ReadFile, no allocation and no copy; a message larger than it stays
  /// queued while it grows (GetMailslotInfo), so nothing is lost if that
  /// allocation throws. It never grows past the slot's maximum message size
  /// (see server_options::max_message_size). On failure `message` is empty.
  /// @tparam Container  a contiguous container with data(), resize(),
  ///                    capacity() and clear(), of one-byte trivially
  ///                    copyable elements
  /// @param message  the container that receives the message
  /// @param ec  as for read(mutable_buffer, std::error_code&), but never
  ///            buffer_too_small; errc::message_too_large for a message
  ///            larger than the slot's maximum (it stays queued)
  /// @return the message size (message.size())
  template <class Container, detail::if_byte_container<Container> = 0>
  std::size_t read(Container& message, std::error_code& ec) {
    if (!is_open(ec)) {
      message.clear();
      return 0;
    }
    const std::size_t size = detail::reporting_out_of_memory(ec, [&] {
      return reader_.read(handle_.get(), message, detail::read_state::offer::capacity,
                          detail::deadline::slot(), ec);
    });
    if (ec) {
      message.clear();  // (also after a growth that ran out of memory)
    }
    return size;
  }

  /// Reads the next message into a new `Message` of exactly its size
  /// (ReadFile straight into it, sized from recent messages; see
  /// read(Container&, std::error_code&)): `std::string message =
  /// server.read(ec);`, or `server.read<std::vector<std::byte>>(ec)`. If
  /// allocating throws, the message stays queued.
  /// @tparam Message  std::string (the default), std::vector<std::byte>, or
  ///                  any container read(Container&) takes
  /// @param ec  as for read(Container&, std::error_code&)
  /// @return the message; empty on error
  template <class Message = std::string, detail::if_byte_container<Message> = 0>
  [[nodiscard]] Message read(std::error_code& ec) {
    return detail::reporting_out_of_memory(
        ec, [&] { return read_owned<Message>(detail::deadline::slot(), ec); });
  }

  /// Reads the next message into `buffer` if one arrives within `timeout`
  /// (0: only if one is waiting now; `wait_forever`: until one does).
  ///
  /// No message in time is not an error: the result is empty and `ec` is
  /// clear. The deadline is the call's own: the slot's read timeout, which
  /// every handle to the slot shares, is never changed.
  ///
  /// A `timeout` shorter than the slot's ends the call's own ReadFile (and no
  /// other): on an asynchronous handle (Windows' own) the call waits for it
  /// with the timeout and ends it with CancelIoEx on its OVERLAPPED; on a
  /// synchronous handle (Wine's CreateMailslotW) a thread pool timer does the
  /// same for the blocked ReadFile, and is disarmed, its callback awaited,
  /// before the call returns. A `timeout` longer than the slot's makes the
  /// call read again each time the slot's timeout ends a ReadFile, no sooner
  /// than 10 ms after the ReadFile before started: on a slot whose timeout is
  /// under 10 ms that is at most 100 ReadFiles a second while nothing arrives,
  /// and a message that arrives meanwhile is returned up to 10 ms (and the
  /// scheduler's delay) after it could have been: measured under Wine;
  /// Windows rounds timer waits up to its tick, 15.6 ms by default. A slot whose timeout is at
  /// least as long as the deadlines the program uses, or `wait_forever`,
  /// waits in one ReadFile with no re-reading: choose that
  /// (server_options::read_timeout) for a slot read with try_read().
  ///
  /// On a synchronous handle the deadline (and stop_reading()) rely on a thread
  /// pool timer: do not wait with one under the loader lock (DllMain), where
  /// the pool may not run it. And Windows serialises every I/O on a
  /// synchronous handle's file object, which duplicated and inherited
  /// handles share: a read, info() or set_read_timeout() through one of them
  /// waits while another reads, and a deadline or stop_reading() cannot reach a
  /// read still waiting for its turn (Windows' documented behaviour; not run
  /// here: Wine does not serialise). Windows' own CreateMailslotW handle is
  /// asynchronous and has neither limit.
  /// @param buffer   where the message goes (see read(mutable_buffer, std::error_code&))
  /// @param timeout  how long to wait: 0, up to 2^32 - 2 ms, or `wait_forever`
  /// @param ec  cleared unless a real error occurred: those of read(), or
  ///            errc::invalid_timeout
  /// @return the message size, or an empty optional when no message arrived
  [[nodiscard]] std::optional<std::size_t> try_read(mutable_buffer buffer,
                                                    std::chrono::milliseconds timeout,
                                                    std::error_code& ec) noexcept {
    std::optional<std::size_t> received;
    if (deadline_for(timeout, ec)) {
      received = reader_.read(handle_.get(), buffer.data(), buffer.size(),
                              detail::deadline::after(timeout), ec);
    }
    return no_message(ec) ? std::nullopt : received;
  }

  /// try_read() into a reusable container; see read(Container&, std::error_code&).
  /// @tparam Container  as for read(Container&, std::error_code&)
  /// @param message  the container that receives the message; empty when
  ///                 none arrived
  /// @param timeout  how long to wait (see try_read())
  /// @param ec       as for try_read()
  /// @return the message size, or an empty optional when no message arrived
  template <class Container, detail::if_byte_container<Container> = 0>
  [[nodiscard]] std::optional<std::size_t> try_read(Container& message,
                                                    std::chrono::milliseconds timeout,
                                                    std::error_code& ec) {
    std::optional<std::size_t> received;
    if (deadline_for(timeout, ec)) {
      received = detail::reporting_out_of_memory(ec, [&] {
        return reader_.read(handle_.get(), message, detail::read_state::offer::capacity,
                            detail::deadline::after(timeout), ec);
      });
    }
    if (ec) {
      message.clear();
    }
    return no_message(ec) ? std::nullopt : received;
  }

  /// try_read() into a new `Message` of exactly the message's size:
  /// `if (auto message = server.try_read(100ms, ec))`.
  /// @tparam Message  as for read<Message>(std::error_code&)
  /// @param timeout  how long to wait (see try_read())
  /// @param ec       as for try_read()
  /// @return the message, or an empty optional when none arrived
  template <class Message = std::string, detail::if_byte_container<Message> = 0>
  [[nodiscard]] std::optional<Message> try_read(std::chrono::milliseconds timeout,
                                                std::error_code& ec) {
    if (!deadline_for(timeout, ec)) {
      return std::nullopt;
    }
    return detail::reporting_out_of_memory(ec, [&]() -> std::optional<Message> {
      auto message = read_owned<Message>(detail::deadline::after(timeout), ec);
      if (no_message(ec)) {
        return std::nullopt;
      }
      return message;
    });
  }

  /// Stops reading, until resume_reading(): the read in progress (if any)
  /// and every later read end with errc::cancelled (condition::cancelled).
  ///
  /// The stop lasts (unlike Asio's cancel(), which ends what is outstanding
  /// now): this is how a listening thread is stopped without a race with a
  /// reader that is between two reads. The listener loops on read(ec) until
  /// `ec == condition::cancelled`; the owner calls stop_reading(), then
  /// joins it. A stopped read leaves its message queued; a message that
  /// completed while it was being stopped is returned.
  ///
  /// Safe from any thread while another reads, and with resume_reading()
  /// from yet another (the two are ordered: each sees the other's state
  /// whole). Only this server's read is stopped, never reads through other
  /// handles to the slot, and stop_reading() never waits for the reader. It
  /// sets an event that a read waiting on an asynchronous handle (or pausing
  /// between two ReadFiles, see try_read()) waits on. On a synchronous
  /// handle it cancels the blocked ReadFile (CancelIoEx with that read's
  /// OVERLAPPED); a reader that has not entered its ReadFile yet is reached
  /// by a thread pool timer that tries again every millisecond until it has.
  /// Does nothing on a server that owns no slot.
  void stop_reading() noexcept {
    if (handle_) {
      reader_.cancel();
    }
  }

  /// Ends stop_reading(): reads wait for messages again. A read that
  /// stop_reading() had already reached still ends with errc::cancelled.
  void resume_reading() noexcept { reader_.resume(); }

  /// Whether reading is stopped.
  /// @return true between stop_reading() and resume_reading()
  [[nodiscard]] bool is_reading_stopped() const noexcept { return reader_.cancelled(); }

#if MAILSLOT_HAS_EXCEPTIONS
  /// read() into `buffer`; throws std::system_error (a timeout included)
  /// naming the slot, and for a message too large for the buffer, both sizes.
  /// @param buffer  where the message goes
  /// @return the message size
  /// @throws std::system_error  with the error the std::error_code form reports
  [[nodiscard]] std::size_t read(mutable_buffer buffer) {
    std::error_code ec;
    const std::size_t received = read(buffer, ec);
    throw_if_read_into(ec, buffer.size());
    return received;
  }
  /// read() into a reusable container; throws std::system_error.
  /// @tparam Container  as for read(Container&, std::error_code&)
  /// @param message  the container that receives the message
  /// @return the message size (message.size())
  /// @throws std::system_error  with the error the std::error_code form reports
  template <class Container, detail::if_byte_container<Container> = 0>
  std::size_t read(Container& message) {
    std::error_code ec;
    const std::size_t received = read(message, ec);
    throw_if(ec, "read from mailslot");
    return received;
  }
  /// read() into a new `Message`; throws std::system_error:
  /// `std::string message = server.read();`.
  /// @tparam Message  as for read<Message>(std::error_code&)
  /// @return the message
  /// @throws std::system_error  with the error the std::error_code form reports
  template <class Message = std::string, detail::if_byte_container<Message> = 0>
  [[nodiscard]] Message read() {
    std::error_code ec;
    Message message = read<Message>(ec);
    throw_if(ec, "read from mailslot");
    return message;
  }
  /// try_read() into `buffer`; throws std::system_error on errors other
  /// than the timeout.
  /// @param buffer   where the message goes
  /// @param timeout  how long to wait; by default only for a message already waiting
  /// @return the message size, or an empty optional when no message arrived
  /// @throws std::system_error  with the error the std::error_code form reports
  [[nodiscard]] std::optional<std::size_t> try_read(mutable_buffer buffer,
                                                    std::chrono::milliseconds timeout = {}) {
    std::error_code ec;
    const auto received = try_read(buffer, timeout, ec);
    throw_if_read_into(ec, buffer.size());
    return received;
  }
  /// try_read() into a reusable container; throws std::system_error on
  /// errors other than the timeout.
  /// @tparam Container  as for read(Container&, std::error_code&)
  /// @param message  the container that receives the message
  /// @param timeout  how long to wait; by default only for a message already waiting
  /// @return the message size, or an empty optional when no message arrived
  /// @throws std::system_error  with the error the std::error_code form reports
  template <class Container, detail::if_byte_container<Container> = 0>
  [[nodiscard]] std::optional<std::size_t> try_read(Container& message,
                                                    std::chrono::milliseconds timeout = {}) {
    std::error_code ec;
    const auto received = try_read(message, timeout, ec);
    throw_if(ec, "read from mailslot");
    return received;
  }
  /// try_read() into a new `Message`; throws std::system_error on errors
  /// other than the timeout: `if (auto message = server.try_read(100ms))`.
  /// @tparam Message  as for read<Message>(std::error_code&)
  /// @param timeout  how long to wait; by default only for a message already waiting
  /// @return the message, or an empty optional when none arrived
  /// @throws std::system_error  with the error the std::error_code form reports
  template <class Message = std::string, detail::if_byte_container<Message> = 0>
  [[nodiscard]] std::optional<Message> try_read(std::chrono::milliseconds timeout = {}) {
    std::error_code ec;
    auto message = try_read<Message>(timeout, ec);
    throw_if(ec, "read from mailslot");
    return message;
  }
  /// info(); throws std::system_error.
  /// @return what GetMailslotInfo reports
  /// @throws std::system_error  with the error the std::error_code form reports
  [[nodiscard]] server_info info() const {
    std::error_code ec;
    server_info result = info(ec);
    throw_if(ec, "query mailslot");
    return result;
  }
  /// set_read_timeout(); throws std::system_error.
  /// @param timeout  `wait_forever`, or 0 to 2^32 - 2 ms
  /// @throws std::system_error  with the error the std::error_code form reports
  void set_read_timeout(std::chrono::milliseconds timeout) {
    std::error_code ec;
    set_read_timeout(timeout, ec);
    throw_if(ec, "set the read timeout of mailslot");
  }
  /// set_inheritable(); throws std::system_error.
  /// @param inheritable  whether child processes inherit the handle
  /// @throws std::system_error  with the error the std::error_code form reports
  void set_inheritable(bool inheritable) {
    std::error_code ec;
    set_inheritable(inheritable, ec);
    throw_if(ec, "set the inheritance of mailslot");
  }
#endif

  // --- ownership -----------------------------------------------------------------

  /// Closes the slot (CloseHandle). The server owns no handle afterwards, even
  /// when CloseHandle reports an error; closing an empty server does nothing.
  /// @param ec  cleared on success; otherwise the Win32 error of CloseHandle
  void close(std::error_code& ec) noexcept {
    close_handle([&] { handle_.close(ec); });
    name_ = mailslot::name();
  }

#if MAILSLOT_HAS_EXCEPTIONS
  /// Closes the slot; throws std::system_error if CloseHandle fails (the
  /// server is closed either way).
  /// @throws std::system_error  with the Win32 error of CloseHandle
  void close() {
    std::error_code ec;
    mailslot::name slot = std::move(name_);  // (moved: nothing can throw before the close)
    close(ec);
    detail::throw_if(ec, "close mailslot", slot.string());
  }
#endif

  /// Gives up ownership of the handle without closing it; the server is empty
  /// afterwards. The caller must close the handle.
  ///
  /// A handle that a thread_pool_reader or an Asio server has read stays
  /// bound to that completion port for its life, as Windows has it (the
  /// binding's small state is kept, not freed), and one a thread_pool_reader
  /// has read also keeps FILE_SKIP_COMPLETION_PORT_ON_SUCCESS. Whoever reads
  /// it afterwards with an OVERLAPPED must set the low-order bit of its
  /// hEvent (a valid event handle), as this library's reads do, so that the
  /// completion is not queued to that port: there the thread pool would take
  /// it for its own I/O (Microsoft's CreateThreadpoolIo documentation warns of
  /// memory corruption), and Asio would treat the OVERLAPPED as one of its
  /// operations and crash. Reading it through mailslot::server::adopt() is
  /// always safe. (release() does not refuse a bound handle: handing a handle
  /// on cannot fail, and adopting it again is the usual next step.)
  /// @return the handle; NULL if the server owned none
  [[nodiscard]] HANDLE release() noexcept {
    reader_.leave();               // (a thread_pool_reader of this server stops first)
    (void)reader_.take_binding();  // kept: the handle may still complete through it
    reader_.reset(nullptr);
    name_ = mailslot::name();
    return handle_.release();
  }

  /// Whether the server owns a mailslot handle.
  /// @return true if it does
  [[nodiscard]] bool is_open() const noexcept { return handle_.valid(); }
  /// Same as is_open().
  explicit operator bool() const noexcept { return is_open(); }

  /// The mailslot handle, for Win32 calls the server does not wrap.
  ///
  /// Once a thread_pool_reader or an Asio server has read the handle, it is
  /// bound to a completion port: an overlapped ReadFile on it must set the
  /// low-order bit of its OVERLAPPED's hEvent, or the completion goes to the
  /// reader's port (see release()).
  /// @return the handle, still owned by the server; NULL when not open
  [[nodiscard]] HANDLE native_handle() const noexcept { return handle_.get(); }

  /// The name the server was created with.
  /// @return the name; empty when not open (and for an adopted handle given
  ///         no name)
  [[nodiscard]] const mailslot::name& name() const noexcept { return name_; }

  /// Exchanges the slots (and all state) of two servers.
  /// @param other  the server to exchange with
  void swap(server& other) noexcept {
    reader_.leave();  // (a thread_pool_reader of either stops first)
    other.reader_.leave();
    reader_.swap(other.reader_);
    handle_.swap(other.handle_);
    std::swap(name_, other.name_);
  }
  /// Exchanges the slots of two servers.
  friend void swap(server& a, server& b) noexcept { a.swap(b); }

 private:
#if MAILSLOT_HAS_EXCEPTIONS
  void throw_if(const std::error_code& ec, const char* operation) const {
    if (ec) {  // (the name is spelled out only for the exception)
      detail::throw_error(ec, operation, name_.string());
    }
  }
  // A read into the caller's buffer of `size` bytes: a message that did not
  // fit is reported with both sizes (GetMailslotInfo, on that path only).
  void throw_if_read_into(const std::error_code& ec, std::size_t size) const {
    if (ec == condition::buffer_too_small) {
      std::error_code unknown;
      const auto next = info(unknown).next_message_size;
      detail::throw_error(ec, "read from mailslot", name_.string(),
                          "the buffer has " + std::to_string(size) + " bytes" +
                              (next ? ", the message " + std::to_string(*next) : std::string()) +
                              "; it stays queued");
    }
    throw_if(ec, "read from mailslot");
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

  // Closes the handle with `close`, then ends the handle's binding to a
  // thread pool (thread_pool_reader.hpp), in the order Microsoft's thread pool
  // documentation asks for.
  template <class Close>
  void close_handle(Close close) noexcept {
    reader_.leave();  // (a thread_pool_reader of this server stops first)
    detail::async_binding* binding = reader_.take_binding();
    reader_.reset(nullptr);
    if (binding != nullptr) {
      binding->closing();
    }
    close();
    if (binding != nullptr) {
      binding->unbind();
    }
  }

  // Checks what a try_ read needs before it starts.
  bool deadline_for(std::chrono::milliseconds timeout, std::error_code& ec) const noexcept {
    DWORD ignored = 0;
    if (is_open(ec) && !detail::to_win32_timeout(timeout, ignored)) {
      ec = errc::invalid_timeout;
    }
    return !ec;
  }

  // For the try_ forms: true when no message came, clearing `ec` when none
  // came in time (which is no error).
  static bool no_message(std::error_code& ec) noexcept {
    if (ec == condition::timed_out) {
      ec.clear();
      return true;
    }
    return static_cast<bool>(ec);
  }

  // A new Container holding the next message, sized exactly (see
  // read(Container&)); its capacity is trimmed when recent messages made it
  // more than twice the message.
  template <class Container>
  Container read_owned(detail::deadline until, std::error_code& ec) {
    Container message;
    if (!is_open(ec)) {
      return message;
    }
    const std::size_t size =
        reader_.read(handle_.get(), message, detail::read_state::offer::recent, until, ec);
    if (!ec && size * 2 < message.capacity()) {
#if MAILSLOT_HAS_EXCEPTIONS
      try {
        message.shrink_to_fit();
      } catch (...) {  // NOLINT(bugprone-empty-catch): the message is whole either way
      }
#else
      message.shrink_to_fit();
#endif
    }
    return message;
  }

  detail::unique_handle handle_;
  mailslot::name name_;
  detail::read_state reader_;

  friend struct detail::server_access;
};

namespace detail {
// What the asynchronous readers (thread_pool_reader.hpp) reach of a server:
// its read state, where they keep the handle's binding and claim the server
// while they read.
struct server_access {
  static read_state& state(server& s) noexcept { return s.reader_; }
};
}  // namespace detail

}  // namespace mailslot

#endif
