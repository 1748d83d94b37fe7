// The C++20 example, run as a program under test: asio_service serves two
// slots from coroutines.

#include <mailslot/mailslot.hpp>

#include <support/examples.hpp>
#include <support/slot_name.hpp>

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <string>

using Catch::Matchers::ContainsSubstring;
using mailslot_test::serve_two_slots;
using mailslot_test::unique_slot_name;

TEST_CASE(
    "asio_service prints both slots' messages, when each goes quiet, its timer's reports, and "
    "stops on Ctrl+C",
    "[examples][process][asio]") {
  const std::string a = unique_slot_name("asio-service-a");
  const std::string b = unique_slot_name("asio-service-b");
  const std::string out =
      serve_two_slots(L"asio_service.exe", a, b, {L"100"});  // (a report each 100 ms)
  // Through the io_context under Wine too (Windows' kind of handle, by creation).
  CHECK_THAT(out, ContainsSubstring("through the io_context"));
  CHECK_THAT(out, ContainsSubstring(a + ": for the first slot"));
  CHECK_THAT(out, ContainsSubstring(b + ": for the second slot"));
  // Each slot, quiet after its message (a read with a deadline), says so once.
  CHECK_THAT(out, ContainsSubstring(a + ": quiet for 100 ms"));
  CHECK_THAT(out, ContainsSubstring(b + ": quiet for 100 ms"));
  CHECK(out.find(a + ": quiet") == out.rfind(a + ": quiet"));
  CHECK(out.find(a + ": quiet") > out.find(a + ": for the first slot"));
  CHECK_THAT(out, ContainsSubstring("asio_service: 2 message(s) so far"));
  CHECK_THAT(out, ContainsSubstring("asio_service: stopped after 2 message(s)"));
}

TEST_CASE("asio_service stops on Ctrl+C though started with Ctrl+C ignored",
          "[examples][process][asio]") {
  // (A parent that ignored Ctrl+C passes that on; the example turns it back on.)
  const std::string a = unique_slot_name("asio-service-ignored-a");
  const std::string b = unique_slot_name("asio-service-ignored-b");
  const std::string out =
      serve_two_slots(L"asio_service.exe", a, b, {L"100"}, {true, CTRL_C_EVENT});
  CHECK_THAT(out, ContainsSubstring(a + ": for the first slot"));
  CHECK_THAT(out, ContainsSubstring("asio_service: stopped after 2 message(s)"));
}
