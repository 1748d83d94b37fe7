// Who can reach a slot: the client's owner check (client_options::required_owner).

#include <mailslot/mailslot.hpp>

#include <support/current_user.hpp>
#include <support/import_patch.hpp>
#include <support/slot_kinds.hpp>
#include <support/slot_name.hpp>

#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <atomic>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

using mailslot::account;
using mailslot::client_options;
using mailslot::errc;
using mailslot_test::current_user_sid;
using mailslot_test::make_server;
using mailslot_test::new_object_owner_sid;
using mailslot_test::running_under_wine;
using mailslot_test::unique_slot_name;

namespace {

client_options requiring(const account& owner) {
  client_options options;
  options.required_owner = owner;
  return options;
}

}  // namespace

TEMPLATE_TEST_CASE("a client requiring another owner is refused before it can write",
                   "[client][security][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("owner-other");
  for (const account& other : {account::local_system(), account::from_sid("S-1-5-19")}) {
    INFO(other.sid());
    std::error_code ec;
    auto client = mailslot::client::open(server.name(), requiring(other), ec);
    CHECK(ec == errc::unexpected_owner);
    CHECK(ec == std::errc::permission_denied);
    CHECK_FALSE(client);
    CHECK(client.name().empty());
    client.write("must not arrive", ec);
    CHECK(ec == errc::not_open);
    CHECK(server.info().message_count == 0);
  }
  // The refused open left nothing behind: an unchecked client still writes.
  mailslot::client::open(server.name()).write("plain");
  CHECK(server.read() == "plain");
  CHECK_THROWS_WITH(mailslot::client::open(server.name(), requiring(account::local_system())),
                    Catch::Matchers::ContainsSubstring("owner required: S-1-5-18"));
  // (The current user as the required owner: refused too where the check
  // fails closed, as it always does under Wine 10.)
  if (running_under_wine()) {
    CHECK_THROWS_WITH(mailslot::client::open(server.name(), requiring(account::current_user())),
                      Catch::Matchers::ContainsSubstring("owner required: the current user"));
  }
}

TEST_CASE("client::open checks the owner whichever way the name is given",
          "[client][security][wine10]") {
  // The UTF-8 and UTF-16 forms pass the options on, as the mailslot::name
  // form does: a required owner the slot does not have refuses the open.
  auto server = make_server<mailslot_test::server_create>("owner-text");
  const std::string utf8 = server.name().string();
  const std::wstring utf16 = server.name().wstring();
  const client_options other = requiring(account::local_system());
  std::error_code ec;
  CHECK_FALSE(mailslot::client::open(utf8, other, ec));
  CHECK(ec == errc::unexpected_owner);
  CHECK_FALSE(mailslot::client::open(utf16, other, ec));
  CHECK(ec == errc::unexpected_owner);
  CHECK_THROWS_WITH(mailslot::client::open(utf8, other),
                    Catch::Matchers::ContainsSubstring("owner required: S-1-5-18"));
  CHECK_THROWS_WITH(mailslot::client::open(utf16, other),
                    Catch::Matchers::ContainsSubstring("owner required: S-1-5-18"));
  // An invalid name is reported as such before any owner is looked at.
  CHECK_FALSE(mailslot::client::open("not a name", other, ec));
  CHECK(ec == errc::invalid_name);
  // With no owner required, the forms open the slot.
  CHECK(mailslot::client::open(utf8, client_options{}, ec));
  CHECK_FALSE(ec);
  CHECK(mailslot::client::open(utf16, client_options{}));
  CHECK(server.info().message_count == 0);
}

