#ifndef MAILSLOT_NAME_HPP
#define MAILSLOT_NAME_HPP

/// @file
/// mailslot::name, a validated mailslot name, and
/// mailslot::message_size_limit(). Portable: nothing here needs Windows. The
/// grammar of names is in the comment at the top of this header.

// mailslot::name: a validated mailslot name. Portable: parsing, formatting and
// comparison need no Windows API.
//
// Grammar (what the library accepts; everything else is an error):
//
//   name      = "\\" target "\" keyword "\" path
//   target    = "."                      this computer             scope::local
//             | "*"                      the primary domain        scope::primary_domain
//             | host                     a computer or a domain    scope::remote
//   keyword   = "mailslot"               in any letter case
//   host      = netbios | dns            (judged by whether it holds a ".")
//   netbios   = 1-15 printable ASCII characters, no "." and none of
//                 \ / : * ? " < > | [ ] + = ; ,
//               not starting or ending with a space
//   dns       = label 1*("." label)       (the 259-unit limit below keeps it
//                                        under 247 characters)
//   label     = 1-63 of A-Z a-z 0-9 "-" "_", not starting or ending with "-"
//   path      = component *("\" component)
//   component = 1 or more characters, where
//               - not "." or "..";
//               - not starting with a space, not ending with a space or a dot;
//               - no control characters (U+0000-U+001F, U+007F-U+009F) and
//                 none of  / < > : " | ? *  (backslash separates components);
//               - any other Unicode character (non-ASCII is allowed).
//   The path of a name that is not local is ASCII (see below).
//   The whole name is at most 259 UTF-16 code units (MAX_PATH - 1; a longer
//   one fails with ERROR_FILENAME_EXCED_RANGE).
//
// Why so strict: Windows rewrites names before it looks them up. It turns "/"
// into "\", collapses "a\..\b" to "b", strips trailing dots and spaces, and
// accepts empty components, so different strings can name the same slot and a
// name can silently become another one. The rules above reject every name
// that Windows would rewrite, plus the characters that are reserved in Windows
// file names. Forms such as "\\?\mailslot\x" and "\??\mailslot\x" are rejected
// too (the host "?" is not a host name).
//
// Hosts. A remote message travels as a NetBIOS datagram to a 16-byte NetBIOS
// name: 15 characters and a type byte (MS-MAIL 3.1.4.1). A host without a "."
// is such a name and follows both of Microsoft's rule sets for NetBIOS
// computer and domain names: the Active Directory naming conventions (no
// \ / : * ? " < > |, no leading "." ) and MS-SRVS 2.2.2.8, the rules of
// NetprNameValidate (none of " / \ [ ] : | < > + = ; , ? or U+0001-U+001F,
// no "*" in a computer name, no leading or trailing blank); what neither
// forbids, such as ! @ # $ % ^ & ' ( ) { } ~, is accepted. A "." in a NetBIOS
// name would separate a NetBIOS scope, and Windows resolves dotted names
// through DNS: a host with a "." is a DNS name, held to DNS's rules.
//
// Remote paths are ASCII. The datagram carries the mailslot name as the Name
// of an SMB_COM_TRANSACTION, which is in the OEM code page unless
// SMB_FLAGS2_UNICODE is set (MS-CIFS 2.2.4.33), and mailslot datagrams set no
// flags (MS-BRWS 4.1). OEM code pages differ between computers and none
// holds most of Unicode; ASCII is the part they share, so only an ASCII path
// reaches the other side as written. NetBIOS names are OEM strings too.
// Local names may use any character.
//
// Comparison ignores letter case the way Windows does for object names:
// each UTF-16 code unit is upper-cased with RtlUpcaseUnicodeChar's table
// (the 1,163 BMP code units it changes under Wine 10, ASCII among them; see
// detail/case_fold.hpp). Only Wine's table could be checked here; Windows'
// own tables may differ for recently added characters. The keyword is stored
// as "mailslot"; the host and path keep the case given.

#include <mailslot/detail/case_fold.hpp>
#include <mailslot/detail/config.hpp>
#include <mailslot/detail/utf.hpp>
#include <mailslot/error.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>  // (it declares std::hash too, which name specialises)
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>
#if MAILSLOT_HAS_THREE_WAY_COMPARISON
#  include <compare>
#endif

