// The command-line tool (`mailslot`, examples/mailslot_cli.cpp), run as a user
// runs it: processes, pipes, standard input, exit codes. The formatting and
// the option parsing are also checked natively (tests/portable/cli_test.cpp).

#include <mailslot/mailslot.hpp>

#include <cli/help.hpp>

#include <support/examples.hpp>
#include <support/process.hpp>
#include <support/slot_name.hpp>

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <chrono>
#include <cstdint>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::Matches;
using mailslot_test::captured_process;
using mailslot_test::interrupt;
using mailslot_test::unique_slot_name;
using mailslot_test::wait_for_slot;
using mailslot_test::wide;
using namespace std::chrono_literals;

namespace {

// `mailslot` with `args`, run to its end: its exit code, standard output (as
// text) and standard error.
struct run_result {
  int code;
  std::string out;
  std::string err;
};
run_result run(const std::vector<std::wstring>& args, const std::string& input = {}) {
  captured_process program(L"mailslot.exe", args, input);
  const int code = program.wait();
  return {code, program.output_text(), program.error_text()};
}

// Waits until `listener` has made its slot `name`.
void wait_listening(const captured_process& listener, const std::string& name) {
  REQUIRE(listener.started());
  REQUIRE(wait_for_slot(name));
}

// A file of `bytes` in the temporary directory; removed with the object.
class temporary_file {
 public:
  explicit temporary_file(const std::string& bytes) {
    wchar_t directory[MAX_PATH + 1] = {};
    ::GetTempPathW(MAX_PATH, directory);
    wchar_t path[MAX_PATH + 1] = {};
    ::GetTempFileNameW(directory, L"msl", 0, path);
    path_ = path;
    const HANDLE file = ::CreateFileW(path, GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS,
                                      FILE_ATTRIBUTE_NORMAL, nullptr);
    REQUIRE(file != INVALID_HANDLE_VALUE);
    DWORD written = 0;
    REQUIRE(::WriteFile(file, bytes.data(), static_cast<DWORD>(bytes.size()), &written, nullptr) !=
            FALSE);
    ::CloseHandle(file);
  }
  temporary_file(const temporary_file&) = delete;
  temporary_file& operator=(const temporary_file&) = delete;
  ~temporary_file() { ::DeleteFileW(path_.c_str()); }
  [[nodiscard]] const std::wstring& path() const { return path_; }

 private:
  std::wstring path_;
};

// Splits --raw output into its messages (each a 4-byte little-endian size and
// that many bytes); false if the output is not exactly that.
bool split_raw(const std::string& out, std::vector<std::string>& messages) {
  std::size_t at = 0;
  while (at < out.size()) {
    if (out.size() - at < 4) {
      return false;
    }
    std::uint32_t size = 0;
    for (int i = 3; i >= 0; --i) {
      size = (size << 8U) | static_cast<unsigned char>(out[at + static_cast<std::size_t>(i)]);
    }
    at += 4;
    if (out.size() - at < size) {
      return false;
    }
    messages.push_back(out.substr(at, size));
    at += size;
  }
  return true;
}

const char* const time_pattern = R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)";

}  // namespace

TEST_CASE("mailslot listen prints what mailslot send writes, then stops after --count",
          "[cli][process][wine10]") {
  const std::string name = unique_slot_name("cli");
  captured_process listener(L"mailslot.exe", {L"listen", wide(name), L"--count", L"4"});
  wait_listening(listener, name);
  const run_result sender = run({L"send", wide(name), L"hello", L"w\u00f6rld", L"x", L""});
  CHECK(sender.code == 0);
  CHECK(sender.out.empty());  // (a summary is no data)
  CHECK(sender.err == "mailslot: 4 messages written to " + name + "\n");
  CHECK(listener.wait() == 0);
  // The messages on standard output; the banner and the summary on standard
  // error. One byte is "1 byte"; an empty message has no colon.
  CHECK(listener.output_text() ==
        "[1] 5 bytes: hello\n[2] 6 bytes: w\xC3\xB6rld\n[3] 1 byte: x\n[4] 0 bytes\n");
  CHECK(listener.error_text() ==
        "mailslot: listening on " + name + "\nmailslot: 4 messages received\n");
}

