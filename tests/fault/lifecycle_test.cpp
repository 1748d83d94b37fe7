// Creating (plain, with a security descriptor, inheritable), opening (with an
// owner check), cancelling and resuming, moving, releasing and closing, with
// each Win32 call and each allocation failing in turn
// (tests/fault/explore.hpp).

#include <fault/scenarios.hpp>

#include <support/current_user.hpp>

#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>

#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

using namespace mailslot_fault;
using mailslot::errc;

namespace {

const std::vector<std::string>& small_messages() {
  static const std::vector<std::string> all{std::string(16, 'a'), std::string(8192, 'b')};
  return all;
}

// create (with `options`) + open (with `client_options`) + two writes + two
// read<std::string>.
template <class Kind>
class open_scenario : public slot_scenario<Kind> {
 public:
  // `refused`: the client's owner check is to fail (mailslot_test::owner_check_passes).
  open_scenario(mailslot::server_options options, mailslot::client_options client_options,
                bool refused = false)
      : slot_scenario<Kind>("fault-open"),
        options_(std::move(options)),
        client_options_(std::move(client_options)),
        refused_(refused) {
    options_.read_timeout = slot_timeout;
  }

  void act(run& r) {
    if (!this->create(r, options_)) {
      return;
    }
    std::error_code ec;
    const mailslot::name& slot = this->server_.name();
    this->client_ = mailslot::client::open(slot, client_options_, ec);
    if (refused_) {
      // Another owner than the one Windows gave the slot (the token's
      // TokenOwner), or Wine 10, which keeps no security descriptor on a
      // client's handle: the owner check fails closed
      // (tests/windows/security_test.cpp). The scenario goes on with an
      // unchecked client.
      if (ec != errc::unexpected_owner && !r.ok("open", ec)) {
        return;
      }
      r.expect(ec == errc::unexpected_owner && !this->client_.is_open(),
               "the owner check did not refuse an owner the slot does not have");
      this->client_ = mailslot::client::open(slot, ec);
    }
    if (!r.ok("open", ec)) {
      return;
    }
    for (const std::string& message : small_messages()) {
      if (!this->write(r, message)) {
        return;
      }
    }
    for (std::size_t i = 0; i < this->written_.size(); ++i) {
      if (!this->read(r, this->server_)) {
        return;
      }
    }
  }

  void check(run& r) {
    if (this->server_.is_open() && options_.inheritable) {
      DWORD flags = 0;
      r.expect(::GetHandleInformation(this->server_.native_handle(), &flags) != FALSE &&
                   (flags & HANDLE_FLAG_INHERIT) != 0,
               "an inheritable server's handle is not inheritable");
    }
    slot_scenario<Kind>::check(r);
  }

 private:
  mailslot::server_options options_;
  mailslot::client_options client_options_;
  bool refused_ = false;
};

// A read cancelled before it starts, then one cancelled while it waits on
// another thread, each followed by resume() and a read that gets its message.
template <class Kind>
class cancel_scenario : public slot_scenario<Kind> {
 public:
  cancel_scenario() : slot_scenario<Kind>("fault-cancel") {}

  void act(run& r) {
    mailslot::server& server = this->server_;
    if (!this->create(r) || !this->open(r) || !this->write(r, "first")) {
      return;
    }
    server.stop_reading();
    std::error_code ec;
    (void)server.read(ec);
    if (ec != errc::cancelled && !r.ok("read<std::string> after cancel()", ec)) {
      return;
    }
    r.expect(ec == errc::cancelled, "a read after cancel() did not end cancelled");
    server.resume_reading();
    if (!this->read(r, server)) {
      return;
    }
    // A read waiting on another thread, cancelled.
    std::error_code waiting;
    std::thread reader;
    {
      const outside guard;
      reader = std::thread([&] {
        try {
          (void)server.read(waiting);
        } catch (const std::bad_alloc&) {  // (the allocation failed on this thread)
          waiting = std::make_error_code(std::errc::not_enough_memory);
        }
      });
      std::this_thread::sleep_for(50ms);
    }
    server.stop_reading();
    {
      const outside guard;
      reader.join();
    }
    server.resume_reading();
    if (waiting != errc::cancelled && !r.ok("a waiting read<std::string>, cancelled", waiting)) {
      return;
    }
    if (this->write(r, "second")) {
      (void)this->read(r, server);
    }
  }
};

// The server moved (construction and assignment), released and adopted
// again, closed with the throwing close(); a client closed with the
// throwing close(), another replaced by an empty one (its handle closed
// inside the assignment). Each step reads one message.
template <class Kind>
class ownership_scenario : public slot_scenario<Kind> {
 public:
  ownership_scenario() : slot_scenario<Kind>("fault-own") {}

