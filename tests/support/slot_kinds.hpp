#ifndef MAILSLOT_TESTS_SUPPORT_SLOT_KINDS_HPP
#define MAILSLOT_TESTS_SUPPORT_SLOT_KINDS_HPP

// The two kinds of mailslot server handle every reading test runs on.
//
// On Windows, CreateMailslotW returns an asynchronous (overlapped) handle:
// kernel32 calls NtCreateMailslotFile without any FILE_SYNCHRONOUS_IO_*
// option. Wine 10's CreateMailslotW passes FILE_SYNCHRONOUS_IO_NONALERT, so
// under Wine server::create gives a synchronous handle and never runs the
// path Windows users run. The library makes Windows' kind itself when asked
// (server_options::creation = creation::nt_create_mailslot_file); under Wine
// 10 that handle behaves like Windows' own (ERROR_IO_PENDING, CancelIoEx,
// timeouts that pend and then fail).
//
// Reading tests are Catch2 templated test cases over MAILSLOT_TEST_SLOT_KINDS;
// each case's name ends with the kind it ran on:
//   "... - server_create"       mailslot::server::create (CreateMailslotW)
//   "... - nt_create_mailslot"  the same with creation::nt_create_mailslot_file

#include <mailslot/mailslot.hpp>

#include <support/slot_name.hpp>

#include <chrono>
#include <string_view>
#include <system_error>

namespace mailslot_test {

/// A synchronous handle to a new slot `slot`, as Wine's CreateMailslotW makes
/// it (FILE_SYNCHRONOUS_IO_NONALERT), on Windows too; INVALID_HANDLE_VALUE
/// with the Win32 error in `error` on failure.
inline HANDLE synchronous_handle(const mailslot::name& slot, DWORD& error,
                                 DWORD read_timeout_ms = MAILSLOT_WAIT_FOREVER) {
  const HANDLE handle =
      mailslot::detail::nt::create_mailslot(slot.c_str(), 0, read_timeout_ms, nullptr, true);
  error = handle == INVALID_HANDLE_VALUE ? ::GetLastError() : ERROR_SUCCESS;
  return handle;
}

/// FileModeInformation of `handle` (NtQueryInformationFile): 0x10
/// FILE_SYNCHRONOUS_IO_ALERT, 0x20 FILE_SYNCHRONOUS_IO_NONALERT; neither on
/// an asynchronous handle. Returns ~0 if the query fails.
inline ULONG file_mode(HANDLE handle) {
  ULONG mode = 0;
  return mailslot::detail::nt::file_mode(handle, mode) ? mode : ~ULONG{0};
}

/// True if `handle` is asynchronous: no FILE_SYNCHRONOUS_IO_* flag.
inline bool is_asynchronous(HANDLE handle) {
  const ULONG mode = file_mode(handle);
  return mode != ~ULONG{0} && (mode & 0x30U) == 0;
}

/// A handle kind for the templated tests: servers made by mailslot::server::create.
struct server_create {
  static constexpr const wchar_t* id = L"server_create";

  template <class Name>
  static mailslot::server create(const Name& slot, const mailslot::server_options& options,
                                 std::error_code& ec) {
    return mailslot::server::create(slot, options, ec);
  }
  template <class Name>
  static mailslot::server create(const Name& slot, const mailslot::server_options& options = {}) {
    return mailslot::server::create(slot, options);
  }
};

/// A handle kind for the templated tests: servers made as Windows'
/// CreateMailslotW makes them (asynchronous, also under Wine 10), through
/// server_options::creation.
struct nt_create_mailslot {
  static constexpr const wchar_t* id = L"nt_create_mailslot";

  static mailslot::server_options windows_kind(mailslot::server_options options) {
    options.creation = mailslot::creation::nt_create_mailslot_file;
    return options;
  }
  template <class Name>
  static mailslot::server create(const Name& slot, const mailslot::server_options& options,
                                 std::error_code& ec) {
    return mailslot::server::create(slot, windows_kind(options), ec);
  }
  template <class Name>
  static mailslot::server create(const Name& slot, const mailslot::server_options& options = {}) {
    return mailslot::server::create(slot, windows_kind(options));
  }
};

/// A server of kind `Kind` for a fresh unique name, reading with `timeout`
/// (default: no wait).
template <class Kind>
mailslot::server make_server(std::string_view label,
                             std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) {
  return Kind::create(unique_slot_name(label), with_timeout(timeout));
}

}  // namespace mailslot_test

/// The handle kinds of the templated reading tests.
#define MAILSLOT_TEST_SLOT_KINDS mailslot_test::server_create, mailslot_test::nt_create_mailslot

#endif