TEST_CASE("mailslot's text output escapes what could be misread", "[cli][process][wine10]") {
  const std::string name = unique_slot_name("cli-escape");
  captured_process listener(L"mailslot.exe", {L"listen", wide(name), L"--count", L"6"});
  wait_listening(listener, name);
  auto client = mailslot::client::open(name);
  client.write(std::string("literal \\x00 text"));  // a backslash, as text
  client.write(std::string("real \0 NUL", 10));     // a NUL byte
  client.write(std::string("a\tb"));                // a tab among printable text
  client.write(std::string("\t"));                  // a tab alone
  client.write(
      std::string("abc\xE2\x80\xAE"
                  "fdp.exe"));                               // U+202E, right-to-left override
  client.write(std::string("\xC2\x85 \xFF \x7F \x1B[31m"));  // C1, not UTF-8, DEL, ESC
  CHECK(listener.wait() == 0);
  CHECK(listener.output_text() ==
        "[1] 17 bytes: literal \\\\x00 text\n"
        "[2] 10 bytes: real \\x00 NUL\n"
        "[3] 3 bytes: a\\tb\n"
        "[4] 1 byte: \\t\n"
        "[5] 13 bytes: abc\\u{202e}fdp.exe\n"
        "[6] 12 bytes: \\u{0085} \\xff \\x7f \\x1b[31m\n");
}

TEST_CASE("mailslot listen --hex shows each message as a hex dump", "[cli][process][wine10]") {
  const std::string name = unique_slot_name("cli-hex");
  captured_process listener(L"mailslot.exe", {L"listen", wide(name), L"--count", L"2", L"--hex"});
  wait_listening(listener, name);
  const char bytes[] = {'A', '\0', '\x01', '\xFF', '\\'};
  mailslot::client::open(name).write(bytes, sizeof bytes);
  mailslot::client::open(name).write("");
  CHECK(listener.wait() == 0);
  CHECK(listener.output_text() == "[1] 5 bytes:\n  00000000  41 00 01 ff 5c" +
                                      std::string(11 * 3, ' ') + "  A...\\\n[2] 0 bytes\n");
}

TEST_CASE("mailslot listen --json prints one object per line, text or base64",
          "[cli][process][wine10]") {
  const std::string name = unique_slot_name("cli-json");
  captured_process listener(L"mailslot.exe", {L"listen", wide(name), L"--count", L"3", L"--json"});
  wait_listening(listener, name);
  auto client = mailslot::client::open(name);
  client.write(std::string("say \"hi\"\\\n\xE2\x80\xAE"));
  client.write(std::string("\xFF\x00\x41", 3));
  client.write("");
  CHECK(listener.wait() == 0);
  const std::string t = time_pattern;
  CHECK_THAT(listener.output_text(),
             Matches(R"(\{"index":1,"time":")" + t +
                     R"(","size":13,"encoding":"utf8","data":"say \\"hi\\"\\\\\\n\\u202e"\}\n)"
                     R"(\{"index":2,"time":")" +
                     t +
                     R"(","size":3,"encoding":"base64","data":"/wBB"\}\n)"
                     R"(\{"index":3,"time":")" +
                     t + R"(","size":0,"encoding":"utf8","data":""\}\n)"));
  CHECK_THAT(listener.error_text(), ContainsSubstring("mailslot: 3 messages received"));
}

TEST_CASE("mailslot listen --timestamps starts each message with its UTC time",
          "[cli][process][wine10]") {
  const std::string name = unique_slot_name("cli-time");
  // (The command comes first: an option before it is refused.)
  const run_result early = run({L"--timestamps", L"listen", wide(name), L"--count", L"1"});
  CHECK(early.code == 2);
  CHECK_THAT(early.err, ContainsSubstring("the command comes first"));
  captured_process timed(L"mailslot.exe",
                         {L"listen", L"--timestamps", wide(name), L"--count", L"1"});
  wait_listening(timed, name);
  mailslot::client::open(name).write("hello");
  CHECK(timed.wait() == 0);
  CHECK_THAT(timed.output_text(),
             Matches(std::string(time_pattern) + R"( \[1\] 5 bytes: hello\n)"));
}

