// The name grammar checked against what Windows (here Wine 10) does with names.

#include <mailslot/mailslot.hpp>

#include <support/slot_name.hpp>

#include <catch2/catch_test_macros.hpp>

#include <iterator>
#include <string>
#include <system_error>
#include <utility>

namespace {

using mailslot::detail::upcase_runs;

// A raw slot and a raw open, to observe Windows without the library.
struct raw_slot {
  HANDLE handle;
  explicit raw_slot(const std::wstring& text)
      : handle(::CreateMailslotW(text.c_str(), 0, 0, nullptr)) {}
  ~raw_slot() {
    if (handle != INVALID_HANDLE_VALUE) {
      ::CloseHandle(handle);
    }
  }
  raw_slot(const raw_slot&) = delete;
  raw_slot& operator=(const raw_slot&) = delete;
};

// True if opening `text` reaches an existing slot.
bool opens(const std::wstring& text) {
  HANDLE h = ::CreateFileW(text.c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                           OPEN_EXISTING, 0, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    return false;
  }
  ::CloseHandle(h);
  return true;
}

std::wstring unique_prefix() {
  return L"\\\\.\\mailslot\\mailslot-tests\\" + std::to_wstring(::GetCurrentProcessId()) +
         L"-names\\";
}

}  // namespace

namespace {

// The operating system's own upper case of a UTF-16 code unit.
wchar_t os_upcase(unsigned unit) {
  using upcase_fn = WCHAR(WINAPI*)(WCHAR);
  static const auto upcase = reinterpret_cast<upcase_fn>(reinterpret_cast<void*>(
      ::GetProcAddress(::GetModuleHandleW(L"ntdll.dll"), "RtlUpcaseUnicodeChar")));
  return static_cast<wchar_t>(upcase(static_cast<WCHAR>(unit)));
}

}  // namespace

TEST_CASE("the case table equals RtlUpcaseUnicodeChar for every UTF-16 code unit",
          "[name][wine10]") {
  int differences = 0;
  int changed = 0;
  for (unsigned unit = 0; unit < 0x10000; ++unit) {
    const auto expected = static_cast<char32_t>(os_upcase(unit));
    const char32_t actual = mailslot::detail::upcase_unit(unit);
    if (expected != unit) {
      ++changed;
    }
    if (expected != actual) {
      ++differences;
      UNSCOPED_INFO("U+" << std::hex << unit << ": Windows " << static_cast<unsigned>(expected)
                         << ", table " << static_cast<unsigned>(actual));
    }
  }
  if (mailslot_test::running_under_wine()) {
    CHECK(differences == 0);
    CHECK(changed == 1163);
  } else {
    // The table was taken from Wine 10; Windows' own table may be older. Say
    // how far apart they are rather than fail.
    WARN(differences << " of 65536 code units upper-case differently here than in the table ("
                     << changed << " change here, 1163 in the table)");
  }
}

TEST_CASE("the mailslot namespace folds case like RtlUpcaseUnicodeChar", "[name][wine10]") {
  // The first and last code unit of every run of the table: the slot created
  // with the lower case is opened through the operating system's upper case
  // (which under Wine is also the table's).
  const std::wstring base = unique_prefix() + L"fold-";
  int checked = 0;
  for (const auto& run : upcase_runs) {
    for (const unsigned unit : {unsigned{run.first}, unsigned{run.last}}) {
      const wchar_t upper = os_upcase(unit);
      if (upper == static_cast<wchar_t>(unit)) {
        continue;  // only on an operating system whose table lacks this pair
      }
      const raw_slot slot(base + static_cast<wchar_t>(unit));
      REQUIRE(slot.handle != INVALID_HANDLE_VALUE);
      INFO("U+" << std::hex << unit);
      CHECK(opens(base + upper));
      ++checked;
    }
  }
  if (mailslot_test::running_under_wine()) {
    CHECK(checked == 2 * static_cast<int>(std::size(upcase_runs)));
  }
  CHECK(checked > 0);
  // Pairs the table leaves apart: dotless i / I, long s / S, final sigma /
  // Sigma. Windows documents only that names are not case sensitive, not its
  // case table: under Wine 10 (whose table the library's is) they stay
  // apart; on Windows, what happens is reported.
  for (const auto& [a, b] :
       {std::pair<wchar_t, wchar_t>{L'\x0131', L'I'}, {L'\x017F', L'S'}, {L'\x03C2', L'\x03A3'}}) {
    const raw_slot slot(base + L"apart-" + a);
    REQUIRE(slot.handle != INVALID_HANDLE_VALUE);
    const bool same_slot = opens(base + L"apart-" + b);
    if (mailslot_test::running_under_wine()) {
      CHECK_FALSE(same_slot);
    } else {
      WARN("U+" << std::hex << unsigned{a} << " and U+" << unsigned{b} << ": "
                << (same_slot ? "the same slot here" : "different slots here, as in the table")
                << " (RtlUpcaseUnicodeChar: U+" << unsigned{os_upcase(a)} << ")");
    }
  }
}

