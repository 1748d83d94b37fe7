#ifndef MAILSLOT_TESTS_SUPPORT_READ_HELPERS_HPP
#define MAILSLOT_TESTS_SUPPORT_READ_HELPERS_HPP

// What several reading tests need: the slot's timeout as Windows reports it,
// a second server on a slot, Win32 error codes, message contents, and counts
// of the program's ReadFile and SetMailslotInfo calls.

#include <mailslot/mailslot.hpp>

#include <support/import_patch.hpp>

#include <catch2/catch_test_macros.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <system_error>
#include <utility>

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

/// Counts the program's calls of one Win32 function while it lives (the
/// library's included: it is header-only, so its calls go through this
/// program's import table). `Tag` names it: `name` and `function`.
template <class Tag, class F = typename Tag::function>
class call_counter;

template <class Tag, class R, class... Args>
class call_counter<Tag, R(WINAPI*)(Args...)> {
 public:
  call_counter() : hook_(Tag::name, &counting) {
    real() = hook_.original();
    calls() = 0;
  }
  [[nodiscard]] bool installed() const { return hook_.installed(); }
  [[nodiscard]] int count() const { return calls().load(); }
  void reset() { calls() = 0; }

 private:
  using function = R(WINAPI*)(Args...);
  static std::atomic<int>& calls() {
    static std::atomic<int> count{0};
    return count;
  }
  static function& real() {
    static function original = nullptr;
    return original;
  }
  static R WINAPI counting(Args... args) {
    ++calls();
    return real()(args...);
  }

  import_hook<function> hook_;
};

/// While it lives, runs the function given to arm() once, in the next call
/// of one Win32 function (`Tag` as for call_counter), before that call goes
/// through: something another thread or handle does at that moment.
template <class Tag, class F = typename Tag::function>
class before_next_call;

template <class Tag, class R, class... Args>
class before_next_call<Tag, R(WINAPI*)(Args...)> {
 public:
  before_next_call() : hook_(Tag::name, &calling) { real() = hook_.original(); }
  ~before_next_call() { action() = nullptr; }
  before_next_call(const before_next_call&) = delete;
  before_next_call& operator=(const before_next_call&) = delete;
  [[nodiscard]] bool installed() const { return hook_.installed(); }
  void arm(std::function<void()> act) { action() = std::move(act); }

 private:
  using function = R(WINAPI*)(Args...);
  static std::function<void()>& action() {
    static std::function<void()> armed;
    return armed;
  }
  static function& real() {
    static function original = nullptr;
    return original;
  }
  static R WINAPI calling(Args... args) {
    if (auto act = std::exchange(action(), nullptr)) {
      act();
    }
    return real()(args...);
  }

  import_hook<function> hook_;
};

struct read_file_tag {
  using function = decltype(&::ReadFile);
  static constexpr const char* name = "ReadFile";
};
struct set_mailslot_info_tag {
  using function = decltype(&::SetMailslotInfo);
  static constexpr const char* name = "SetMailslotInfo";
};

struct get_mailslot_info_tag {
  using function = decltype(&::GetMailslotInfo);
  static constexpr const char* name = "GetMailslotInfo";
};

struct cancel_io_ex_tag {
  using function = decltype(&::CancelIoEx);
  static constexpr const char* name = "CancelIoEx";
};

/// Counts the program's ReadFile calls.
using read_file_counter = call_counter<read_file_tag>;
/// Counts the program's SetMailslotInfo calls.
using set_mailslot_info_counter = call_counter<set_mailslot_info_tag>;
/// Counts the program's GetMailslotInfo calls (Wine's counts the queue: its
/// cost grows with the messages waiting).
using get_mailslot_info_counter = call_counter<get_mailslot_info_tag>;

/// The most ReadFiles a reader that waits `elapsed` may have made while
/// nothing arrived: one each reread_interval (10 ms), the first and the last
/// included.
inline int most_rereads(std::chrono::steady_clock::duration elapsed) {
  return static_cast<int>(elapsed / std::chrono::milliseconds(10)) + 2;
}

}  // namespace mailslot_test

#endif
