// Prints each test case's name as it begins. A test program that runs many
// cases in one process (a shard: tests/CMakeLists.txt, mailslot_add_tests)
// and dies in the middle of one, from a crash or a signal, still says which
// case it was in: the last name it printed.

#include <catch2/catch_test_case_info.hpp>
#include <catch2/reporters/catch_reporter_event_listener.hpp>
#include <catch2/reporters/catch_reporter_registrars.hpp>

#include <cstdio>

namespace mailslot_test {

class case_names final : public Catch::EventListenerBase {
 public:
  using Catch::EventListenerBase::EventListenerBase;

  void testCaseStarting(const Catch::TestCaseInfo& info) override {
    std::printf("starting: %s\n", info.name.c_str());
    std::fflush(stdout);  // (before whatever ends the process)
  }
};

}  // namespace mailslot_test

CATCH_REGISTER_LISTENER(mailslot_test::case_names)