namespace mailslot {

/// Where a name points.
enum class scope {
  /// `\\.\mailslot\...`: this computer.
  local,
  /// `\\host\mailslot\...`: one computer, or every computer of the domain
  /// `host` (the two are written alike; Windows resolves which).
  remote,
  /// `\\*\mailslot\...`: every computer of this computer's primary domain.
  primary_domain,
};

/// The largest message Windows delivers to a name that leaves the computer
/// (a remote computer, a domain or `*`), whatever its path ("About Mailslots";
/// message_size_limit() gives the limit for one name).
inline constexpr std::size_t max_remote_message_size = 424;

/// The bytes a remote write may take for the mailslot name (`\MAILSLOT\<path>`
/// and its NUL) and the message together over NetBIOS over UDP (MS-MAIL 2.1).
inline constexpr std::size_t max_remote_name_and_message_size = 443;

/// The longest name Windows accepts, in UTF-16 code units (MAX_PATH - 1).
inline constexpr std::size_t max_name_length = 259;

namespace detail {

#if defined(_WIN32)
using utf16_unit = wchar_t;  // what the W functions of Win32 take
#else
using utf16_unit = char16_t;
#endif

/// What is wrong with a name, and where (in the input's code units: bytes for
/// UTF-8, code units for UTF-16/32).
struct name_check {
  errc error{};             // errc{} (0): the name is valid
  const char* reason = "";  // for the message
  std::size_t index = 0;
  char32_t character = 0;  // the offending character, if the reason names one
  bool has_character = false;

  [[nodiscard]] bool ok() const noexcept { return error == errc{}; }
};

inline name_check name_problem(errc error, const char* reason, std::size_t index) noexcept {
  return {error, reason, index, 0, false};
}

inline name_check name_problem(errc error, const char* reason, std::size_t index,
                               char32_t character) noexcept {
  return {error, reason, index, character, true};
}

struct code_point {
  char32_t value;
  std::size_t index;  // where it starts in the input
};

inline bool decode_any(std::string_view in, std::size_t& i, char32_t& cp) noexcept {
  return decode_utf8(in, i, cp);
}

template <class Wide>
bool decode_any(std::basic_string_view<Wide> in, std::size_t& i, char32_t& cp) noexcept {
  return decode_wide(in, i, cp);
}

constexpr bool is_ascii_alnum(char32_t c) noexcept {
  return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || (c >= U'0' && c <= U'9');
}

constexpr bool is_forbidden_in_component(char32_t c) noexcept {
  if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
    return true;
  }
  switch (c) {
    case U'/':
    case U'<':
    case U'>':
    case U':':
    case U'"':
    case U'|':
    case U'?':
    case U'*':
      return true;
    default:
      return false;
  }
}

/// Characters neither Microsoft rule set allows in a NetBIOS name (see the top
/// of this header); control characters are checked apart.
constexpr bool is_forbidden_in_netbios_name(char32_t c) noexcept {
  switch (c) {
    case U'\\':
    case U'/':
    case U':':
    case U'*':
    case U'?':
    case U'"':
    case U'<':
    case U'>':
    case U'|':
    case U'[':
    case U']':
    case U'+':
    case U'=':
    case U';':
    case U',':
      return true;
    default:
      return false;
  }
}

/// The most characters a NetBIOS name holds (the 16th byte is its type).
inline constexpr std::size_t max_netbios_name_length = 15;

inline name_check check_netbios_name(const std::vector<code_point>& cps, std::size_t begin,
                                     std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) {
    const char32_t c = cps[i].value;
    if (c >= 0x80) {
      return name_problem(errc::invalid_name,
                          "non-ASCII character in a NetBIOS name (it travels in the OEM code "
                          "page, which differs between computers)",
                          cps[i].index, c);
    }
    if (c < 0x20 || c == 0x7F) {
      return name_problem(errc::invalid_name,
                          "control character in a NetBIOS name (MS-SRVS NetprNameValidate)",
                          cps[i].index, c);
    }
    if (is_forbidden_in_netbios_name(c)) {
      return name_problem(errc::invalid_name,
                          "character not allowed in a NetBIOS name (none of \\ / : * ? \" < > | "
                          "[ ] + = ; , is: Active Directory naming conventions, MS-SRVS "
                          "NetprNameValidate)",
                          cps[i].index, c);
    }
  }
  if (end - begin > max_netbios_name_length) {
    return name_problem(errc::invalid_name,
                        "NetBIOS name longer than 15 characters (a host without a '.' is a "
                        "NetBIOS name; a DNS name has a '.')",
                        cps[begin + max_netbios_name_length].index);
  }
  if (cps[begin].value == U' ' || cps[end - 1].value == U' ') {
    return name_problem(errc::invalid_name,
                        "NetBIOS name starts or ends with a space (MS-SRVS NetprNameValidate)",
                        cps[cps[begin].value == U' ' ? begin : end - 1].index);
  }
  return {};
}

