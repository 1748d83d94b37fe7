#ifndef MAILSLOT_TESTS_SUPPORT_SLOT_KINDS_HPP
#define MAILSLOT_TESTS_SUPPORT_SLOT_KINDS_HPP

// The two kinds of mailslot server handle every reading test runs on.
//
// On Windows, CreateMailslotW returns an asynchronous (overlapped) handle:
// kernel32 calls NtCreateMailslotFile without any FILE_SYNCHRONOUS_IO_*
// option. Wine 10's CreateMailslotW passes FILE_SYNCHRONOUS_IO_NONALERT, so
// under Wine server::create gives a synchronous handle and never runs the
// path Windows users run. nt_create_mailslot() makes the handle the way
// Windows' kernel32 does; under Wine 10 it behaves like Windows' own
// (ERROR_IO_PENDING, CancelIoEx, timeouts that pend and then fail).
//
// Reading tests are Catch2 templated test cases over MAILSLOT_TEST_SLOT_KINDS;
// each case's name ends with the kind it ran on:
//   "... - server_create"       mailslot::server::create (CreateMailslotW)
//   "... - nt_create_mailslot"  a Windows-kind handle adopted by mailslot::server

#include <mailslot/mailslot.hpp>

#include <support/slot_name.hpp>

#include <sddl.h>
#include <winternl.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

// ntdll's export; MinGW-w64's winternl.h and the Windows SDK's user-mode
// headers do not declare it (tests/CMakeLists.txt links ntdll).
extern "C" NTSTATUS NTAPI NtCreateMailslotFile(PHANDLE handle, ULONG access,
                                               POBJECT_ATTRIBUTES attributes,
                                               PIO_STATUS_BLOCK status, ULONG create_options,
                                               ULONG mailslot_quota, ULONG max_message_size,
                                               PLARGE_INTEGER read_timeout);
extern "C" ULONG NTAPI RtlNtStatusToDosError(NTSTATUS status);

namespace mailslot_test {

/// Creates the mailslot `slot` as Windows' CreateMailslotW does (an
/// asynchronous handle): the Win32 name with `\\.\` turned into `\??\`,
/// case-insensitive, the read timeout in 100 ns units (negative: relative; the
/// largest value: forever), an optional security descriptor. With
/// `synchronous`, FILE_SYNCHRONOUS_IO_NONALERT makes a synchronous handle
/// instead (as Wine's CreateMailslotW does). Returns the handle, or
/// INVALID_HANDLE_VALUE with the Win32 error in `error`.
inline HANDLE nt_create_mailslot_handle(const mailslot::name& slot, DWORD max_message_size,
                                        DWORD read_timeout_ms, SECURITY_ATTRIBUTES* attributes,
                                        DWORD& error, bool synchronous = false) {
  std::wstring path = slot.wstring();
  if (path.rfind(L"\\\\.\\", 0) != 0) {
    error = ERROR_INVALID_NAME;
    return INVALID_HANDLE_VALUE;
  }
  path.replace(0, 4, L"\\??\\");
  UNICODE_STRING name{};
  name.Buffer = path.data();
  name.Length = static_cast<USHORT>(path.size() * sizeof(wchar_t));
  name.MaximumLength = name.Length;
  OBJECT_ATTRIBUTES object{};
  object.Length = sizeof(object);
  object.ObjectName = &name;
  object.Attributes = OBJ_CASE_INSENSITIVE;
  if (attributes != nullptr) {
    object.SecurityDescriptor = attributes->lpSecurityDescriptor;
    if (attributes->bInheritHandle != FALSE) {
      object.Attributes |= OBJ_INHERIT;
    }
  }
  LARGE_INTEGER timeout{};
  timeout.QuadPart = read_timeout_ms == MAILSLOT_WAIT_FOREVER
                         ? INT64_MAX
                         : -static_cast<LONGLONG>(read_timeout_ms) * 10000;
  IO_STATUS_BLOCK status{};
  HANDLE handle = nullptr;
  // What kernel32 asks for; no FILE_SYNCHRONOUS_IO_* option: asynchronous.
  constexpr ULONG synchronous_io_nonalert = 0x20;
  const NTSTATUS result =
      NtCreateMailslotFile(&handle, GENERIC_READ | SYNCHRONIZE | WRITE_DAC, &object, &status,
                           FILE_WRITE_THROUGH | (synchronous ? synchronous_io_nonalert : 0U), 0,
                           max_message_size, &timeout);
  if (result < 0) {
    error = RtlNtStatusToDosError(result);
    return INVALID_HANDLE_VALUE;
  }
  error = ERROR_SUCCESS;
  return handle;
}

/// FileModeInformation of `handle` (NtQueryInformationFile): 0x10
/// FILE_SYNCHRONOUS_IO_ALERT, 0x20 FILE_SYNCHRONOUS_IO_NONALERT; neither on
/// an asynchronous handle. Returns ~0 if the query fails.
inline ULONG file_mode(HANDLE handle) {
  IO_STATUS_BLOCK status{};
  ULONG mode = 0;
  constexpr int file_mode_information = 16;
  const NTSTATUS result =
      NtQueryInformationFile(handle, &status, &mode, sizeof(mode),
                             static_cast<FILE_INFORMATION_CLASS>(file_mode_information));
  return result < 0 ? ~ULONG{0} : mode;
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

/// A handle kind for the templated tests: servers adopting a handle made as
/// Windows' CreateMailslotW makes it (asynchronous, also under Wine 10).
struct nt_create_mailslot {
  static constexpr const wchar_t* id = L"nt_create_mailslot";

  static mailslot::server create(const mailslot::name& slot,
                                 const mailslot::server_options& options, std::error_code& ec) {
    ec.clear();
    DWORD timeout = MAILSLOT_WAIT_FOREVER;
    if (options.read_timeout != mailslot::wait_forever) {
      timeout = static_cast<DWORD>(options.read_timeout.count());
    }
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    if (!options.security_descriptor.empty()) {
      const std::wstring sddl(options.security_descriptor.begin(),
                              options.security_descriptor.end());
      if (::ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1,
                                                                 &descriptor, nullptr) == FALSE) {
        ec = mailslot::errc::invalid_security_descriptor;
        return {};
      }
    }
    SECURITY_ATTRIBUTES attributes{sizeof(SECURITY_ATTRIBUTES), descriptor,
                                   options.inheritable ? TRUE : FALSE};
    DWORD error = 0;
    HANDLE handle =
        nt_create_mailslot_handle(slot, options.max_message_size, timeout, &attributes, error);
    if (descriptor != nullptr) {
      ::LocalFree(descriptor);
    }
    if (handle == INVALID_HANDLE_VALUE) {
      ec.assign(static_cast<int>(error), std::system_category());
      return {};
    }
    return mailslot::server::adopt(handle, slot);
  }
  static mailslot::server create(std::string_view slot, const mailslot::server_options& options,
                                 std::error_code& ec) {
    const auto parsed = mailslot::name::parse(slot, ec);
    return ec ? mailslot::server() : create(parsed, options, ec);
  }
  template <class Name>
  static mailslot::server create(const Name& slot, const mailslot::server_options& options = {}) {
    std::error_code ec;
    auto server = create(slot, options, ec);
    if (ec) {
      throw std::system_error(ec, "NtCreateMailslotFile");
    }
    return server;
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
