#include <mailslot/name.hpp>

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <cwchar>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>
#if MAILSLOT_HAS_THREE_WAY_COMPARISON
#  include <compare>
#endif

using mailslot::name;
using mailslot::scope;

namespace {

name parse_ok(std::string_view text) {
  std::error_code ec;
  name result = name::parse(text, ec);
  INFO(name::explain(text));
  REQUIRE_FALSE(ec);
  REQUIRE_FALSE(result.empty());
  return result;
}

// Parses `text`, expecting `error`; returns the explanation.
std::string parse_fails(std::string_view text,
                        mailslot::errc error = mailslot::errc::invalid_name) {
  std::error_code ec = make_error_code(mailslot::errc::not_open);
  const name result = name::parse(text, ec);
  CHECK(ec == error);
  CHECK(result.empty());
  const std::string why = name::explain(text);
  CHECK_FALSE(why.empty());
  return why;
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

const std::string prefix = R"(\\.\mailslot\)";

}  // namespace

// --- accepted names ------------------------------------------------------------

TEST_CASE("a local name parses into its parts", "[name]") {
  const name n = parse_ok(R"(\\.\mailslot\app\events)");
  CHECK(n.scope() == scope::local);
  CHECK(n.is_local());
  CHECK(n.host() == ".");
  CHECK(n.path() == R"(app\events)");
  CHECK(n.string() == R"(\\.\mailslot\app\events)");
}

TEST_CASE("a remote name keeps its computer or domain name", "[name]") {
  const name computer = parse_ok(R"(\\build-01\mailslot\jobs)");
  CHECK(computer.scope() == scope::remote);
  CHECK_FALSE(computer.is_local());
  CHECK(computer.host() == "build-01");
  CHECK(computer.path() == "jobs");

  const name domain = parse_ok(R"(\\corp.example.com\mailslot\a\b)");
  CHECK(domain.scope() == scope::remote);
  CHECK(domain.host() == "corp.example.com");

  CHECK(parse_ok(R"(\\192.168.1.20\mailslot\x)").host() == "192.168.1.20");
  CHECK(parse_ok(R"(\\HOST_1\mailslot\x)").host() == "HOST_1");
}

TEST_CASE("the primary-domain name uses the host *", "[name]") {
  const name n = parse_ok(R"(\\*\mailslot\status)");
  CHECK(n.scope() == scope::primary_domain);
  CHECK(n.host() == "*");
  CHECK(n.path() == "status");
}

TEST_CASE("the keyword is accepted in any case and formatted in lower case", "[name]") {
  const name n = parse_ok(R"(\\.\MailSlot\Box)");
  CHECK(n.string() == R"(\\.\mailslot\Box)");
  CHECK(n.path() == "Box");  // the path keeps its case
}

TEST_CASE("non-ASCII characters are allowed in the path", "[name]") {
  // "été", CJK, and U+1F4EC (a surrogate pair in UTF-16).
  const std::string text = prefix + "\xC3\xA9t\xC3\xA9\\\xE4\xB8\xAD\xE6\x96\x87\\\xF0\x9F\x93\xAC";
  const name n = parse_ok(text);
  CHECK(n.string() == text);
  CHECK(n.u16string() == u"\\\\.\\mailslot\\\u00e9t\u00e9\\\u4e2d\u6587\\\U0001F4EC");
}

TEST_CASE("formatting a parsed name is stable in every encoding", "[name]") {
  const auto text = GENERATE(as<std::string>{}, R"(\\.\mailslot\a)", R"(\\.\MAILSLOT\Ab\cD)",
                             R"(\\host\mailslot\x\y\z)", R"(\\*\mailslot\q)",
                             "\\\\.\\mailslot\\\xC3\xA9\xF0\x9F\x93\xAC");
  const name first = parse_ok(text);
  const name from_utf8 = parse_ok(first.string());
  std::error_code ec;
  const name from_utf16 = name::parse(first.u16string(), ec);
  REQUIRE_FALSE(ec);
  const name from_wide = name::parse(first.wstring(), ec);
  REQUIRE_FALSE(ec);
  CHECK(from_utf8.string() == first.string());
  CHECK(from_utf16.native() == first.native());
  CHECK(from_wide.native() == first.native());
  CHECK(from_utf8.scope() == first.scope());
  CHECK(from_utf8.host() == first.host());
  CHECK(from_utf8.path() == first.path());
}

TEST_CASE("UTF-16 input parses to the same name as UTF-8 input", "[name]") {
  std::error_code ec;
  const name wide = name::parse(u"\\\\.\\mailslot\\caf\u00e9", ec);
  REQUIRE_FALSE(ec);
  CHECK(wide.string() == "\\\\.\\mailslot\\caf\xC3\xA9");
  CHECK(wide == parse_ok("\\\\.\\mailslot\\caf\xC3\xA9"));
}

// --- rejected names: one rule each ------------------------------------------------

TEST_CASE("an empty name is rejected", "[name]") { CHECK(contains(parse_fails(""), "empty")); }

TEST_CASE("a name must start with two backslashes", "[name]") {
  CHECK(contains(parse_fails("blah"), "must start with"));
  CHECK(contains(parse_fails(R"(\.\mailslot\x)"), "index 1"));
  CHECK(contains(parse_fails(R"(mailslot\x)"), "index 0"));
}

TEST_CASE("forward slashes are rejected because Windows rewrites them", "[name]") {
  CHECK(contains(parse_fails("//./mailslot/x"), "rewrites"));
  CHECK(contains(parse_fails(R"(\\.\mailslot\a/b)"), "index 14"));
}

TEST_CASE("the host must be present", "[name]") {
  CHECK(contains(parse_fails(R"(\\\mailslot\x)"), "missing host"));
  CHECK(contains(parse_fails(R"(\\)"), "missing host"));
}

TEST_CASE("the keyword must be mailslot", "[name]") {
  CHECK(contains(parse_fails("\\\\.\\MA\xC4\xB0LSLOT\\x"), "\\mailslot\\"));  // dotted capital I
  CHECK(contains(parse_fails(R"(\\.\pipe\x)"), "\\mailslot\\"));
  CHECK(contains(parse_fails(R"(\\.\mailslots\x)"), "\\mailslot\\"));
  CHECK(contains(parse_fails(R"(\\.)"), "\\mailslot\\"));
}

TEST_CASE("the path must not be empty", "[name]") {
  CHECK(contains(parse_fails(R"(\\.\mailslot)"), "empty path"));
  CHECK(contains(parse_fails(R"(\\.\mailslot\)"), "empty path"));
}

TEST_CASE("empty path components are rejected", "[name]") {
  CHECK(contains(parse_fails(R"(\\.\mailslot\a\\b)"), "empty path component"));
  CHECK(contains(parse_fails(R"(\\.\mailslot\a\\b)"), "index 15"));
  CHECK(contains(parse_fails(R"(\\.\mailslot\a\)"), "index 15"));  // trailing separator
  CHECK(contains(parse_fails(R"(\\.\mailslot\\a)"), "index 13"));
}

TEST_CASE("dot and dot-dot components are rejected", "[name]") {
  CHECK(contains(parse_fails(R"(\\.\mailslot\.)"), "'..'"));
  CHECK(contains(parse_fails(R"(\\.\mailslot\..)"), "collapses"));
  CHECK(contains(parse_fails(R"(\\.\mailslot\a\..\b)"), "index 15"));
  CHECK(contains(parse_fails(R"(\\.\mailslot\a\.\b)"), "index 15"));
  // Dots inside or leading a component are fine.
  parse_ok(R"(\\.\mailslot\.hidden)");
  parse_ok(R"(\\.\mailslot\a.b\...x)");
}

TEST_CASE("trailing dots and spaces are rejected because Windows strips them", "[name]") {
  CHECK(contains(parse_fails(R"(\\.\mailslot\a.)"), "strips"));
  CHECK(contains(parse_fails(R"(\\.\mailslot\a )"), "index 14"));
  CHECK(contains(parse_fails(R"(\\.\mailslot\a. \b)"), "index 15"));
  CHECK(contains(parse_fails(R"(\\.\mailslot\ )"), "space"));
}

TEST_CASE("leading spaces are rejected", "[name]") {
  CHECK(contains(parse_fails(R"(\\.\mailslot\ a)"), "starts with a space"));
  parse_ok(R"(\\.\mailslot\a b)");  // inner spaces are fine
}

TEST_CASE("each reserved ASCII character is rejected in the path, the rest accepted", "[name]") {
  const std::string_view reserved = R"(/<>:"|?*)";
  for (int c = 0x20; c < 0x7F; ++c) {
    const auto ch = static_cast<char>(c);
    if (ch == '\\' || ch == ' ' || ch == '.') {
      continue;  // separator; position rules tested above
    }
    const std::string text = prefix + "a" + ch + "b";
    INFO("character " << ch);
    std::error_code ec;
    (void)name::parse(text, ec);
    CHECK(static_cast<bool>(ec) == (reserved.find(ch) != std::string_view::npos));
  }
  CHECK(contains(parse_fails(prefix + "a|b"), "forbidden character '|' at index 14"));
}

