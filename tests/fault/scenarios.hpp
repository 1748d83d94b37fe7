#ifndef MAILSLOT_TESTS_FAULT_SCENARIOS_HPP
#define MAILSLOT_TESTS_FAULT_SCENARIOS_HPP

// What the fault scenarios share: the two kinds of server handle, the
// messages, and the checks after a run.

#include <fault/explore.hpp>
#include <fault/fault.hpp>

#include <mailslot/mailslot.hpp>

#include <support/slot_kinds.hpp>
#include <support/slot_name.hpp>

#include <catch2/catch_test_macros.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <system_error>
#include <vector>

namespace mailslot_fault {

using namespace std::chrono_literals;

/// The read timeout a scenario gives its slot (and checks afterwards), unless
/// it says otherwise.
inline constexpr std::chrono::milliseconds slot_timeout = 1500ms;

inline mailslot::server_options scenario_options(std::chrono::milliseconds timeout = slot_timeout) {
  mailslot::server_options options;
  options.read_timeout = timeout;
  return options;
}

/// Servers made by mailslot::server::create (CreateMailslotW: asynchronous on
/// Windows, synchronous under Wine 10).
struct server_create {
  static constexpr const char* id = "server_create";
  static constexpr bool asynchronous = false;  // (under Wine; Windows' is)
  static mailslot::server create(const std::string& slot, const mailslot::server_options& options,
                                 std::error_code& ec) {
    return mailslot::server::create(slot, options, ec);
  }
};

/// Servers adopting a handle made as Windows' CreateMailslotW makes it
/// (asynchronous, also under Wine 10: the library's NtCreateMailslotFile
/// call). Making the handle is the test's; adopting it is the library's, so
/// that the handle's kind is asked of Windows under injection.
struct nt_create_mailslot {
  static constexpr const char* id = "nt_create_mailslot";
  static constexpr bool asynchronous = true;
  static mailslot::server create(const std::string& slot, const mailslot::server_options& options,
                                 std::error_code& ec) {
    HANDLE handle = INVALID_HANDLE_VALUE;
    mailslot::name parsed;
    {
      const outside guard;
      parsed = mailslot::name::parse(slot);
      handle = mailslot::detail::nt::create_mailslot(
          parsed.c_str(), options.max_message_size,
          static_cast<DWORD>(options.read_timeout.count()), nullptr);
      REQUIRE(handle != INVALID_HANDLE_VALUE);
      track(handle);
    }
    ec.clear();
    return mailslot::server::adopt(handle, std::move(parsed));
  }
};

/// Messages of 0 B, 16 B, 8 KiB and 2 MiB, each of its own bytes.
inline const std::vector<std::string>& messages() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> made;
    for (const std::size_t size :
         {std::size_t{0}, std::size_t{16}, std::size_t{8} << 10U, std::size_t{2} << 20U}) {
      std::string message(size, '\0');
      for (std::size_t i = 0; i < size; ++i) {
        message[i] = static_cast<char>((i * 31 + size) % 251);
      }
      made.push_back(std::move(message));
    }
    return made;
  }();
  return all;
}