inline name_check check_dns_name(const std::vector<code_point>& cps, std::size_t begin,
                                 std::size_t end) {
  std::size_t label_begin = begin;
  for (std::size_t i = begin; i <= end; ++i) {
    if (i == end || cps[i].value == U'.') {
      if (i == label_begin) {
        return name_problem(errc::invalid_name, "empty label in a DNS name",
                            i < end ? cps[i].index : cps[i - 1].index);
      }
      if (i - label_begin > 63) {
        return name_problem(errc::invalid_name, "DNS name label longer than 63 characters",
                            cps[label_begin].index);
      }
      if (cps[label_begin].value == U'-' || cps[i - 1].value == U'-') {
        return name_problem(errc::invalid_name, "DNS name label starts or ends with '-'",
                            cps[cps[label_begin].value == U'-' ? label_begin : i - 1].index);
      }
      label_begin = i + 1;
      continue;
    }
    const char32_t c = cps[i].value;
    if (!is_ascii_alnum(c) && c != U'-' && c != U'_') {
      return name_problem(errc::invalid_name,
                          "character not allowed in a DNS name (letters, digits, '-', '_' and "
                          "'.' are; write internationalized names in their xn-- form)",
                          cps[i].index, c);
    }
  }
  return {};
}

/// A computer or domain name: a NetBIOS name unless it holds a '.', then a
/// DNS name (see the top of this header).
inline name_check check_host(const std::vector<code_point>& cps, std::size_t begin,
                             std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) {
    if (cps[i].value == U'.') {
      return check_dns_name(cps, begin, end);
    }
  }
  return check_netbios_name(cps, begin, end);
}

inline name_check check_component(const std::vector<code_point>& cps, std::size_t begin,
                                  std::size_t end, std::size_t end_index) {
  if (begin == end) {
    return name_problem(errc::invalid_name, "empty path component (Windows would merge or drop it)",
                        begin < cps.size() ? cps[begin].index : end_index);
  }
  for (std::size_t i = begin; i < end; ++i) {
    const char32_t c = cps[i].value;
    if (c == U'/') {
      return name_problem(errc::invalid_name, "'/' in the path (Windows rewrites it to '\\')",
                          cps[i].index);
    }
    if (is_forbidden_in_component(c)) {
      return name_problem(errc::invalid_name, "forbidden character", cps[i].index, c);
    }
  }
  const std::size_t length = end - begin;
  if ((length == 1 && cps[begin].value == U'.') ||
      (length == 2 && cps[begin].value == U'.' && cps[begin + 1].value == U'.')) {
    return name_problem(errc::invalid_name,
                        "'.' and '..' are not allowed as path components (Windows collapses them)",
                        cps[begin].index);
  }
  if (cps[begin].value == U' ') {
    return name_problem(errc::invalid_name, "path component starts with a space", cps[begin].index);
  }
  if (cps[end - 1].value == U' ' || cps[end - 1].value == U'.') {
    return name_problem(errc::invalid_name,
                        "path component ends with a space or a dot (Windows strips them)",
                        cps[end - 1].index);
  }
  return {};
}

inline std::size_t utf16_length(char32_t cp) noexcept { return cp >= 0x10000 ? 2 : 1; }

/// The parts of a valid name, in the canonical UTF-16 form.
struct parsed_name {
  std::basic_string<utf16_unit> text;
  std::size_t host_size = 0;  // in code units, after the leading "\\"
  scope where = scope::local;
};