TEST_CASE("control characters and embedded NULs are rejected", "[name]") {
  for (int c = 0; c < 0x20; ++c) {
    INFO("character " << c);
    parse_fails(prefix + "a" + std::string(1, static_cast<char>(c)) + "b");
  }
  parse_fails(prefix + "a\x7F");
  CHECK(contains(parse_fails(prefix + "a\xC2\x85"), "U+0085"));  // C1 control NEL
  parse_fails(prefix + "a\xC2\x80");                             // first C1 control
  parse_fails(prefix + "a\xC2\x9F");                             // last C1 control
  parse_ok(prefix +
           "a\xC2\xA0"
           "b");  // no-break space is not one
  const std::string with_nul = prefix + std::string("a\0b", 3);
  CHECK(contains(parse_fails(with_nul), "U+0000 at index 14"));
  CHECK(contains(name::explain(with_nul), "<U+0000>"));  // shown, not cut off
}

TEST_CASE("a host without a dot is a NetBIOS name of 1 to 15 characters", "[name][host]") {
  CHECK(parse_ok(R"(\\ABCDEFGHIJKLMNO\mailslot\x)").host() == "ABCDEFGHIJKLMNO");
  const std::string why = parse_fails(R"(\\ABCDEFGHIJKLMNOP\mailslot\x)");
  CHECK(contains(why, "NetBIOS name longer than 15 characters"));
  CHECK(contains(why, "index 17"));  // the 16th character
  // What DNS allows in a label does not lift the limit: a host without a dot
  // is never judged as a DNS name.
  parse_fails("\\\\" + std::string(63, 'a') + "\\mailslot\\x");
}

