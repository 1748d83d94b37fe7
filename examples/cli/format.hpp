// How the mailslot tool shows messages and reads the ones it is given:
// escaped text, JSON lines, base64, hex, and UTC times. Portable (nothing
// here needs Windows), so the tests check it natively too.

#ifndef MAILSLOT_EXAMPLES_CLI_FORMAT_HPP
#define MAILSLOT_EXAMPLES_CLI_FORMAT_HPP

#include <mailslot/detail/utf.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace mailslot_cli {

/// True for the code points a terminal shows as nothing, or that change how
/// the text around them is shown: Unicode's format characters (category Cf:
/// the bidirectional controls such as U+202E, zero-width spaces and joiners,
/// the byte order mark, soft hyphen, tags, ...) and the line and paragraph
/// separators (U+2028, U+2029). Unicode 15.
inline bool is_format(char32_t cp) {
  struct range {
    char32_t first;
    char32_t last;
  };
  static constexpr range ranges[] = {
      {0x00AD, 0x00AD},   {0x0600, 0x0605},   {0x061C, 0x061C},   {0x06DD, 0x06DD},
      {0x070F, 0x070F},   {0x0890, 0x0891},   {0x08E2, 0x08E2},   {0x180E, 0x180E},
      {0x200B, 0x200F},   {0x2028, 0x202E},   {0x2060, 0x2064},   {0x2066, 0x206F},
      {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},   {0x110BD, 0x110BD}, {0x110CD, 0x110CD},
      {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001},
      {0xE0020, 0xE007F},
  };
  for (const range& r : ranges) {
    if (cp >= r.first && cp <= r.last) {
      return true;
    }
  }
  return false;
}

/// True for the control characters: C0, DEL and C1.
inline bool is_control(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

/// Whether `bytes` are well-formed UTF-8.
inline bool is_utf8(std::string_view bytes) {
  std::size_t i = 0;
  char32_t cp = 0;
  while (i < bytes.size()) {
    if (!mailslot::detail::decode_utf8(bytes, i, cp)) {
      return false;
    }
  }
  return true;
}

namespace detail {
inline constexpr char hex_digits[] = "0123456789abcdef";

inline void append_byte_escape(std::string& out, unsigned char byte) {
  out += "\\x";
  out.push_back(hex_digits[byte >> 4U]);
  out.push_back(hex_digits[byte & 0xFU]);
}

inline void append_code_point_escape(std::string& out, char32_t cp) {
  char digits[8];
  int count = 0;
  do {
    digits[count++] = hex_digits[cp & 0xFU];
    cp >>= 4U;
  } while (cp != 0);
  out += "\\u{";
  while (count < 4) {
    digits[count++] = '0';
  }
  while (count > 0) {
    out.push_back(digits[--count]);
  }
  out.push_back('}');
}
}  // namespace detail

/// `message` as one line of text nobody can misread: printable UTF-8 as it
/// is; the backslash as `\\`; tab, line feed and carriage return as `\t`,
/// `\n`, `\r`; other C0 controls and DEL, and each byte that is not part of
/// well-formed UTF-8, as `\xNN`; C1 controls and format characters (see
/// is_format()) as `\u{XXXX}`.
inline std::string escape_text(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  std::size_t i = 0;
  while (i < message.size()) {
    const std::size_t at = i;
    char32_t cp = 0;
    if (!mailslot::detail::decode_utf8(message, i, cp)) {
      detail::append_byte_escape(out, static_cast<unsigned char>(message[at]));
      i = at + 1;
      continue;
    }
    switch (cp) {
      case U'\\':
        out += "\\\\";
        continue;
      case U'\t':
        out += "\\t";
        continue;
      case U'\n':
        out += "\\n";
        continue;
      case U'\r':
        out += "\\r";
        continue;
      default:
        break;
    }
    if (cp < 0x20 || cp == 0x7F) {
      detail::append_byte_escape(out, static_cast<unsigned char>(cp));
    } else if (is_control(cp) || is_format(cp)) {
      detail::append_code_point_escape(out, cp);
    } else {
      out.append(message.substr(at, i - at));
    }
  }
  return out;
}

/// `text` (well-formed UTF-8) as the inside of a JSON string: `"` and `\`
/// escaped, controls as the short escapes or `\u00XX`, and, so that a line
/// of JSON shown in a terminal cannot be misread either, C1 controls and
/// format characters as `\uXXXX` (a surrogate pair above U+FFFF).
inline std::string json_string(std::string_view text) {
  const auto u_escape = [](std::string& out, unsigned unit) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) {
      out.push_back(detail::hex_digits[(unit >> static_cast<unsigned>(shift)) & 0xFU]);
    }
  };
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t at = i;
    char32_t cp = 0;
    if (!mailslot::detail::decode_utf8(text, i, cp)) {  // (not for text that is UTF-8)
      i = at + 1;
      u_escape(out, 0xFFFD);
      continue;
    }
    switch (cp) {
      case U'"':
        out += "\\\"";
        continue;
      case U'\\':
        out += "\\\\";
        continue;
      case U'\b':
        out += "\\b";
        continue;
      case U'\f':
        out += "\\f";
        continue;
      case U'\n':
        out += "\\n";
        continue;
      case U'\r':
        out += "\\r";
        continue;
      case U'\t':
        out += "\\t";
        continue;
      default:
        break;
    }
    if (is_control(cp) || is_format(cp)) {
      if (cp > 0xFFFF) {
        const char32_t v = cp - 0x10000;
        u_escape(out, 0xD800U + static_cast<unsigned>(v >> 10U));
        u_escape(out, 0xDC00U + static_cast<unsigned>(v & 0x3FFU));
      } else {
        u_escape(out, static_cast<unsigned>(cp));
      }
    } else {
      out.append(text.substr(at, i - at));
    }
  }
  return out;
}