/// Parses and validates `in` (UTF-8, UTF-16 or UTF-32 by its code unit size).
template <class Char>
name_check parse_name(std::basic_string_view<Char> in, parsed_name& out) {
  std::vector<code_point> cps;
  cps.reserve(in.size());
  for (std::size_t i = 0; i < in.size();) {
    const std::size_t at = i;
    char32_t cp = 0;
    if (!decode_any(in, i, cp)) {
      const char* reason = sizeof(Char) == 1   ? "ill-formed UTF-8"
                           : sizeof(Char) == 2 ? "ill-formed UTF-16 (lone surrogate)"
                                               : "invalid UTF-32 code point";
      return name_problem(errc::invalid_name, reason, at);
    }
    cps.push_back({cp, at});
  }
  const std::size_t n = cps.size();
  const std::size_t end_index = in.size();
  if (n == 0) {
    return name_problem(errc::invalid_name, "the name is empty", 0);
  }
  for (std::size_t i = 0; i < 2; ++i) {
    if (i >= n || cps[i].value != U'\\') {
      const std::size_t at = i < n ? cps[i].index : end_index;
      if (i < n && cps[i].value == U'/') {
        return name_problem(
            errc::invalid_name,
            // (Not raw: Doxygen loses its place in a raw string with a quote inside.)
            // NOLINTNEXTLINE(modernize-raw-string-literal)
            "'/' where the name must start with \"\\\\\" (Windows rewrites '/' to '\\')", at);
      }
      return name_problem(errc::invalid_name,
                          // (Not raw: Doxygen loses its place in a raw string with a quote inside.)
                          // NOLINTNEXTLINE(modernize-raw-string-literal)
                          "the name must start with \"\\\\\" (as in \\\\.\\mailslot\\name)", at);
    }
  }
  std::size_t host_end = 2;
  while (host_end < n && cps[host_end].value != U'\\') {
    ++host_end;
  }
  if (host_end == 2) {
    return name_problem(errc::invalid_name, "missing host ('.', '*' or a computer or domain name)",
                        2 < n ? cps[2].index : end_index);
  }
  scope where = scope::remote;
  if (host_end == 3 && cps[2].value == U'.') {
    where = scope::local;
  } else if (host_end == 3 && cps[2].value == U'*') {
    where = scope::primary_domain;
  } else if (const name_check host = check_host(cps, 2, host_end); !host.ok()) {
    return host;
  }
  // "\mailslot\" after the host, the keyword in any case.
  constexpr std::u32string_view keyword = U"mailslot";
  const std::size_t keyword_begin = host_end + 1;
  bool keyword_ok = host_end < n && n - keyword_begin >= keyword.size();
  for (std::size_t i = 0; keyword_ok && i < keyword.size(); ++i) {
    keyword_ok = upcase_unit(cps[keyword_begin + i].value) == upcase_unit(keyword[i]);
  }
  const std::size_t path_begin = keyword_begin + keyword.size() + 1;
  if (!keyword_ok ||
      (n > keyword_begin + keyword.size() && cps[keyword_begin + keyword.size()].value != U'\\')) {
    // (Not raw: Doxygen loses its place in a raw string with a quote inside.)
    // NOLINTNEXTLINE(modernize-raw-string-literal)
    return name_problem(errc::invalid_name, "expected \"\\mailslot\\\" after the host",
                        host_end < n ? cps[host_end].index : end_index);
  }
  if (path_begin >= n) {
    // (Not raw: Doxygen loses its place in a raw string with a quote inside.)
    // NOLINTNEXTLINE(modernize-raw-string-literal)
    return name_problem(errc::invalid_name, "empty path: nothing after \"\\mailslot\\\"",
                        end_index);
  }
  std::size_t component_begin = path_begin;
  for (std::size_t i = path_begin; i <= n; ++i) {
    if (i == n || cps[i].value == U'\\') {
      if (const name_check component = check_component(cps, component_begin, i, end_index);
          !component.ok()) {
        return component;
      }
      component_begin = i + 1;
    }
  }
  if (where != scope::local) {
    for (std::size_t i = path_begin; i < n; ++i) {
      if (cps[i].value >= 0x80) {
        return name_problem(errc::invalid_name,
                            "non-ASCII character in the path of a name that leaves the computer "
                            "(the path travels in the OEM code page, which differs between "
                            "computers)",
                            cps[i].index, cps[i].value);
      }
    }
  }

  // The canonical form: the keyword in lower case, everything else as given.
  // The length error points at the first code point past the limit.
  parsed_name result;
  result.where = where;
  result.text.reserve(n + 8);
  std::size_t length = 0;
  std::size_t first_over = end_index;
  const auto append = [&](char32_t cp, std::size_t input) {
    encode_wide(cp, result.text);
    length += utf16_length(cp);
    if (length > max_name_length && first_over == end_index) {
      first_over = cps[input].index;
    }
  };
  append(U'\\', 0);
  append(U'\\', 1);
  for (std::size_t i = 2; i < host_end; ++i) {
    append(cps[i].value, i);
  }
  result.host_size = length - 2;
  append(U'\\', host_end);
  for (std::size_t i = 0; i < keyword.size(); ++i) {
    append(keyword[i], keyword_begin + i);
  }
  append(U'\\', keyword_begin + keyword.size());
  for (std::size_t i = path_begin; i < n; ++i) {
    append(cps[i].value, i);
  }
  if (length > max_name_length) {
    return name_problem(errc::name_too_long,
                        "longer than 259 UTF-16 code units (Windows' MAX_PATH - 1)", first_over);
  }
  out = std::move(result);
  return {};
}

/// A character for a message: itself if printable ASCII, else U+XXXX.
inline std::string describe_character(char32_t c) {
  if (c >= 0x20 && c < 0x7F) {
    return std::string("'") + static_cast<char>(c) + "'";
  }
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string text = "U+";
  const int width = c > 0xFFFF ? 6 : 4;
  for (int shift = (width - 1) * 4; shift >= 0; shift -= 4) {
    text.push_back(digits[(c >> static_cast<unsigned>(shift)) & 0xFU]);
  }
  return text;
}