TEST_CASE("a NetBIOS name may hold what neither Microsoft rule set forbids", "[name][host]") {
  // Letters, digits and every printable ASCII character outside the two
  // forbidden lists, each alone and inside a name (a space only inside).
  for (const char c : std::string_view("!@#$%^&'(){}~-_`")) {
    INFO(c);
    CHECK(parse_ok("\\\\" + std::string(1, c) + "\\mailslot\\x").host() == std::string(1, c));
    CHECK(parse_ok("\\\\pc" + std::string(1, c) + "1\\mailslot\\x").scope() == scope::remote);
  }
  CHECK(parse_ok(R"(\\MY PC\mailslot\x)").host() == "MY PC");
}

TEST_CASE("a NetBIOS name rejects each character either rule set forbids, saying so",
          "[name][host]") {
  // Active Directory naming conventions: \ / : * ? " < > |
  // MS-SRVS NetprNameValidate: " / \ [ ] : | < > + = ; , ? and * for computers.
  // ('\' ends the host and '/' is caught as a rewritten separator: both below.)
  for (const char c : std::string_view(R"(:*?"<>|[]+=;,)")) {
    INFO(c);
    const std::string why = parse_fails("\\\\pc" + std::string(1, c) + "1\\mailslot\\x");
    CHECK(contains(why, std::string("not allowed in a NetBIOS name '") + c + "' ("));
    CHECK(contains(why, ") at index 4"));
  }
  CHECK(contains(parse_fails(R"(\\pc/1\mailslot\x)"), "NetBIOS"));
  CHECK(contains(parse_fails(R"(\\?\mailslot\x)"), "'?'"));
  CHECK(contains(parse_fails(R"(\\**\mailslot\x)"), "'*'"));
}

TEST_CASE("a NetBIOS name rejects control characters, outer spaces and non-ASCII", "[name][host]") {
  for (const char c : {'\x01', '\x09', '\x1F', '\x7F'}) {
    INFO(static_cast<int>(c));
    CHECK(contains(parse_fails("\\\\pc" + std::string(1, c) + "1\\mailslot\\x"),
                   "control character in a NetBIOS name"));
  }
  CHECK(contains(parse_fails(std::string("\\\\pc\0"
                                         "1\\mailslot\\x",
                                         17)),
                 "control character"));
  CHECK(contains(parse_fails(R"(\\ pc\mailslot\x)"), "starts or ends with a space"));
  CHECK(contains(parse_fails(R"(\\pc \mailslot\x)"), "starts or ends with a space"));
  const std::string why = parse_fails("\\\\h\xC3\xA9\\mailslot\\x");
  CHECK(contains(why, "non-ASCII character in a NetBIOS name U+00E9 (it travels"));
  CHECK(contains(why, ") at index 3"));
  // A character beyond the BMP is named with six digits.
  CHECK(contains(parse_fails("\\\\h\xF0\x9F\x93\xAC\\mailslot\\x"),
                 "NetBIOS name U+01F4EC (it travels"));
}