TEST_CASE("Windows takes 259 code units and refuses 260, like the grammar", "[name][wine10]") {
  const std::wstring base = unique_prefix();
  const std::wstring longest = base + std::wstring(259 - base.size(), L'n');
  {
    std::error_code ec;
    const auto server = mailslot::server::create(longest, {}, ec);
    CHECK_FALSE(ec);
    CHECK(server.is_open());
  }
  const raw_slot too_long(longest + L"n");
  const DWORD error = ::GetLastError();
  CHECK(too_long.handle == INVALID_HANDLE_VALUE);
  if (mailslot_test::running_under_wine()) {
    CHECK(error == ERROR_FILENAME_EXCED_RANGE);  // measured under Wine 10
  } else {
    WARN("CreateMailslotW of 260 code units failed with " << error);
  }
  std::error_code ec;
  (void)mailslot::name::parse(longest + L"n", ec);
  CHECK(ec == mailslot::errc::name_too_long);
}

TEST_CASE("each name the grammar rejects as rewritten is rewritten by Windows", "[name][wine10]") {
  // Windows opens the slot `canonical` through `rewritten`; the library rejects `rewritten`.
  struct rewrite {
    const wchar_t* canonical;
    const wchar_t* rewritten;
  };
  const rewrite cases[] = {
      {L"a\\b", L"a/b"},        // '/' becomes '\'
      {L"b", L"a\\..\\b"},      // '..' collapses
      {L"c\\d", L"c\\.\\d"},    // '.' disappears
      {L"trail", L"trail."},    // trailing dot stripped
      {L"trail2", L"trail2 "},  // trailing space stripped
      {L"e\\f", L"e\\\\f"},     // empty component accepted
  };
  const std::wstring base = unique_prefix() + L"rw\\";
  for (const auto& c : cases) {
    INFO(mailslot::detail::quote_name(std::wstring_view(c.rewritten)));
    const raw_slot slot(base + c.canonical);
    REQUIRE(slot.handle != INVALID_HANDLE_VALUE);
    CHECK(opens(base + c.rewritten));
    std::error_code ec;
    (void)mailslot::name::parse(base + c.rewritten, ec);
    CHECK(ec == mailslot::errc::invalid_name);
  }
}

TEST_CASE("a server refuses a name that is not local before calling Windows", "[server][name]") {
  for (const char* text :
       {R"(\\pc\mailslot\x)", R"(\\*\mailslot\x)", R"(\\corp.example\mailslot\x)"}) {
    std::error_code ec;
    const auto server = mailslot::server::create(text, {}, ec);
    CHECK(ec == mailslot::errc::server_name_not_local);
    CHECK(ec == mailslot::condition::invalid_name);
    CHECK_FALSE(server.is_open());
  }
}

TEST_CASE("servers and clients refuse invalid and empty names", "[server][client][name]") {
  std::error_code ec;
  CHECK_FALSE(mailslot::server::create("blah", {}, ec).is_open());
  CHECK(ec == mailslot::errc::invalid_name);
  CHECK_FALSE(mailslot::client::open(R"(\\.\mailslot\a\..\b)", ec).is_open());
  CHECK(ec == mailslot::errc::invalid_name);
  CHECK_FALSE(mailslot::server::create(mailslot::name(), {}, ec).is_open());
  CHECK(ec == mailslot::errc::invalid_name);
  CHECK_FALSE(mailslot::client::open(mailslot::name(), ec).is_open());
  CHECK(ec == mailslot::errc::invalid_name);
  try {
    (void)mailslot::server::create(R"(\\.\mailslot\bad|name)");
    FAIL("no exception");
  } catch (const std::system_error& e) {
    CHECK(std::string(e.what()).find("forbidden character '|' at index 16") != std::string::npos);
  }
}
