// The harness itself, and regressions it found that need a process of their
// own to show.

#include <fault/scenarios.hpp>

#include <mailslot/thread_pool_reader.hpp>

#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

using namespace mailslot_fault;

TEST_CASE("the harness intercepts the Win32 functions the library calls", "[fault]") {
  detail::start_guards();
  const std::vector<std::string> points = injection_points();
  for (const char* function : {"CreateMailslotW",
                               "CreateFileW",
                               "CreateEventW",
                               "CloseHandle",
                               "ReadFile",
                               "WriteFile",
                               "GetMailslotInfo",
                               "SetMailslotInfo",
                               "SetHandleInformation",
                               "WaitForMultipleObjects",
                               "CreateThreadpoolIo",
                               "CreateThreadpoolWork",
                               "CreateThreadpoolTimer",
                               "ConvertStringSecurityDescriptorToSecurityDescriptorW",
                               "ConvertStringSidToSidW",
                               "OpenThreadToken",
                               "OpenProcessToken",
                               "GetTokenInformation",
                               "GetSecurityInfo",
                               "EqualSid",
                               "GetModuleHandleW",
                               "GetProcAddress",
                               "LocalFree"}) {
    INFO(function);
    CHECK(std::any_of(points.begin(), points.end(), [&](const std::string& point) {
      return point.rfind(std::string(function) + ":", 0) == 0;
    }));
  }
  // A failure injected is reported as Windows reports it, and counted once.
  arm(target::win32, 1);
  std::error_code ec;
  (void)mailslot::server::create(mailslot_test::unique_slot_name("fault-harness"), {}, ec);
  const armed_result armed = disarm();
  REQUIRE(armed.hit);
  CHECK(std::string_view(armed.hit->function) == "CreateMailslotW");
  CHECK(ec == std::error_code(ERROR_NO_SYSTEM_RESOURCES, std::system_category()));
  CHECK(open_handles().empty());
}

TEST_CASE("a failed lookup of NtQueryInformationFile is made again, not remembered", "[fault]") {
  // The first handle asks Windows for its kind while the lookup fails: it
  // counts as synchronous (correct on both kinds). A later handle is asked
  // again, and the thread pool reader takes it.
  detail::start_guards();
  std::error_code ec;
  arm(target::win32, 1);
  mailslot::server first = nt_create_mailslot::create(
      mailslot_test::unique_slot_name("fault-lookup"), scenario_options(), ec);
  const armed_result armed = disarm();
  REQUIRE_FALSE(ec);
  if (!armed.hit || std::string_view(armed.hit->function) != "GetModuleHandleW") {
    SKIP("this process looked NtQueryInformationFile up before the test (run it on its own)");
  }
  mailslot::server second = nt_create_mailslot::create(
      mailslot_test::unique_slot_name("fault-lookup"), scenario_options(), ec);
  REQUIRE_FALSE(ec);
  mailslot::thread_pool_reader reader;
  reader.start(second, [](const std::error_code&, std::string_view) {}, ec);
  CHECK_FALSE(ec);
  reader.start(first, [](const std::error_code&, std::string_view) {}, ec);
  CHECK_FALSE(ec);
}
