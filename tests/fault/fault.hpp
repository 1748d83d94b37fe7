#ifndef MAILSLOT_TESTS_FAULT_FAULT_HPP
#define MAILSLOT_TESTS_FAULT_FAULT_HPP

// Fault injection for the library's Win32 calls and the program's
// allocations (tests/fault/interception.cpp).
//
// The library is header-only: every Win32 function it calls is imported by
// this program, and goes through the program's import table. The harness
// points each of those entries at a replacement that counts the calls and
// makes the Nth one fail as Windows would, with a plausible error for that
// function, without calling through (nothing happened). The global operator
// new is replaced the same way (std::bad_alloc). Calls made by the test's own
// code are kept out of the count with `outside`.

#include <windows.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace mailslot_fault {

/// What is made to fail.
enum class target : unsigned char {
  win32,       // the Nth intercepted Win32 call
  allocation,  // the Nth operator new
};

/// The failure one run injected.
struct injected {
  target what = target::win32;
  const char* function = "";  // "ReadFile", ..., "operator new"
  DWORD error = 0;            // the Win32 error it reported (allocations: 0)
  long long call = 0;         // the how-manieth counted call it was
};

/// Puts the replacements in place, once (later calls do nothing).
void install();

/// Starts counting the calls of `what`; the `nth` (from 1) fails.
void arm(target what, long long nth) noexcept;

/// What an armed stretch did: the failure it injected, if any.
struct armed_result {
  std::optional<injected> hit;
};

/// Stops counting.
armed_result disarm() noexcept;

/// While one lives, calls made on its thread (the test's own code: building
/// expected data, handlers that store what they get, joining threads) are
/// neither counted nor failed.
class outside {
 public:
  outside() noexcept;
  ~outside();
  outside(const outside&) = delete;
  outside& operator=(const outside&) = delete;
};

// --- handles ------------------------------------------------------------------------------
//
// Every handle made through an intercepted function (CreateMailslotW,
// CreateFileW, CreateEventW, DuplicateHandle, Open*Token,
// CreateIoCompletionPort) is recorded until CloseHandle closes it.

/// Records a handle the test made itself and gave to the library (the
/// Windows-kind server handle, made with NtCreateMailslotFile).
void track(HANDLE handle) noexcept;

/// Handles made and not yet closed, each with the function that made it.
std::vector<std::string> open_handles();

/// Forgets every recorded handle (after reporting them).
void forget_handles() noexcept;

/// The functions the harness intercepts, as "name: error given".
std::vector<std::string> injection_points();

}  // namespace mailslot_fault

#endif
