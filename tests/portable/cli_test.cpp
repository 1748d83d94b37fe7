// The mailslot tool's formatting and command line (examples/cli), natively
// with the sanitizers and under Wine; and that the guide (docs/cli.md) shows
// its help word for word. The tool itself runs under Wine in tests/windows/cli_test.cpp.

#include <cli/format.hpp>
#include <cli/help.hpp>
#include <cli/options.hpp>

#include <catch2/catch_test_macros.hpp>

#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace mailslot_cli;

TEST_CASE("the text escape shows every byte unambiguously", "[cli]") {
  CHECK(escape_text("plain text, w\xC3\xB6rld") == "plain text, w\xC3\xB6rld");
  CHECK(escape_text("a\\b") == "a\\\\b");
  CHECK(escape_text("literal \\x00") == "literal \\\\x00");
  CHECK(escape_text(std::string("nul \0", 5)) == "nul \\x00");
  CHECK(escape_text("\t\n\r") == "\\t\\n\\r");
  CHECK(escape_text("\x01\x1B\x7F") == "\\x01\\x1b\\x7f");
  CHECK(escape_text("\xC2\x80\xC2\x9F") == "\\u{0080}\\u{009f}");  // C1
  CHECK(escape_text("\xE2\x80\xAE\xE2\x80\x8B\xEF\xBB\xBF\xC2\xAD") ==
        "\\u{202e}\\u{200b}\\u{feff}\\u{00ad}");  // RLO, ZWSP, BOM, soft hyphen
  CHECK(escape_text("\xE2\x80\xA8\xE2\x80\xA9") == "\\u{2028}\\u{2029}");
  CHECK(escape_text("\xF3\xA0\x80\x81") == "\\u{e0001}");        // a tag
  CHECK(escape_text("\xFF\xC3") == "\\xff\\xc3");                // not UTF-8: byte by byte
  CHECK(escape_text("\xED\xA0\x80") == "\\xed\\xa0\\x80");       // a surrogate
  CHECK(escape_text("\xF0\x9F\x98\x80") == "\xF0\x9F\x98\x80");  // printable beyond the BMP
  CHECK(escape_text("").empty());
  // Every byte value alone: printable ASCII as itself, the rest escaped.
  for (int b = 0; b < 256; ++b) {
    const std::string shown = escape_text(std::string(1, static_cast<char>(b)));
    if (b >= 0x20 && b < 0x7F && b != '\\') {
      CHECK(shown == std::string(1, static_cast<char>(b)));
    } else {
      CHECK(shown.front() == '\\');
    }
  }
}

TEST_CASE("the JSON string escape keeps JSON valid and format characters visible", "[cli]") {
  CHECK(json_string("say \"hi\"\\") == "say \\\"hi\\\"\\\\");
  CHECK(json_string("\b\f\n\r\t") == "\\b\\f\\n\\r\\t");
  CHECK(json_string("\x01\x7F") == "\\u0001\\u007f");
  CHECK(json_string("\xE2\x80\xAE") == "\\u202e");
  CHECK(json_string("\xF3\xA0\x80\x81") == "\\udb40\\udc01");  // U+E0001, a surrogate pair
  CHECK(json_string("w\xC3\xB6rld \xF0\x9F\x98\x80") == "w\xC3\xB6rld \xF0\x9F\x98\x80");
}

TEST_CASE("base64 and hex round-trip every byte and refuse what is not theirs", "[cli]") {
  std::string every(256, '\0');
  for (std::size_t i = 0; i < every.size(); ++i) {
    every[i] = static_cast<char>(i);
  }
  std::string why;
  for (std::size_t length = 0; length <= 7; ++length) {
    const std::string part = every.substr(250 - length, length);
    CHECK(base64_decode(base64_encode(part), why) == part);
  }
  CHECK(base64_decode(base64_encode(every), why) == every);
  CHECK(base64_encode("hi") == "aGk=");
  CHECK(base64_encode("") == "");
  CHECK(base64_decode("aGk", why) == std::optional<std::string>("hi"));  // padding left out
  CHECK_FALSE(base64_decode("a", why).has_value());
  CHECK(why == "base64 of 1 characters stands for no bytes");
  CHECK_FALSE(base64_decode("a*==", why).has_value());
  CHECK(why == "'*' at index 1 is not a base64 character");
  CHECK_FALSE(base64_decode("aGl=", why).has_value());
  CHECK(why == "the last base64 character has bits left over");
  CHECK_FALSE(base64_decode("aG=k", why).has_value());
  CHECK(why == "'=' at index 2 is not a base64 character");
  CHECK(base64_decode("aGVs bG8=", why) == std::optional<std::string>("hello"));  // (blanks)
  CHECK_FALSE(base64_decode("aGVsbG8==", why).has_value());
  CHECK(why == "base64 of 7 characters ends with 1 '=', not 2");
  CHECK_FALSE(base64_decode("==", why).has_value());
  std::string hex;
  for (int i = 0; i < 256; ++i) {
    static constexpr char digits[] = "0123456789ABCDEF";
    hex.push_back(digits[i >> 4]);
    hex.push_back(digits[i & 0xF]);
  }
  CHECK(hex_decode(hex, why) == every);
  CHECK(hex_decode("00ff41", why) == std::optional<std::string>(std::string("\0\xFF\x41", 3)));
  CHECK_FALSE(hex_decode("0g", why).has_value());
  CHECK(why == "'g' at index 1 is not a hexadecimal digit");
  CHECK_FALSE(hex_decode("abc", why).has_value());
  CHECK(why == "the last hexadecimal digit has no pair: each byte takes two");
  CHECK(hex_decode("00 61\t62 ", why) == std::optional<std::string>(std::string("\0ab", 3)));
  CHECK(hex_decode("  41 00 01 ff 5c  ", why) ==
        std::optional<std::string>(std::string("A\0\x01\xFF\\", 5)));  // (a dump's line)
  CHECK_FALSE(hex_decode("0 1", why).has_value());
  CHECK(why == "' ' at index 1 splits a byte's two hexadecimal digits");
  CHECK_FALSE(hex_decode("00 6x", why).has_value());
  CHECK(why == "'x' at index 4 is not a hexadecimal digit");
}

