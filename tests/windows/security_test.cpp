// Who can reach a slot: the client's owner check (client_options::required_owner).

#include <mailslot/mailslot.hpp>

#include <support/current_user.hpp>
#include <support/slot_kinds.hpp>
#include <support/slot_name.hpp>

#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <string>
#include <system_error>
#include <vector>

using mailslot::account;
using mailslot::client_options;
using mailslot::errc;
using mailslot_test::current_user_sid;
using mailslot_test::make_server;
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
  CHECK(server.read_string() == "plain");
  CHECK_THROWS_WITH(mailslot::client::open(server.name(), requiring(account::local_system())),
                    Catch::Matchers::ContainsSubstring("owner required: S-1-5-18"));
}

TEMPLATE_TEST_CASE("a client requiring the current user opens the current user's slot",
                   "[client][security][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("owner-self");
  for (const account& self : {account::current_user(), account::from_sid(current_user_sid())}) {
    INFO(self.sid());
    std::error_code ec;
    auto client = mailslot::client::open(server.name(), requiring(self), ec);
    if (running_under_wine()) {
      // Wine 10 keeps no security descriptor on a client's handle: the owner
      // Windows reports is none, and the check fails closed.
      CHECK(ec == errc::unexpected_owner);
      CHECK_FALSE(client);
      continue;
    }
    // Windows: the creator (this process's user, unless it is an elevated
    // administrator, whose objects the Administrators group owns) owns the slot.
    REQUIRE_FALSE(ec);
    client.write("to the right reader");
    CHECK(server.read_string() == "to the right reader");
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