/// After a run: reads what is left in `server` (with the harness disarmed)
/// into `received`, then checks that every message written was read in
/// order, that the slot's timeout is `timeout` and that the server and the
/// client still work (or say errc::not_open).
inline void check_slot(run& r, const std::string& slot, mailslot::server& server,
                       mailslot::client& client, const std::vector<std::string>& written,
                       std::vector<std::string>& received,
                       std::chrono::milliseconds timeout = slot_timeout) {
  std::error_code ec;
  if (!server.is_open()) {
    (void)server.read(ec);
    r.expect(ec == mailslot::errc::not_open, "a server without a handle does not say not_open");
    r.expect(written.empty(), "messages were written, and the server that held them is gone");
    return;
  }
  // No read changes the slot's timeout, whatever failed.
  const mailslot::server_info before = server.info(ec);
  r.expect(!ec && before.read_timeout == timeout, "the slot's read timeout was left changed");
  for (;;) {
    auto message = server.try_read(0ms, ec);
    if (ec) {
      r.violation("reading what is left failed: " + ec.message());
      break;
    }
    if (!message) {
      break;
    }
    received.push_back(std::move(*message));
  }
  expect_same_messages(r, written, received);
  const mailslot::server_info info = server.info(ec);
  r.expect(!ec && info.read_timeout == timeout,
           "the slot's read timeout is not what was set, after a later read");
  if (!client.is_open()) {
    client.write("x", ec);
    r.expect(ec == mailslot::errc::not_open, "a client without a handle does not say not_open");
    client = mailslot::client::open(slot, ec);
    r.expect(!ec, "a client cannot open the slot afterwards");
  }
  client.write("probe", ec);
  r.expect(!ec, "the client cannot write afterwards");
  const std::string probe = server.read(ec);
  r.expect(!ec && probe == "probe", "the server cannot read afterwards");
}

/// What most scenarios hold: a slot of kind `Kind` named for the scenario, a
/// client, the messages written and those read, and the steps they share.
template <class Kind>
class slot_scenario {
 public:
  explicit slot_scenario(const char* label, std::chrono::milliseconds timeout = slot_timeout)
      : name_(mailslot_test::unique_slot_name(label)), timeout_(timeout) {
    written_.reserve(8);  // (no allocation of the test's while armed)
    received_.reserve(8);
  }

  [[nodiscard]] const std::string& name() const { return name_; }

  /// check_slot() over what the scenario holds.
  void check(run& r) { check_slot(r, name_, server_, client_, written_, received_, timeout_); }

 protected:
  /// Creates the slot: false if that reports an error.
  bool create(run& r) { return create(r, scenario_options(timeout_)); }
  bool create(run& r, const mailslot::server_options& options) {
    std::error_code ec;
    server_ = Kind::create(name_, options, ec);
    return r.ok("create", ec);
  }

  /// Opens the client: false if that reports an error.
  bool open(run& r) {
    std::error_code ec;
    client_ = mailslot::client::open(name_, ec);
    return r.ok("open", ec);
  }

  /// Writes `message`, remembered as written if it went.
  bool write(run& r, const std::string& message) {
    std::error_code ec;
    client_.write(message, ec);
    if (!r.ok("write", ec)) {
      return false;
    }
    const outside guard;
    written_.push_back(message);
    return true;
  }

  /// Remembers a message read.
  void keep(std::string message) {
    const outside guard;
    received_.push_back(std::move(message));
  }

  /// Reads one message from `from` with read_string(), and keeps it.
  bool read(run& r, mailslot::server& from) {
    std::error_code ec;
    std::string message = from.read(ec);
    if (!r.ok("read_string", ec)) {
      return false;
    }
    keep(std::move(message));
    return true;
  }

  std::string name_;
  std::chrono::milliseconds timeout_;
  mailslot::server server_;
  mailslot::client client_;
  std::vector<std::string> written_;
  std::vector<std::string> received_;
};

/// Runs explore() and fails the test case with each violation found, and
/// unless each function of `reached` was among those failed.
template <class Make>
void explore_and_check(const std::string& scenario, Make make,
                       const std::vector<std::string>& reached) {
  const report found = explore(scenario, make);
  INFO("scenario: " << scenario << ", runs: " << found.runs);
  CHECK(found.allocation_points > 0);
  for (const std::string& function : reached) {
    INFO("the scenario should have made this fail: " << function);
    CHECK(found.by_function.count(function) == 1);
  }
  std::size_t shown = 0;
  for (const std::string& v : found.violations) {
    if (++shown > 20) {
      FAIL_CHECK("... and " << found.violations.size() - 20 << " more");
      break;
    }
    FAIL_CHECK(v);
  }
}

}  // namespace mailslot_fault

#endif