TEST_CASE("a host with a dot is a DNS name: letters, digits, '-', '_' in labels", "[name][host]") {
  CHECK(parse_ok(R"(\\corp.example.com\mailslot\x)").host() == "corp.example.com");
  CHECK(parse_ok(R"(\\10.0.0.1\mailslot\x)").host() == "10.0.0.1");
  CHECK(parse_ok(R"(\\a_b.c-d\mailslot\x)").host() == "a_b.c-d");
  // Longer than a NetBIOS name, and fine as a DNS name.
  parse_ok("\\\\" + std::string(63, 'a') + ".example\\mailslot\\x");
  CHECK(contains(parse_fails("\\\\" + std::string(64, 'a') + ".example\\mailslot\\x"),
                 "DNS name label longer than 63 characters"));
  // Letters, digits, '-' and '_' only: every other printable ASCII character
  // is refused, those between and around the letters' and digits' ranges too.
  CHECK(parse_ok(R"(\\AZaz09.Mz-_\mailslot\x)").host() == "AZaz09.Mz-_");
  for (const char c : std::string_view("!#$%&'()+,;=@[]^`{}~:")) {
    INFO("character " << c);
    CHECK(contains(parse_fails(std::string(R"(\\a)") + c + R"(b.example\mailslot\x)"),
                   "not allowed in a DNS name"));
  }
  // What NetBIOS allows is not DNS.
  CHECK(contains(parse_fails(R"(\\my pc.example\mailslot\x)"), "not allowed in a DNS name"));
  CHECK(contains(parse_fails(R"(\\pc!.example\mailslot\x)"), "'!'"));
  CHECK(contains(parse_fails(R"(\\-host.example\mailslot\x)"),
                 "DNS name label starts or ends with '-'"));
  CHECK(contains(parse_fails(R"(\\host-.example\mailslot\x)"), "'-'"));
  CHECK(contains(parse_fails(R"(\\a..b\mailslot\x)"), "empty label in a DNS name"));
  CHECK(contains(parse_fails(R"(\\host.\mailslot\x)"), "empty label"));
  // A leading dot (forbidden for NetBIOS names too) is an empty label.
  CHECK(contains(parse_fails(R"(\\.host\mailslot\x)"), "empty label"));
  CHECK(contains(parse_fails("\\\\h\xC3\xA9.example\\mailslot\\x"), "xn--"));
  std::string long_host;
  for (int i = 0; i < 4; ++i) {
    long_host += std::string(63, 'h') + ".";
  }
  long_host += "hhh";  // 4 * 64 + 3 = 259 characters
  // Such a host cannot fit: the name is over 259 code units, and the error
  // points at the first unit past the limit (in "mailslot").
  CHECK(contains(parse_fails("\\\\" + long_host + "\\mailslot\\x", mailslot::errc::name_too_long),
                 "index 259"));
}

TEST_CASE("a name that leaves the computer has an ASCII path; a local one need not",
          "[name][host]") {
  const std::string path = "caf\xC3\xA9";
  CHECK(parse_ok(prefix + path).path() == path);
  for (const char* host : {"pc", "corp.example", "*"}) {
    INFO(host);
    const std::string why = parse_fails("\\\\" + std::string(host) + "\\mailslot\\" + path);
    CHECK(contains(why, "non-ASCII character in the path of a name that leaves the computer"));
    CHECK(contains(why, "OEM code page"));
    CHECK(contains(why, "U+00E9"));
  }
  std::error_code ec;
  CHECK(name::remote("pc", path, ec).empty());
  CHECK(ec == mailslot::errc::invalid_name);
  CHECK(name::primary_domain(path, ec).empty());
  CHECK(ec == mailslot::errc::invalid_name);
  // The UTF-16 form is judged alike.
  CHECK(name::parse(u"\\\\pc\\mailslot\\caf\u00e9", ec).empty());
  CHECK(ec == mailslot::errc::invalid_name);
}

TEST_CASE("the whole name is at most 259 UTF-16 code units", "[name]") {
  const std::string longest = prefix + std::string(259 - prefix.size(), 'a');
  CHECK(parse_ok(longest).native().size() == 259);
  parse_fails(longest + "a", mailslot::errc::name_too_long);
  CHECK(contains(name::explain(longest + "a"), "index 259"));
  // A character outside the BMP counts twice: 257 + 2 fits, 258 + 2 does not.
  const std::string emoji = "\xF0\x9F\x93\xAC";
  parse_ok(prefix + std::string(257 - prefix.size(), 'a') + emoji);
  parse_fails(prefix + std::string(258 - prefix.size(), 'a') + emoji,
              mailslot::errc::name_too_long);
}

