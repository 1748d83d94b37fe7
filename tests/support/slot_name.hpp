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
