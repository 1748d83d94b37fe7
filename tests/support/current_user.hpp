#ifndef MAILSLOT_TESTS_SUPPORT_CURRENT_USER_HPP
#define MAILSLOT_TESTS_SUPPORT_CURRENT_USER_HPP

#include <windows.h>

#include <sddl.h>

#include <catch2/catch_test_macros.hpp>

#include <string>
#include <vector>

namespace mailslot_test {

/// The current user's SID as text ("S-1-5-21-..."), found without the
/// library (the process token's TokenUser).
inline std::string current_user_sid() {
  HANDLE token = nullptr;
  REQUIRE(::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token) != FALSE);
  DWORD size = 0;
  (void)::GetTokenInformation(token, TokenUser, nullptr, 0, &size);
  std::vector<unsigned char> buffer(size);
  REQUIRE(::GetTokenInformation(token, TokenUser, buffer.data(), size, &size) != FALSE);
  ::CloseHandle(token);
  LPSTR text = nullptr;
  REQUIRE(::ConvertSidToStringSidA(reinterpret_cast<TOKEN_USER*>(buffer.data())->User.Sid, &text) !=
          FALSE);
  std::string sid = text;
  ::LocalFree(text);
  return sid;
}

}  // namespace mailslot_test

#endif