TEST_CASE("mailslot send --file and listen --raw carry any bytes, 64 KiB included",
          "[cli][process][wine10]") {
  std::string every_byte(256, '\0');
  for (std::size_t i = 0; i < every_byte.size(); ++i) {
    every_byte[i] = static_cast<char>(i);
  }
  std::string large(64 * 1024, '\0');
  std::mt19937 random(20261207U);
  for (char& c : large) {
    c = static_cast<char>(random() & 0xFFU);
  }
  const temporary_file small_file(every_byte);
  const temporary_file large_file(large);
  const temporary_file empty_file("");
  const std::string name = unique_slot_name("cli-raw");
  captured_process listener(L"mailslot.exe", {L"listen", wide(name), L"--count", L"3", L"--raw"});
  wait_listening(listener, name);
  const run_result sender = run({L"send", wide(name), L"--file", small_file.path(),
                                 L"--file=" + large_file.path(), L"--file", empty_file.path()});
  CHECK(sender.code == 0);
  CHECK(sender.err == "mailslot: 3 messages written to " + name + "\n");
  CHECK(listener.wait() == 0);
  std::vector<std::string> messages;
  REQUIRE(split_raw(listener.standard_output(), messages));  // (byte for byte: no "\r\n")
  REQUIRE(messages.size() == 3);
  CHECK(messages[0] == every_byte);
  CHECK(messages[1] == large);
  CHECK(messages[2].empty());
}

TEST_CASE("mailslot send splits standard input on lines, or on NUL bytes with -0",
          "[cli][process][wine10]") {
  const std::string name = unique_slot_name("cli-stdin");
  auto server = mailslot::server::create(name, mailslot_test::with_timeout(0ms));
  // Lines: "\r\n" or "\n" ends one (not sent); the bytes in between are sent
  // as they are, every value but the line end included.
  std::string binary_line;
  for (int i = 0; i < 256; ++i) {
    if (i != '\n') {
      binary_line.push_back(static_cast<char>(i));
    }
  }
  run_result sender =
      run({L"send", wide(name), L"-"}, "first line\r\nsecond\n\n" + binary_line + "\nlast");
  CHECK(sender.code == 0);
  CHECK(sender.err == "mailslot: 5 messages written to " + name + "\n");
  CHECK(server.read() == "first line");
  CHECK(server.read() == "second");
  CHECK(server.read().empty());
  CHECK(server.read() == binary_line);  // ("\r" in it too: only before "\n" is it an end)
  CHECK(server.read() == "last");
  CHECK(server.info().message_count == 0);
  // Records ended by NUL: line ends travel inside them.
  sender = run({L"-0", L"send", wide(name), L"-"}, std::string("a\r\nb\0\0c\n", 8));
  CHECK(sender.code == 2);  // (-0 before the command: not the command's option)
  sender = run({L"send", L"-0", wide(name), L"-"}, std::string("a\r\nb\0\0c\n", 8));
  CHECK(sender.code == 0);
  CHECK(server.read() == "a\r\nb");
  CHECK(server.read().empty());
  CHECK(server.read() == "c\n");
  CHECK(server.info().message_count == 0);
}

TEST_CASE("mailslot send --hex and --base64 take messages in that encoding",
          "[cli][process][wine10]") {
  const std::string name = unique_slot_name("cli-encoded");
  auto server = mailslot::server::create(name, mailslot_test::with_timeout(0ms));
  CHECK(run({L"send", wide(name), L"--hex", L"00ff41", L"", L"41 42\t43"}).code == 0);
  CHECK(server.read() == std::string("\x00\xFF\x41", 3));
  CHECK(server.read().empty());
  CHECK(server.read() == "ABC");
  CHECK(run({L"send", wide(name), L"--base64", L"AP9B", L"aGk"}).code == 0);
  CHECK(server.read() == std::string("\x00\xFF\x41", 3));
  CHECK(server.read() == "hi");
  CHECK(run({L"send", wide(name), L"--base64", L"-"}, "aGk=\nAP9B\n").code == 0);
  CHECK(server.read() == "hi");
  CHECK(server.read() == std::string("\x00\xFF\x41", 3));
  // What is not that encoding is refused, and nothing is written.
  const std::vector<std::pair<std::vector<std::wstring>, std::string>> refused = {
      {{L"--hex", L"00", L"0g"}, "message 2: 'g' at index 1 is not a hexadecimal digit"},
      {{L"--hex", L"abc"}, "message 1: the last hexadecimal digit has no pair"},
      {{L"--hex", L"0 1"}, "message 1: ' ' at index 1 splits a byte's two hexadecimal digits"},
      {{L"--base64", L"a*=="}, "message 1: '*' at index 1 is not a base64 character"},
      {{L"--base64", L"aGl"}, "message 1: the last base64 character has bits left over"},
      {{L"--hex", L"--base64", L"00"}, "--hex and --base64 choose one encoding"},
  };
  for (const auto& [options, says] : refused) {
    std::vector<std::wstring> args{L"send", wide(name)};
    args.insert(args.end(), options.begin(), options.end());
    const run_result sender = run(args);
    INFO(sender.err);
    CHECK(sender.code == 2);
    CHECK_THAT(sender.err, ContainsSubstring(says));
  }
  CHECK(server.info().message_count == 0);
}

