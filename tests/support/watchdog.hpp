#ifndef MAILSLOT_TESTS_SUPPORT_WATCHDOG_HPP
#define MAILSLOT_TESTS_SUPPORT_WATCHDOG_HPP

// A step that must end: a hang is reported as such, naming the step, and ends
// the test program (its process cannot be unwound past a thread that never
// returns), instead of leaving the run stuck until ctest's timeout.

#include <windows.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace mailslot_test {

/// Runs `step` on a thread of its own and waits up to `limit` for it. If it
/// has not returned by then, prints "hung: <what>" and ends the process with
/// exit code 3. An exception from `step` is rethrown here.
template <class Step>
void must_finish(const std::string& what, std::chrono::milliseconds limit, Step&& step) {
  struct shared {
    std::mutex mutex;
    std::condition_variable done_changed;
    bool done = false;
    std::exception_ptr failure;
  };
  auto state = std::make_shared<shared>();
  std::thread runner([state, &step] {
    std::exception_ptr failure;
    try {
      std::forward<Step>(step)();
    } catch (...) {
      failure = std::current_exception();
    }
    const std::lock_guard<std::mutex> hold(state->mutex);
    state->failure = failure;
    state->done = true;
    state->done_changed.notify_all();
  });
  std::unique_lock<std::mutex> hold(state->mutex);
  if (!state->done_changed.wait_for(hold, limit, [&] { return state->done; })) {
    std::fprintf(stderr, "hung: %s (still running after %lld ms)\n", what.c_str(),
                 static_cast<long long>(limit.count()));
    std::fflush(stderr);
    std::fflush(stdout);
    ::TerminateProcess(::GetCurrentProcess(), 3);
  }
  hold.unlock();
  runner.join();
  if (state->failure) {
    std::rethrow_exception(state->failure);
  }
}

}  // namespace mailslot_test

#endif
