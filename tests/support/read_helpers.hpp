#ifndef MAILSLOT_TESTS_SUPPORT_READ_HELPERS_HPP
#define MAILSLOT_TESTS_SUPPORT_READ_HELPERS_HPP

// What several reading tests need: the slot's timeout as Windows reports it,
// a second server on a slot, Win32 error codes, message contents, and a count
// of the program's ReadFile calls.

#include <mailslot/mailslot.hpp>

#include <support/import_patch.hpp>

#include <catch2/catch_test_macros.hpp>

#include <atomic>
#include <cstddef>
#include <string>
#include <system_error>

namespace mailslot_test {

/// The slot's read timeout as Windows reports it.
inline DWORD slot_timeout(const mailslot::server& server) {
  DWORD timeout = 0;
  REQUIRE(::GetMailslotInfo(server.native_handle(), nullptr, nullptr, nullptr, &timeout) != FALSE);
  return timeout;
}

/// A second server on the same slot, through a duplicated handle (as a child
/// process or a second component of one program would hold it).
inline mailslot::server duplicate(const mailslot::server& server) {
  HANDLE copy = nullptr;
  REQUIRE(::DuplicateHandle(::GetCurrentProcess(), server.native_handle(), ::GetCurrentProcess(),
                            &copy, 0, FALSE, DUPLICATE_SAME_ACCESS) != FALSE);
  return mailslot::server::adopt(copy, server.name());
}

/// A Win32 error code as the library reports it.
inline std::error_code win32(DWORD code) {
  return {static_cast<int>(code), std::system_category()};
}

/// A message of `size` bytes whose content depends on `seed` and the position.
inline std::string pattern(std::size_t size, unsigned seed) {
  std::string message(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    message[i] = static_cast<char>((i * 31 + seed) % 251);
  }
  return message;
}

/// Counts the program's ReadFile calls while it lives (the library's
/// included: it is header-only, so its calls go through this program's
/// import table).
class read_file_counter {
 public:
  read_file_counter() : hook_("ReadFile", &counting) {
    real() = hook_.original();
    calls() = 0;
  }
  [[nodiscard]] bool installed() const { return hook_.installed(); }
  [[nodiscard]] int count() const { return calls().load(); }
  void reset() { calls() = 0; }

 private:
  using read_file = decltype(&::ReadFile);
  static std::atomic<int>& calls() {
    static std::atomic<int> count{0};
    return count;
  }
  static read_file& real() {
    static read_file function = nullptr;
    return function;
  }
  static BOOL WINAPI counting(HANDLE file, LPVOID buffer, DWORD size, LPDWORD read,
                              LPOVERLAPPED overlapped) {
    ++calls();
    return real()(file, buffer, size, read, overlapped);
  }

  import_hook<read_file> hook_;
};

}  // namespace mailslot_test

#endif