TEST_CASE("mailslot send checks every message before it writes any", "[cli][process][wine10]") {
  // Under Wine, opening a name that leaves the computer fails (exit code 3):
  // exit code 6 shows that the message was refused first.
  const std::wstring too_long(500, L'a');
  const std::vector<std::pair<std::vector<std::wstring>, std::string>> refused = {
      {{LR"(\\*\mailslot\x)", too_long},
       R"(message 1 is 500 bytes; at most 424 bytes go to \\*\mailslot\x (a name that leaves )"
       R"(this computer); nothing was written)"},
      {{LR"(\\far\mailslot\x)", L"fits", std::wstring(425, L'b')}, "message 2 is 425 bytes"},
  };
  for (const auto& [args, says] : refused) {
    std::vector<std::wstring> send{L"send"};
    send.insert(send.end(), args.begin(), args.end());
    const run_result sender = run(send);
    INFO(sender.err);
    CHECK(sender.code == 6);
    CHECK_THAT(sender.err, ContainsSubstring(says));
  }
  const run_result from_input =
      run({L"send", LR"(\\*\mailslot\x)", L"-"}, "fits\n" + std::string(500, 'c') + "\n");
  INFO(from_input.err);
  CHECK(from_input.code == 6);
  CHECK_THAT(from_input.err, ContainsSubstring("message 2 is 500 bytes"));
  // A local slot: the first message is not written when a later one fails.
  const std::string name = unique_slot_name("cli-checked");
  auto server = mailslot::server::create(name, mailslot_test::with_timeout(0ms));
  const run_result bad = run({L"send", wide(name), L"--hex", L"41", L"zz"});
  CHECK(bad.code == 2);
  CHECK(server.info().message_count == 0);
}

TEST_CASE("mailslot takes options anywhere, --name=value, and -- before operands",
          "[cli][process][wine10]") {
  const std::string name = unique_slot_name("cli-options");
  captured_process listener(L"mailslot.exe", {L"listen", L"--count=2", wide(name)});
  wait_listening(listener, name);
  // After "--" a message may look like an option.
  CHECK(run({L"send", L"--", wide(name), L"--count", L"-"}).code == 0);
  CHECK(listener.wait() == 0);
  CHECK(listener.output_text() == "[1] 7 bytes: --count\n[2] 1 byte: -\n");
  // A flag takes no value; an unknown option and a missing value are said so.
  CHECK_THAT(run({L"listen", wide(name), L"--hex=1"}).err,
             ContainsSubstring("--hex takes no value"));
  CHECK_THAT(run({L"listen", wide(name), L"--bogus"}).err,
             ContainsSubstring("unknown option --bogus"));
  CHECK_THAT(run({L"listen", wide(name), L"--count"}).err,
             ContainsSubstring("--count needs a value"));
  CHECK_THAT(run({L"listen", wide(name), wide(name)}).err,
             ContainsSubstring("listen takes one NAME, not 2 operands"));
  CHECK_THAT(run({L"listen", wide(name), L"--json", L"--raw"}).err,
             ContainsSubstring("--hex, --json and --raw choose one output"));
}

TEST_CASE("mailslot prints each command's help, as the guide shows it", "[cli][process][wine10]") {
  const std::vector<std::pair<std::vector<std::wstring>, const char*>> helps = {
      {{L"--help"}, mailslot_cli::general_help},
      {{L"-h"}, mailslot_cli::general_help},
      {{L"help"}, mailslot_cli::general_help},
      {{L"help", L"listen"}, mailslot_cli::listen_help},
      {{L"listen", L"--help"}, mailslot_cli::listen_help},
      {{L"listen", L"\\\\.\\mailslot\\x", L"-h"}, mailslot_cli::listen_help},
      {{L"help", L"send"}, mailslot_cli::send_help},
      {{L"help", L"help"}, mailslot_cli::general_help},
      {{L"send", L"--help"}, mailslot_cli::send_help},
      {{L"send", L"NAME", L"MESSAGE", L"--help"}, mailslot_cli::send_help},
  };
  for (const auto& [args, help] : helps) {
    const run_result program = run(args);
    CHECK(program.code == 0);
    CHECK(program.out == help);
    CHECK(program.err.empty());
  }
  // (That the guide shows these texts word for word: the portable tests.)
  const run_result unknown = run({L"help", L"frobnicate"});
  CHECK(unknown.code == 2);
  CHECK_THAT(unknown.err, ContainsSubstring("help knows listen and send, not frobnicate"));
}

