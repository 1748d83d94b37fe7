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

// Raises Ctrl+C on the console of its own that `program` runs on, and waits
// for it to end: its exit code. The signal reaches every process on that
// console, this one included, at some later moment, possibly after this
// function has returned and the next test has begun: so this process
// swallows Ctrl+C from here on (a test program has no use for it).
inline int interrupt(captured_process& program) {
  static const bool swallowing = ::SetConsoleCtrlHandler(swallow_console_signal, TRUE) != FALSE;
  REQUIRE(swallowing);
  ::FreeConsole();
  REQUIRE(::AttachConsole(program.id()) != FALSE);
  REQUIRE(::GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0) != FALSE);
  const int exit_code = program.wait();
  ::FreeConsole();
  return exit_code;
}

// Runs a service example (`program`, given the slots `a` and `b` and then
// `more` arguments) on a console of its own, sends each slot one message,
// lets it print for 2 s and stops it with Ctrl+C, which must end it with 0.
// Returns what it printed.
inline std::string serve_two_slots(const wchar_t* program, const std::string& a,
                                   const std::string& b,
                                   const std::vector<std::wstring>& more = {}) {
  // (Ctrl+C not ignored, should this process have inherited that: the
  // service would inherit it in turn.)
  ::SetConsoleCtrlHandler(nullptr, FALSE);
  std::vector<std::wstring> arguments{wide(a), wide(b)};
  arguments.insert(arguments.end(), more.begin(), more.end());
  captured_process service(program, arguments, {}, CREATE_NEW_CONSOLE);
  REQUIRE(service.started());
  REQUIRE(wait_for_slot(a));
  REQUIRE(wait_for_slot(b));
  mailslot::client::open(a).write("for the first slot");
  mailslot::client::open(b).write("for the second slot");
  std::this_thread::sleep_for(2s);  // time to print both (and whatever comes after them)
  CHECK(interrupt(service) == 0);
  return service.output();
}

}  // namespace mailslot_test

#endif
