#ifndef MAILSLOT_ERROR_HPP
#define MAILSLOT_ERROR_HPP

/// @file
/// Errors. Two kinds of std::error_code come out of the library:
///  - mailslot::errc, in the "mailslot" category: what the library detects
///    itself, before or instead of calling Windows;
///  - Win32 error codes in std::system_category(): what Windows reported,
///    unchanged.
///
/// mailslot::condition answers the questions callers ask of either kind
/// ("was this a timeout?") the same way with every standard library.

#include <mailslot/detail/config.hpp>

#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace mailslot {

/// Errors the library detects itself.
enum class errc {
  /// The object owns no handle: default-constructed, closed, released or moved from.
  not_open = 1,
  /// The mailslot name breaks the grammar (see mailslot::name).
  invalid_name,
  /// The mailslot name is longer than Windows accepts (259 UTF-16 code units).
  name_too_long,
  /// A server was asked to create a name that is not local (`\\.\mailslot\...`).
  server_name_not_local,
  /// The message is larger than its destination allows: message_size_limit()
  /// for a name that leaves the machine (424 bytes or less), 2^32 - 1 bytes
  /// for any message; or, read by a server, larger than the slot's maximum.
  message_too_large,
  /// A timeout is negative or too long for Windows (2^32 - 2 ms at most).
  invalid_timeout,
  /// Windows accepted fewer bytes than the message holds.
  short_write,
  /// The read was stopped by server::stop_reading().
  cancelled,
  /// The security descriptor is not valid SDDL.
  invalid_security_descriptor,
  /// The server's handle does synchronous I/O (Wine's CreateMailslotW makes
  /// one), so it cannot be read asynchronously.
  synchronous_handle,
  /// The server's handle is already bound to a thread pool or an I/O
  /// completion port; Windows binds a handle once, for its whole life.
  already_bound,
  /// The slot a client opened is owned by another account than the one the
  /// client required (client_options::required_owner): another process may
  /// have created the name first. Nothing was written.
  unexpected_owner,
  /// A client was asked to check the owner of a slot that is not local; only
  /// a local slot's owner can be asked.
  owner_check_not_local,
};

/// Questions about an error, answered for both the library's codes and the
/// Win32 codes Windows reports.
///
/// Compare: `if (ec == mailslot::condition::timed_out)`.
enum class condition {
  /// No message arrived within the read timeout (ERROR_SEM_TIMEOUT,
  /// WAIT_TIMEOUT, ERROR_TIMEOUT).
  timed_out = 1,
  /// No mailslot of that name exists (ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND,
  /// ERROR_BAD_NETPATH).
  not_found,
  /// A mailslot of that name already exists (ERROR_ALREADY_EXISTS, ERROR_FILE_EXISTS).
  already_exists,
  /// The buffer is smaller than the next message, which stays queued
  /// (ERROR_INSUFFICIENT_BUFFER, ERROR_MORE_DATA).
  buffer_too_small,
  /// Remote mailslots are disabled on this machine
  /// (ERROR_REMOTE_MAILSLOTS_DEPRECATED, 3025; Windows 11 24H2 and later).
  remote_mailslots_disabled,
  /// The message is too large for its destination (mailslot::errc::message_too_large).
  message_too_large,
  /// The name is not a valid mailslot name, by the library's grammar or by
  /// Windows' (errc::invalid_name, errc::name_too_long, errc::server_name_not_local,
  /// ERROR_INVALID_NAME, ERROR_FILENAME_EXCED_RANGE).
  invalid_name,
  /// Access was refused: wrong direction (writing to a server, reading from a
  /// client) or the security descriptor (ERROR_ACCESS_DENIED).
  access_denied,
  /// The operation was cancelled (errc::cancelled, ERROR_OPERATION_ABORTED).
  cancelled,
  /// Memory ran out (ERROR_NOT_ENOUGH_MEMORY, ERROR_OUTOFMEMORY,
  /// std::errc::not_enough_memory): what every error_code form reports for
  /// an allocation that failed, rather than throw std::bad_alloc.
  not_enough_memory,
};

