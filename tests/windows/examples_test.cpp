// The examples and the command-line tool, run as programs under test: each
// checks a program's exit code and output.

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

// --- the command-line tool ---------------------------------------------------------------------

TEST_CASE("mailslot listen prints what mailslot send sends, then stops after --count",
          "[cli][process][wine10]") {
  const std::string name = unique_slot_name("cli");
  captured_process listener(L"mailslot.exe", {L"listen", wide(name), L"--count", L"3"});
  REQUIRE(listener.started());
  REQUIRE(wait_for_slot(name));
  captured_process sender(L"mailslot.exe", {L"send", wide(name), L"hello", L"w\u00f6rld", L""});
  CHECK(sender.wait() == 0);
  CHECK_THAT(sender.output(), ContainsSubstring("sent 3 message(s) to " + name));
  CHECK(listener.wait() == 0);
  CHECK(listener.output() ==
        "listening on " + name +
            "\n[1] 5 bytes: hello\n[2] 6 bytes: w\xC3\xB6rld\n[3] 0 bytes: \n");
}

TEST_CASE("mailslot send - sends each line of standard input", "[cli][process][wine10]") {
  const std::string name = unique_slot_name("cli-stdin");
  auto server = mailslot::server::create(name, mailslot_test::with_timeout(0ms));
  captured_process sender(L"mailslot.exe", {L"send", wide(name), L"-"},
                          "first line\r\nsecond\n\nlast");
  CHECK(sender.wait() == 0);
  CHECK(server.read_string() == "first line");
  CHECK(server.read_string() == "second");
  CHECK(server.read_string().empty());
  CHECK(server.read_string() == "last");
  CHECK(server.info().message_count == 0);
}

TEST_CASE("mailslot listen shows binary messages escaped, or as a hex dump with --hex",
          "[cli][process][wine10]") {
  for (const bool hex : {false, true}) {
    const std::string name = unique_slot_name("cli-binary");
    std::vector<std::wstring> args{L"listen", wide(name), L"--count", L"1"};
    if (hex) {
      args.emplace_back(L"--hex");
    }
    captured_process listener(L"mailslot.exe", args);
    REQUIRE(wait_for_slot(name));
    const char bytes[] = {'A', '\0', '\x01', '\xFF', '\\'};
    mailslot::client::open(name).write(bytes, sizeof bytes);
    CHECK(listener.wait() == 0);
    if (hex) {
      CHECK_THAT(listener.output(), ContainsSubstring("[1] 5 bytes:\n  00000000  41 00 01 ff 5c"));
      CHECK_THAT(listener.output(), ContainsSubstring("A...\\\n"));
    } else {
      CHECK_THAT(listener.output(), ContainsSubstring("[1] 5 bytes: A\\x00\\x01\\xff\\x5c\n"));
    }
  }
}

TEST_CASE("mailslot exit codes tell usage errors, missing slots, timeouts and bad names apart",
          "[cli][process][wine10]") {
  struct expectation {
    std::vector<std::wstring> args;
    int exit_code;
    std::string says;
  };
  const std::string missing = unique_slot_name("cli-missing");
  const std::string quiet = unique_slot_name("cli-quiet");
  const std::vector<expectation> cases = {
      {{}, 2, "usage: mailslot listen NAME"},
      {{L"frobnicate"}, 2, "unknown command frobnicate"},
      {{L"listen", wide(quiet), L"--timeout"}, 2, "--timeout needs a number"},
      {{L"listen", wide(quiet), L"--bogus"}, 2, "unknown option --bogus"},
      {{L"send", wide(missing), L"x"}, 3, "cannot open " + missing + ": "},
      {{L"send", L"\\\\.\\mailslot\\bad|name", L"x"}, 5, "forbidden character '|' at index 16"},
      {{L"listen", L"\\\\far\\mailslot\\x"}, 5, "can only create a local name"},
      {{L"listen", wide(quiet), L"--timeout", L"100"},
       4,
       "no message on " + quiet + " within the timeout"},
      {{L"--help"}, 0, "mailslot send NAME"},
      {{L"--version"},
       0,
       "mailslot " + std::to_string(MAILSLOT_VERSION_MAJOR) + "." +
           std::to_string(MAILSLOT_VERSION_MINOR) + "." + std::to_string(MAILSLOT_VERSION_PATCH)},
      {{L"listen", wide(quiet), L"--max-size", L"100", L"--count", L"0"},
       0,
       "listening on " + quiet},
      {{L"listen", wide(quiet), L"--max-size", L"lots"}, 2, "--max-size needs a number"},
      {{L"send", wide(missing), L"x"}, 3, "(is a listener running?)"},
  };
  for (const auto& c : cases) {
    captured_process program(L"mailslot.exe", c.args);
    INFO(program.output());
    CHECK(program.wait() == c.exit_code);
    CHECK_THAT(program.output(), ContainsSubstring(c.says));
  }
}