TEST_CASE("times are UTC ISO 8601 with microseconds", "[cli]") {
  // FILETIME ticks: 100 ns since 1601-01-01.
  constexpr std::uint64_t per_second = 10000000;
  CHECK(utc_time(0) == "1601-01-01T00:00:00.000000Z");
  constexpr std::uint64_t unix_epoch = 11644473600ULL * per_second;
  CHECK(utc_time(unix_epoch) == "1970-01-01T00:00:00.000000Z");
  CHECK(utc_time(unix_epoch + 951782400ULL * per_second + 9) ==
        "2000-02-29T00:00:00.000000Z");  // (9 ticks: under a microsecond)
  CHECK(utc_time(unix_epoch + 1796634303ULL * per_second + 2500) == "2026-12-07T09:05:03.000250Z");
  CHECK(utc_time(unix_epoch + 4102444799ULL * per_second + 9999999) ==
        "2099-12-31T23:59:59.999999Z");
}

TEST_CASE("the command line takes options anywhere, --name=value, and -- before operands",
          "[cli]") {
  static constexpr option_spec specs[] = {
      {"--count", "", "", true},
      {"--idle-timeout", "--timeout", "", true},
      {"--hex", "", "", false},
      {"--null", "", "-0", false},
  };
  command_line line = parse_command_line(
      {"--count", "3", "NAME", "--timeout=5", "-0", "-", "--", "--hex", "-0"}, specs);
  CHECK(line.error.empty());
  CHECK(line.operands == std::vector<std::string>{"NAME", "-", "--hex", "-0"});
  CHECK(line.literal_from == 2);  // (the operands from the third on came after "--")
  CHECK(line.value("--count") == std::optional<std::string>("3"));
  CHECK(line.value("--idle-timeout") == std::optional<std::string>("5"));
  CHECK(line.has("--null"));
  CHECK_FALSE(line.has("--hex"));
  line = parse_command_line({"--count=1", "--count", "2"}, specs);
  CHECK(line.value("--count") == std::optional<std::string>("2"));
  CHECK(line.values("--count") == std::vector<std::string>{"1", "2"});
  CHECK(line.value("--count=") == std::nullopt);
  CHECK(parse_command_line({"--count="}, specs).error == "--count needs a value");
  CHECK(parse_command_line({"--bogus"}, specs).error == "unknown option --bogus");
  CHECK(parse_command_line({"--bogus=1"}, specs).error == "unknown option --bogus");
  CHECK(parse_command_line({"-x"}, specs).error == "unknown option -x");
  CHECK(parse_command_line({"--hex=1"}, specs).error == "--hex takes no value");
  CHECK(parse_command_line({"NAME", "--count"}, specs).error == "--count needs a value");
  CHECK(parse_command_line({"--timeout"}, specs).error == "--timeout needs a value");
  CHECK(parse_number("4294967295", 4294967295U) == std::optional<std::uint64_t>(4294967295U));
  CHECK_FALSE(parse_number("4294967296", 4294967295U).has_value());
  CHECK_FALSE(parse_number("+1", 10).has_value());
  CHECK_FALSE(parse_number(" 1", 10).has_value());
  CHECK_FALSE(parse_number("1ms", 10).has_value());
  CHECK_FALSE(parse_number("", 10).has_value());
}

TEST_CASE("the guide's page of the tool shows its help word for word", "[cli][docs]") {
  std::ifstream file(MAILSLOT_CLI_PAGE_PATH, std::ios::binary);
  REQUIRE(file);
  std::stringstream content;
  content << file.rdbuf();
  const std::string page = content.str();
  for (const char* help : {general_help, listen_help, send_help}) {
    INFO(help);
    CHECK(page.find("```text\n" + std::string(help) + "```\n") != std::string::npos);
  }
}