namespace detail {

// The Win32 codes the conditions recognise (winerror.h values; this header
// does not include <windows.h>).
namespace win32 {
inline constexpr int file_not_found = 2;                  // ERROR_FILE_NOT_FOUND
inline constexpr int not_enough_memory = 8;               // ERROR_NOT_ENOUGH_MEMORY
inline constexpr int outofmemory = 14;                    // ERROR_OUTOFMEMORY
inline constexpr int path_not_found = 3;                  // ERROR_PATH_NOT_FOUND
inline constexpr int access_denied = 5;                   // ERROR_ACCESS_DENIED
inline constexpr int bad_netpath = 53;                    // ERROR_BAD_NETPATH
inline constexpr int file_exists = 80;                    // ERROR_FILE_EXISTS
inline constexpr int sem_timeout = 121;                   // ERROR_SEM_TIMEOUT
inline constexpr int insufficient_buffer = 122;           // ERROR_INSUFFICIENT_BUFFER
inline constexpr int invalid_name = 123;                  // ERROR_INVALID_NAME
inline constexpr int already_exists = 183;                // ERROR_ALREADY_EXISTS
inline constexpr int filename_exced_range = 206;          // ERROR_FILENAME_EXCED_RANGE
inline constexpr int more_data = 234;                     // ERROR_MORE_DATA
inline constexpr int wait_timeout = 258;                  // WAIT_TIMEOUT
inline constexpr int operation_aborted = 995;             // ERROR_OPERATION_ABORTED
inline constexpr int timeout = 1460;                      // ERROR_TIMEOUT
inline constexpr int remote_mailslots_deprecated = 3025;  // ERROR_REMOTE_MAILSLOTS_DEPRECATED
}  // namespace win32

class error_category_impl final : public std::error_category {
 public:
  [[nodiscard]] const char* name() const noexcept override { return "mailslot"; }

  [[nodiscard]] std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::not_open:
        return "the mailslot object is not open (default-constructed, closed, released or moved "
               "from)";
      case errc::invalid_name:
        return "invalid mailslot name (mailslot::name::explain() says what is wrong and where)";
      case errc::name_too_long:
        return "mailslot name too long (at most 259 UTF-16 code units)";
      case errc::server_name_not_local:
        return R"(a mailslot server can only create a local name (\\.\mailslot\...))";
      case errc::message_too_large:
        return "message too large for the destination (at most 424 bytes to another computer or a "
               "domain, less for a long slot name) or for the slot's maximum";
      case errc::invalid_timeout:
        return "invalid timeout: negative, or too long for Windows";
      case errc::short_write:
        return "the message was not written whole";
      case errc::cancelled:
        return "the read was stopped (server::stop_reading())";
      case errc::invalid_security_descriptor:
        return "invalid security descriptor (not valid SDDL)";
      case errc::synchronous_handle:
        return "the mailslot handle does synchronous I/O and cannot be read asynchronously "
               "(Windows' "
               "own CreateMailslotW handle is asynchronous; Wine's is not)";
      case errc::already_bound:
        return "the mailslot handle is already bound to a thread pool or an I/O completion port";
      case errc::unexpected_owner:
        return "the mailslot is owned by another account than the one required (another process "
               "may have created it first)";
      case errc::owner_check_not_local:
        return "only a local mailslot's owner can be checked";
    }
    return "unknown mailslot error " + std::to_string(value);
  }

  [[nodiscard]] std::error_condition default_error_condition(int value) const noexcept override {
    switch (static_cast<errc>(value)) {
      case errc::not_open:
        return std::errc::bad_file_descriptor;
      case errc::invalid_name:
      case errc::server_name_not_local:
      case errc::invalid_timeout:
      case errc::invalid_security_descriptor:
        return std::errc::invalid_argument;
      case errc::cancelled:
        return std::errc::operation_canceled;
      case errc::name_too_long:
        return std::errc::filename_too_long;
      case errc::message_too_large:
        return std::errc::message_size;
      case errc::short_write:
        return std::errc::io_error;
      case errc::synchronous_handle:
        return std::errc::operation_not_supported;
      case errc::already_bound:
        return std::errc::device_or_resource_busy;
      case errc::unexpected_owner:
        return std::errc::permission_denied;
      case errc::owner_check_not_local:
        return std::errc::invalid_argument;
    }
    return {value, *this};
  }
};

}  // namespace detail