TEST_CASE("ill-formed UTF-8 is rejected with its byte index", "[name]") {
  CHECK(contains(parse_fails(prefix + "a\xC0\x80"), "ill-formed UTF-8 at index 14"));
  CHECK(contains(parse_fails(prefix + "\xED\xA0\x80"), "index 13"));  // encoded surrogate
  CHECK(contains(name::explain(prefix + "\xFF"), "<?>"));
}

TEST_CASE("lone surrogates in UTF-16 input are rejected with their index", "[name]") {
  const std::u16string base = u"\\\\.\\mailslot\\a";
  const auto with = [&](std::initializer_list<char16_t> units) {
    std::u16string text = base;
    text.append(units);
    return text;
  };
  std::error_code ec;
  CHECK(name::parse(with({0xD800}), ec).empty());  // high surrogate at the end
  CHECK(ec == mailslot::errc::invalid_name);
  CHECK(contains(name::explain(with({0xD800})), "lone surrogate) at index 14"));
  CHECK(contains(name::explain(with({0xDC00, u'b'})), "at index 14"));  // lone low surrogate
  CHECK(contains(name::explain(with({0xD800, u'b'})), "at index 14"));  // high, then no low
  CHECK(name::explain(with({0xD83D, 0xDCEC})).empty());                 // a proper pair
}

#if WCHAR_MAX > 0xFFFF
TEST_CASE("wchar_t input is UTF-32 where wchar_t has 32 bits", "[name]") {
  const std::wstring base = L"\\\\.\\mailslot\\";
  std::wstring surrogate = base;
  surrogate.push_back(static_cast<wchar_t>(0xD800));
  std::wstring too_big = base;
  too_big.push_back(static_cast<wchar_t>(0x110000));
  CHECK(contains(name::explain(surrogate), "invalid UTF-32 code point at index 13"));
  CHECK(contains(name::explain(too_big), "invalid UTF-32 code point at index 13"));
  std::wstring emoji = base;
  emoji.push_back(static_cast<wchar_t>(0x1F4EC));
  std::error_code ec;
  CHECK(name::parse(emoji, ec).native().size() == 15);  // two UTF-16 code units
}
#endif

// --- messages and the throwing form ---------------------------------------------------

TEST_CASE("explain names the offending character once, before the reason's aside", "[name]") {
  CHECK(name::explain("//./mailslot/x") ==
        R"(invalid mailslot name "//./mailslot/x": '/' where the name must start with "\\" )"
        R"((Windows rewrites '/' to '\') at index 0)");
  CHECK(name::explain(R"(\\a!b.example\mailslot\x)") ==
        R"(invalid mailslot name "\\a!b.example\mailslot\x": character not allowed in a DNS name )"
        R"('!' (letters, digits, '-', '_' and '.' are; write internationalized names in their )"
        R"(xn-- form) at index 3)");
  CHECK(name::explain(R"(\\.\mailslot\a:b)") ==
        R"(invalid mailslot name "\\.\mailslot\a:b": forbidden character ':' at index 14)");
}

TEST_CASE("the message of a bad name's error code points to explain()", "[name]") {
  CHECK(std::error_code(mailslot::errc::invalid_name).message() ==
        "invalid mailslot name (mailslot::name::explain() says what is wrong and where)");
}

TEST_CASE("explain quotes the name and is empty for a valid one", "[name]") {
  CHECK(name::explain(R"(\\.\mailslot\ok)").empty());
  const std::string why = name::explain(R"(\\.\mailslot\a\\b)");
  CHECK(why == R"(invalid mailslot name "\\.\mailslot\a\\b": empty path component )"
               R"((Windows would merge or drop it) at index 15)");
}

#if MAILSLOT_HAS_EXCEPTIONS
TEST_CASE("the throwing parse reports the name, the problem and the index", "[name]") {
  try {
    (void)name::parse(R"(\\.\mailslot\a:b)");
    FAIL("no exception");
  } catch (const std::system_error& e) {
    CHECK(e.code() == mailslot::errc::invalid_name);
    const std::string what = e.what();
    CHECK(contains(what, R"("\\.\mailslot\a:b")"));
    CHECK(contains(what, "forbidden character ':' at index 14"));
  }
  CHECK_THROWS_AS(name::parse(prefix + std::string(300, 'x')), std::system_error);
  CHECK_NOTHROW(name::parse(R"(\\.\mailslot\fine)"));
}
#endif