/// `bytes` in base64 (RFC 4648, the standard alphabet, with padding).
inline std::string base64_encode(std::string_view bytes) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const auto b0 = static_cast<unsigned char>(bytes[i]);
    const auto b1 = static_cast<unsigned char>(bytes[i + 1]);
    const auto b2 = static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(alphabet[b0 >> 2U]);
    out.push_back(alphabet[((b0 & 0x3U) << 4U) | (b1 >> 4U)]);
    out.push_back(alphabet[((b1 & 0xFU) << 2U) | (b2 >> 6U)]);
    out.push_back(alphabet[b2 & 0x3FU]);
  }
  if (i + 1 == bytes.size()) {
    const auto b0 = static_cast<unsigned char>(bytes[i]);
    out.push_back(alphabet[b0 >> 2U]);
    out.push_back(alphabet[(b0 & 0x3U) << 4U]);
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const auto b0 = static_cast<unsigned char>(bytes[i]);
    const auto b1 = static_cast<unsigned char>(bytes[i + 1]);
    out.push_back(alphabet[b0 >> 2U]);
    out.push_back(alphabet[((b0 & 0x3U) << 4U) | (b1 >> 4U)]);
    out.push_back(alphabet[(b1 & 0xFU) << 2U]);
    out.push_back('=');
  }
  return out;
}

/// True for the spaces and tabs that may separate the digits of --hex and
/// --base64 input.
inline bool is_blank(char c) { return c == ' ' || c == '\t'; }

