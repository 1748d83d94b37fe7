// libFuzzer target for mailslot::name's parser.
//
// Input: the first byte picks the encoding (mod 3: UTF-8, UTF-16LE, UTF-32LE
// as wchar_t), the rest is the candidate name. Properties checked for every input:
//  - parsing never crashes (with ASan/UBSan) and explain() agrees with parse();
//  - an accepted name re-parses, from each of its formats, to an equal name
//    with the same canonical text;
//  - an accepted name equals (==, hash, order) its upper-cased variant;
//  - an accepted name is a fixed point of a model of Win32's path rewriting
//    ('/' to '\', '.' and '..' components, trailing dots and spaces, empty
//    components), written independently of the grammar: nothing accepted is
//    a name Windows would rewrite;
//  - an accepted host is ".", "*", a NetBIOS name or a DNS name by a second,
//    independent statement of Microsoft's rules; a name that leaves the
//    computer has an ASCII path and the message limit min(424, 432 - path
//    length) (MS-MAIL 2.1), which is never 0.

#include <mailslot/name.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "property violated: %s\n", what);
  std::abort();
}

// Win32's rewriting of `\\host\rest`, as RtlDosPathNameToNtPathName does it
// to the part after the host: '/' becomes '\', empty and '.' components go,
// '..' removes the component before it (never the "mailslot" one), and
// trailing dots and spaces are stripped.
std::u16string win32_rewrite(std::u16string text) {
  for (auto& c : text) {
    if (c == u'/') {
      c = u'\\';
    }
  }
  if (text.size() < 2 || text[0] != u'\\' || text[1] != u'\\') {
    return text;
  }
  const std::size_t host_end = text.find(u'\\', 2);
  if (host_end == std::u16string::npos) {
    return text;
  }
  std::vector<std::u16string> parts;
  std::u16string current;
  const auto flush = [&] {
    if (current != u"." && current != u"..") {
      while (!current.empty() && (current.back() == u'.' || current.back() == u' ')) {
        current.pop_back();
      }
    }
    if (current == u"..") {
      if (parts.size() > 1) {
        parts.pop_back();
      }
    } else if (!current.empty() && current != u".") {
      parts.push_back(current);
    }
    current.clear();
  };
  for (std::size_t i = host_end + 1; i < text.size(); ++i) {
    if (text[i] == u'\\') {
      flush();
    } else {
      current.push_back(text[i]);
    }
  }
  flush();
  std::u16string out = text.substr(0, host_end);
  for (const auto& part : parts) {
    out += u'\\';
    out += part;
  }
  return out;
}

// The host rules restated: no '.', a NetBIOS name (1-15 printable ASCII
// characters, none of \ / : * ? " < > | [ ] + = ; , and no outer space);
// with a '.', a DNS name (labels of 1-63 letters, digits, '-', '_', not
// starting or ending with '-').
bool host_allowed(std::u16string_view host) {
  if (host == u"." || host == u"*") {
    return true;
  }
  if (host.find(u'.') == std::u16string_view::npos) {
    if (host.empty() || host.size() > 15 || host.front() == u' ' || host.back() == u' ') {
      return false;
    }
    for (const char16_t c : host) {
      if (c < 0x20 || c > 0x7E ||
          std::u16string_view(u"\\/:*?\"<>|[]+=;,").find(c) != std::u16string_view::npos) {
        return false;
      }
    }
    return true;
  }
  std::size_t begin = 0;
  for (;;) {
    const std::size_t end = std::min(host.find(u'.', begin), host.size());
    const std::u16string_view label = host.substr(begin, end - begin);
    if (label.empty() || label.size() > 63 || label.front() == u'-' || label.back() == u'-') {
      return false;
    }
    for (const char16_t c : label) {
      const bool alnum =
          (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
      if (!alnum && c != u'-' && c != u'_') {
        return false;
      }
    }
    if (end == host.size()) {
      return true;
    }
    begin = end + 1;
  }
}

template <class Char>
void check(std::basic_string_view<Char> input) {
  std::error_code ec;
  const mailslot::name parsed = mailslot::name::parse(input, ec);
  const std::string why = mailslot::name::explain(input);
  if (static_cast<bool>(ec) == why.empty()) {
    fail("explain() disagrees with parse()");
  }
  if (ec) {
    if (!parsed.empty()) {
      fail("a rejected name is not empty");
    }
    return;
  }
  if (parsed.empty() || parsed.native().size() > mailslot::max_name_length) {
    fail("an accepted name is empty or too long");
  }
  const mailslot::name from_utf8 = mailslot::name::parse(parsed.string(), ec);
  if (ec || !(from_utf8 == parsed) || from_utf8.native() != parsed.native()) {
    fail("UTF-8 form does not re-parse to the same name");
  }
  const std::u16string utf16 = parsed.u16string();
  const mailslot::name from_utf16 = mailslot::name::parse(utf16, ec);
  if (ec || from_utf16.native() != parsed.native() || from_utf16.hash() != parsed.hash()) {
    fail("UTF-16 form does not re-parse to the same name");
  }
  if (win32_rewrite(utf16) != utf16) {
    fail("an accepted name is one Windows would rewrite");
  }
  std::u16string upper = utf16;
  for (auto& unit : upper) {
    unit = static_cast<char16_t>(mailslot::detail::upcase_unit(unit));
  }
  const mailslot::name upper_name = mailslot::name::parse(upper, ec);
  if (ec || !(upper_name == parsed) || upper_name.hash() != parsed.hash() || upper_name < parsed ||
      parsed < upper_name) {
    fail("the upper-cased name is not equal, equally hashed and equivalent in order");
  }
  if (mailslot::name::parse(parsed.wstring(), ec).native() != parsed.native() || ec) {
    fail("wchar_t form does not re-parse to the same name");
  }
  if (parsed.scope() == mailslot::scope::local && !parsed.is_local()) {
    fail("scope and is_local() disagree");
  }
  const auto host = parsed.native_host();
  if (!host_allowed(std::u16string(host.begin(), host.end()))) {
    fail("an accepted host breaks the NetBIOS or DNS rules");
  }
  const auto limit = mailslot::message_size_limit(parsed);
  if (parsed.is_local()) {
    if (limit) {
      fail("a local name has a message size limit");
    }
    return;
  }
  const auto path = parsed.native_path();
  for (const auto unit : path) {
    if (static_cast<char32_t>(unit) >= 0x80) {
      fail("a name that leaves the computer has a non-ASCII path");
    }
  }
  const std::size_t expected = std::min<std::size_t>(424, 432 - path.size());
  if (!limit || *limit != expected || *limit == 0) {
    fail("the remote message limit is not min(424, 432 - path length)");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const unsigned mode = data[0] % 3U;
  ++data;
  --size;
  if (mode == 1) {
    std::u16string text(size / 2, u'\0');
    for (std::size_t i = 0; i < text.size(); ++i) {
      text[i] = static_cast<char16_t>(static_cast<unsigned>(data[2 * i]) |
                                      (static_cast<unsigned>(data[2 * i + 1]) << 8U));
    }
    check(std::u16string_view(text));
  } else if (mode == 2) {
    std::wstring text(size / 4, L'\0');
    for (std::size_t i = 0; i < text.size(); ++i) {
      std::uint32_t unit = 0;
      for (unsigned byte = 0; byte < 4; ++byte) {
        unit |= static_cast<std::uint32_t>(data[4 * i + byte]) << (8U * byte);
      }
      text[i] = static_cast<wchar_t>(unit);
    }
    check(std::wstring_view(text));
  } else {
    check(std::string_view(reinterpret_cast<const char*>(data), size));
  }
  return 0;
}
