// What a user reads when a throwing form fails: the operation, the slot in
// double quotes, and what went wrong in the library's words (Windows' own
// words only where the library has none), with the Win32 code kept.

#include <mailslot/mailslot.hpp>

#include <support/import_patch.hpp>
#include <support/slot_kinds.hpp>
#include <support/slot_name.hpp>

#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>
#include <system_error>

using mailslot_test::unique_slot_name;
using namespace std::chrono_literals;

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

TEMPLATE_TEST_CASE("a read that times out says so in the library's words, not Windows'",
                   "[errors][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = mailslot_test::make_server<TestType>("timeout-text", 10ms);
  try {
    (void)server.read();
    FAIL("no exception");
  } catch (const std::system_error& e) {
    CHECK(e.code() == mailslot::condition::timed_out);
    const std::string what = e.what();
    CHECK(what == "read from mailslot \"" + server.name().string() +
                      "\": no message arrived within the timeout (Windows error " +
                      std::to_string(e.code().value()) + ")");
    CHECK(lower(what).find("semaphore") == std::string::npos);
  }
}

TEST_CASE("opening a missing slot says there is no such mailslot", "[errors][wine10]") {
  const std::string name = unique_slot_name("missing-text");
  try {
    (void)mailslot::client::open(name);
    FAIL("no exception");
  } catch (const std::system_error& e) {
    CHECK(e.code() == mailslot::condition::not_found);
    CHECK(std::string(e.what()) ==
          "open mailslot \"" + mailslot::name::parse(name).string() +
              "\": no such mailslot (or, for another computer's, it cannot be reached) "
              "(Windows error " +
              std::to_string(e.code().value()) + ")");
  }
}

TEST_CASE("a remote slot that cannot be reached is not reported as a missing path",
          "[errors][wine10]") {
  try {
    (void)mailslot::client::open(R"(\\nosuchpc\mailslot\x)");
    FAIL("no exception");
  } catch (const std::system_error& e) {
    INFO(e.what() << " (" << e.code().value() << ")");
    CHECK(e.code() == mailslot::condition::not_found);
    const std::string what = lower(e.what());
    CHECK(what.find("no such mailslot (or, for another computer's, it cannot be reached)") !=
          std::string::npos);
    CHECK(what.find("path") == std::string::npos);
  }
}

TEMPLATE_TEST_CASE("a buffer too small for the message says both sizes, and the message stays",
                   "[errors][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = mailslot_test::make_server<TestType>("small-text");
  mailslot::client::open(server.name()).write("ten bytes!");
  char buffer[4] = {};
  try {
    (void)server.read(mailslot::buffer(buffer, sizeof buffer));
    FAIL("no exception");
  } catch (const std::system_error& e) {
    CHECK(e.code() == mailslot::condition::buffer_too_small);
    CHECK(std::string(e.what()) ==
          "read from mailslot \"" + server.name().string() +
              "\": the buffer is smaller than the next message (Windows error " +
              std::to_string(e.code().value()) +
              "); the buffer has 4 bytes, the message 10; it stays queued");
  }
  try {  // the bounded form says the same
    (void)server.try_read(mailslot::buffer(buffer, sizeof buffer));
    FAIL("no exception");
  } catch (const std::system_error& e) {
    CHECK(std::string(e.what()).find("; the buffer has 4 bytes, the message 10; it stays queued") !=
          std::string::npos);
  }
  CHECK(server.read() == "ten bytes!");
}

namespace {
// GetMailslotInfo failing, once armed.
bool info_fails = false;
decltype(&::GetMailslotInfo) real_get_info = nullptr;
BOOL WINAPI failing_get_info(HANDLE slot, LPDWORD max, LPDWORD next, LPDWORD count,
                             LPDWORD timeout) {
  if (info_fails) {
    ::SetLastError(ERROR_INVALID_FUNCTION);
    return FALSE;
  }
  return real_get_info(slot, max, next, count, timeout);
}
}  // namespace

TEMPLATE_TEST_CASE("a buffer too small for a message whose size cannot be told says its own size",
                   "[errors][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = mailslot_test::make_server<TestType>("small-text-unknown");
  mailslot::client::open(server.name()).write("ten bytes!");
  mailslot_test::import_hook<decltype(&::GetMailslotInfo)> hook("GetMailslotInfo",
                                                                &failing_get_info);
  REQUIRE(hook.installed());
  real_get_info = hook.original();
  char buffer[4] = {};
  info_fails = true;
  try {
    (void)server.read(mailslot::buffer(buffer, sizeof buffer));
    FAIL("no exception");
  } catch (const std::system_error& e) {
    CHECK(e.code() == mailslot::condition::buffer_too_small);
    CHECK(std::string(e.what()).find("; the buffer has 4 bytes; it stays queued") !=
          std::string::npos);
  }
  info_fails = false;
  CHECK(server.read() == "ten bytes!");
}

TEST_CASE("the library's own errors keep their words, and a bad name points to explain()",
          "[errors][wine10]") {
  mailslot::client client;
  try {
    client.write("x");
    FAIL("no exception");
  } catch (const std::system_error& e) {
    CHECK(e.code() == mailslot::errc::not_open);
    CHECK(std::string(e.what()).find("(Windows error") == std::string::npos);
  }
  try {
    (void)mailslot::server::create(std::string(R"(\\.\mailslot\a|b)"));
    FAIL("no exception");
  } catch (const std::system_error& e) {
    CHECK(e.code() == mailslot::errc::invalid_name);
    CHECK(std::string(e.what()) ==
          R"(invalid mailslot name "\\.\mailslot\a|b": forbidden character '|' at index 14)");
  }
}

TEST_CASE("an error of another category keeps its own words and gets no Windows code", "[errors]") {
  const std::string text = mailslot::detail::describe(std::make_error_code(std::errc::io_error));
  CHECK(text == std::make_error_code(std::errc::io_error).message());
  CHECK(text.find("Windows error") == std::string::npos);
}
