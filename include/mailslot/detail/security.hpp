#ifndef MAILSLOT_DETAIL_SECURITY_HPP
#define MAILSLOT_DETAIL_SECURITY_HPP

// Security descriptors from SDDL, and the owner check of client_options.

#include <mailslot/account.hpp>
#include <mailslot/detail/config.hpp>
#include <mailslot/detail/unique_handle.hpp>
#include <mailslot/detail/utf.hpp>
#include <mailslot/detail/windows.hpp>
#include <mailslot/error.hpp>

#include <aclapi.h>
#include <sddl.h>

#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#if defined(_MSC_VER)
#  pragma comment(lib, "advapi32.lib")  // SDDL and SID conversions, GetSecurityInfo, tokens
#endif

namespace mailslot::detail {

/// Frees what Windows allocated for the caller with LocalAlloc (SIDs and
/// security descriptors it converts or reads).
struct local_free {
  void operator()(void* memory) const noexcept { ::LocalFree(memory); }
};
using local_memory = std::unique_ptr<void, local_free>;

/// True for the Win32 errors that say the system ran short (memory,
/// resources), not that the request was wrong.
inline bool is_shortage(DWORD code) noexcept {
  switch (code) {
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
    case ERROR_NO_SYSTEM_RESOURCES:
    case ERROR_COMMITMENT_LIMIT:
      return true;
    default:
      return false;
  }
}

/// A security descriptor converted from SDDL, freed with LocalFree.
class security_descriptor {
 public:
  security_descriptor() noexcept = default;
  security_descriptor(const security_descriptor&) = delete;
  security_descriptor& operator=(const security_descriptor&) = delete;
  ~security_descriptor() {
    if (descriptor_ != nullptr) {
      ::LocalFree(descriptor_);
    }
  }

  /// Converts `sddl` (UTF-8). On failure `ec` is errc::invalid_security_descriptor
  /// and `cause` Windows' own error (ERROR_NO_UNICODE_TRANSLATION for text that
  /// is not UTF-8); when the system ran short (is_shortage()), both are that
  /// error: the text may be valid.
  /// Once per object (each caller makes a fresh one).
  void assign(std::string_view sddl, std::error_code& ec, std::error_code& cause) {
    MAILSLOT_ASSERT(descriptor_ == nullptr, "a security_descriptor is assigned once");
    std::wstring wide;
    if (!utf8_to_wide(sddl, wide).ok) {
      cause = std::error_code(ERROR_NO_UNICODE_TRANSLATION, std::system_category());
    } else if (::ConvertStringSecurityDescriptorToSecurityDescriptorW(
                   wide.c_str(), SDDL_REVISION_1, &descriptor_, nullptr) == FALSE) {
      cause = last_error();
    } else {
      return;
    }
    descriptor_ = nullptr;
    ec = is_shortage(static_cast<DWORD>(cause.value()))
             ? cause
             : make_error_code(errc::invalid_security_descriptor);
  }

  [[nodiscard]] PSECURITY_DESCRIPTOR get() const noexcept { return descriptor_; }

 private:
  PSECURITY_DESCRIPTOR descriptor_ = nullptr;
};

/// A SID's bytes, owned.
using sid_bytes = std::vector<unsigned char>;

inline sid_bytes copy_sid(PSID sid) {
  const auto* first = static_cast<const unsigned char*>(sid);
  sid_bytes bytes(first, first + ::GetLengthSid(sid));
  return bytes;
}

/// The user of the calling thread: its impersonation token's, else its
/// process's (TokenUser).
inline sid_bytes current_user_sid(std::error_code& ec) {
  HANDLE token = nullptr;
  if (::OpenThreadToken(::GetCurrentThread(), TOKEN_QUERY, TRUE, &token) == FALSE &&
      (::GetLastError() != ERROR_NO_TOKEN ||
       ::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token) == FALSE)) {
    ec = last_error();
    return {};
  }
  const unique_handle owned(token);
  DWORD size = 0;
  (void)::GetTokenInformation(token, TokenUser, nullptr, 0, &size);  // asks for the size
  // (new[] storage is aligned for any fundamental type, TOKEN_USER's included)
  std::vector<unsigned char> user(size);
  if (size == 0 || ::GetTokenInformation(token, TokenUser, user.data(), size, &size) == FALSE) {
    ec = last_error();
    return {};
  }
  return copy_sid(reinterpret_cast<const TOKEN_USER*>(user.data())->User.Sid);
}

/// The SID of `who`: the current user's, or its text converted
/// (ConvertStringSidToSidW; Windows' own error, usually ERROR_INVALID_SID,
/// if it is not a SID; ERROR_INVALID_SID for empty text or text that is not
/// UTF-8).
inline sid_bytes resolve_sid(const account& who, std::error_code& ec) {
  ec.clear();
  if (who.is_current_user()) {
    return current_user_sid(ec);
  }
  // (Empty text is refused here, whatever the converter makes of it: Wine
  // 10's refuses it with ERROR_INVALID_SID too; Windows' was not tried.)
  std::wstring wide;
  if (who.sid().empty() || !utf8_to_wide(std::string_view(who.sid()), wide).ok) {
    ec = std::error_code(ERROR_INVALID_SID, std::system_category());
    return {};
  }
  PSID sid = nullptr;
  if (::ConvertStringSidToSidW(wide.c_str(), &sid) == FALSE) {
    ec = last_error();
    return {};
  }
  const local_memory owned(sid);  // (copy_sid() may throw std::bad_alloc)
  return copy_sid(sid);
}

/// Checks that the object behind `handle` (opened with READ_CONTROL) is owned
/// by `expected` (GetSecurityInfo): errc::unexpected_owner if not, the Win32
/// error if the owner cannot be read.
inline void check_owner(HANDLE handle, const sid_bytes& expected, std::error_code& ec) {
  ec.clear();
  PSID owner = nullptr;
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  const DWORD status = ::GetSecurityInfo(handle, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION, &owner,
                                         nullptr, nullptr, nullptr, &descriptor);
  if (status != ERROR_SUCCESS) {
    ec = std::error_code(static_cast<int>(status), std::system_category());
    return;
  }
  const local_memory owned(descriptor);
  // (EqualSid does not write through its arguments; the API is not const-correct.)
  auto* wanted = const_cast<unsigned char*>(expected.data());
  if (owner == nullptr || ::EqualSid(owner, wanted) == FALSE) {
    ec = errc::unexpected_owner;
  }
}

}  // namespace mailslot::detail

#endif
