#include <mailslot/detail/utf.hpp>

#include <catch2/catch_test_macros.hpp>

#include <string>
#include <string_view>

using mailslot::detail::utf8_to_wide;
using mailslot::detail::wide_to_utf8;

namespace {

template <class Wide>
std::basic_string<Wide> widen(std::string_view utf8) {
  std::basic_string<Wide> out;
  const auto result = utf8_to_wide(utf8, out);
  REQUIRE(result.ok);
  return out;
}

template <class Wide>
std::string narrow(std::basic_string_view<Wide> wide) {
  std::string out;
  const auto result = wide_to_utf8(wide, out);
  REQUIRE(result.ok);
  return out;
}

// U+0041, U+00E9, U+20AC, U+1F4EC: one to four UTF-8 bytes.
constexpr std::string_view mixed = "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x93\xAC";

}  // namespace

TEST_CASE("UTF-8 converts to UTF-16 with surrogate pairs and back", "[utf]") {
  const std::u16string wide = widen<char16_t>(mixed);
  CHECK(wide == std::u16string{u'A', 0x00E9, 0x20AC, 0xD83D, 0xDCEC});
  CHECK(narrow<char16_t>(wide) == mixed);
}

TEST_CASE("UTF-8 converts to UTF-32 and back", "[utf]") {
  const std::u32string wide = widen<char32_t>(mixed);
  CHECK(wide == std::u32string{U'A', 0x00E9, 0x20AC, 0x1F4EC});
  CHECK(narrow<char32_t>(wide) == mixed);
}

TEST_CASE("ill-formed UTF-8 is rejected at the first bad byte", "[utf]") {
  struct bad_case {
    std::string_view input;
    std::size_t index;
  };
  const bad_case cases[] = {
      {"ab\x80", 2},            // lone continuation byte
      {"a\xC0\x80", 1},         // overlong NUL
      {"\xE0\x80\xAF", 0},      // overlong '/'
      {"x\xED\xA0\x80", 1},     // encoded surrogate U+D800
      {"\xF4\x90\x80\x80", 0},  // U+110000, beyond Unicode
      {"ok\xE2\x82", 2},        // truncated sequence
      {"\xE2(\xAC", 0},         // bad continuation byte
      {"\xFF", 0},              // never valid in UTF-8
  };
  for (const auto& c : cases) {
    INFO("index " << c.index);
    std::u16string out;
    const auto result = utf8_to_wide(c.input, out);
    CHECK_FALSE(result.ok);
    CHECK(result.error_index == c.index);
  }
}

TEST_CASE("lone UTF-16 surrogates are rejected", "[utf]") {
  const std::u16string lone_high{u'a', 0xD800};
  const std::u16string lone_low{0xDC00, u'a'};
  const std::u16string reversed{u'a', 0xDC00, 0xD800};
  std::string out;
  auto result = wide_to_utf8(std::u16string_view(lone_high), out);
  CHECK_FALSE(result.ok);
  CHECK(result.error_index == 1);
  result = wide_to_utf8(std::u16string_view(lone_low), out);
  CHECK_FALSE(result.ok);
  CHECK(result.error_index == 0);
  result = wide_to_utf8(std::u16string_view(reversed), out);
  CHECK_FALSE(result.ok);
  CHECK(result.error_index == 1);
  // A high surrogate followed by a unit below and above the low ones.
  for (const char16_t after : {u'b', static_cast<char16_t>(0xE000)}) {
    const std::u16string unpaired{u'a', 0xD800, after};
    result = wide_to_utf8(std::u16string_view(unpaired), out);
    CHECK_FALSE(result.ok);
    CHECK(result.error_index == 1);
  }
}

TEST_CASE("UTF-32 surrogates and values beyond U+10FFFF are rejected", "[utf]") {
  std::string out;
  const std::u32string surrogate{U'a', 0xD800};
  const std::u32string too_big{0x110000};
  CHECK_FALSE(wide_to_utf8(std::u32string_view(surrogate), out).ok);
  CHECK_FALSE(wide_to_utf8(std::u32string_view(too_big), out).ok);
}
