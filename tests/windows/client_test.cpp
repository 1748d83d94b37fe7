#include <mailslot/mailslot.hpp>

#include <support/import_patch.hpp>
#include <support/slot_kinds.hpp>
#include <support/slot_name.hpp>

#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

using mailslot::condition;
using mailslot::errc;
using mailslot_test::make_server;
using mailslot_test::unique_slot_name;
using mailslot_test::with_timeout;
using namespace std::chrono_literals;

namespace {

// A write handle to `server`'s slot, opened without the library.
HANDLE raw_open(const mailslot::server& server) {
  return ::CreateFileW(server.name().c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                       nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
}

}  // namespace

TEMPLATE_TEST_CASE("each write sends exactly one whole message", "[client][wine10]",
                   MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("one-each");
  auto client = mailslot::client::open(server.name());
  const std::string big(64 * 1024, 'x');
  client.write("first");
  client.write(big);
  client.write(big.data(), 10);
  CHECK(server.info().message_count == 3);
  CHECK(server.read() == "first");
  CHECK(server.read() == big);
  CHECK(server.read() == big.substr(0, 10));
}

TEMPLATE_TEST_CASE("local writes are not limited to 424 bytes", "[client][limit][wine10]",
                   MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("local-big");
  const std::string message(mailslot::max_remote_message_size + 1, 'L');
  std::error_code ec;
  mailslot::client::open(server.name()).write(message, ec);
  CHECK_FALSE(ec);
  CHECK(server.read() == message);
}

TEMPLATE_TEST_CASE("a message over 424 bytes to a remote name is refused before Windows sees it",
                   "[client][limit][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  // Wine cannot open remote names, so the client adopts a handle to a local
  // slot while naming a remote destination: write() applies the limit of the
  // name it was given, exactly as for a client opened by that name.
  auto server = make_server<TestType>("remote-limit");
  for (const char* destination :
       {R"(\\far-away\mailslot\x)", R"(\\corp.example\mailslot\x)", R"(\\*\mailslot\x)"}) {
    INFO(destination);
    auto client = mailslot::client::adopt(raw_open(server), mailslot::name::parse(destination));
    REQUIRE(client);
    std::error_code ec;
    client.write(std::string(425, 'r'), ec);
    CHECK(ec == errc::message_too_large);
    CHECK(ec == condition::message_too_large);
    CHECK(server.info().message_count == 0);  // nothing reached Windows

    const std::string largest(424, 'r');
    client.write(largest, ec);
    CHECK_FALSE(ec);
    CHECK(server.read() == largest);
    CHECK_THROWS_AS(client.write(std::string(1000, 'r')), std::system_error);
  }
}

TEMPLATE_TEST_CASE("a remote limit is 424 bytes less what the path takes beyond 8 characters",
                   "[client][limit][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  // The name travels with the message: "\MAILSLOT\" + path + NUL and the
  // message share 443 bytes (MS-MAIL 2.1).
  auto server = make_server<TestType>("remote-limit-path");
  const std::string longest_path(246, 'p');  // the longest a remote name can have
  const std::vector<std::pair<std::string, std::size_t>> cases = {
      {R"(\\pc\mailslot\abcdefgh)", 424},
      {R"(\\pc\mailslot\abcdefghi)", 423},
      {R"(\\*\mailslot\app\events\status)", 415},
      {R"(\\corp.example\mailslot\app\events\status)", 415},
      {R"(\\*\mailslot\)" + longest_path, 186},
  };
  for (const auto& [destination, limit] : cases) {
    INFO(destination);
    const auto slot = mailslot::name::parse(destination);
    REQUIRE(mailslot::message_size_limit(slot) == limit);
    auto client = mailslot::client::adopt(raw_open(server), slot);
    REQUIRE(client);
    std::error_code ec;
    client.write(std::string(limit + 1, 'r'), ec);
    CHECK(ec == errc::message_too_large);
    CHECK(server.info().message_count == 0);  // refused before Windows was called
    client.write(std::string(limit, 'r'), ec);
    CHECK_FALSE(ec);
    CHECK(server.read() == std::string(limit, 'r'));
  }
}

TEMPLATE_TEST_CASE("several clients write to one slot", "[client][wine10]",
                   MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("several");
  std::vector<mailslot::client> clients;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(mailslot::client::open(server.name()));
  }
  for (std::size_t i = 0; i < clients.size(); ++i) {
    clients[i].write("from " + std::to_string(i));
  }
  for (std::size_t i = 0; i < clients.size(); ++i) {
    CHECK(server.read() == "from " + std::to_string(i));
  }
}

TEST_CASE("missing slots, invalid names and remote names fail with distinct errors",
          "[client][wine10]") {
  std::error_code missing;
  (void)mailslot::client::open(unique_slot_name("nobody"), missing);
  CHECK(missing == condition::not_found);
  CHECK(missing != condition::invalid_name);

  std::error_code invalid;
  (void)mailslot::client::open(R"(\\.\mailslot\bad<name>)", invalid);
  CHECK(invalid == errc::invalid_name);
  CHECK(invalid != condition::not_found);

  // Windows 11 24H2 and later: ERROR_REMOTE_MAILSLOTS_DEPRECATED unless the
  // policy enables remote mailslots (then the open may succeed: see
  // condition_test.cpp). Wine 10: ERROR_PATH_NOT_FOUND.
  std::error_code remote;
  (void)mailslot::client::open(R"(\\some-host\mailslot\x)", remote);
  if (mailslot_test::running_under_wine()) {
    CHECK(remote == condition::not_found);
  }
  CHECK(remote != errc::invalid_name);
}