// --- builders --------------------------------------------------------------------------

TEST_CASE("builders compose names without hand-escaping", "[name]") {
  std::error_code ec;
  CHECK(name::local(R"(app\events)", ec) == parse_ok(R"(\\.\mailslot\app\events)"));
  CHECK_FALSE(ec);
  const name remote = name::remote("server01", "jobs", ec);
  CHECK_FALSE(ec);
  CHECK(remote.string() == R"(\\server01\mailslot\jobs)");
  CHECK(remote.scope() == scope::remote);
  const name everyone = name::primary_domain(R"(net\status)", ec);
  CHECK_FALSE(ec);
  CHECK(everyone.string() == R"(\\*\mailslot\net\status)");
  CHECK(everyone.scope() == scope::primary_domain);
}

TEST_CASE("builders validate what they are given", "[name]") {
  std::error_code ec;
  CHECK(name::local("", ec).empty());
  CHECK(ec == mailslot::errc::invalid_name);
  CHECK(name::local(R"(a\..\b)", ec).empty());
  CHECK(ec == mailslot::errc::invalid_name);
  CHECK(name::remote(".", "x", ec).empty());
  CHECK(ec == mailslot::errc::invalid_name);
  CHECK(name::remote("*", "x", ec).empty());
  CHECK(ec == mailslot::errc::invalid_name);
  CHECK(name::remote("bad|host", "x", ec).empty());
  CHECK(ec == mailslot::errc::invalid_name);
  // A separator in the host would move the boundary between host and path.
  CHECK(name::remote(R"(.\mailslot\x)", "y", ec).empty());
  CHECK(ec == mailslot::errc::invalid_name);
  CHECK(name::remote(R"(srv\mailslot\a)", "b", ec).empty());
  CHECK(ec == mailslot::errc::invalid_name);
  CHECK(name::remote("*/x", "b", ec).empty());
  CHECK(ec == mailslot::errc::invalid_name);
#if MAILSLOT_HAS_EXCEPTIONS
  CHECK_THROWS_AS(name::local("x/y"), std::system_error);
  CHECK_THROWS_AS(name::remote(".", "x"), std::system_error);
  CHECK_THROWS_AS(name::primary_domain(""), std::system_error);
#endif
}

// --- comparison and hashing ----------------------------------------------------------------

TEST_CASE("names compare without regard to ASCII case", "[name]") {
  CHECK(parse_ok(R"(\\.\mailslot\App\Events)") == parse_ok(R"(\\.\MAILSLOT\app\EVENTS)"));
  CHECK(parse_ok(R"(\\HOST\mailslot\x)") == parse_ok(R"(\\host\mailslot\X)"));
  CHECK(parse_ok(R"(\\.\mailslot\a)") != parse_ok(R"(\\.\mailslot\b)"));
  CHECK(parse_ok(R"(\\.\mailslot\a)") != parse_ok(R"(\\.\mailslot\a\b)"));
  CHECK(parse_ok(R"(\\.\mailslot\x)") != parse_ok(R"(\\host\mailslot\x)"));
}

TEST_CASE("names compare without regard to case beyond ASCII, as Windows does", "[name]") {
  const auto same = [](std::string_view a, std::string_view b) {
    return parse_ok(prefix + std::string(a)) == parse_ok(prefix + std::string(b));
  };
  CHECK(same("\xC3\xA9t\xC3\xA9", "\xC3\x89T\xC3\x89"));  // été / ÉTÉ
  CHECK(same("\xC3\xBF", "\xC5\xB8"));                    // ÿ / Ÿ
  CHECK(same("\xD0\xB6", "\xD0\x96"));                    // ж / Ж
  CHECK(same("\xCF\x83", "\xCE\xA3"));                    // σ / Σ
  CHECK(same("\xEF\xBD\x81", "\xEF\xBC\xA1"));            // fullwidth a / A
  // Windows leaves these distinct (no round trip of the case mapping).
  CHECK_FALSE(same("\xC4\xB1", "I"));                         // dotless ı / I
  CHECK_FALSE(same("\xC5\xBF", "S"));                         // long ſ / S
  CHECK_FALSE(same("\xCF\x82", "\xCE\xA3"));                  // final ς / Σ
  CHECK_FALSE(same("\xC3\x9F", "\xE1\xBA\x9E"));              // ß / ẞ
  CHECK_FALSE(same("\xF0\x90\x90\xA8", "\xF0\x90\x90\x80"));  // Deseret: outside the BMP
}

