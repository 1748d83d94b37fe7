#ifndef MAILSLOT_DETAIL_NTDLL_HPP
#define MAILSLOT_DETAIL_NTDLL_HPP

// The two native calls the library makes: NtQueryInformationFile (is a handle
// synchronous?) and NtCreateMailslotFile (a slot made as Windows' kernel32
// makes it). Both are looked up in ntdll at run time, so that nothing more is
// linked (CMake and pkg-config users alike), and neither needs <winternl.h>,
// whose declarations differ between the Windows SDK and MinGW-w64: the few
// structures they take are declared here, with the layout Windows gives them.

#include <mailslot/detail/windows.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace mailslot::detail::nt {

using status = LONG;  // NTSTATUS

struct io_status_block {
  union {
    status code;
    void* pointer;
  };
  ULONG_PTR information;
};

struct unicode_string {
  USHORT length;          // in bytes, without a terminator
  USHORT maximum_length;  // in bytes
  wchar_t* buffer;
};

struct object_attributes {
  ULONG length;
  HANDLE root_directory;
  unicode_string* object_name;
  ULONG attributes;
  void* security_descriptor;
  void* security_quality_of_service;
};

inline constexpr ULONG obj_inherit = 0x2;
inline constexpr ULONG obj_case_insensitive = 0x40;
inline constexpr ULONG file_write_through = 0x2;
inline constexpr ULONG file_synchronous_io_alert = 0x10;
inline constexpr ULONG file_synchronous_io_nonalert = 0x20;
inline constexpr int file_mode_information = 16;

static_assert(sizeof(unicode_string) == 2 * sizeof(void*), "UNICODE_STRING's layout");
static_assert(sizeof(object_attributes) == 6 * sizeof(void*), "OBJECT_ATTRIBUTES' layout");
static_assert(sizeof(io_status_block) == 2 * sizeof(void*), "IO_STATUS_BLOCK's layout");

/// `name`'s address in ntdll, or nullptr if it cannot be found. Looked up
/// once and kept in `cache`; a lookup that fails is tried again the next
/// time, never remembered.
template <class Function>
Function find(std::atomic<Function>& cache, const char* name) noexcept {
  Function function = cache.load(std::memory_order_acquire);
  if (function == nullptr) {
    const HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
    // (Through void(*)(), which every function pointer type converts from
    // without a warning.)
    function = reinterpret_cast<Function>(
        reinterpret_cast<void (*)()>(ntdll == nullptr ? nullptr : ::GetProcAddress(ntdll, name)));
    cache.store(function, std::memory_order_release);
  }
  return function;
}

/// FileModeInformation of `handle` (NtQueryInformationFile); false if it
/// cannot be asked.
inline bool file_mode(HANDLE handle, ULONG& mode) noexcept {
  using query_function = status(WINAPI*)(HANDLE, io_status_block*, void*, ULONG, int);
  static std::atomic<query_function> cache{nullptr};
  const query_function query = find(cache, "NtQueryInformationFile");
  io_status_block io{};
  mode = 0;
  return query != nullptr && query(handle, &io, &mode, sizeof(mode), file_mode_information) >= 0;
}

/// CreateMailslotW as Windows' kernel32 implements it: NtCreateMailslotFile
/// with no FILE_SYNCHRONOUS_IO_* option, so that the handle is asynchronous
/// (overlapped) wherever it runs, Wine included, whose own CreateMailslotW
/// asks for a synchronous one. The same contract as CreateMailslotW: the
/// handle, or INVALID_HANDLE_VALUE with GetLastError (the NTSTATUS as
/// Windows translates it; ERROR_PROC_NOT_FOUND if ntdll lacks the function).
/// `name` is a validated local name, `\\.\mailslot\...`, whose NT form is
/// `\??\mailslot\...`. (`synchronous` asks for what Wine's CreateMailslotW
/// makes, FILE_SYNCHRONOUS_IO_NONALERT: the tests need that kind on Windows.)
inline HANDLE create_mailslot(const wchar_t* name, DWORD max_message_size, DWORD read_timeout,
                              const SECURITY_ATTRIBUTES* attributes,
                              bool synchronous = false) noexcept {
  using create_function = status(WINAPI*)(HANDLE*, ULONG, object_attributes*, io_status_block*,
                                          ULONG, ULONG, ULONG, LARGE_INTEGER*);
  using translate_function = ULONG(WINAPI*)(status);
  static std::atomic<create_function> create_cache{nullptr};
  static std::atomic<translate_function> translate_cache{nullptr};
  const create_function create = find(create_cache, "NtCreateMailslotFile");
  const translate_function translate = find(translate_cache, "RtlNtStatusToDosError");
  if (create == nullptr || translate == nullptr) {
    ::SetLastError(ERROR_PROC_NOT_FOUND);
    return INVALID_HANDLE_VALUE;
  }
  // \\.\mailslot\x becomes \??\mailslot\x (at most 259 + 1 units: no allocation
  // needed, and nothing here can throw).
  wchar_t path[MAX_PATH + 1] = L"\\??\\";
  std::size_t length = 4;
  for (const wchar_t* c = name + 4; *c != L'\0'; ++c) {
    if (length == MAX_PATH) {
      ::SetLastError(ERROR_FILENAME_EXCED_RANGE);
      return INVALID_HANDLE_VALUE;
    }
    path[length++] = *c;
  }
  unicode_string nt_name{static_cast<USHORT>(length * sizeof(wchar_t)),
                         static_cast<USHORT>(length * sizeof(wchar_t)), path};
  object_attributes object{sizeof(object_attributes), nullptr, &nt_name,
                           obj_case_insensitive,      nullptr, nullptr};
  if (attributes != nullptr) {
    object.security_descriptor = attributes->lpSecurityDescriptor;
    if (attributes->bInheritHandle != FALSE) {
      object.attributes |= obj_inherit;
    }
  }
  // 100 ns units, negative for a relative time; the largest value waits forever.
  LARGE_INTEGER timeout{};
  timeout.QuadPart = read_timeout == MAILSLOT_WAIT_FOREVER
                         ? INT64_MAX
                         : -static_cast<LONGLONG>(read_timeout) * 10000;
  io_status_block io{};
  HANDLE handle = nullptr;
  const status result =
      create(&handle, GENERIC_READ | SYNCHRONIZE | WRITE_DAC, &object, &io,
             file_write_through | (synchronous ? file_synchronous_io_nonalert : 0U), 0,
             max_message_size, &timeout);
  if (result < 0) {
    ::SetLastError(translate(result));
    return INVALID_HANDLE_VALUE;
  }
  return handle;
}

}  // namespace mailslot::detail::nt

#endif