TEMPLATE_TEST_CASE(
    "a client requiring the owner Windows gave the slot opens it, and only that owner",
    "[client][security][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  // A slot made with default security is owned by the token's TokenOwner:
  // the user, or the Administrators group for an elevated administrator (as
  // on hosted CI runners). So the current user is the right owner only when
  // the token says so.
  auto server = make_server<TestType>("owner-self");
  const std::string user = current_user_sid();
  const std::string owner = new_object_owner_sid();
  INFO("user " << user << ", new objects' owner " << owner << ", the slot's owner "
               << mailslot_test::owner_sid_of(server.native_handle()));
  const bool under_wine = running_under_wine();

  // The owner the slot has, read on the server's own handle: on Windows the
  // token's owner, and so no other account. (Wine 10 gives a slot made with
  // default security no owner at all.)
  const auto owned_by = [&server](const std::string& sid) {
    std::error_code ec;
    const auto bytes = mailslot::detail::resolve_sid(account::from_sid(sid), ec);
    REQUIRE_FALSE(ec);
    mailslot::detail::check_owner(server.native_handle(), bytes, ec);
    return ec;
  };
  if (!under_wine) {
    CHECK(mailslot_test::owner_sid_of(server.native_handle()) == owner);
    CHECK_FALSE(owned_by(owner));
    for (const std::string& other : {user, std::string("S-1-5-18"), std::string("S-1-5-32-544")}) {
      if (other != owner) {
        INFO(other);
        CHECK(owned_by(other) == errc::unexpected_owner);
      }
    }
  }

  // A client's check, against the same expectation.
  const std::pair<account, std::string> required[] = {{account::current_user(), user},
                                                      {account::from_sid(user), user},
                                                      {account::from_sid(owner), owner}};
  for (const auto& [who, sid] : required) {
    std::error_code ec;
    INFO("required " << (who.is_current_user() ? std::string("the current user") : who.sid()));
    auto client = mailslot::client::open(server.name(), requiring(who), ec);
    if (!mailslot_test::owner_check_passes(sid, under_wine)) {
      // Another owner than the token's; or Wine 10, which keeps no security
      // descriptor on a client's handle: the check fails closed.
      CHECK(ec == errc::unexpected_owner);
      CHECK_FALSE(client);
      continue;
    }
    REQUIRE_FALSE(ec);
    client.write("to the right reader");
    CHECK(server.read() == "to the right reader");
  }
}

TEMPLATE_TEST_CASE("the owner check compares the owner Windows reports with the required one",
                   "[client][security][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  // The server's own handle carries the descriptor under Wine too, so the
  // comparison is checked both ways on a slot whose owner is set explicitly.
  const std::string self = current_user_sid();
  mailslot::server_options options;
  options.security_descriptor = "O:" + self + "D:(A;;GA;;;WD)";
  auto server = TestType::create(unique_slot_name("owner-explicit"), options);
  const HANDLE handle = server.native_handle();
  std::error_code ec;
  const auto me = mailslot::detail::resolve_sid(account::current_user(), ec);
  REQUIRE_FALSE(ec);
  mailslot::detail::check_owner(handle, me, ec);
  CHECK_FALSE(ec);
  const auto by_text = mailslot::detail::resolve_sid(account::from_sid(self), ec);
  REQUIRE_FALSE(ec);
  CHECK(by_text == me);
  mailslot::detail::check_owner(handle, by_text, ec);
  CHECK_FALSE(ec);
  for (const account& other : {account::local_system(), account::administrators()}) {
    INFO(other.sid());
    const auto sid = mailslot::detail::resolve_sid(other, ec);
    REQUIRE_FALSE(ec);
    mailslot::detail::check_owner(handle, sid, ec);
    CHECK(ec == errc::unexpected_owner);
  }
}

TEMPLATE_TEST_CASE(
    "a slot the Administrators group owns passes a check for the group, not the user",
    "[client][security][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  // What an elevated administrator's slots are (as on hosted CI runners):
  // owned by the Administrators group, which the token names as its owner.
  // The owner is set explicitly here, so that any run (and Wine, whose
  // server handles carry an explicit descriptor) checks both answers.
  mailslot::server_options options;
  options.security_descriptor = "O:BAD:(A;;GA;;;WD)";
  std::error_code ec;
  auto server = TestType::create(unique_slot_name("owner-admins"), options, ec);
  if (ec == std::error_code(ERROR_INVALID_OWNER, std::system_category())) {
    SKIP("this account may not make the Administrators group an owner (not an administrator)");
  }
  REQUIRE_FALSE(ec);
  CHECK(mailslot_test::owner_sid_of(server.native_handle()) == "S-1-5-32-544");
  const HANDLE handle = server.native_handle();
  for (const account& who :
       {account::administrators(), account::from_sid("BA"), account::from_sid("S-1-5-32-544")}) {
    INFO(who.sid());
    const auto sid = mailslot::detail::resolve_sid(who, ec);
    REQUIRE_FALSE(ec);
    mailslot::detail::check_owner(handle, sid, ec);
    CHECK_FALSE(ec);
  }
  for (const account& who :
       {account::current_user(), account::from_sid(current_user_sid()), account::local_system()}) {
    INFO(who.sid());
    const auto sid = mailslot::detail::resolve_sid(who, ec);
    REQUIRE_FALSE(ec);
    mailslot::detail::check_owner(handle, sid, ec);
    CHECK(ec == errc::unexpected_owner);
  }
}