  void act(run& r) {
    mailslot::server& server = this->server_;
    if (!this->create(r) || !this->open(r)) {
      return;
    }
    std::error_code ec;
    spare_ = mailslot::client::open(this->name_, ec);
    if (!r.ok("open", ec)) {
      return;
    }
    for (const char* message : {"one", "two", "three"}) {
      if (!this->write(r, message)) {
        return;
      }
    }
    moved_ = std::move(server);
    (void)server.read(ec);
    r.expect(ec == errc::not_open, "a moved-from server does not say not_open");
    if (!try_read(r, moved_)) {
      return;
    }
    server = std::move(moved_);
    if (!try_read(r, server)) {
      return;
    }
    mailslot::name slot = server.name();
    HANDLE handle = server.release();
    r.expect(!server.is_open() && server.name().empty(), "a released server still holds a slot");
    server = mailslot::server::adopt(handle, std::move(slot));  // (nothing can throw between)
    if (!try_read(r, server)) {
      return;
    }
    closed_ = true;  // (a close that reports an error has closed all the same)
    if (!r.attempt("server close()", [&] { server.close(); })) {
      return;
    }
    const bool client_closed = r.attempt("client close()", [&] { this->client_.close(); });
    r.expect(!this->client_.is_open(), "a closed client still holds its handle");
    if (!client_closed) {
      return;
    }
    spare_ = mailslot::client();  // (the old one closes inside the assignment)
    r.expect(!spare_.is_open(), "a client assigned an empty one still holds a handle");
  }

  void check(run& r) {
    std::error_code ec;
    if (moved_.is_open()) {  // a step after the first move failed
      (void)this->server_.read(ec);
      r.expect(ec == errc::not_open, "a moved-from server does not say not_open");
      this->server_ = std::move(moved_);
    }
    if (closed_) {  // everything was read before the close
      expect_same_messages(r, this->written_, this->received_);
      (void)this->server_.read(ec);
      r.expect(ec == errc::not_open, "a closed server does not say not_open");
      return;
    }
    slot_scenario<Kind>::check(r);
  }

 private:
  // (try_ reads: on a synchronous handle they change the slot's timeout and
  // put it back, so that release() and close() find it owed after a failed
  // restore.)
  bool try_read(run& r, mailslot::server& from) {
    std::error_code ec;
    std::optional<std::string> message = from.try_read(1s, ec);
    if (!r.ok("try_read<std::string>", ec)) {
      return false;
    }
    if (!message) {
      r.violation("a try_read<std::string> found no message although one was queued");
      return false;
    }
    this->keep(std::move(*message));
    return true;
  }

  mailslot::server moved_;
  mailslot::client spare_;
  bool closed_ = false;
};

}  // namespace

TEST_CASE("every failure survived: creating plain, with a security descriptor, inheritable",
          "[fault]") {
  explore_and_check("create - plain", [] { return open_scenario<server_create>({}, {}); },
                    {"CreateMailslotW", "CreateFileW"});
  explore_and_check("create - security descriptor",
                    [] {
                      mailslot::server_options options;
                      options.security_descriptor = "D:(A;;GA;;;WD)";
                      return open_scenario<server_create>(options, {});
                    },
                    {"ConvertStringSecurityDescriptorToSecurityDescriptorW", "CreateMailslotW"});
  explore_and_check("create - inheritable",
                    [] {
                      mailslot::server_options options;
                      options.inheritable = true;
                      return open_scenario<server_create>(options, {});
                    },
                    {"CreateMailslotW", "SetHandleInformation"});
}

#define MAILSLOT_FAULT_KINDS mailslot_fault::server_create, mailslot_fault::nt_create_mailslot

TEMPLATE_TEST_CASE("every failure survived: opening with an owner check", "[fault]",
                   MAILSLOT_FAULT_KINDS) {
  // The owner a new slot gets is the token's (the user, or the Administrators
  // group for an elevated administrator): the check passes or is refused as
  // Windows decides, elevated or not.
  const bool under_wine = mailslot_test::running_under_wine();
  const bool user_refused =
      !mailslot_test::owner_check_passes(mailslot_test::current_user_sid(), under_wine);
  const std::string owner = mailslot_test::new_object_owner_sid();
  const bool owner_refused = !mailslot_test::owner_check_passes(owner, under_wine);
  explore_and_check(std::string("open requiring the current user - ") + TestType::id,
                    [&] {
                      mailslot::client_options options;
                      options.required_owner = mailslot::account::current_user();
                      return open_scenario<TestType>({}, options, user_refused);
                    },
                    {"OpenThreadToken", "GetTokenInformation", "CreateFileW", "GetSecurityInfo"});
  explore_and_check(std::string("open requiring the owner's SID - ") + TestType::id,
                    [&] {
                      mailslot::client_options options;
                      options.required_owner = mailslot::account::from_sid(owner);
                      return open_scenario<TestType>({}, options, owner_refused);
                    },
                    {"ConvertStringSidToSidW", "CreateFileW", "GetSecurityInfo"});
}

TEMPLATE_TEST_CASE("every failure survived: cancel and resume", "[fault]", MAILSLOT_FAULT_KINDS) {
  std::vector<std::string> reached{"ReadFile"};
  if (TestType::asynchronous) {
    reached.emplace_back("WaitForMultipleObjects");  // (the waiting read's)
  }
  explore_and_check(
      std::string("cancel and resume - ") + TestType::id,
      [] { return cancel_scenario<TestType>(); }, reached);
}

TEMPLATE_TEST_CASE("every failure survived: move, release, adopt and close", "[fault]",
                   MAILSLOT_FAULT_KINDS) {
  explore_and_check(std::string("move, release, adopt, close - ") + TestType::id,
                    [] { return ownership_scenario<TestType>(); }, {"ReadFile", "CloseHandle"});
}
