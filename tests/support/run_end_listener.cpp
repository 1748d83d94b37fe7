// Prints one line when the test run reaches its end, after every selected
// test case has run: the line that ctest requires of every Catch2 program
// (tests/CMakeLists.txt, mailslot_add_tests; support/run_to_end.cmake). An
// exit code of 0 is not enough: a program can end with 0 halfway through, by
// exit(0), or under Wine when Ctrl+Break's SIGQUIT ends its main thread.
// Catch2 reports the end of the run from its RunContext's destructor, which
// neither of those runs (its handler of a crash reports it too, but the
// process then exits with the crash's code). A listing of the test cases
// prints nothing.

#include <catch2/catch_totals.hpp>
#include <catch2/interfaces/catch_interfaces_reporter.hpp>
#include <catch2/reporters/catch_reporter_event_listener.hpp>
#include <catch2/reporters/catch_reporter_registrars.hpp>

#include <cstdio>

namespace mailslot_test {

class run_end final : public Catch::EventListenerBase {
 public:
  using Catch::EventListenerBase::EventListenerBase;

  void testRunEnded(const Catch::TestRunStats& stats) override {
    const auto cases = stats.totals.testCases.total();
    std::printf("the test run reached its end (%llu test case%s)\n",
                static_cast<unsigned long long>(cases), cases == 1 ? "" : "s");
    std::fflush(stdout);
  }
};

}  // namespace mailslot_test

CATCH_REGISTER_LISTENER(mailslot_test::run_end)