/// The bytes that `text`, base64 (RFC 4648, the standard alphabet), stands
/// for; the padding may be left out, and spaces and tabs are skipped. Empty
/// (with `why`) for anything else: another character (named, with its
/// index), a length no encoding has, or bits left over.
inline std::optional<std::string> base64_decode(std::string_view given, std::string& why) {
  const auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  };
  std::string text;
  for (std::size_t i = 0; i < given.size(); ++i) {
    const char c = given[i];
    if (is_blank(c)) {
      continue;
    }
    const bool padding = c == '=' && given.find_first_not_of("= \t", i) == std::string_view::npos;
    if (value(c) < 0 && !padding) {
      why = "'" + std::string(1, c) + "' at index " + std::to_string(i) +
            " is not a base64 character";
      return std::nullopt;
    }
    text.push_back(c);
  }
  const std::size_t pad = text.size() - (text.find_last_not_of('=') + 1);
  const std::size_t length = text.size() - pad;
  if (length % 4 == 1) {
    why = "base64 of " + std::to_string(length) + " characters stands for no bytes";
    return std::nullopt;
  }
  if (pad != 0 && pad != (4 - length % 4) % 4) {
    why = "base64 of " + std::to_string(length) + " characters ends with " +
          std::to_string((4 - length % 4) % 4) + " '=', not " + std::to_string(pad);
    return std::nullopt;
  }
  std::string out;
  std::uint32_t bits = 0;
  unsigned count = 0;
  for (std::size_t i = 0; i < length; ++i) {
    const int v = value(text[i]);  // (every one a base64 character: see above)
    bits = (bits << 6U) | static_cast<std::uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFFU));
    }
  }
  if ((bits & ((1U << count) - 1U)) != 0) {
    why = "the last base64 character has bits left over";
    return std::nullopt;
  }
  return out;
}

/// The bytes that `text`, pairs of hexadecimal digits (either case; spaces
/// and tabs between the pairs, as a hex dump has them, are skipped), stands
/// for. Empty (with `why`) for anything else: another character (named, with
/// its index), or a digit without its pair.
inline std::optional<std::string> hex_decode(std::string_view text, std::string& why) {
  const auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  };
  std::string out;
  out.reserve(text.size() / 2);
  int high = -1;  // the first digit of a pair, once read
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_blank(text[i]) && high < 0) {
      continue;
    }
    const int digit = value(text[i]);
    if (digit < 0) {
      why = "'" + std::string(1, text[i]) + "' at index " + std::to_string(i) +
            (is_blank(text[i]) ? " splits a byte's two hexadecimal digits"
                               : " is not a hexadecimal digit");
      return std::nullopt;
    }
    if (high < 0) {
      high = digit;
    } else {
      out.push_back(static_cast<char>((high << 4) | digit));
      high = -1;
    }
  }
  if (high >= 0) {
    why = "the last hexadecimal digit has no pair: each byte takes two";
    return std::nullopt;
  }
  return out;
}

/// A point in time as ISO 8601 in UTC with microseconds
/// ("2026-12-07T09:05:03.000250Z"), from 100-nanosecond ticks since
/// 1601-01-01 (a FILETIME's count).
inline std::string utc_time(std::uint64_t ticks) {
  const std::uint64_t micros_total = ticks / 10;
  const std::uint64_t seconds_total = micros_total / 1000000;
  const auto micros = static_cast<unsigned>(micros_total % 1000000);
  const auto second_of_day = static_cast<unsigned>(seconds_total % 86400);
  // Days since 1601-01-01 as days since 0000-03-01 (1601-01-01 is 134,774
  // days before 1970-01-01, which is 719,468 days after 0000-03-01), then a
  // civil date (Howard Hinnant's civil_from_days).
  const std::int64_t days = static_cast<std::int64_t>(seconds_total / 86400) + 719468 - 134774;
  const std::int64_t era = days / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned month_index = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * month_index + 2) / 5 + 1;
  const unsigned month = month_index < 10 ? month_index + 3 : month_index - 9;
  const std::int64_t year =
      static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
  char text[40];
  std::snprintf(text, sizeof text, "%04lld-%02u-%02uT%02u:%02u:%02u.%06uZ",
                static_cast<long long>(year), month, day, second_of_day / 3600,
                second_of_day / 60 % 60, second_of_day % 60, micros);
  return text;
}

}  // namespace mailslot_cli

#endif
