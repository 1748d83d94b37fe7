// mailslot::condition against the Win32 codes Windows (Wine 10) really reports.

#include <mailslot/mailslot.hpp>

#include <support/slot_name.hpp>

#include <catch2/catch_test_macros.hpp>

#include <array>
#include <chrono>
#include <string>
#include <system_error>

using mailslot::condition;
using mailslot_test::unique_slot_name;

TEST_CASE("a read that finds no message is condition::timed_out", "[condition][wine10]") {
  auto server = mailslot::server::create(unique_slot_name("cond-timeout"),
                                         mailslot_test::with_timeout(std::chrono::milliseconds(0)));
  std::array<char, 8> buffer{};
  std::error_code ec;
  (void)server.read(mailslot::buffer(buffer.data(), buffer.size()), ec);
  CHECK(ec.category() == std::system_category());
  CHECK(ec.value() == ERROR_SEM_TIMEOUT);
  CHECK(ec == condition::timed_out);
  CHECK(ec != condition::not_found);
}

TEST_CASE("opening a missing slot is condition::not_found", "[condition][wine10]") {
  std::error_code ec;
  (void)mailslot::client::open(unique_slot_name("cond-missing"), ec);
  CHECK(ec.value() == ERROR_FILE_NOT_FOUND);
  CHECK(ec == condition::not_found);
}

TEST_CASE("creating a taken name is condition::already_exists", "[condition][wine10]") {
  const auto name = unique_slot_name("cond-taken");
  const auto first = mailslot::server::create(name);
  std::error_code ec;
  (void)mailslot::server::create(name, {}, ec);
  CHECK(ec.value() == ERROR_ALREADY_EXISTS);
  CHECK(ec == condition::already_exists);
}

TEST_CASE("a buffer smaller than the message is condition::buffer_too_small",
          "[condition][wine10]") {
  const auto name = unique_slot_name("cond-small");
  auto server =
      mailslot::server::create(name, mailslot_test::with_timeout(std::chrono::milliseconds(0)));
  mailslot::client::open(name).write("four");
  std::array<char, 2> tiny{};
  std::error_code ec;
  (void)server.read(mailslot::buffer(tiny.data(), tiny.size()), ec);
  CHECK(ec.value() == ERROR_INSUFFICIENT_BUFFER);
  CHECK(ec == condition::buffer_too_small);
}

TEST_CASE("writing to the server's own handle is condition::access_denied", "[condition][wine10]") {
  auto server = mailslot::server::create(unique_slot_name("cond-direction"));
  DWORD written = 0;
  OVERLAPPED overlapped{};
  const BOOL ok = ::WriteFile(server.native_handle(), "x", 1, &written, &overlapped);
  CHECK(ok == FALSE);
  const std::error_code ec(static_cast<int>(::GetLastError()), std::system_category());
  CHECK(ec == condition::access_denied);
}

TEST_CASE("names Windows itself refuses are condition::invalid_name", "[condition][wine10]") {
  // The library never passes such a name on; raw Win32 shows what Windows says.
  const HANDLE h = ::CreateMailslotW(L"\\\\.\\mailslot\\..\\x", 0, 0, nullptr);
  REQUIRE(h == INVALID_HANDLE_VALUE);
  const std::error_code ec(static_cast<int>(::GetLastError()), std::system_category());
  if (mailslot_test::running_under_wine()) {
    CHECK(ec.value() == ERROR_INVALID_NAME);  // measured under Wine 10
    CHECK(ec == condition::invalid_name);
  } else {
    CHECK((ec == condition::invalid_name || ec == condition::not_found));
  }
  CHECK(std::error_code(ERROR_INVALID_NAME, std::system_category()) == condition::invalid_name);
  CHECK(std::error_code(ERROR_FILENAME_EXCED_RANGE, std::system_category()) ==
        condition::invalid_name);
}

TEST_CASE("remote names fail as not found under Wine, or as disabled on Windows 11 24H2",
          "[condition][wine10]") {
  // Wine 10 answers ERROR_PATH_NOT_FOUND. Windows 11 24H2 and later answer
  // ERROR_REMOTE_MAILSLOTS_DEPRECATED (3025) unless the policy enables remote
  // mailslots; where they are enabled the open may succeed, since mailslot
  // messages are datagrams and opening does not reach the host.
  std::error_code ec;
  (void)mailslot::client::open(R"(\\no-such-host\mailslot\x)", ec);
  if (mailslot_test::running_under_wine()) {
    CHECK(ec == std::error_code(ERROR_PATH_NOT_FOUND, std::system_category()));
    CHECK(ec == condition::not_found);
  } else if (ec) {
    WARN("opening a remote name failed with " << ec.value() << ": " << ec.message());
    CHECK(ec != mailslot::errc::invalid_name);
  }
  CHECK(std::error_code(3025, std::system_category()) == condition::remote_mailslots_disabled);
}

namespace {
// A category of another module: the same name, another object (a DLL that
// includes the library has its own categories; Boost's converted system
// category is named "system").
class named_category final : public std::error_category {
 public:
  explicit named_category(const char* name) : name_(name) {}
  [[nodiscard]] const char* name() const noexcept override { return name_; }
  [[nodiscard]] std::string message(int) const override { return "elsewhere"; }

 private:
  const char* name_;
};
}  // namespace

TEST_CASE("conditions match codes of another module's categories by name", "[condition]") {
  const named_category other_mailslot("mailslot");
  const named_category boost_system("system");
  const named_category asio_system("asio.system");
  const named_category unrelated("unrelated");
  CHECK(std::error_code(static_cast<int>(mailslot::errc::invalid_name), other_mailslot) ==
        condition::invalid_name);
  CHECK(std::error_code(ERROR_SEM_TIMEOUT, boost_system) == condition::timed_out);
  CHECK(std::error_code(ERROR_FILE_NOT_FOUND, asio_system) == condition::not_found);
  CHECK_FALSE(std::error_code(ERROR_SEM_TIMEOUT, unrelated) == condition::timed_out);
}

TEST_CASE("a condition value outside the enumeration matches no code", "[condition]") {
  const std::error_condition unknown(999, mailslot::condition_category());
  CHECK_FALSE(std::error_code(ERROR_SEM_TIMEOUT, std::system_category()) == unknown);
  CHECK_FALSE(std::error_code(mailslot::errc::not_open) == unknown);
}