TEST_CASE("hash and order are consistent with equality", "[name]") {
  const name a = parse_ok("\\\\.\\mailslot\\Queue\\\xC3\xA9");
  const name b = parse_ok("\\\\.\\MAILSLOT\\queue\\\xC3\x89");
  REQUIRE(a == b);
  CHECK(a.hash() == b.hash());
  CHECK(std::hash<name>{}(a) == std::hash<name>{}(b));
  CHECK_FALSE(a < b);
  CHECK_FALSE(b < a);
  const name c = parse_ok(R"(\\.\mailslot\r)");
  CHECK((a < c) != (c < a));
  std::unordered_set<name> set{a, c};
  CHECK(set.size() == 2);
  CHECK(set.count(b) == 1);
}

TEST_CASE("every comparison operator follows one case-insensitive order", "[name]") {
  // Sorted by that order: the empty name first, a prefix before a longer
  // name, code units compared after upper-casing ('_' is 0x5F, above 'Z').
  const std::vector<name> ordered{
      name(),
      parse_ok(R"(\\.\mailslot\a)"),
      parse_ok(R"(\\.\mailslot\AB)"),
      parse_ok(R"(\\.\mailslot\b)"),
      parse_ok(R"(\\.\mailslot\B_)"),
      parse_ok(R"(\\srv\mailslot\a)"),
  };
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    for (std::size_t j = 0; j < ordered.size(); ++j) {
      INFO(i << " against " << j);
      const name& x = ordered[i];
      const name& y = ordered[j];
      CHECK((x == y) == (i == j));
      CHECK((x != y) == (i != j));
      CHECK((x < y) == (i < j));
      CHECK((x <= y) == (i <= j));
      CHECK((x > y) == (i > j));
      CHECK((x >= y) == (i >= j));
#if MAILSLOT_HAS_THREE_WAY_COMPARISON
      const std::weak_ordering order = x <=> y;
      CHECK((order < 0) == (i < j));
      CHECK((order == 0) == (i == j));
      CHECK((order > 0) == (i > j));
#endif
    }
  }
  // Names that differ only in case are equivalent under every operator.
  const name lower = parse_ok(R"(\\.\mailslot\ab)");
  const name upper = parse_ok(R"(\\.\MAILSLOT\AB)");
  CHECK((lower <= upper && lower >= upper && !(lower < upper) && !(lower > upper)));
#if MAILSLOT_HAS_THREE_WAY_COMPARISON
  CHECK((lower <=> upper) == 0);
  static_assert(std::is_same_v<decltype(lower <=> upper), std::weak_ordering>);
#endif
}

TEST_CASE("a copy shares the text it was copied from, allocating nothing", "[name]") {
  static_assert(std::is_nothrow_copy_constructible_v<name>);
  static_assert(std::is_nothrow_copy_assignable_v<name>);
  const name original = parse_ok(R"(\\.\mailslot\shared\text)");
  const name copy =
      original;  // NOLINT(performance-unnecessary-copy-initialization): the copy is the test
  CHECK(copy == original);
  CHECK(copy.c_str() == original.c_str());  // the same text, not a second one
  name assigned;
  assigned = copy;
  CHECK(assigned.c_str() == original.c_str());
  // A copy outlives its original, and a moved-from original leaves it whole.
  name source = parse_ok(R"(\\.\mailslot\moved)");
  const name kept = source;
  const name taken = std::move(source);
  CHECK(source.empty());  // NOLINT(bugprone-use-after-move): the documented state
  CHECK(kept.string() == R"(\\.\mailslot\moved)");
  CHECK(kept == taken);
}

// --- value semantics and the size limit -----------------------------------------------------

TEST_CASE("a default-constructed or moved-from name is empty", "[name]") {
  const name none;
  CHECK(none.empty());
  CHECK_FALSE(none.is_local());
  CHECK(none.string().empty());
  CHECK(none.host().empty());
  CHECK(none.path().empty());
  name source = parse_ok(R"(\\.\mailslot\m)");
  name target = std::move(source);
  CHECK(target.string() == R"(\\.\mailslot\m)");
  CHECK(source.empty());  // NOLINT(bugprone-use-after-move): the documented state
  name assigned;
  assigned = std::move(target);
  CHECK(assigned.path() == "m");
  CHECK(target.empty());  // NOLINT(bugprone-use-after-move)
}

