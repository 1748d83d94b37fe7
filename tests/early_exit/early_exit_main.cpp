// A program (not a Catch2 one) that ends early, with exit code 0, when asked
// to (end_early.hpp): its test must then fail (check.cmake).
//   mailslot_early_exit_program none|exit|thread

#include <cstdio>
#include <cstring>

#include "end_early.hpp"

int main(int argc, char** argv) {
  const char* how = argc > 1 ? argv[1] : "none";
  std::printf("early exit program: %s\n", how);
  if (mailslot_early_exit::asked_to_end_early()) {
    if (std::strcmp(how, "exit") == 0) {
      mailslot_early_exit::exit_now();
    }
#if defined(_WIN32)
    if (std::strcmp(how, "thread") == 0) {
      mailslot_early_exit::end_main_thread_now();
    }
#endif
  }
  std::printf("early exit program: done\n");
  return 0;
}