/// The category of mailslot::errc values; its name() is "mailslot".
///
/// One object per module: on Windows, a DLL and the program that loads it
/// each have their own, and std::error_code compares categories by address.
/// mailslot::condition comparisons also match by name and work across them.
/// @return the category object of this module
[[nodiscard]] inline const std::error_category& error_category() noexcept {
  static const detail::error_category_impl category;
  return category;
}

/// Makes a std::error_code in mailslot::error_category(). (std::error_code
/// finds it by argument-dependent lookup, so an errc converts implicitly.)
/// @param e  the error
/// @return the error code
[[nodiscard]] inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

namespace detail {

/// What an error_code form reports for an allocation that failed:
/// ERROR_NOT_ENOUGH_MEMORY on Windows (as Windows' own calls report it),
/// std::errc::not_enough_memory elsewhere. condition::not_enough_memory
/// matches both.
[[nodiscard]] inline std::error_code out_of_memory() noexcept {
#if defined(_WIN32)
  return {8, std::system_category()};  // ERROR_NOT_ENOUGH_MEMORY
#else
  return std::make_error_code(std::errc::not_enough_memory);
#endif
}

/// Runs the body of an error_code form: a std::bad_alloc from it (or a
/// container's std::length_error) is reported in `ec` as out_of_memory(),
/// and the form returns what a value-initialised result is. The library's
/// rule: no error_code form throws for want of memory.
template <class Body>
auto reporting_out_of_memory(std::error_code& ec, Body&& body) -> decltype(body()) {
#if MAILSLOT_HAS_EXCEPTIONS
  try {
    return body();
  } catch (const std::bad_alloc&) {
    ec = out_of_memory();
  } catch (const std::length_error&) {
    ec = out_of_memory();
  }
  return decltype(body())();
#else
  (void)ec;
  return body();
#endif
}

// Whether the Win32 error `code` means condition `c` (compared by value).
inline bool matches_win32(condition c, int code) noexcept {
  switch (c) {
    case condition::timed_out:
      return code == win32::sem_timeout || code == win32::wait_timeout || code == win32::timeout;
    case condition::not_found:
      return code == win32::file_not_found || code == win32::path_not_found ||
             code == win32::bad_netpath;
    case condition::already_exists:
      return code == win32::already_exists || code == win32::file_exists;
    case condition::buffer_too_small:
      return code == win32::insufficient_buffer || code == win32::more_data;
    case condition::remote_mailslots_disabled:
      return code == win32::remote_mailslots_deprecated;
    case condition::invalid_name:
      return code == win32::invalid_name || code == win32::filename_exced_range;
    case condition::access_denied:
      return code == win32::access_denied;
    case condition::cancelled:
      return code == win32::operation_aborted;
    case condition::not_enough_memory:
      return code == win32::not_enough_memory || code == win32::outofmemory;
    case condition::message_too_large:
      return false;
  }
  return false;
}

class condition_category_impl final : public std::error_category {
 public:
  [[nodiscard]] const char* name() const noexcept override { return "mailslot.condition"; }

  [[nodiscard]] std::string message(int value) const override {
    switch (static_cast<condition>(value)) {
      case condition::timed_out:
        return "no message arrived within the timeout";
      case condition::not_found:
        return "no such mailslot (or, for another computer's, it cannot be reached)";
      case condition::already_exists:
        return "a mailslot of that name already exists";
      case condition::buffer_too_small:
        return "the buffer is smaller than the next message";
      case condition::remote_mailslots_disabled:
        return "remote mailslots are disabled on this machine";
      case condition::message_too_large:
        return "message too large for the destination";
      case condition::invalid_name:
        return "invalid mailslot name";
      case condition::access_denied:
        return "access denied";
      case condition::cancelled:
        return "the operation was cancelled";
      case condition::not_enough_memory:
        return "not enough memory";
    }
    return "unknown mailslot condition " + std::to_string(value);
  }

