// A Catch2 program whose test cases end the process early, with exit code 0,
// when asked to (end_early.hpp), each after an assertion that passed: the
// tests of a shard or of a case that ended that way must fail (check.cmake).

#include <catch2/catch_test_macros.hpp>

#include "end_early.hpp"

// (The cases run in this order, one per shard: --order decl.)
TEST_CASE("early exit: a case that runs to its end") { CHECK(1 + 1 == 2); }

TEST_CASE("early exit: a case that calls exit(0) halfway, when asked") {
  CHECK(1 + 1 == 2);
  if (mailslot_early_exit::asked_to_end_early()) {
    mailslot_early_exit::exit_now();
  }
  CHECK(2 + 2 == 4);
}

#if defined(_WIN32)
TEST_CASE("early exit: a case whose thread ends halfway, when asked") {
  CHECK(1 + 1 == 2);
  if (mailslot_early_exit::asked_to_end_early()) {
    mailslot_early_exit::end_main_thread_now();
  }
  CHECK(2 + 2 == 4);
}
#endif