/// The name as it may appear in a message: UTF-8, with control characters
/// and ill-formed sequences shown as <U+XXXX> / <?>.
template <class Char>
std::string quote_name(std::basic_string_view<Char> in) {
  std::string out = "\"";
  for (std::size_t i = 0; i < in.size();) {
    char32_t cp = 0;
    if (!decode_any(in, i, cp)) {
      out += "<?>";
      ++i;
      continue;
    }
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
      out += "<" + describe_character(cp) + ">";
    } else {
      encode_utf8(cp, out);
    }
  }
  out += "\"";
  return out;
}

template <class Char>
std::string explain(std::basic_string_view<Char> in, const name_check& check) {
  // The character, if the problem names one, goes before the reason's
  // explanation in parentheses: "character not allowed in a DNS name '!' (...)".
  std::string reason = check.reason;
  if (check.has_character) {
    const std::string character = " " + describe_character(check.character);
    const std::size_t aside = reason.find(" (");
    reason.insert(aside == std::string::npos ? reason.size() : aside, character);
  }
  std::string text = "invalid mailslot name " + quote_name(in) + ": " + reason;
  text += " at index " + std::to_string(check.index);
  return text;
}

template <class Wide>
std::basic_string<Wide> convert_utf16(std::basic_string_view<utf16_unit> in) {
  if constexpr (sizeof(Wide) == sizeof(utf16_unit)) {
    return std::basic_string<Wide>(in.begin(), in.end());
  } else {
    std::basic_string<Wide> out;
    std::string utf8;
    wide_to_utf8(in, utf8);
    utf8_to_wide(std::string_view(utf8), out);
    return out;
  }
}

}  // namespace detail

/// A validated mailslot name, `\\target\mailslot\path`.
///
/// Values are immutable and cheap to compare; equality and hashing ignore
/// letter case the way Windows does (see the top of this header). A default-
/// constructed name is empty: it names nothing, and servers and clients
/// refuse it with errc::invalid_name.
class name {
 public:
  /// The code unit of the native form: `wchar_t` on Windows (what the W
  /// functions take), `char16_t` elsewhere.
  using value_type = detail::utf16_unit;
  /// The native form's string type (native()).
  using string_type = std::basic_string<value_type>;

  /// The empty name.
  name() = default;

  /// Copies are equal to the original, and share its text (immutable):
  /// copying allocates nothing and cannot fail.
  /// @param other  the name to copy
  name(const name& other) noexcept = default;
  /// Copies are equal to the original, and share its text.
  /// @param other  the name to copy
  /// @return `*this`
  name& operator=(const name& other) noexcept = default;
  /// Moving leaves `other` empty. (Neither moving nor the empty name
  /// constructs a standard container: the MS STL's debug builds allocate in
  /// every std::basic_string constructor, noexcept ones included.)
  /// @param other  the name to move from
  name(name&& other) noexcept
      : text_(std::move(other.text_)), host_size_(other.host_size_), scope_(other.scope_) {
    other.clear();
  }
  /// Moving leaves `other` empty.
  /// @param other  the name to move from
  /// @return `*this`
  name& operator=(name&& other) noexcept {
    if (this != &other) {
      text_ = std::move(other.text_);
      host_size_ = other.host_size_;
      scope_ = other.scope_;
      other.clear();
    }
    return *this;
  }
  ~name() = default;

  /// Parses a name given in UTF-8.
  /// @param text  the name in UTF-8
  /// @param ec  cleared on success; otherwise errc::invalid_name or
  ///            errc::name_too_long (explain() says what is wrong and where)
  /// @return the name, or the empty name on error
  [[nodiscard]] static name parse(std::string_view text, std::error_code& ec) {
    return detail::reporting_out_of_memory(ec, [&] { return parse_any(text, ec); });
  }
  /// Parses a name given in UTF-16.
  /// @param text  the name in UTF-16
  /// @param ec    as for the UTF-8 form
  /// @return the name, or the empty name on error
  [[nodiscard]] static name parse(std::u16string_view text, std::error_code& ec) {
    return detail::reporting_out_of_memory(ec, [&] { return parse_any(text, ec); });
  }
  /// Parses a name given as wchar_t: UTF-16 on Windows, UTF-32 where wchar_t has 32 bits.
  /// @param text  the name as wchar_t
  /// @param ec    as for the UTF-8 form
  /// @return the name, or the empty name on error
  [[nodiscard]] static name parse(std::wstring_view text, std::error_code& ec) {
    return detail::reporting_out_of_memory(ec, [&] { return parse_any(text, ec); });
  }