TEST_CASE("mailslot listen ends when its time runs out, and says whether it got what it asked for",
          "[cli][process][wine10]") {
  struct expectation {
    std::vector<std::wstring> options;
    int messages;  // written to the slot once it exists
    int exit_code;
    std::string summary;
  };
  const std::vector<expectation> cases = {
      {{L"--idle-timeout", L"300"}, 0, 4, "0 messages received; no message for 300 ms"},
      {{L"--timeout=300"}, 0, 4, "0 messages received; no message for 300 ms"},
      {{L"--idle-timeout", L"500"}, 2, 0, "2 messages received; no message for 500 ms"},
      {{L"--duration", L"300"}, 0, 4, "0 messages received; 300 ms passed"},
      {{L"--duration", L"1500"}, 1, 0, "1 message received; 1500 ms passed"},
      {{L"--duration", L"1500", L"--count", L"2"}, 1, 4, "1 message received; 1500 ms passed"},
      {{L"--duration", L"20000", L"--count", L"1"}, 1, 0, "1 message received\n"},
      {{L"--count", L"0"}, 0, 0, "0 messages received\n"},
  };
  for (const auto& c : cases) {
    const std::string name = unique_slot_name("cli-time");
    std::vector<std::wstring> args{L"listen", wide(name)};
    args.insert(args.end(), c.options.begin(), c.options.end());
    captured_process listener(L"mailslot.exe", args);
    if (c.messages > 0) {
      REQUIRE(wait_for_slot(name));
      for (int i = 0; i < c.messages; ++i) {
        mailslot::client::open(name).write("m");
      }
    }
    const int code = listener.wait();
    INFO(listener.error_text());
    CHECK(code == c.exit_code);
    CHECK_THAT(listener.error_text(), ContainsSubstring("mailslot: " + c.summary));
  }
}

TEST_CASE("mailslot listen --max-size refuses a larger message, which stays unread",
          "[cli][process][limit][wine10]") {
  const std::string name = unique_slot_name("cli-max");
  captured_process listener(L"mailslot.exe",
                            {L"listen", wide(name), L"--max-size", L"100", L"--count", L"2"});
  wait_listening(listener, name);
  auto client = mailslot::client::open(name);
  client.write(std::string(100, 'a'));
  std::error_code ec;
  client.write(std::string(200, 'b'), ec);
  if (!mailslot_test::running_under_wine()) {
    // Windows refuses a message over the slot's maximum at the writer.
    CHECK(ec);
    client.close();
    CHECK(interrupt(listener) == 130);
    return;
  }
  REQUIRE_FALSE(ec);  // Wine 10 does not enforce the maximum on write
  CHECK(listener.wait() == 6);
  CHECK(listener.output_text() == "[1] 100 bytes: " + std::string(100, 'a') + "\n");
  CHECK(listener.error_text() ==
        "mailslot: listening on " + name +
            "\nmailslot: a message of 200 bytes is larger than --max-size 100; it stays unread\n"
            "mailslot: 1 message received\n");
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
      {{}, 2, "mailslot: no command\n(\"mailslot --help\" prints the usage)"},
      {{L"frobnicate"}, 2, "unknown command frobnicate"},
      {{L"listen"}, 2, "listen needs a NAME\n(\"mailslot listen --help\" prints the usage)"},
      {{L"send"}, 2, "send needs a NAME"},
      {{L"send", wide(missing), L"x"}, 3, "cannot open " + missing + ": "},
      {{L"send", wide(missing), L"x"}, 3, "(is a listener running?)"},
      {{L"send", L"\\\\.\\mailslot\\bad|name", L"x"}, 5, "forbidden character '|' at index 16"},
      {{L"listen", L"\\\\far\\mailslot\\x"}, 5, "can only create a local name"},
      {{L"listen", wide(quiet), L"--idle-timeout", L"100"}, 4, "no message for 100 ms"},
      {{L"--version"},
       0,
       "mailslot " + std::to_string(MAILSLOT_VERSION_MAJOR) + "." +
           std::to_string(MAILSLOT_VERSION_MINOR) + "." + std::to_string(MAILSLOT_VERSION_PATCH)},
      {{L"send", wide(missing), L"-", L"--file", L"x"}, 2, "no --file with it"},
      {{L"send", wide(missing), L"-0", L"x"}, 2, "-0 splits standard input"},
      {{L"send", wide(missing), L"--file", L"C:\\no\\such\\file"},
       1,
       "cannot read C:\\no\\such\\file: "},
      {{L"send", wide(missing), L"--file", L"C:\\windows"},
       1,
       "cannot read C:\\windows: it is a directory"},
      {{L"send", wide(missing), L"--file="}, 2, "--file needs a value"},
      {{L"send", wide(missing), L"--file", L"-"}, 2, "standard input is the MESSAGE -, not a file"},
      {{L"send", wide(missing), L"-", L"x"},
       2,
       "- (standard input) is the only MESSAGE when given"},
      {{L"send", wide(missing), L"x", L"-"},
       2,
       "- (standard input) is the only MESSAGE when given"},
  };
  for (const auto& c : cases) {
    captured_process program(L"mailslot.exe", c.args);
    const int code = program.wait();
    INFO(program.output());
    CHECK(code == c.exit_code);
    CHECK_THAT(program.output(), ContainsSubstring(c.says));
  }
}

