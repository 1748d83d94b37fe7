#ifndef MAILSLOT_TESTS_SUPPORT_SLOT_NAME_HPP
#define MAILSLOT_TESTS_SUPPORT_SLOT_NAME_HPP

#include <windows.h>

#include <atomic>
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

}  // namespace mailslot_test

#endif
