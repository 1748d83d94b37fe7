#include <mailslot/mailslot.hpp>

#include <support/read_helpers.hpp>
#include <support/slot_kinds.hpp>
#include <support/slot_name.hpp>

#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>

#include <array>
#include <string>
#include <string_view>
#include <system_error>

using mailslot_test::unique_slot_name;

using mailslot_test::win32;

TEMPLATE_TEST_CASE("a message written by a client is read whole by the server",
                   "[server][client][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  const std::string name = unique_slot_name("round-trip");
  std::error_code ec;

  mailslot::server server = TestType::create(name, {}, ec);
  REQUIRE_FALSE(ec);
  REQUIRE(server.is_open());
  CHECK(server.name().string() == name);

  mailslot::client client = mailslot::client::open(name, ec);
  REQUIRE_FALSE(ec);
  REQUIRE(client.is_open());

  client.write("hello", ec);
  REQUIRE_FALSE(ec);

  std::array<char, 64> buffer{};
  const std::size_t size = server.read(mailslot::buffer(buffer.data(), buffer.size()), ec);
  REQUIRE_FALSE(ec);
  CHECK(std::string_view(buffer.data(), size) == "hello");
}

TEST_CASE("the throwing overloads make the same round trip", "[server][client][wine10]") {
  const std::wstring name = L"\\\\.\\mailslot\\mailslot-tests\\" +
                            std::to_wstring(::GetCurrentProcessId()) + L"\\wide-round-trip";
  auto server = mailslot::server::create(name);
  auto client = mailslot::client::open(name);
  client.write("hello");
  std::array<char, 16> buffer{};
  CHECK(std::string_view(buffer.data(),
                         server.read(mailslot::buffer(buffer.data(), buffer.size()))) == "hello");
}

TEST_CASE("creating a name that is taken fails with ERROR_ALREADY_EXISTS", "[server][wine10]") {
  const std::string name = unique_slot_name("taken");
  const auto first = mailslot::server::create(name);
  std::error_code ec;
  const auto second = mailslot::server::create(name, {}, ec);
  CHECK(ec == win32(ERROR_ALREADY_EXISTS));
  CHECK_FALSE(second.is_open());
  CHECK(second.native_handle() == nullptr);

  try {
    (void)mailslot::server::create(name);
    FAIL("create of a taken name did not throw");
  } catch (const std::system_error& e) {
    CHECK(e.code() == win32(ERROR_ALREADY_EXISTS));
    CHECK(std::string(e.what()).find(name) != std::string::npos);
  }
}

TEST_CASE("opening a slot that does not exist fails with ERROR_FILE_NOT_FOUND",
          "[client][wine10]") {
  std::error_code ec;
  const auto client = mailslot::client::open(unique_slot_name("missing"), ec);
  CHECK(ec == win32(ERROR_FILE_NOT_FOUND));
  CHECK_FALSE(client.is_open());
}

TEMPLATE_TEST_CASE("a read on an empty slot with timeout 0 fails as a timeout", "[server][wine10]",
                   MAILSLOT_TEST_SLOT_KINDS) {
  std::error_code ec;
  auto server = TestType::create(unique_slot_name("empty"),
                                 mailslot_test::with_timeout(std::chrono::milliseconds(0)), ec);
  REQUIRE_FALSE(ec);
  std::array<char, 8> buffer{};
  CHECK(server.read(mailslot::buffer(buffer.data(), buffer.size()), ec) == 0);
  CHECK(ec == win32(ERROR_SEM_TIMEOUT));
}

TEST_CASE("default-constructed objects report not_open instead of calling Windows",
          "[server][client]") {
  mailslot::server server;
  mailslot::client client;
  CHECK_FALSE(server);
  CHECK_FALSE(client);
  std::error_code ec;
  std::array<char, 8> buffer{};
  CHECK(server.read(mailslot::buffer(buffer.data(), buffer.size()), ec) == 0);
  CHECK(ec == mailslot::errc::not_open);
  client.write("x", ec);
  CHECK(ec == mailslot::errc::not_open);
  CHECK_THROWS_AS(client.write("x"), std::system_error);
}

TEMPLATE_TEST_CASE("closing the server frees the name for a new server", "[server][wine10]",
                   MAILSLOT_TEST_SLOT_KINDS) {
  const std::string name = unique_slot_name("reuse");
  auto server = TestType::create(name);
  std::error_code ec;
  server.close(ec);
  CHECK_FALSE(ec);
  CHECK_FALSE(server.is_open());
  auto again = TestType::create(name, {}, ec);
  CHECK_FALSE(ec);
  CHECK(again.is_open());
}
