#ifndef MAILSLOT_DETAIL_UTF_HPP
#define MAILSLOT_DETAIL_UTF_HPP

// Strict conversions between UTF-8 and the wide encodings (UTF-16 for 16-bit
// code units, UTF-32 for 32-bit ones). Ill-formed input is an error, never
// replaced: a name that does not round-trip must not reach Windows.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mailslot::detail {

/// Result of a conversion: `ok`, or the index of the first bad code unit.
struct utf_result {
  bool ok = true;
  std::size_t error_index = 0;
};

/// Decodes the code point starting at `in[i]`; advances `i`. Returns false on
/// ill-formed UTF-8 (overlong, surrogate, out of range, truncated).
inline bool decode_utf8(std::string_view in, std::size_t& i, char32_t& cp) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(in[k]); };
  const std::uint8_t b0 = byte(i);
  std::size_t length = 0;
  char32_t minimum = 0;
  if (b0 < 0x80) {
    cp = b0;
    ++i;
    return true;
  }
  if ((b0 & 0xE0U) == 0xC0U) {
    length = 2;
    cp = b0 & 0x1FU;
    minimum = 0x80;
  } else if ((b0 & 0xF0U) == 0xE0U) {
    length = 3;
    cp = b0 & 0x0FU;
    minimum = 0x800;
  } else if ((b0 & 0xF8U) == 0xF0U) {
    length = 4;
    cp = b0 & 0x07U;
    minimum = 0x10000;
  } else {
    return false;
  }
  if (in.size() - i < length) {
    return false;
  }
  for (std::size_t k = 1; k < length; ++k) {
    const std::uint8_t b = byte(i + k);
    if ((b & 0xC0U) != 0x80U) {
      return false;
    }
    cp = (cp << 6U) | (b & 0x3FU);
  }
  if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return false;
  }
  i += length;
  return true;
}

inline void encode_utf8(char32_t cp, std::string& out) {
  const auto put = [&](unsigned value) { out.push_back(static_cast<char>(value)); };
  if (cp < 0x80) {
    put(cp);
  } else if (cp < 0x800) {
    put(0xC0U | (cp >> 6U));
    put(0x80U | (cp & 0x3FU));
  } else if (cp < 0x10000) {
    put(0xE0U | (cp >> 12U));
    put(0x80U | ((cp >> 6U) & 0x3FU));
    put(0x80U | (cp & 0x3FU));
  } else {
    put(0xF0U | (cp >> 18U));
    put(0x80U | ((cp >> 12U) & 0x3FU));
    put(0x80U | ((cp >> 6U) & 0x3FU));
    put(0x80U | (cp & 0x3FU));
  }
}

/// Decodes the code point starting at `in[i]` of a UTF-16 (2-byte units) or
/// UTF-32 (4-byte units) string; advances `i`. Lone surrogates are errors.
template <class Wide>
bool decode_wide(std::basic_string_view<Wide> in, std::size_t& i, char32_t& cp) noexcept {
  static_assert(sizeof(Wide) == 2 || sizeof(Wide) == 4, "UTF-16 or UTF-32 code units");
  const auto unit = static_cast<char32_t>(in[i]);
  if constexpr (sizeof(Wide) == 2) {
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      if (i + 1 >= in.size()) {
        return false;
      }
      const auto low = static_cast<char32_t>(in[i + 1]);
      if (low < 0xDC00 || low > 0xDFFF) {
        return false;
      }
      cp = 0x10000 + ((unit - 0xD800) << 10U) + (low - 0xDC00);
      i += 2;
      return true;
    }
  }
  if ((unit >= 0xD800 && unit <= 0xDFFF) || unit > 0x10FFFF) {
    return false;
  }
  cp = unit;
  ++i;
  return true;
}

template <class Wide>
void encode_wide(char32_t cp, std::basic_string<Wide>& out) {
  if constexpr (sizeof(Wide) == 2) {
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<Wide>(0xD800 + (cp >> 10U)));
      out.push_back(static_cast<Wide>(0xDC00 + (cp & 0x3FFU)));
      return;
    }
  }
  out.push_back(static_cast<Wide>(cp));
}

/// Appends `in` (UTF-8) to `out` in the wide encoding of `Wide`.
template <class Wide>
utf_result utf8_to_wide(std::string_view in, std::basic_string<Wide>& out) {
  for (std::size_t i = 0; i < in.size();) {
    const std::size_t at = i;
    char32_t cp = 0;
    if (!decode_utf8(in, i, cp)) {
      return {false, at};
    }
    encode_wide(cp, out);
  }
  return {};
}

/// Appends `in` (UTF-16 or UTF-32, by the size of `Wide`) to `out` as UTF-8.
template <class Wide>
utf_result wide_to_utf8(std::basic_string_view<Wide> in, std::string& out) {
  for (std::size_t i = 0; i < in.size();) {
    const std::size_t at = i;
    char32_t cp = 0;
    if (!decode_wide(in, i, cp)) {
      return {false, at};
    }
    encode_utf8(cp, out);
  }
  return {};
}

}  // namespace mailslot::detail

#endif
