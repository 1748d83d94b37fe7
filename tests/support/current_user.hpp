#ifndef MAILSLOT_TESTS_SUPPORT_CURRENT_USER_HPP
#define MAILSLOT_TESTS_SUPPORT_CURRENT_USER_HPP

#include <windows.h>

#include <aclapi.h>
#include <sddl.h>

#include <catch2/catch_test_macros.hpp>

#include <string>
#include <vector>

namespace mailslot_test {

/// The process token's `what` (TokenUser or TokenOwner), found without the
/// library.
inline std::vector<unsigned char> process_token_information(TOKEN_INFORMATION_CLASS what) {
  HANDLE token = nullptr;
  REQUIRE(::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token) != FALSE);
  DWORD size = 0;
  (void)::GetTokenInformation(token, what, nullptr, 0, &size);
  std::vector<unsigned char> buffer(size);
  const BOOL got = ::GetTokenInformation(token, what, buffer.data(), size, &size);
  ::CloseHandle(token);
  REQUIRE(got != FALSE);
  return buffer;
}

/// `sid` as text ("S-1-5-21-...").
inline std::string sid_text(PSID sid) {
  LPSTR text = nullptr;
  REQUIRE(::ConvertSidToStringSidA(sid, &text) != FALSE);
  std::string result = text;
  ::LocalFree(text);
  return result;
}

/// The current user's SID as text ("S-1-5-21-..."), found without the
/// library (the process token's TokenUser).
inline std::string current_user_sid() {
  const std::vector<unsigned char> user = process_token_information(TokenUser);
  return sid_text(reinterpret_cast<const TOKEN_USER*>(user.data())->User.Sid);
}

/// The SID Windows makes the owner of the objects this process creates with
/// default security, as text: the token's TokenOwner ("Security Descriptors
/// for New Objects"). The user for most processes; the Administrators group
/// (S-1-5-32-544) for an elevated administrator's, as on hosted CI runners.
inline std::string new_object_owner_sid() {
  const std::vector<unsigned char> owner = process_token_information(TokenOwner);
  return sid_text(reinterpret_cast<const TOKEN_OWNER*>(owner.data())->Owner);
}

/// The owner of the object behind `handle` (GetSecurityInfo, READ_CONTROL),
/// as text; empty if it has none.
inline std::string owner_sid_of(HANDLE handle) {
  PSID owner = nullptr;
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  REQUIRE(::GetSecurityInfo(handle, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION, &owner, nullptr,
                            nullptr, nullptr, &descriptor) == ERROR_SUCCESS);
  std::string result = owner == nullptr ? std::string() : sid_text(owner);
  ::LocalFree(descriptor);
  return result;
}

/// Whether a client requiring the owner `sid` (as text) opens a slot this
/// process created with default security: on Windows, when `sid` is the
/// token's owner; under Wine 10 never, since Wine keeps no security
/// descriptor on a client's handle and the check fails closed.
inline bool owner_check_passes(const std::string& sid, bool under_wine) {
  return !under_wine && sid == new_object_owner_sid();
}

}  // namespace mailslot_test

#endif
