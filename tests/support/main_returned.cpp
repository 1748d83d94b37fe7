// Prints "main returned N" once the program's main has returned N: the line
// that ctest requires of the project's test programs that are not Catch2's
// (tests/CMakeLists.txt, mailslot_report_main_return; support/run_to_end.cmake).
// The linker sends the C runtime's call of main here (-Wl,--wrap=main), so
// the program's own source is left as it is (the documentation's programs
// among them). A program that ends before main returns, by exit(0), or under
// Wine when Ctrl+Break's SIGQUIT ends its main thread, never prints it,
// though its exit code may be 0.

#include <cstdio>

// The C runtime calls main with these three arguments (MinGW-w64's and
// glibc's), whatever main itself declares.
extern "C" int __real_main(int argc, char** argv, char** envp);

extern "C" int __wrap_main(int argc, char** argv, char** envp) {
  const int code = __real_main(argc, argv, envp);
  std::printf("main returned %d\n", code);
  std::fflush(stdout);
  return code;
}
