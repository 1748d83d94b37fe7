// The interception behind tests/fault/fault.hpp: a replacement for each Win32
// function the library calls (through the program's import table, see
// tests/support/import_patch.hpp), the global operator new, and the record of
// open handles.
//
// Each replacement fails as the function fails on Windows, having done
// nothing: it returns the function's failure value with a plausible error
// and never calls through. CloseHandle is the exception: its handle is closed
// all the same (as Windows closes it also when the close reports an error),
// and the failure is reported. Functions that cannot fail (void ones,
// locks, GetLastError, ...), or whose only failure is a statement about an
// I/O the caller started (CancelIoEx's ERROR_NOT_FOUND says the read has
// already ended; GetOverlappedResult with bWait reports the read's own
// result), are not made to fail: a lie there would be the harness's fault,
// not the library's. Faults in the read itself are ReadFile's.

#include <fault/fault.hpp>
#include <support/import_patch.hpp>

#include <aclapi.h>
#include <sddl.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <mutex>
#include <new>
#include <string>

namespace mailslot_fault {
namespace {

// --- counting ------------------------------------------------------------------------------

constexpr int not_armed = -1;
std::atomic<int> armed{not_armed};  // the target being counted
std::atomic<long long> counter{0};
std::atomic<long long> fail_at{0};
std::atomic<bool> fired{false};      // the failure has been claimed
std::atomic<bool> published{false};  // ... and `fault` written
injected fault;                      // written once per run, by the call that claims the failure

// How many `outside` guards the calling thread holds. In Windows' own TLS,
// not C++ thread_local: MinGW's emulated TLS initialises a variable on a
// thread's first use with calls (DuplicateHandle, for a thread pool thread
// winpthread has not seen) that come back here.
DWORD outside_slot() noexcept {
  static const DWORD slot = [] {
    const DWORD made = ::TlsAlloc();
    if (made == TLS_OUT_OF_INDEXES) {
      std::abort();  // (no way to tell the test's calls from the library's)
    }
    return made;
  }();
  return slot;
}

int outside_depth() noexcept {
  const DWORD saved = ::GetLastError();  // (TlsGetValue clears it)
  const auto depth = reinterpret_cast<std::intptr_t>(::TlsGetValue(outside_slot()));
  ::SetLastError(saved);
  return static_cast<int>(depth);
}

void add_outside(int change) noexcept {
  const DWORD saved = ::GetLastError();
  ::TlsSetValue(outside_slot(),
                reinterpret_cast<void*>(static_cast<std::intptr_t>(outside_depth() + change)));
  ::SetLastError(saved);
}

// True if this call is the one to fail (and records it).
bool fail_now(target what, const char* function, DWORD error) noexcept {
  if (armed.load(std::memory_order_acquire) != static_cast<int>(what) || outside_depth() != 0) {
    return false;
  }
  const long long n = counter.fetch_add(1) + 1;
  if (n != fail_at.load() || fired.exchange(true)) {
    return false;
  }
  fault = injected{what, function, error, n};
  published.store(true, std::memory_order_release);
  return true;
}

// A Win32 call that is the one to fail: sets `error` as the last error.
bool fails(const char* function, DWORD error) noexcept {
  if (!fail_now(target::win32, function, error)) {
    return false;
  }
  ::SetLastError(error);
  return true;
}

// --- open handles --------------------------------------------------------------------------

struct open_handle {
  HANDLE handle = nullptr;
  const char* made_by = nullptr;
};
SRWLOCK handles_lock = SRWLOCK_INIT;
open_handle handles[4096];
bool handles_overflowed = false;     // (under the lock)
std::atomic<long> failed_closes{0};  // real CloseHandle failures: a handle closed twice

// (Handles made by the test's own code, inside `outside`, are not recorded:
// winpthread, for one, keeps a duplicate of each pool thread's handle that
// runs a callback using std::mutex.)
void record(HANDLE handle, const char* made_by, bool even_outside = false) noexcept {
  if (handle == nullptr || handle == INVALID_HANDLE_VALUE ||
      (outside_depth() != 0 && !even_outside)) {
    return;
  }
  ::AcquireSRWLockExclusive(&handles_lock);
  bool kept = false;
  for (auto& slot : handles) {
    if (slot.handle == nullptr) {
      slot = {handle, made_by};
      kept = true;
      break;
    }
  }
  handles_overflowed = handles_overflowed || !kept;
  ::ReleaseSRWLockExclusive(&handles_lock);
}

void forget(HANDLE handle) noexcept {
  ::AcquireSRWLockExclusive(&handles_lock);
  for (auto& slot : handles) {
    if (slot.handle == handle) {
      slot = {};
      break;
    }
  }
  ::ReleaseSRWLockExclusive(&handles_lock);
}

// --- the replacements ----------------------------------------------------------------------

// Each replacement: the Win32 signature, the failure, the call through to the
// original (real_*, filled in by install()).
decltype(&::CreateMailslotW) real_create_mailslot = nullptr;
HANDLE WINAPI fake_create_mailslot(LPCWSTR name, DWORD max_size, DWORD timeout,
                                   LPSECURITY_ATTRIBUTES attributes) {
  if (fails("CreateMailslotW", ERROR_NO_SYSTEM_RESOURCES)) {
    return INVALID_HANDLE_VALUE;
  }
  HANDLE made = real_create_mailslot(name, max_size, timeout, attributes);
  record(made, "CreateMailslotW");
  return made;
}

decltype(&::CreateFileW) real_create_file = nullptr;
HANDLE WINAPI fake_create_file(LPCWSTR name, DWORD access, DWORD share,
                               LPSECURITY_ATTRIBUTES attributes, DWORD disposition, DWORD flags,
                               HANDLE model) {
  if (fails("CreateFileW", ERROR_ACCESS_DENIED)) {
    return INVALID_HANDLE_VALUE;
  }
  HANDLE made = real_create_file(name, access, share, attributes, disposition, flags, model);
  record(made, "CreateFileW");
  return made;
}

decltype(&::CreateEventW) real_create_event = nullptr;
HANDLE WINAPI fake_create_event(LPSECURITY_ATTRIBUTES attributes, BOOL manual, BOOL initial,
                                LPCWSTR name) {
  if (fails("CreateEventW", ERROR_NO_SYSTEM_RESOURCES)) {
    return nullptr;
  }
  HANDLE made = real_create_event(attributes, manual, initial, name);
  record(made, "CreateEventW");
  return made;
}

decltype(&::DuplicateHandle) real_duplicate_handle = nullptr;
BOOL WINAPI fake_duplicate_handle(HANDLE source_process, HANDLE source, HANDLE target_process,
                                  LPHANDLE target, DWORD access, BOOL inherit, DWORD options) {
  if (fails("DuplicateHandle", ERROR_NO_SYSTEM_RESOURCES)) {
    return FALSE;
  }
  const BOOL done = real_duplicate_handle(source_process, source, target_process, target, access,
                                          inherit, options);
  if (done != FALSE && target != nullptr) {
    record(*target, "DuplicateHandle");
  }
  return done;
}

decltype(&::CloseHandle) real_close_handle = nullptr;
BOOL WINAPI fake_close_handle(HANDLE handle) {
  const bool fail = fail_now(target::win32, "CloseHandle", ERROR_INVALID_HANDLE);
  const BOOL closed = real_close_handle(handle);
  if (closed != FALSE) {
    forget(handle);
  } else {
    failed_closes.fetch_add(1);
  }
  if (fail) {
    ::SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  return closed;
}

decltype(&::ReadFile) real_read_file = nullptr;
BOOL WINAPI fake_read_file(HANDLE handle, LPVOID buffer, DWORD size, LPDWORD received,
                           LPOVERLAPPED overlapped) {
  if (fails("ReadFile", ERROR_NO_SYSTEM_RESOURCES)) {
    return FALSE;
  }
  return real_read_file(handle, buffer, size, received, overlapped);
}

decltype(&::WriteFile) real_write_file = nullptr;
BOOL WINAPI fake_write_file(HANDLE handle, LPCVOID data, DWORD size, LPDWORD written,
                            LPOVERLAPPED overlapped) {
  if (fails("WriteFile", ERROR_NOT_ENOUGH_MEMORY)) {
    return FALSE;
  }
  return real_write_file(handle, data, size, written, overlapped);
}

decltype(&::GetMailslotInfo) real_get_mailslot_info = nullptr;
BOOL WINAPI fake_get_mailslot_info(HANDLE handle, LPDWORD max_size, LPDWORD next, LPDWORD count,
                                   LPDWORD timeout) {
  if (fails("GetMailslotInfo", ERROR_ACCESS_DENIED)) {
    return FALSE;
  }
  return real_get_mailslot_info(handle, max_size, next, count, timeout);
}

decltype(&::SetMailslotInfo) real_set_mailslot_info = nullptr;
BOOL WINAPI fake_set_mailslot_info(HANDLE handle, DWORD timeout) {
  if (fails("SetMailslotInfo", ERROR_ACCESS_DENIED)) {
    return FALSE;
  }
  return real_set_mailslot_info(handle, timeout);
}

decltype(&::SetHandleInformation) real_set_handle_information = nullptr;
BOOL WINAPI fake_set_handle_information(HANDLE handle, DWORD mask, DWORD flags) {
  if (fails("SetHandleInformation", ERROR_ACCESS_DENIED)) {
    return FALSE;
  }
  return real_set_handle_information(handle, mask, flags);
}

decltype(&::WaitForMultipleObjects) real_wait_for_multiple = nullptr;
DWORD WINAPI fake_wait_for_multiple(DWORD count, const HANDLE* objects, BOOL all, DWORD timeout) {
  if (fails("WaitForMultipleObjects", ERROR_INVALID_HANDLE)) {
    return WAIT_FAILED;
  }
  return real_wait_for_multiple(count, objects, all, timeout);
}

decltype(&::CreateThreadpoolIo) real_create_threadpool_io = nullptr;
PTP_IO WINAPI fake_create_threadpool_io(HANDLE handle, PTP_WIN32_IO_CALLBACK callback,
                                        PVOID context, PTP_CALLBACK_ENVIRON environment) {
  if (fails("CreateThreadpoolIo", ERROR_NOT_ENOUGH_MEMORY)) {
    return nullptr;
  }
  return real_create_threadpool_io(handle, callback, context, environment);
}

decltype(&::CreateThreadpoolWork) real_create_threadpool_work = nullptr;
PTP_WORK WINAPI fake_create_threadpool_work(PTP_WORK_CALLBACK callback, PVOID context,
                                            PTP_CALLBACK_ENVIRON environment) {
  if (fails("CreateThreadpoolWork", ERROR_NOT_ENOUGH_MEMORY)) {
    return nullptr;
  }
  return real_create_threadpool_work(callback, context, environment);
}

decltype(&::CreateThreadpoolTimer) real_create_threadpool_timer = nullptr;
PTP_TIMER WINAPI fake_create_threadpool_timer(PTP_TIMER_CALLBACK callback, PVOID context,
                                              PTP_CALLBACK_ENVIRON environment) {
  if (fails("CreateThreadpoolTimer", ERROR_NOT_ENOUGH_MEMORY)) {
    return nullptr;
  }
  return real_create_threadpool_timer(callback, context, environment);
}

decltype(&::CreateIoCompletionPort) real_create_io_completion_port = nullptr;
HANDLE WINAPI fake_create_io_completion_port(HANDLE handle, HANDLE existing, ULONG_PTR key,
                                             DWORD threads) {
  if (fails("CreateIoCompletionPort", ERROR_NO_SYSTEM_RESOURCES)) {
    return nullptr;
  }
  HANDLE port = real_create_io_completion_port(handle, existing, key, threads);
  if (existing == nullptr) {
    record(port, "CreateIoCompletionPort");  // a new port (not an association)
  }
  return port;
}

decltype(&::ConvertStringSecurityDescriptorToSecurityDescriptorW) real_convert_descriptor = nullptr;
BOOL WINAPI fake_convert_descriptor(LPCWSTR text, DWORD revision, PSECURITY_DESCRIPTOR* descriptor,
                                    PULONG size) {
  if (fails("ConvertStringSecurityDescriptorToSecurityDescriptorW", ERROR_NOT_ENOUGH_MEMORY)) {
    return FALSE;
  }
  const BOOL done = real_convert_descriptor(text, revision, descriptor, size);
  if (done != FALSE) {
    record(*descriptor, "ConvertStringSecurityDescriptorToSecurityDescriptorW (memory)");
  }
  return done;
}

decltype(&::ConvertStringSidToSidW) real_convert_sid = nullptr;
BOOL WINAPI fake_convert_sid(LPCWSTR text, PSID* sid) {
  if (fails("ConvertStringSidToSidW", ERROR_NOT_ENOUGH_MEMORY)) {
    return FALSE;
  }
  const BOOL done = real_convert_sid(text, sid);
  if (done != FALSE) {
    record(*sid, "ConvertStringSidToSidW (memory)");
  }
  return done;
}

decltype(&::OpenThreadToken) real_open_thread_token = nullptr;
BOOL WINAPI fake_open_thread_token(HANDLE thread, DWORD access, BOOL as_self, PHANDLE token) {
  if (fails("OpenThreadToken", ERROR_ACCESS_DENIED)) {
    return FALSE;
  }
  const BOOL done = real_open_thread_token(thread, access, as_self, token);
  if (done != FALSE) {
    record(*token, "OpenThreadToken");
  }
  return done;
}

decltype(&::OpenProcessToken) real_open_process_token = nullptr;
BOOL WINAPI fake_open_process_token(HANDLE process, DWORD access, PHANDLE token) {
  if (fails("OpenProcessToken", ERROR_ACCESS_DENIED)) {
    return FALSE;
  }
  const BOOL done = real_open_process_token(process, access, token);
  if (done != FALSE) {
    record(*token, "OpenProcessToken");
  }
  return done;
}

decltype(&::GetTokenInformation) real_get_token_information = nullptr;
BOOL WINAPI fake_get_token_information(HANDLE token, TOKEN_INFORMATION_CLASS what, LPVOID data,
                                       DWORD size, PDWORD needed) {
  if (fails("GetTokenInformation", ERROR_ACCESS_DENIED)) {
    return FALSE;
  }
  return real_get_token_information(token, what, data, size, needed);
}

decltype(&::GetSecurityInfo) real_get_security_info = nullptr;
DWORD WINAPI fake_get_security_info(HANDLE handle, SE_OBJECT_TYPE type, SECURITY_INFORMATION what,
                                    PSID* owner, PSID* group, PACL* dacl, PACL* sacl,
                                    PSECURITY_DESCRIPTOR* descriptor) {
  if (fail_now(target::win32, "GetSecurityInfo", ERROR_ACCESS_DENIED)) {
    return ERROR_ACCESS_DENIED;  // (returned, not set as the last error)
  }
  const DWORD status =
      real_get_security_info(handle, type, what, owner, group, dacl, sacl, descriptor);
  if (status == ERROR_SUCCESS && descriptor != nullptr) {
    record(*descriptor, "GetSecurityInfo (memory)");
  }
  return status;
}

// Not made to fail (its failure leaves the memory allocated, with nothing for
// a caller to do); it ends what the three functions above record.
decltype(&::LocalFree) real_local_free = nullptr;
HLOCAL WINAPI fake_local_free(HLOCAL memory) {
  forget(memory);
  return real_local_free(memory);
}

decltype(&::EqualSid) real_equal_sid = nullptr;
BOOL WINAPI fake_equal_sid(PSID a, PSID b) {
  if (fails("EqualSid", ERROR_INVALID_SID)) {
    return FALSE;
  }
  return real_equal_sid(a, b);
}

decltype(&::GetModuleHandleW) real_get_module_handle = nullptr;
HMODULE WINAPI fake_get_module_handle(LPCWSTR name) {
  if (name != nullptr && fails("GetModuleHandleW", ERROR_MOD_NOT_FOUND)) {
    return nullptr;
  }
  return real_get_module_handle(name);
}

decltype(&::GetProcAddress) real_get_proc_address = nullptr;
FARPROC WINAPI fake_get_proc_address(HMODULE module, LPCSTR name) {
  if (fails("GetProcAddress", ERROR_PROC_NOT_FOUND)) {
    return nullptr;
  }
  return real_get_proc_address(module, name);
}

struct point {
  const char* name;
  void* replacement;
  void** original;
  const char* error;
};

template <class F>
point make_point(const char* name, F replacement, F& original, const char* error) {
  return {name, reinterpret_cast<void*>(replacement), reinterpret_cast<void**>(&original), error};
}

const point points[] = {
    make_point("CreateMailslotW", &fake_create_mailslot, real_create_mailslot,
               "ERROR_NO_SYSTEM_RESOURCES"),
    make_point("CreateFileW", &fake_create_file, real_create_file, "ERROR_ACCESS_DENIED"),
    make_point("CreateEventW", &fake_create_event, real_create_event, "ERROR_NO_SYSTEM_RESOURCES"),
    make_point("DuplicateHandle", &fake_duplicate_handle, real_duplicate_handle,
               "ERROR_NO_SYSTEM_RESOURCES"),
    make_point("CloseHandle", &fake_close_handle, real_close_handle,
               "ERROR_INVALID_HANDLE (the handle is closed)"),
    make_point("ReadFile", &fake_read_file, real_read_file, "ERROR_NO_SYSTEM_RESOURCES"),
    make_point("WriteFile", &fake_write_file, real_write_file, "ERROR_NOT_ENOUGH_MEMORY"),
    make_point("GetMailslotInfo", &fake_get_mailslot_info, real_get_mailslot_info,
               "ERROR_ACCESS_DENIED"),
    make_point("SetMailslotInfo", &fake_set_mailslot_info, real_set_mailslot_info,
               "ERROR_ACCESS_DENIED"),
    make_point("SetHandleInformation", &fake_set_handle_information, real_set_handle_information,
               "ERROR_ACCESS_DENIED"),
    make_point("WaitForMultipleObjects", &fake_wait_for_multiple, real_wait_for_multiple,
               "WAIT_FAILED, ERROR_INVALID_HANDLE"),
    make_point("CreateThreadpoolIo", &fake_create_threadpool_io, real_create_threadpool_io,
               "ERROR_NOT_ENOUGH_MEMORY"),
    make_point("CreateThreadpoolWork", &fake_create_threadpool_work, real_create_threadpool_work,
               "ERROR_NOT_ENOUGH_MEMORY"),
    make_point("CreateThreadpoolTimer", &fake_create_threadpool_timer, real_create_threadpool_timer,
               "ERROR_NOT_ENOUGH_MEMORY"),
    make_point("CreateIoCompletionPort", &fake_create_io_completion_port,
               real_create_io_completion_port, "ERROR_NO_SYSTEM_RESOURCES"),
    make_point("ConvertStringSecurityDescriptorToSecurityDescriptorW", &fake_convert_descriptor,
               real_convert_descriptor, "ERROR_NOT_ENOUGH_MEMORY"),
    make_point("ConvertStringSidToSidW", &fake_convert_sid, real_convert_sid,
               "ERROR_NOT_ENOUGH_MEMORY"),
    make_point("OpenThreadToken", &fake_open_thread_token, real_open_thread_token,
               "ERROR_ACCESS_DENIED"),
    make_point("OpenProcessToken", &fake_open_process_token, real_open_process_token,
               "ERROR_ACCESS_DENIED"),
    make_point("GetTokenInformation", &fake_get_token_information, real_get_token_information,
               "ERROR_ACCESS_DENIED"),
    make_point("GetSecurityInfo", &fake_get_security_info, real_get_security_info,
               "ERROR_ACCESS_DENIED (returned)"),
    make_point("EqualSid", &fake_equal_sid, real_equal_sid, "ERROR_INVALID_SID"),
    make_point("GetModuleHandleW", &fake_get_module_handle, real_get_module_handle,
               "ERROR_MOD_NOT_FOUND"),
    make_point("LocalFree", &fake_local_free, real_local_free, "never fails (records frees)"),
    make_point("GetProcAddress", &fake_get_proc_address, real_get_proc_address,
               "ERROR_PROC_NOT_FOUND"),
};

std::once_flag installed;

}  // namespace

void install() {
  std::call_once(installed, [] {
    for (const point& p : points) {
      void* original = mailslot_test::patch_import(p.name, p.replacement);
      if (original == nullptr) {
        // Not imported by this program: nothing to intercept, and nothing of
        // the library calls it. Calls through a null original never happen.
        continue;
      }
      *p.original = original;
    }
  });
}

void arm(target what, long long nth) noexcept {
  counter.store(0);
  published.store(false);
  fired.store(false);
  fail_at.store(nth);
  armed.store(static_cast<int>(what), std::memory_order_release);
}

armed_result disarm() noexcept {
  armed.store(not_armed, std::memory_order_release);
  armed_result result;
  if (fired.load()) {
    while (!published.load(std::memory_order_acquire)) {
      ::SwitchToThread();  // the call that fired is writing it
    }
    result.hit = fault;
  }
  return result;
}

outside::outside() noexcept { add_outside(1); }
outside::~outside() { add_outside(-1); }

void track(HANDLE handle) noexcept { record(handle, "the test (given to the library)", true); }

std::vector<std::string> open_handles() {
  const outside guard;
  std::vector<std::string> result;
  ::AcquireSRWLockShared(&handles_lock);
  for (const auto& slot : handles) {
    if (slot.handle != nullptr) {
      result.push_back(std::string("what ") + slot.made_by + " made");
    }
  }
  if (handles_overflowed) {
    result.emplace_back("more handles than the harness can record");
  }
  ::ReleaseSRWLockShared(&handles_lock);
  if (const long closes = failed_closes.exchange(0)) {
    result.push_back("CloseHandle failed " + std::to_string(closes) +
                     " times (a handle closed twice, or never opened)");
  }
  return result;
}

void forget_handles() noexcept {
  ::AcquireSRWLockExclusive(&handles_lock);
  for (auto& slot : handles) {
    slot = {};
  }
  handles_overflowed = false;
  ::ReleaseSRWLockExclusive(&handles_lock);
  failed_closes.store(0);
}

std::vector<std::string> injection_points() {
  const outside guard;
  std::vector<std::string> result;
  for (const point& p : points) {
    if (*p.original != nullptr) {
      result.push_back(std::string(p.name) + ": " + p.error);
    }
  }
  return result;
}

}  // namespace mailslot_fault

// The program's allocations: counted and failed like the Win32 calls.
// (libstdc++'s nothrow and array forms call this one.)
void* operator new(std::size_t size) {
  if (mailslot_fault::fail_now(mailslot_fault::target::allocation, "operator new", 0)) {
    // (The throw is the test's: on a thread winpthread has not seen, it
    // makes winpthread's own record of the thread, with a DuplicateHandle.)
    const mailslot_fault::outside guard;
    throw std::bad_alloc();
  }
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