  /// Why `text` is not a valid name, as a sentence that quotes it and gives the
  /// index of the problem; empty if it is valid.
  /// @param text  the name in UTF-8; indices count bytes
  /// @return the explanation (UTF-8), or an empty string
  [[nodiscard]] static std::string explain(std::string_view text) { return explain_any(text); }
  /// explain() for a UTF-16 name.
  /// @param text  the name in UTF-16; indices count UTF-16 code units
  /// @return the explanation (UTF-8), or an empty string
  [[nodiscard]] static std::string explain(std::u16string_view text) { return explain_any(text); }
  /// explain() for a wchar_t name.
  /// @param text  the name as wchar_t; indices count wchar_t units
  /// @return the explanation (UTF-8), or an empty string
  [[nodiscard]] static std::string explain(std::wstring_view text) { return explain_any(text); }

  /// The local name `\\.\mailslot\<path>`, for example local("app\\events").
  /// @param path  the slot path after `\mailslot\` (UTF-8)
  /// @param ec    as for parse(); indices refer to the composed name
  /// @return the name, or the empty name on error
  [[nodiscard]] static name local(std::string_view path, std::error_code& ec) {
    return detail::reporting_out_of_memory(
        ec, [&] { return parse(R"(\\.\mailslot\)" + std::string(path), ec); });
  }
  /// The name `\\<host>\mailslot\<path>` on the computer or domain `host`.
  ///
  /// `host` must be a computer or domain name: "." and "*" are invalid here
  /// (use local() and primary_domain()), as are '\' and '/'. The builders'
  /// error indices refer to the composed name.
  /// @param host  the computer or domain name
  /// @param path  the slot path after `\mailslot\` (UTF-8)
  /// @param ec    as for parse(); errc::invalid_name for a host that is not
  ///              a computer or domain name
  /// @return the name, or the empty name on error
  [[nodiscard]] static name remote(std::string_view host, std::string_view path,
                                   std::error_code& ec) {
    if (!is_remote_host(host)) {
      ec = errc::invalid_name;
      return {};
    }
    return detail::reporting_out_of_memory(ec, [&] { return parse(remote_text(host, path), ec); });
  }
  /// The name `\\*\mailslot\<path>`: every computer of the primary domain.
  /// @param path  the slot path after `\mailslot\` (UTF-8)
  /// @param ec    as for parse(); indices refer to the composed name
  /// @return the name, or the empty name on error
  [[nodiscard]] static name primary_domain(std::string_view path, std::error_code& ec) {
    return detail::reporting_out_of_memory(
        ec, [&] { return parse(R"(\\*\mailslot\)" + std::string(path), ec); });
  }

#if MAILSLOT_HAS_EXCEPTIONS
  /// Parses a name; throws std::system_error whose what() quotes the name and
  /// says what is wrong with it and where.
  /// @param text  the name in UTF-8
  /// @return the name
  /// @throws std::system_error  whose what() quotes the name and says what is wrong and where
  [[nodiscard]] static name parse(std::string_view text) { return parse_or_throw(text); }
  /// Parses a UTF-16 name; throws std::system_error like the UTF-8 form.
  /// @param text  the name in UTF-16
  /// @return the name
  /// @throws std::system_error  whose what() quotes the name and says what is wrong and where
  [[nodiscard]] static name parse(std::u16string_view text) { return parse_or_throw(text); }
  /// Parses a wchar_t name; throws std::system_error like the UTF-8 form.
  /// @param text  the name as wchar_t
  /// @return the name
  /// @throws std::system_error  whose what() quotes the name and says what is wrong and where
  [[nodiscard]] static name parse(std::wstring_view text) { return parse_or_throw(text); }

  /// local(), throwing std::system_error that explains an invalid path.
  /// @param path  the slot path after `\mailslot\` (UTF-8)
  /// @return the name
  /// @throws std::system_error  whose what() quotes the name and says what is wrong and where
  [[nodiscard]] static name local(std::string_view path) {
    return parse_or_throw(std::string_view(R"(\\.\mailslot\)" + std::string(path)));
  }
  /// remote(), throwing std::system_error that explains an invalid host or path.
  /// @param host  the computer or domain name
  /// @param path  the slot path after `\mailslot\` (UTF-8)
  /// @return the name
  /// @throws std::system_error  whose what() says what is wrong with the host or the name
  [[nodiscard]] static name remote(std::string_view host, std::string_view path) {
    if (!is_remote_host(host)) {
      throw error(make_error_code(errc::invalid_name),
                  "invalid mailslot host \"" + std::string(host) +
                      "\": not a computer or domain name (\".\" and \"*\" are name::local and "
                      "name::primary_domain; \"\\\" and \"/\" cannot appear in a host)");
    }
    return parse_or_throw(std::string_view(remote_text(host, path)));
  }
  /// primary_domain(), throwing std::system_error that explains an invalid path.
  /// @param path  the slot path after `\mailslot\` (UTF-8)
  /// @return the name
  /// @throws std::system_error  whose what() quotes the name and says what is wrong and where
  [[nodiscard]] static name primary_domain(std::string_view path) {
    return parse_or_throw(std::string_view(R"(\\*\mailslot\)" + std::string(path)));
  }
#endif