TEST_CASE("mailslot checks the range of every number and says what it is",
          "[cli][process][wine10]") {
  const std::string quiet = unique_slot_name("cli-range");
  const std::vector<std::pair<std::vector<std::wstring>, std::string>> refused = {
      {{L"--idle-timeout", L"-5"},
       R"(--idle-timeout needs a number from 0 to 4294967294 (milliseconds), not "-5")"},
      {{L"--timeout", L"4294967295"}, R"(from 0 to 4294967294 (milliseconds), not "4294967295")"},
      {{L"--duration", L"4294967296"}, R"(from 0 to 4294967294 (milliseconds), not "4294967296")"},
      {{L"--idle-timeout", L" 5"}, R"(not " 5")"},
      {{L"--idle-timeout", L"5ms"}, R"(not "5ms")"},
      {{L"--max-size", L"4294967296"},
       R"(--max-size needs a number from 0 to 4294967295 (bytes; 0: any size), not "4294967296")"},
      {{L"--count", L"+1"}, R"(--count needs a number from 0 to 4294967295 (messages), not "+1")"},
      {{L"--count", L"18446744073709551616"}, R"(not "18446744073709551616")"},
      {{L"--count=lots"}, R"(--count needs a number from 0 to 4294967295 (messages), not "lots")"},
  };
  for (const auto& [options, says] : refused) {
    std::vector<std::wstring> args{L"listen", wide(quiet)};
    args.insert(args.end(), options.begin(), options.end());
    const run_result program = run(args);
    INFO(program.err);
    CHECK(program.code == 2);
    CHECK_THAT(program.err, ContainsSubstring(says));
  }
  // The largest of each is accepted.
  const run_result program =
      run({L"listen", wide(quiet), L"--idle-timeout", L"4294967294", L"--duration", L"4294967294",
           L"--max-size", L"4294967295", L"--count", L"0"});
  INFO(program.err);
  CHECK(program.code == 0);
  CHECK_THAT(program.err, ContainsSubstring("listening on " + quiet));
}

TEST_CASE("mailslot send does not suggest a listener for a name that leaves the computer",
          "[cli][process][wine10]") {
  const run_result program = run({L"send", LR"(\\far\mailslot\x)", L"hello"});
  INFO(program.err);
  CHECK_THAT(program.err, !ContainsSubstring("listener"));
  if (mailslot_test::running_under_wine()) {  // Wine cannot reach remote names
    CHECK(program.code == 3);
    CHECK_THAT(program.err,
               ContainsSubstring(R"(cannot open \\far\mailslot\x: )") &&
                   ContainsSubstring("(the name leaves this computer: remote mailslots are "
                                     "disabled, or the destination cannot be reached)"));
  } else {
    WARN("Windows: exit code " << program.code << ", " << program.err);
  }
}

