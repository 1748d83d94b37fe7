#ifndef MAILSLOT_TESTS_SUPPORT_EXAMPLES_HPP
#define MAILSLOT_TESTS_SUPPORT_EXAMPLES_HPP

// Running the examples as programs under test: a slot a program created,
// Ctrl+C on a console of its own, a service example fed and stopped.

#include <mailslot/mailslot.hpp>

#include <support/process.hpp>

#include <catch2/catch_test_macros.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace mailslot_test {

using namespace std::chrono_literals;

inline std::wstring wide(const std::string& text) {
  std::wstring out;
  mailslot::detail::utf8_to_wide(text, out);
  return out;
}

// Waits until a program has created the slot `name` (up to 10 s).
inline bool wait_for_slot(const std::string& name) {
  for (int i = 0; i < 1000; ++i) {
    std::error_code ec;
    if (mailslot::client::open(name, ec)) {
      return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

// Swallows Ctrl+C and Ctrl+Break in this (test) process. A handler routine,
// unlike SetConsoleCtrlHandler(nullptr, TRUE)'s "ignore" flag, is not
// inherited: the programs under test still stop on Ctrl+C.
inline BOOL WINAPI swallow_console_signal(DWORD signal) noexcept {
  return signal == CTRL_C_EVENT || signal == CTRL_BREAK_EVENT ? TRUE : FALSE;
}

// Raises Ctrl+C (or `signal`, CTRL_BREAK_EVENT) on the console of its own
// that `program` runs on, and waits for it to end: its exit code. The signal
// reaches every process on that console, this one included, at some later
// moment, possibly after this function has returned and the next test has
// begun: so this process swallows Ctrl+C and Ctrl+Break from here on (a test
// program has no use for them).
inline int interrupt(captured_process& program, DWORD signal = CTRL_C_EVENT) {
  static const bool swallowing = ::SetConsoleCtrlHandler(swallow_console_signal, TRUE) != FALSE;
  REQUIRE(swallowing);
  ::FreeConsole();
  REQUIRE(::AttachConsole(program.id()) != FALSE);
  const BOOL sent = ::GenerateConsoleCtrlEvent(signal, 0);
  // Detached before waiting: were the program killed for not stopping, its
  // console would close, and the close event would end this process too.
  ::FreeConsole();
  REQUIRE(sent != FALSE);
  return program.wait();
}

// Starts `program` (captured_process's arguments) on a console of its own
// with Ctrl+C ignored, as a program whose parent ignored it starts:
// SetConsoleCtrlHandler(nullptr, TRUE) is inherited (its documentation). This
// process ignores Ctrl+C only while it starts the program. (Windows starts a
// new process group, CREATE_NEW_PROCESS_GROUP, that way too; Wine 10 does not.)
inline captured_process start_ignoring_ctrl_c(const wchar_t* program,
                                              const std::vector<std::wstring>& arguments) {
  struct ignoring_ctrl_c {
    ignoring_ctrl_c() { REQUIRE(::SetConsoleCtrlHandler(nullptr, TRUE) != FALSE); }
    ~ignoring_ctrl_c() { ::SetConsoleCtrlHandler(nullptr, FALSE); }
    ignoring_ctrl_c(const ignoring_ctrl_c&) = delete;
    ignoring_ctrl_c& operator=(const ignoring_ctrl_c&) = delete;
  };
  const ignoring_ctrl_c ignoring;  // (until the program has started)
  return captured_process(program, arguments, {}, CREATE_NEW_CONSOLE);
}

// How a service example is started and stopped (serve_two_slots).
struct service_run {
  bool ctrl_c_ignored = false;  // started with Ctrl+C ignored (start_ignoring_ctrl_c)
  DWORD signal = CTRL_C_EVENT;  // or CTRL_BREAK_EVENT
};

// Runs a service example (`program`, given the slots `a` and `b` and then
// `more` arguments) on a console of its own, sends each slot one message,
// lets it print for 2 s and stops it with Ctrl+C (or `run.signal`), which
// must end it with 0. Returns what it printed.
inline std::string serve_two_slots(const wchar_t* program, const std::string& a,
                                   const std::string& b, const std::vector<std::wstring>& more = {},
                                   service_run run = {}) {
  // (Ctrl+C not ignored, should this process have inherited that: the
  // service would inherit it in turn.)
  ::SetConsoleCtrlHandler(nullptr, FALSE);
  std::vector<std::wstring> arguments{wide(a), wide(b)};
  arguments.insert(arguments.end(), more.begin(), more.end());
  captured_process service = run.ctrl_c_ignored
                                 ? start_ignoring_ctrl_c(program, arguments)
                                 : captured_process(program, arguments, {}, CREATE_NEW_CONSOLE);
  REQUIRE(service.started());
  REQUIRE(wait_for_slot(a));
  REQUIRE(wait_for_slot(b));
  mailslot::client::open(a).write("for the first slot");
  mailslot::client::open(b).write("for the second slot");
  std::this_thread::sleep_for(2s);  // time to print both (and whatever comes after them)
  CHECK(interrupt(service, run.signal) == 0);
  return service.output();
}

}  // namespace mailslot_test

#endif
