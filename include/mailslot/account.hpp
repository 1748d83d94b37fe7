#ifndef MAILSLOT_ACCOUNT_HPP
#define MAILSLOT_ACCOUNT_HPP

/// @file
/// mailslot::account: a Windows account named by its security identifier
/// (SID), as a client names the account it requires to own a slot
/// (client_options::required_owner). Portable: the SID is text until a client
/// hands it to Windows.

#include <string>
#include <utility>

namespace mailslot {

/// A Windows account or group, by its security identifier (SID).
///
/// The SID is kept as text and converted when a client opens a slot
/// (ConvertStringSidToSidW), so an ill-formed one is reported then, with
/// Windows' own error. current_user() is resolved then too.
class account {
 public:
  /// LocalSystem (S-1-5-18): the account services run as by default.
  /// @return the account
  [[nodiscard]] static account local_system() { return account("S-1-5-18"); }

  /// The built-in Administrators group (S-1-5-32-544). A process of an
  /// elevated administrator creates objects owned by this group, not by the
  /// administrator's own account.
  /// @return the account
  [[nodiscard]] static account administrators() { return account("S-1-5-32-544"); }

  /// The user the opening thread runs as: its impersonation token's user if
  /// it impersonates, else its process's (TokenUser), looked up at each open.
  /// @return the account
  [[nodiscard]] static account current_user() {
    account result;
    result.current_user_ = true;
    return result;
  }

  /// The account with the SID `sid`, in its string form ("S-1-5-21-...") or
  /// as an SDDL abbreviation ("SY", "BA", "LS", "NS", ...).
  /// @param sid  the SID as text; checked when a client uses it
  /// @return the account
  [[nodiscard]] static account from_sid(std::string sid) { return account(std::move(sid)); }

  /// The SID as given; empty for current_user().
  /// @return the SID text
  [[nodiscard]] const std::string& sid() const noexcept { return sid_; }

  /// True for current_user().
  /// @return whether the account is the opening thread's user
  [[nodiscard]] bool is_current_user() const noexcept { return current_user_; }

  /// Copies are equal to the original. (An account has no move: moving a
  /// std::string allocates in the MS STL's debug builds, so a noexcept move
  /// could not keep its promise there; a copy may throw instead.)
  /// @param other  the account to copy
  account(const account& other) = default;
  /// Copies are equal to the original.
  /// @param other  the account to copy
  /// @return `*this`
  account& operator=(const account& other) = default;
  ~account() = default;

 private:
  account() = default;
  explicit account(std::string sid) : sid_(std::move(sid)) {}

  std::string sid_;
  bool current_user_ = false;
};

}  // namespace mailslot

#endif
