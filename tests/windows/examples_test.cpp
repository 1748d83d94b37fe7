// The examples, run as programs under test: each checks a program's exit code
// and output. (The command-line tool: cli_test.cpp.)

#include <mailslot/mailslot.hpp>

#include <support/examples.hpp>
#include <support/process.hpp>
#include <support/slot_name.hpp>

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::Matches;
using mailslot_test::captured_process;
using mailslot_test::interrupt;
using mailslot_test::serve_two_slots;
using mailslot_test::unique_slot_name;
using mailslot_test::wait_for_slot;
using mailslot_test::wide;
using namespace std::chrono_literals;

// --- examples ------------------------------------------------------------------------------

TEST_CASE("create_and_inspect prints the slot's maximum size, next size, count and timeout",
          "[examples][wine10]") {
  captured_process program(L"create_and_inspect.exe", {});
  REQUIRE(program.started());
  CHECK(program.wait() == 0);
  const std::string out = program.output();
  CHECK_THAT(out, ContainsSubstring(R"(mailslot:          \\.\mailslot\examples\inspect)"));
  // Windows may report a larger maximum than requested.
  std::smatch size;
  REQUIRE(std::regex_search(out, size, std::regex(R"(max message size:  ([0-9]+) bytes)")));
  CHECK(std::stoul(size[1].str()) >= 250);
  CHECK_THAT(out, ContainsSubstring("next message size: none waiting"));
  CHECK_THAT(out, ContainsSubstring("messages waiting:  0"));
  CHECK_THAT(out, ContainsSubstring("read timeout:      1000 ms"));
}

TEST_CASE("make_slot's child writes through an inherited handle", "[examples][process][wine10]") {
  captured_process program(L"make_slot.exe", {});
  REQUIRE(program.started());
  CHECK(program.wait() == 0);
  const std::string out = program.output();
  CHECK_THAT(
      out,
      ContainsSubstring(
          R"(created \\.\mailslot\examples\make_slot (read timeout: forever, default security))"));
  CHECK_THAT(out, ContainsSubstring("child exited with 0"));
  CHECK_THAT(out, ContainsSubstring("received: hello from child process "));
}

TEST_CASE("reader prints what writer sends, with sizes and the count still waiting",
          "[examples][process][wine10]") {
  const std::string name = unique_slot_name("reader-writer");
  captured_process reader(L"reader.exe", {wide(name), L"3"});
  REQUIRE(reader.started());
  REQUIRE(wait_for_slot(name));
  captured_process writer(L"writer.exe", {wide(name), L"one", L"two two", L""});
  CHECK(writer.wait() == 0);
  CHECK_THAT(writer.output(), ContainsSubstring("writer: sent \"two two\""));
  CHECK(reader.wait() == 0);
  const std::string out = reader.output();
  CHECK_THAT(out, ContainsSubstring("reader: waiting on " + name));
  CHECK_THAT(out, Matches(R"([\s\S]*message 1, 3 bytes, [0-2] still waiting: one\n[\s\S]*)"));
  CHECK_THAT(out, Matches(R"([\s\S]*message 2, 7 bytes, [0-1] still waiting: two two\n[\s\S]*)"));
  CHECK_THAT(out, ContainsSubstring("message 3, 0 bytes, 0 still waiting: \n"));
}

TEST_CASE("reader and writer take names and messages beyond the ANSI code page",
          "[examples][process][wine10]") {
  // CJK and Cyrillic: no ANSI code page holds both, so an ANSI argv would
  // turn them into '?', which no name may hold.
  const std::string name =
      unique_slot_name("\xE5\x90\x8D\xE5\x89\x8D-\xD1\x81\xD0\xBB\xD0\xBE\xD1\x82");
  const std::string message =
      "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xE4\xB8\x96\xE7\x95\x8C";
  captured_process reader(L"reader.exe", {wide(name), L"1"});
  REQUIRE(reader.started());
  REQUIRE(wait_for_slot(name));
  captured_process writer(L"writer.exe", {wide(name), wide(message)});
  CHECK(writer.wait() == 0);
  CHECK(reader.wait() == 0);
  const std::string out = reader.output();
  CHECK_THAT(out, ContainsSubstring("reader: waiting on " + name));
  CHECK_THAT(out, ContainsSubstring("message 1, " + std::to_string(message.size()) +
                                    " bytes, 0 still waiting: " + message + "\n"));
}

TEST_CASE("writer explains a missing slot", "[examples][wine10]") {
  const std::string name = unique_slot_name("nobody-reads");
  captured_process writer(L"writer.exe", {wide(name), L"x"});
  CHECK(writer.wait() == 1);
  CHECK_THAT(writer.output(),
             ContainsSubstring("no mailslot " + name + " (start the reader first)"));
}

TEST_CASE("broadcast shows the size limit and what happens when the domain is unreachable",
          "[examples][wine10]") {
  // Wine cannot reach remote names (ERROR_PATH_NOT_FOUND). Windows 11 24H2
  // prints the "remote mailslots are disabled" explanation instead, and where
  // remote mailslots work the library refuses the 500-byte message.
  captured_process program(L"broadcast.exe", {});
  const int exit_code = program.wait();
  const std::string out = program.output();
  // 432 - 18 characters of path (MS-MAIL 2.1; see message_size_limit).
  CHECK_THAT(out,
             ContainsSubstring(
                 R"(destination: \\*\mailslot\examples\broadcast (limit 414 bytes per message))"));
  if (mailslot_test::running_under_wine()) {
    CHECK(exit_code == 1);
    CHECK_THAT(out, ContainsSubstring(R"(cannot reach \\*\mailslot\examples\broadcast: )"));
    CHECK_THAT(out, ContainsSubstring("(error 3)"));
  } else {
    CHECK_THAT(out, ContainsSubstring("remote mailslots are disabled") ||
                        ContainsSubstring("cannot reach") ||
                        ContainsSubstring("a 500-byte message: message too large"));
  }
}

TEST_CASE("service stops on Ctrl+C and Ctrl+Break though started with Ctrl+C ignored",
          "[examples][process][wine10]") {
  for (const DWORD signal : {DWORD{CTRL_C_EVENT}, DWORD{CTRL_BREAK_EVENT}}) {
    if (signal == CTRL_BREAK_EVENT && mailslot_test::running_under_wine()) {
      continue;
    }
    INFO(signal);
    const std::string a = unique_slot_name("service-ignored-a");
    const std::string b = unique_slot_name("service-ignored-b");
    const std::string out = serve_two_slots(L"service.exe", a, b, {}, {true, signal});
    CHECK_THAT(out, ContainsSubstring(a + ": for the first slot"));
    CHECK_THAT(out, ContainsSubstring("service: stopped"));
  }
}

TEST_CASE("service prints the messages of both its slots and stops on Ctrl+C",
          "[examples][process][wine10]") {
  const std::string a = unique_slot_name("service-a");
  const std::string b = unique_slot_name("service-b");
  const std::string out = serve_two_slots(L"service.exe", a, b);
  // On the thread pool under Wine too (Windows' kind of handle, by creation).
  CHECK_THAT(out, ContainsSubstring("on the thread pool"));
  CHECK_THAT(out, !ContainsSubstring("stopped listening"));
  CHECK_THAT(out, ContainsSubstring(a + ": for the first slot"));
  CHECK_THAT(out, ContainsSubstring(b + ": for the second slot"));
  CHECK_THAT(out, ContainsSubstring("service: stopped"));
}