TEST_CASE("mailslot listen on a taken name says so", "[cli][process][wine10]") {
  auto server = mailslot_test::make_server("cli-taken");
  const run_result listener = run({L"listen", server.name().wstring()});
  CHECK(listener.code == 8);
  CHECK_THAT(listener.err, ContainsSubstring("another listener has it"));
}

TEST_CASE("mailslot listen exits cleanly on Ctrl+C", "[cli][process][wine10]") {
  // The listener gets a console of its own, where interrupt() raises Ctrl+C.
  const std::string name = unique_slot_name("cli-ctrl-c");
  captured_process listener(L"mailslot.exe", {L"listen", wide(name)}, {}, CREATE_NEW_CONSOLE);
  REQUIRE(listener.started());
  REQUIRE(wait_for_slot(name));
  CHECK(interrupt(listener) == 130);
  CHECK_THAT(listener.error_text(),
             ContainsSubstring("mailslot: 0 messages received; interrupted"));
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
    CHECK_THAT(listener.error_text(),
               ContainsSubstring("mailslot: 0 messages received; interrupted"));
  }
}

TEST_CASE("mailslot -q prints no banner and no summary, errors still", "[cli][process][wine10]") {
  const std::string name = unique_slot_name("cli-quiet");
  captured_process listener(L"mailslot.exe", {L"listen", L"-q", wide(name), L"--count", L"1"});
  wait_listening(listener, name);
  const run_result sender = run({L"send", wide(name), L"--quiet", L"hi"});
  CHECK(sender.code == 0);
  CHECK(sender.err.empty());
  CHECK(listener.wait() == 0);
  CHECK(listener.output_text() == "[1] 2 bytes: hi\n");
  CHECK(listener.error_text().empty());
  const run_result failed = run({L"send", L"-q", wide(unique_slot_name("cli-quiet-none")), L"x"});
  CHECK(failed.code == 3);
  CHECK_THAT(failed.err, ContainsSubstring("cannot open"));
}

TEST_CASE("mailslot listen ends when nothing reads its standard output any more",
          "[cli][process][wine10]") {
  // As `mailslot listen NAME | head -n1` leaves it once head has ended: the
  // listener must not go on taking messages that nobody will see.
  const std::string name = unique_slot_name("cli-closed-out");
  SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  HANDLE out_read = nullptr;
  HANDLE out_write = nullptr;
  HANDLE err_read = nullptr;
  HANDLE err_write = nullptr;
  REQUIRE(::CreatePipe(&out_read, &out_write, &inherit, 0) != FALSE);
  REQUIRE(::CreatePipe(&err_read, &err_write, &inherit, 1U << 16U) != FALSE);
  ::SetHandleInformation(out_read, HANDLE_FLAG_INHERIT, 0);
  ::SetHandleInformation(err_read, HANDLE_FLAG_INHERIT, 0);
  const std::wstring path = mailslot_test::program_directory() + L"mailslot.exe";
  std::wstring command = L"\"" + path + L"\" listen \"" + wide(name) + L"\"";
  STARTUPINFOW startup{};
  startup.cb = sizeof(startup);
  startup.dwFlags = STARTF_USESTDHANDLES;
  startup.hStdOutput = out_write;
  startup.hStdError = err_write;
  PROCESS_INFORMATION info{};
  REQUIRE(::CreateProcessW(path.c_str(), command.data(), nullptr, nullptr, TRUE, 0, nullptr,
                           nullptr, &startup, &info) != FALSE);
  ::CloseHandle(info.hThread);
  ::CloseHandle(out_write);
  ::CloseHandle(err_write);
  ::CloseHandle(out_read);  // nobody reads its output now
  REQUIRE(wait_for_slot(name));
  mailslot::client::open(name).write("one");
  const bool ended = ::WaitForSingleObject(info.hProcess, 20000) == WAIT_OBJECT_0;
  if (!ended) {
    ::TerminateProcess(info.hProcess, 0xDEAD);
  }
  DWORD code = 0;
  ::GetExitCodeProcess(info.hProcess, &code);
  ::CloseHandle(info.hProcess);
  std::string err;
  char chunk[4096];
  DWORD got = 0;
  while (::ReadFile(err_read, chunk, sizeof chunk, &got, nullptr) != FALSE && got != 0) {
    err.append(chunk, got);
  }
  ::CloseHandle(err_read);
  INFO(err);
  CHECK(ended);
  CHECK(code == 1);
  CHECK_THAT(err, ContainsSubstring("standard output is closed: message 1 could not be shown"));
}