  /// Whether this is the empty name.
  /// @return true for the default-constructed (or moved-from) name
  [[nodiscard]] bool empty() const noexcept { return !text_; }

  /// Where the name points.
  /// @return local, remote or primary_domain (local for the empty name)
  [[nodiscard]] mailslot::scope scope() const noexcept { return scope_; }
  /// Whether the name is on this computer.
  /// @return true for `\\.\mailslot\...`
  [[nodiscard]] bool is_local() const noexcept { return !empty() && scope_ == scope::local; }

  /// The target.
  /// @return ".", "*" or the computer or domain name (UTF-8)
  [[nodiscard]] std::string host() const { return to_utf8(native_host()); }
  /// The slot path.
  /// @return the path after `\mailslot\`, such as `app\events` (UTF-8)
  [[nodiscard]] std::string path() const { return to_utf8(native_path()); }

  /// The whole name in UTF-8.
  /// @return the name, such as `\\.\mailslot\app\events`
  [[nodiscard]] std::string string() const { return to_utf8(view()); }
  /// The whole name in UTF-16.
  /// @return the name
  [[nodiscard]] std::u16string u16string() const { return detail::convert_utf16<char16_t>(view()); }
  /// The whole name as wchar_t: UTF-16 on Windows, UTF-32 where wchar_t has 32 bits.
  /// @return the name
  [[nodiscard]] std::wstring wstring() const { return detail::convert_utf16<wchar_t>(view()); }

  /// The whole name in UTF-16, as the Win32 W functions take it.
  /// @return the name, without copying
  /// @throws std::bad_alloc  only for the empty name, the first time, where
  ///   the standard library allocates for an empty string (the MS STL's
  ///   debug builds)
  [[nodiscard]] const string_type& native() const {
    if (text_) {
      return *text_;
    }
    static const string_type none(no_text());  // (a constructor that may throw)
    return none;
  }
  /// The whole name in UTF-16, NUL-terminated (for CreateMailslotW, CreateFileW).
  /// @return the name, valid as long as this object is unchanged
  [[nodiscard]] const value_type* c_str() const noexcept {
    return text_ ? text_->c_str() : no_text();
  }
  /// host() in UTF-16, without copying.
  /// @return a view of the host; empty for the empty name
  [[nodiscard]] std::basic_string_view<value_type> native_host() const noexcept {
    return empty() ? std::basic_string_view<value_type>() : view().substr(2, host_size_);
  }
  /// path() in UTF-16, without copying.
  /// @return a view of the path; empty for the empty name
  [[nodiscard]] std::basic_string_view<value_type> native_path() const noexcept {
    return empty() ? std::basic_string_view<value_type>() : view().substr(host_size_ + 12);
  }

  /// Equal when Windows would take both for the same slot (case-insensitive).
  friend bool operator==(const name& a, const name& b) noexcept { return compare(a, b) == 0; }
  /// Different when Windows would take them for different slots.
  friend bool operator!=(const name& a, const name& b) noexcept { return compare(a, b) != 0; }
  /// An order consistent with ==: code units compared after upper-casing,
  /// then the shorter first. The empty name comes before every other.
  friend bool operator<(const name& a, const name& b) noexcept { return compare(a, b) < 0; }
  /// The order of operator<.
  friend bool operator<=(const name& a, const name& b) noexcept { return compare(a, b) <= 0; }
  /// The order of operator<.
  friend bool operator>(const name& a, const name& b) noexcept { return compare(a, b) > 0; }
  /// The order of operator<.
  friend bool operator>=(const name& a, const name& b) noexcept { return compare(a, b) >= 0; }
#if MAILSLOT_HAS_THREE_WAY_COMPARISON
  /// The order of operator<, as a std::weak_ordering: names that differ
  /// only in letter case are equivalent, not equal in every respect.
  friend std::weak_ordering operator<=>(const name& a, const name& b) noexcept {
    return compare(a, b) <=> 0;
  }
#endif

  /// A hash consistent with ==.
  /// @return the same value for names that compare equal
  [[nodiscard]] std::size_t hash() const noexcept {
    std::uint64_t h = 14695981039346656037ULL;  // FNV-1a
    for (const value_type unit : view()) {
      h ^= static_cast<std::uint64_t>(detail::upcase_unit(static_cast<char32_t>(unit)));
      h *= 1099511628211ULL;
    }
    return static_cast<std::size_t>(h);
  }

