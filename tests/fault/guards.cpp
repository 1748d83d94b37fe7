// The watchdog and crash reports of the fault-injection harness
// (tests/fault/explore.hpp).

#include <fault/explore.hpp>

#include <windows.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>

namespace mailslot_fault::detail {
namespace {

constexpr long long hang_ms = 90'000;

void say_where(const char* what) {
  const bool held = ::TryAcquireSRWLockShared(&current_run_lock) != FALSE;
  std::fprintf(stderr, "fault injection: %s during: %s\n", what,
               held ? current_run : "(a run whose name was being written)");
  std::fflush(stderr);
  if (held) {
    ::ReleaseSRWLockShared(&current_run_lock);
  }
}

LONG WINAPI on_crash(EXCEPTION_POINTERS* exception) {
  char what[64];
  std::snprintf(what, sizeof what, "exception 0x%08lx",
                static_cast<unsigned long>(exception->ExceptionRecord->ExceptionCode));
  say_where(what);
  return EXCEPTION_CONTINUE_SEARCH;
}

std::once_flag started;

}  // namespace

void start_guards() {
  std::call_once(started, [] {
    const outside guard;
    install();
    ::SetUnhandledExceptionFilter(&on_crash);
    std::set_terminate([] {
      say_where("std::terminate");
      std::abort();
    });
    std::thread([] {
      for (;;) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        const long long started_ms = run_started_ms.load();
        if (started_ms != 0 && now_ms() - started_ms > hang_ms) {
          say_where("no progress for 90 s (a hang)");
          std::_Exit(3);
        }
      }
    }).detach();
  });
}

}  // namespace mailslot_fault::detail
