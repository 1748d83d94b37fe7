#ifndef MAILSLOT_TESTS_SUPPORT_SLOT_NAME_HPP
#define MAILSLOT_TESTS_SUPPORT_SLOT_NAME_HPP

#include <mailslot/mailslot.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

namespace mailslot_test {

/// A local mailslot name no other test (or test process) uses:
/// \\.\mailslot\mailslot-tests\<pid>-<n>\<label>.
inline std::string unique_slot_name(std::string_view label) {
  static std::atomic<unsigned> counter{0};
  return "\\\\.\\mailslot\\mailslot-tests\\" + std::to_string(::GetCurrentProcessId()) + "-" +
         std::to_string(++counter) + "\\" + std::string(label);
}

/// True when running under Wine rather than Windows (ntdll exports
/// wine_get_version). Tests use it where Wine 10 is known to differ from
/// Windows, to assert what Wine shows and only report what Windows does.
inline bool running_under_wine() {
  const HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
  return ntdll != nullptr && ::GetProcAddress(ntdll, "wine_get_version") != nullptr;
}

/// Server options with only the read timeout set.
inline mailslot::server_options with_timeout(std::chrono::milliseconds timeout) {
  mailslot::server_options options;
  options.read_timeout = timeout;
  return options;
}

/// A server for a fresh unique name, reading with `timeout` (default: no wait).
inline mailslot::server make_server(
    std::string_view label, std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) {
  return mailslot::server::create(unique_slot_name(label), with_timeout(timeout));
}

}  // namespace mailslot_test

#endif