TEST_CASE("only names that leave the computer have a message size limit", "[name][limit]") {
  STATIC_REQUIRE(mailslot::max_remote_message_size == 424);
  STATIC_REQUIRE(mailslot::max_remote_name_and_message_size == 443);
  CHECK_FALSE(mailslot::message_size_limit(parse_ok(R"(\\.\mailslot\x)")).has_value());
  CHECK_FALSE(mailslot::message_size_limit(parse_ok(prefix + std::string(200, 'x'))).has_value());
  CHECK(mailslot::message_size_limit(parse_ok(R"(\\pc\mailslot\x)")) == 424u);
  CHECK(mailslot::message_size_limit(parse_ok(R"(\\corp.example\mailslot\x)")) == 424u);
  CHECK(mailslot::message_size_limit(parse_ok(R"(\\*\mailslot\x)")) == 424u);
  CHECK_FALSE(mailslot::message_size_limit(name()).has_value());
}

TEST_CASE("a remote limit leaves room for the name in the 443-byte datagram", "[name][limit]") {
  // "\MAILSLOT\" + path + NUL and the message share 443 bytes (MS-MAIL 2.1):
  // min(424, 432 - path length).
  const auto limit = [](std::string_view text) {
    return mailslot::message_size_limit(parse_ok(text)).value();
  };
  CHECK(limit(R"(\\*\mailslot\abcdefgh)") == 424u);   // 10 + 8 + 1 = 19 bytes of name
  CHECK(limit(R"(\\*\mailslot\abcdefghi)") == 423u);  // one more character, one byte less
  CHECK(limit(R"(\\*\mailslot\app\events\status)") == 415u);
  CHECK(limit(R"(\\pc\mailslot\app\events\status)") == 415u);  // the host takes no room
  CHECK(limit(R"(\\corp.example.com\mailslot\a\b)") == 424u);
  // The host does not count, the keyword's case does not matter.
  CHECK(limit(R"(\\ABCDEFGHIJKLMNO\MAILSLOT\abcdefghij)") == 422u);
  // The longest path a remote name can have: 259 - len("\\*\mailslot\") = 246.
  const std::string longest = std::string(R"(\\*\mailslot\)") + std::string(246, 'p');
  CHECK(limit(longest) == 432u - 246u);
}

TEST_CASE("a name moved into itself stays as it was", "[name]") {
  name slot = name::parse(R"(\\.\mailslot\self)");
  name& alias = slot;  // (through a reference: no self-move warning)
  slot = std::move(alias);
  CHECK(slot.string() == R"(\\.\mailslot\self)");
  CHECK(slot.native().size() == slot.string().size());
}

TEST_CASE("the empty name's native text is empty and NUL-terminated", "[name]") {
  const name empty;
  CHECK(empty.native().empty());
  REQUIRE(empty.c_str() != nullptr);
  CHECK(empty.c_str()[0] == 0);
  name moved = name::parse(R"(\\.\mailslot\moved)");
  const name taker = std::move(moved);
  CHECK(moved.native().empty());  // NOLINT(bugprone-use-after-move): the documented state
  CHECK(moved.c_str()[0] == 0);   // NOLINT(bugprone-use-after-move)
  CHECK(taker.c_str()[0] == u'\\');
}

TEST_CASE("a component that only starts with a dot is allowed", "[name]") {
  CHECK(parse_ok(prefix + ".a").string() == prefix + ".a");
  CHECK(parse_ok(prefix + "x\\..b").string() == prefix + "x\\..b");
}

TEST_CASE("a name cut short inside its leading backslashes says where", "[name]") {
  CHECK(contains(parse_fails("\\"), R"(the name must start with "\\")"));
  CHECK(contains(parse_fails("\\"), "at index 1"));
  CHECK(contains(parse_fails("\\/"), "'/' where the name must start with"));
}

TEST_CASE("a name too long points at its first code unit over the limit", "[name][limit]") {
  // 13 + 300 code units: the 260th (index 259) is the first over 259.
  const std::string text = prefix + std::string(300, 'a');
  CHECK(contains(parse_fails(text, mailslot::errc::name_too_long), "at index 259"));
  // Given in UTF-16 or as wide characters: the same error, the same place.
  std::error_code ec;
  (void)mailslot::name::parse(std::u16string(text.begin(), text.end()), ec);
  CHECK(ec == mailslot::errc::name_too_long);
  try {
    (void)mailslot::name::parse(std::wstring(text.begin(), text.end()));
    FAIL("no exception");
  } catch (const std::system_error& e) {
    CHECK(e.code() == mailslot::errc::name_too_long);
    CHECK(contains(e.what(), "at index 259"));
  }
}