  [[nodiscard]] bool equivalent(const std::error_code& code, int value) const noexcept override {
#if defined(_WIN32)
    // Win32 codes are compared by value, never through the standard library's
    // own mapping to std::errc, which differs between MSVC and MinGW. They
    // come in the standard library's system category, in Asio's own
    // ("asio.system", from an I/O completion port) and in Boost's (converted
    // to std::error_code, a category that is not the standard one but has its
    // name).
    const std::string_view category = code.category().name();
    if (code.category() == std::system_category() || category == "system" ||
        category == "asio.system") {
      return matches_win32(static_cast<condition>(value), code.value());
    }
#endif
    if (code.category() == std::generic_category()) {
      return static_cast<condition>(value) == condition::not_enough_memory &&
             code == std::errc::not_enough_memory;
    }
    // By name as well as by identity: on Windows each DLL that includes this
    // header has its own category object.
    if (code.category() == mailslot::error_category() ||
        std::string_view(code.category().name()) == mailslot::error_category().name()) {
      return matches_errc(static_cast<condition>(value), static_cast<errc>(code.value()));
    }
    return false;
  }

  static bool matches_errc(condition c, errc e) noexcept {
    switch (c) {
      case condition::message_too_large:
        return e == errc::message_too_large;
      case condition::cancelled:
        return e == errc::cancelled;
      case condition::invalid_name:
        return e == errc::invalid_name || e == errc::name_too_long ||
               e == errc::server_name_not_local;
      default:
        return false;
    }
  }
};

}  // namespace detail

/// The category of mailslot::condition values; its name() is "mailslot.condition".
/// @return the category object of this module
[[nodiscard]] inline const std::error_category& condition_category() noexcept {
  static const detail::condition_category_impl category;
  return category;
}

/// Makes a std::error_condition in mailslot::condition_category(). (Found by
/// argument-dependent lookup, so `ec == mailslot::condition::timed_out` works.)
/// @param c  the condition
/// @return the error condition
[[nodiscard]] inline std::error_condition make_error_condition(condition c) noexcept {
  return {static_cast<int>(c), condition_category()};
}

}  // namespace mailslot

namespace std {
template <>
struct is_error_code_enum<mailslot::errc> : true_type {};
template <>
struct is_error_condition_enum<mailslot::condition> : true_type {};
}  // namespace std

#if MAILSLOT_HAS_EXCEPTIONS
namespace mailslot {

/// What the throwing forms throw: a std::system_error whose what() names the
/// operation and the slot, and says what went wrong in the library's words
/// where it has them (the conditions': "no message arrived within the
/// timeout" rather than Windows' "The semaphore timeout period has
/// expired."), with the Win32 code in parentheses. code() is the same
/// std::error_code the std::error_code form reports.
class error : public std::system_error {
 public:
  /// @param ec    what the std::error_code form reports
  /// @param what  the whole message what() returns
  error(const std::error_code& ec, const std::string& what)
      : std::system_error(ec, what), what_(what) {}
  /// @return the message given at construction
  [[nodiscard]] const char* what() const noexcept override { return what_.what(); }

 private:
  std::runtime_error what_;  // (its copy never throws, as an exception's must not)
};

}  // namespace mailslot

namespace mailslot::detail {

/// What went wrong, in the library's words where it has them: its own
/// errors' messages, or the message of the condition a Win32 code matches;
/// Windows' own text otherwise. A Win32 code is given in parentheses.
inline std::string describe(const std::error_code& ec) {
  if (ec.category() == error_category()) {
    return ec.message();
  }
  std::string text;
  for (const condition c :
       {condition::timed_out, condition::not_found, condition::already_exists,
        condition::buffer_too_small, condition::remote_mailslots_disabled, condition::invalid_name,
        condition::access_denied, condition::cancelled}) {
    if (ec == c) {
      text = make_error_condition(c).message();
      break;
    }
  }
  if (text.empty()) {
    text = ec.message();  // no condition names it: Windows' own words
  }
  if (ec.category() == std::system_category()) {
    text += " (Windows error " + std::to_string(ec.value()) + ")";
  }
  return text;
}

/// Throws mailslot::error for `ec`: `operation "slot": what went wrong` (and
/// `more`, if given, after it).
[[noreturn]] inline void throw_error(const std::error_code& ec, std::string_view operation,
                                     std::string_view slot, std::string_view more = {}) {
  std::string what(operation);
  if (!slot.empty()) {
    what.append(" \"").append(slot).append("\"");
  }
  what.append(": ").append(describe(ec));
  if (!more.empty()) {
    what.append("; ").append(more);
  }
  throw error(ec, what);
}

inline void throw_if(const std::error_code& ec, std::string_view operation, std::string_view slot) {
  if (ec) {
    throw_error(ec, operation, slot);
  }
}

}  // namespace mailslot::detail
#endif

#endif
