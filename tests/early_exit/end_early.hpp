// Ends the process early on purpose, with exit code 0, when the environment
// asks for it (MAILSLOT_TEST_END_EARLY set): the programs of
// tests/early_exit, whose tests must then fail (check.cmake), though the
// process exits 0 (support/run_to_end.cmake).

#ifndef MAILSLOT_TESTS_EARLY_EXIT_END_EARLY_HPP
#define MAILSLOT_TESTS_EARLY_EXIT_END_EARLY_HPP

#if defined(_WIN32)
#  include <windows.h>
#endif

#include <cstdio>
#include <cstdlib>

namespace mailslot_early_exit {

inline bool asked_to_end_early() {
#if defined(_WIN32)  // (MSVC deprecates std::getenv)
  return ::GetEnvironmentVariableW(L"MAILSLOT_TEST_END_EARLY", nullptr, 0) != 0;
#else
  return std::getenv("MAILSLOT_TEST_END_EARLY") != nullptr;
#endif
}

// What a program that calls exit(0) halfway does.
[[noreturn]] inline void exit_now() {
  std::printf("ending the process early on purpose: exit(0)\n");
  std::fflush(stdout);
  std::exit(0);
}

#if defined(_WIN32)
// What Wine does to a thread when Ctrl+Break's SIGQUIT ends it: the thread
// ends at once, nothing after it runs (no exit(), no atexit handler), and a
// process whose last thread ends that way exits with the thread's code, 0.
[[noreturn]] inline void end_main_thread_now() {
  std::printf("ending the process early on purpose: its only thread ends\n");
  std::fflush(stdout);
  ::ExitThread(0);
}
#endif

}  // namespace mailslot_early_exit

#endif  // MAILSLOT_TESTS_EARLY_EXIT_END_EARLY_HPP