TEST_CASE("well-known accounts and SDDL abbreviations name the same SIDs",
          "[client][security][wine10]") {
  std::error_code ec;
  CHECK(mailslot::detail::resolve_sid(account::local_system(), ec) ==
        mailslot::detail::resolve_sid(account::from_sid("SY"), ec));
  CHECK(mailslot::detail::resolve_sid(account::administrators(), ec) ==
        mailslot::detail::resolve_sid(account::from_sid("BA"), ec));
  CHECK_FALSE(ec);
  CHECK(account::current_user().is_current_user());
  CHECK(account::current_user().sid().empty());
  CHECK_FALSE(account::from_sid("S-1-5-18").is_current_user());
  account copy = account::current_user();  // copies are equal to the original
  copy = account::local_system();
  CHECK_FALSE(copy.is_current_user());
  CHECK(copy.sid() == "S-1-5-18");
  copy = account::current_user();
  CHECK(copy.is_current_user());
  CHECK(copy.sid().empty());
  CHECK(account::local_system().sid() == "S-1-5-18");
  CHECK(account::administrators().sid() == "S-1-5-32-544");
}

TEST_CASE("a required owner that is not a SID fails with Windows' error before opening",
          "[client][security][wine10]") {
  for (const char* bad : {"bogus", "S-1-x", "", "S-1-5-\xFF"}) {
    INFO(bad);
    std::error_code ec;
    // The slot does not exist: the SID is judged first, the slot never opened.
    auto client = mailslot::client::open(mailslot::name::parse(unique_slot_name("owner-bad-sid")),
                                         requiring(account::from_sid(bad)), ec);
    CHECK(ec == std::error_code(ERROR_INVALID_SID, std::system_category()));
    CHECK_FALSE(client);
  }
}

TEST_CASE("the owner check needs a local name", "[client][security][wine10]") {
  for (const char* remote :
       {R"(\\pc\mailslot\x)", R"(\\corp.example\mailslot\x)", R"(\\*\mailslot\x)"}) {
    INFO(remote);
    std::error_code ec;
    auto client = mailslot::client::open(mailslot::name::parse(remote),
                                         requiring(account::current_user()), ec);
    CHECK(ec == errc::owner_check_not_local);
    CHECK_FALSE(client);
  }
}

namespace {
// A thread token whose user is someone else, where Wine cannot make one:
// the handles OpenThreadToken opens on the thread that `impersonating`
// names answer TokenUser with the anonymous logon (S-1-5-7); every other
// token answers as Windows does.
std::atomic<DWORD> impersonating{0};
std::mutex thread_tokens_mutex;
std::vector<HANDLE> thread_tokens;
decltype(&::OpenThreadToken) real_open_thread_token = nullptr;
decltype(&::GetTokenInformation) real_get_token_information = nullptr;
BOOL WINAPI recording_open_thread_token(HANDLE thread, DWORD access, BOOL as_self, PHANDLE token) {
  const BOOL done = real_open_thread_token(thread, access, as_self, token);
  if (done != FALSE && ::GetCurrentThreadId() == impersonating.load()) {
    const std::lock_guard<std::mutex> hold(thread_tokens_mutex);
    thread_tokens.push_back(*token);
  }
  return done;
}
BOOL WINAPI anonymous_thread_user(HANDLE token, TOKEN_INFORMATION_CLASS what, LPVOID into,
                                  DWORD size, PDWORD needed) {
  bool thread_token = false;
  {
    const std::lock_guard<std::mutex> hold(thread_tokens_mutex);
    for (const HANDLE known : thread_tokens) {
      thread_token = thread_token || known == token;
    }
  }
  if (!thread_token || what != TokenUser) {
    return real_get_token_information(token, what, into, size, needed);
  }
  static SID_IDENTIFIER_AUTHORITY nt_authority = SECURITY_NT_AUTHORITY;
  struct answer {
    TOKEN_USER user;
    SID sid;  // one subauthority
  };
  *needed = sizeof(answer);
  if (into == nullptr || size < sizeof(answer)) {
    ::SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return FALSE;
  }
  auto* out = static_cast<answer*>(into);
  out->sid = SID{};
  (void)::InitializeSid(&out->sid, &nt_authority, 1);
  *::GetSidSubAuthority(&out->sid, 0) = SECURITY_ANONYMOUS_LOGON_RID;
  out->user.User.Sid = &out->sid;
  out->user.User.Attributes = 0;
  return TRUE;
}
}  // namespace