TEMPLATE_TEST_CASE("a moved-from client owns nothing and reports not_open", "[client][move]",
                   MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("client-move");
  auto client = mailslot::client::open(server.name());
  mailslot::client moved = std::move(client);
  CHECK(moved);
  CHECK_FALSE(client);           // NOLINT(bugprone-use-after-move): the documented state
  CHECK(client.name().empty());  // NOLINT(bugprone-use-after-move)
  std::error_code ec;
  client.write("x", ec);  // NOLINT(bugprone-use-after-move)
  CHECK(ec == errc::not_open);
  client.set_inheritable(true, ec);  // NOLINT(bugprone-use-after-move)
  CHECK(ec == errc::not_open);
  moved.write("y");
  CHECK(server.read() == "y");
  CHECK(server.info().message_count == 0);
}

TEST_CASE("a client refuses an ill-formed name given as UTF-16, and opens nothing",
          "[client][name]") {
  std::error_code ec;
  auto client = mailslot::client::open(std::wstring_view(LR"(\\.\mailslot\a<b)"), {}, ec);
  CHECK(ec == errc::invalid_name);
  CHECK_FALSE(client);
}

TEMPLATE_TEST_CASE("a message of 4 GiB or more is refused before WriteFile sees it",
                   "[client][limit]", MAILSLOT_TEST_SLOT_KINDS) {
  // WriteFile takes a DWORD: a larger size would be cut. Nothing is read
  // from the caller's memory first, so a small buffer stands for it.
  if constexpr (sizeof(std::size_t) > sizeof(DWORD)) {
    auto server = make_server<TestType>("client-4gib");
    auto client = mailslot::client::open(server.name());
    const char one = 'x';
    std::error_code ec;
    client.write(&one, std::size_t{MAXDWORD} + 1, ec);
    CHECK(ec == errc::message_too_large);
    CHECK(server.info().message_count == 0);
    client.write(&one, 1, ec);  // the client is unharmed
    CHECK_FALSE(ec);
    CHECK(server.read() == "x");
  }
}

TEMPLATE_TEST_CASE("a client moved into itself keeps its handle", "[client][move]",
                   MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("client-self-move");
  auto client = mailslot::client::open(server.name());
  mailslot::client& alias = client;  // (through a reference: no self-move warning)
  client = std::move(alias);
  REQUIRE(client);
  CHECK(client.name() == server.name());
  client.write("after");
  CHECK(server.read() == "after");
}

TEMPLATE_TEST_CASE("close, release and adopt move the handle's ownership", "[client][wine10]",
                   MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("client-own");
  auto client = mailslot::client::open(server.name());
  HANDLE raw = client.release();
  CHECK_FALSE(client);
  auto adopted = mailslot::client::adopt(raw, server.name());
  adopted.write("via adopted");
  CHECK(server.read() == "via adopted");
  std::error_code ec;
  adopted.close(ec);
  CHECK_FALSE(ec);
  adopted.close(ec);
  CHECK_FALSE(ec);
  adopted.write("x", ec);
  CHECK(ec == errc::not_open);
  CHECK_FALSE(mailslot::client::adopt(INVALID_HANDLE_VALUE, server.name()));
}

namespace {
decltype(&::CloseHandle) last_error_real_close_handle = nullptr;
// CloseHandle as one that sets the thread's last error even when it succeeds.
BOOL WINAPI close_handle_setting_last_error(HANDLE handle) {
  const BOOL done = last_error_real_close_handle(handle);
  ::SetLastError(ERROR_GEN_FAILURE);
  return done;
}
}  // namespace

TEMPLATE_TEST_CASE("destroying a client preserves GetLastError", "[client][wine10]",
                   MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("client-last-error");
  {
    auto client = mailslot::client::open(server.name());
    ::SetLastError(ERROR_FILE_NOT_FOUND);
  }
  CHECK(::GetLastError() == ERROR_FILE_NOT_FOUND);
  // Also when CloseHandle itself sets it.
  mailslot_test::import_hook<decltype(&::CloseHandle)> hook("CloseHandle",
                                                            &close_handle_setting_last_error);
  REQUIRE(hook.installed());
  last_error_real_close_handle = hook.original();
  {
    auto client = mailslot::client::open(server.name());
    ::SetLastError(ERROR_FILE_NOT_FOUND);
  }
  CHECK(::GetLastError() == ERROR_FILE_NOT_FOUND);
}

namespace {
decltype(&::WriteFile) short_write_real_write_file = nullptr;
// WriteFile as a Windows that took part of the message would answer: the
// call succeeds, and the count says one byte less than asked.
BOOL WINAPI write_reports_less(HANDLE file, LPCVOID data, DWORD size, LPDWORD written,
                               LPOVERLAPPED overlapped) {
  const BOOL done = short_write_real_write_file(file, data, size, written, overlapped);
  if (done != FALSE && written != nullptr && *written > 0) {
    *written -= 1;
  }
  return done;
}
}  // namespace

TEST_CASE("a write Windows took only part of is reported as a short write", "[client][wine10]") {
  auto server = make_server<mailslot_test::server_create>("client-short-write");
  auto client = mailslot::client::open(server.name());
  mailslot_test::import_hook<decltype(&::WriteFile)> hook("WriteFile", &write_reports_less);
  REQUIRE(hook.installed());
  short_write_real_write_file = hook.original();
  std::error_code ec;
  client.write("partly taken", ec);
  CHECK(ec == errc::short_write);
  CHECK(ec == std::errc::io_error);
  try {
    client.write("partly taken");
    FAIL("no exception");
  } catch (const mailslot::error& e) {
    CHECK(e.code() == errc::short_write);
  }
  // An empty message reports 0 of 0 bytes: whole.
  client.write("", ec);
  CHECK_FALSE(ec);
}
