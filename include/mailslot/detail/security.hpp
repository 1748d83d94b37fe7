#ifndef MAILSLOT_DETAIL_SECURITY_HPP
#define MAILSLOT_DETAIL_SECURITY_HPP

#include <mailslot/detail/utf.hpp>
#include <mailslot/detail/windows.hpp>
#include <mailslot/error.hpp>

#include <sddl.h>

#include <string>
#include <string_view>
#include <system_error>

#if defined(_MSC_VER)
#  pragma comment(lib, "advapi32.lib")  // ConvertStringSecurityDescriptorToSecurityDescriptorW
#endif

namespace mailslot::detail {

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

  /// Converts `sddl` (UTF-8); errc::invalid_security_descriptor if it is not
  /// valid SDDL.
  void assign(std::string_view sddl, std::error_code& ec) {
    if (descriptor_ != nullptr) {
      ::LocalFree(descriptor_);
      descriptor_ = nullptr;
    }
    std::wstring wide;
    if (!utf8_to_wide(sddl, wide).ok ||
        ::ConvertStringSecurityDescriptorToSecurityDescriptorW(wide.c_str(), SDDL_REVISION_1,
                                                               &descriptor_, nullptr) == FALSE) {
      descriptor_ = nullptr;
      ec = errc::invalid_security_descriptor;
    }
  }

  [[nodiscard]] PSECURITY_DESCRIPTOR get() const noexcept { return descriptor_; }

 private:
  PSECURITY_DESCRIPTOR descriptor_ = nullptr;
};

}  // namespace mailslot::detail

#endif