 private:
  template <class Char>
  static name parse_any(std::basic_string_view<Char> text, std::error_code& ec) {
    ec.clear();
    detail::parsed_name parsed;
    const detail::name_check check = detail::parse_name(text, parsed);
    if (!check.ok()) {
      ec = check.error;
      return {};
    }
    name result;
    result.text_ = std::make_shared<const string_type>(std::move(parsed.text));
    result.host_size_ = parsed.host_size;
    result.scope_ = parsed.where;
    return result;
  }

  template <class Char>
  static std::string explain_any(std::basic_string_view<Char> text) {
    detail::parsed_name parsed;
    const detail::name_check check = detail::parse_name(text, parsed);
    return check.ok() ? std::string() : detail::explain(text, check);
  }

#if MAILSLOT_HAS_EXCEPTIONS
  template <class Char>
  static name parse_or_throw(std::basic_string_view<Char> text) {
    std::error_code ec;
    name result = parse_any(text, ec);
    if (ec) {
      throw error(ec, explain_any(text));  // (what() is the explanation alone)
    }
    return result;
  }
#endif

  void clear() noexcept {
    text_.reset();
    host_size_ = 0;
    scope_ = mailslot::scope::local;
  }

  // A host for remote(): "." and "*" have builders of their own, and a
  // separator would move the boundary between host and path.
  static bool is_remote_host(std::string_view host) noexcept {
    return host != "." && host != "*" && host.find_first_of("\\/") == std::string_view::npos;
  }

  static std::string remote_text(std::string_view host, std::string_view path) {
    return "\\\\" + std::string(host) + R"(\mailslot\)" + std::string(path);
  }

  static std::string to_utf8(std::basic_string_view<value_type> text) {
    std::string out;
    detail::wide_to_utf8(text, out);
    return out;
  }

  // The empty name's text: an empty NUL-terminated string.
  static const value_type* no_text() noexcept {
    static constexpr value_type none[1] = {};
    return none;
  }

  // The text as a view; empty for the empty name.
  [[nodiscard]] std::basic_string_view<value_type> view() const noexcept {
    return text_ ? std::basic_string_view<value_type>(*text_)
                 : std::basic_string_view<value_type>();
  }

  static int compare(const name& a, const name& b) noexcept {
    const std::basic_string_view<value_type> x_text = a.view();
    const std::basic_string_view<value_type> y_text = b.view();
    const std::size_t n = x_text.size() < y_text.size() ? x_text.size() : y_text.size();
    for (std::size_t i = 0; i < n; ++i) {
      const char32_t x = detail::upcase_unit(static_cast<char32_t>(x_text[i]));
      const char32_t y = detail::upcase_unit(static_cast<char32_t>(y_text[i]));
      if (x != y) {
        return x < y ? -1 : 1;
      }
    }
    if (x_text.size() == y_text.size()) {
      return 0;
    }
    return x_text.size() < y_text.size() ? -1 : 1;
  }

  // Out of line, so that the empty name and moves construct no string, and
  // shared, so that copies allocate nothing (a name never changes its text).
  std::shared_ptr<const string_type> text_;
  std::size_t host_size_ = 0;
  mailslot::scope scope_ = mailslot::scope::local;
};

/// The largest message a client may write to `destination`.
///
/// A local name has no limit of its own (the slot's maximum applies). A name
/// that leaves the computer allows max_remote_message_size (424 bytes), less
/// when its path is long: the datagram carries the name as `\MAILSLOT\<path>`
/// with a NUL, one byte per character (remote paths are ASCII), and over
/// NetBIOS over UDP name and message take at most 443 bytes together
/// (MS-MAIL 2.1). So the limit is min(424, 432 - path length): 424 for a path
/// of up to 8 characters, 415 for `app\events\status`.
/// @param destination  the name a client writes to
/// @return the limit in bytes; empty for a local name and for the empty name
[[nodiscard]] inline std::optional<std::size_t> message_size_limit(
    const name& destination) noexcept {
  if (destination.empty() || destination.is_local()) {
    return std::nullopt;
  }
  constexpr std::size_t prefix_and_nul = std::string_view("\\MAILSLOT\\").size() + 1;
  // (A valid name's path is under 259 characters: the difference stays positive.)
  const std::size_t limit =
      max_remote_name_and_message_size - prefix_and_nul - destination.native_path().size();
  return limit < max_remote_message_size ? limit : max_remote_message_size;
}

}  // namespace mailslot

namespace std {
template <>
struct hash<mailslot::name> {
  size_t operator()(const mailslot::name& n) const noexcept { return n.hash(); }
};
}  // namespace std

#endif