TEST_CASE("mailslot checks the range of every number and says what it is",
          "[cli][process][wine10]") {
  const std::string quiet = unique_slot_name("cli-range");
  const std::vector<std::pair<std::vector<std::wstring>, std::string>> refused = {
      {{L"--timeout", L"-5"},
       R"(--timeout needs a number from 0 to 4294967294 (milliseconds), not "-5")"},
      {{L"--timeout", L"4294967295"}, R"(from 0 to 4294967294 (milliseconds), not "4294967295")"},
      {{L"--timeout", L"4294967296"}, R"(from 0 to 4294967294 (milliseconds), not "4294967296")"},
      {{L"--timeout", L" 5"}, R"(not " 5")"},
      {{L"--timeout", L"5ms"}, R"(not "5ms")"},
      {{L"--max-size", L"4294967296"},
       R"(--max-size needs a number from 0 to 4294967295 (bytes; 0: any size), not "4294967296")"},
      {{L"--count", L"+1"}, R"(--count needs a number from 0 to 4294967295 (messages), not "+1")"},
      {{L"--count", L"18446744073709551616"}, R"(not "18446744073709551616")"},
      {{L"--count"}, "--count needs a number from 0 to 4294967295 (messages)\n"},
  };
  for (const auto& [options, says] : refused) {
    std::vector<std::wstring> args{L"listen", wide(quiet)};
    args.insert(args.end(), options.begin(), options.end());
    captured_process program(L"mailslot.exe", args);
    INFO(program.output());
    CHECK(program.wait() == 2);
    CHECK_THAT(program.output(), ContainsSubstring(says));
  }
  // The largest of each is accepted.
  captured_process program(L"mailslot.exe", {L"listen", wide(quiet), L"--timeout", L"4294967294",
                                             L"--max-size", L"4294967295", L"--count", L"0"});
  INFO(program.output());
  CHECK(program.wait() == 0);
  CHECK_THAT(program.output(), ContainsSubstring("listening on " + quiet));
}

TEST_CASE("mailslot send refuses a message too large for the name before opening it",
          "[cli][process][wine10]") {
  // Under Wine, opening a name that leaves the computer fails (exit code 3):
  // exit code 6 shows that the message was refused first.
  const std::wstring too_long(500, L'a');
  const std::vector<std::pair<std::vector<std::wstring>, std::string>> refused = {
      {{LR"(\\*\mailslot\x)", too_long},
       R"(message 1 is 500 bytes; at most 424 bytes go to \\*\mailslot\x (a name that leaves )"
       R"(this computer))"},
      {{LR"(\\far\mailslot\x)", L"fits", std::wstring(425, L'b')}, "message 2 is 425 bytes"},
  };
  for (const auto& [args, says] : refused) {
    std::vector<std::wstring> send{L"send"};
    send.insert(send.end(), args.begin(), args.end());
    captured_process program(L"mailslot.exe", send);
    INFO(program.output());
    CHECK(program.wait() == 6);
    CHECK_THAT(program.output(), ContainsSubstring(says));
  }
  captured_process from_input(L"mailslot.exe", {L"send", LR"(\\*\mailslot\x)", L"-"},
                              std::string(500, 'c') + "\n");
  INFO(from_input.output());
  CHECK(from_input.wait() == 6);
  CHECK_THAT(from_input.output(), ContainsSubstring("message 1 is 500 bytes"));
}

TEST_CASE("mailslot send does not suggest a listener for a name that leaves the computer",
          "[cli][process][wine10]") {
  captured_process program(L"mailslot.exe", {L"send", LR"(\\far\mailslot\x)", L"hello"});
  const int exit_code = program.wait();
  INFO(program.output());
  CHECK_THAT(program.output(), !ContainsSubstring("listener"));
  if (mailslot_test::running_under_wine()) {  // Wine cannot reach remote names
    CHECK(exit_code == 3);
    CHECK_THAT(program.output(),
               ContainsSubstring(R"(cannot open \\far\mailslot\x: )") &&
                   ContainsSubstring("(the name leaves this computer: remote mailslots are "
                                     "disabled, or the destination cannot be reached)"));
  } else {
    WARN("Windows: exit code " << exit_code << ", " << program.output());
  }
}

TEST_CASE("mailslot listen on a taken name says so", "[cli][process][wine10]") {
  auto server = mailslot_test::make_server("cli-taken");
  captured_process listener(L"mailslot.exe", {L"listen", server.name().wstring()});
  CHECK(listener.wait() == 8);
  CHECK_THAT(listener.output(), ContainsSubstring("another listener has it"));
}

TEST_CASE("mailslot listen exits cleanly on Ctrl+C", "[cli][process][wine10]") {
  // The listener gets a console of its own, where interrupt() raises Ctrl+C.
  const std::string name = unique_slot_name("cli-ctrl-c");
  captured_process listener(L"mailslot.exe", {L"listen", wide(name)}, {}, CREATE_NEW_CONSOLE);
  REQUIRE(listener.started());
  REQUIRE(wait_for_slot(name));
  CHECK(interrupt(listener) == 130);
  CHECK_THAT(listener.output(), ContainsSubstring("mailslot: interrupted after 0 message(s)"));
  std::error_code ec;
  CHECK(mailslot::server::create(name, {}, ec));  // the listener closed the slot
}

// Ctrl+Break is checked on Windows only: Wine 10 raises SIGQUIT for it, which
// ends a thread of the program rather than calling its handler.
TEST_CASE("mailslot listen stops on Ctrl+C and Ctrl+Break though started with Ctrl+C ignored",
          "[cli][process][wine10]") {
  // A program whose parent ignored Ctrl+C starts ignoring it (a CI runner's
  // process chain may); the tool turns it back on.
  for (const DWORD signal : {DWORD{CTRL_C_EVENT}, DWORD{CTRL_BREAK_EVENT}}) {
    if (signal == CTRL_BREAK_EVENT && mailslot_test::running_under_wine()) {
      continue;
    }
    INFO(signal);
    const std::string name = unique_slot_name("cli-ctrl-c-ignored");
    captured_process listener =
        mailslot_test::start_ignoring_ctrl_c(L"mailslot.exe", {L"listen", wide(name)});
    REQUIRE(listener.started());
    REQUIRE(wait_for_slot(name));
    CHECK(interrupt(listener, signal) == 130);
    CHECK_THAT(listener.output(), ContainsSubstring("mailslot: interrupted after 0 message(s)"));
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