TEST_CASE("the current user is the impersonating thread's, not the process's",
          "[client][security][wine10]") {
  // account::current_user() is resolved on the calling thread: under
  // impersonation it is the thread token's user, and again the process's
  // once the thread reverts. (Wine 10 cannot impersonate another user, so
  // the thread token's user is answered by a hook: the anonymous logon.)
  const auto sid_of = [](const account& who) {
    std::error_code ec;
    auto bytes = mailslot::detail::resolve_sid(who, ec);
    REQUIRE_FALSE(ec);
    return bytes;
  };
  const auto process_user = sid_of(account::from_sid(current_user_sid()));
  const auto anonymous = sid_of(account::from_sid("S-1-5-7"));
  REQUIRE(process_user != anonymous);
  HANDLE none = nullptr;  // (this thread does not impersonate)
  REQUIRE(::OpenThreadToken(::GetCurrentThread(), TOKEN_QUERY, TRUE, &none) == FALSE);
  REQUIRE(::GetLastError() == ERROR_NO_TOKEN);
  mailslot_test::import_hook<decltype(&::OpenThreadToken)> open_hook("OpenThreadToken",
                                                                     &recording_open_thread_token);
  mailslot_test::import_hook<decltype(&::GetTokenInformation)> info_hook("GetTokenInformation",
                                                                         &anonymous_thread_user);
  REQUIRE(open_hook.installed());
  REQUIRE(info_hook.installed());
  real_open_thread_token = open_hook.original();
  real_get_token_information = info_hook.original();
  CHECK(sid_of(account::current_user()) == process_user);  // no thread token
  std::vector<unsigned char> while_impersonating;
  std::vector<unsigned char> after_reverting;
  std::error_code impersonate_error;
  std::error_code resolve_error;
  std::thread other([&] {
    impersonating = ::GetCurrentThreadId();
    if (::ImpersonateSelf(SecurityImpersonation) == FALSE) {
      impersonate_error = mailslot::detail::last_error();
      return;
    }
    while_impersonating = mailslot::detail::resolve_sid(account::current_user(), resolve_error);
    (void)::RevertToSelf();
    {  // (the library closed the thread token: its handle value may come again)
      const std::lock_guard<std::mutex> hold(thread_tokens_mutex);
      thread_tokens.clear();
    }
    if (!resolve_error) {
      after_reverting = mailslot::detail::resolve_sid(account::current_user(), resolve_error);
    }
  });
  other.join();
  impersonating = 0;
  {
    const std::lock_guard<std::mutex> hold(thread_tokens_mutex);
    thread_tokens.clear();
  }
  INFO("ImpersonateSelf: " << impersonate_error.message()
                           << "; resolving: " << resolve_error.message());
  REQUIRE_FALSE(impersonate_error);
  REQUIRE_FALSE(resolve_error);
  CHECK(while_impersonating == anonymous);
  CHECK(after_reverting == process_user);
}

TEST_CASE("a required owner given as empty or ill-formed SID text is ERROR_INVALID_SID",
          "[client][security][wine10]") {
  // Refused before Windows sees it: Wine's ConvertStringSidToSidW was seen
  // to accept the empty text.
  auto server = make_server<mailslot_test::server_create>("owner-empty-sid");
  const std::error_code invalid_sid(ERROR_INVALID_SID, std::system_category());
  for (const char* text : {"", "S-1-5-\xFF"}) {
    INFO("SID text of " << std::char_traits<char>::length(text) << " bytes");
    std::error_code ec;
    CHECK_FALSE(mailslot::client::open(server.name(), requiring(account::from_sid(text)), ec));
    CHECK(ec == invalid_sid);
  }
}
