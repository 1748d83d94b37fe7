// The std::span overloads (C++20 builds only; see tests/CMakeLists.txt).

#include <mailslot/mailslot.hpp>

#include <support/slot_kinds.hpp>
#include <support/slot_name.hpp>

#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>

#include <array>
#include <chrono>
#include <span>
#include <vector>

static_assert(MAILSLOT_HAS_SPAN, "this file is built for C++20 only");

TEMPLATE_TEST_CASE("span overloads write and read whole messages", "[span][wine10]",
                   MAILSLOT_TEST_SLOT_KINDS) {
  auto server = mailslot_test::make_server<TestType>("span");
  auto client = mailslot::client::open(server.name());
  const std::array<std::byte, 3> message{std::byte{1}, std::byte{2}, std::byte{3}};
  client.write(std::span<const std::byte>(message));
  std::error_code ec;
  client.write(std::span<const std::byte>(message).first(1), ec);
  CHECK_FALSE(ec);
  client.write(std::span<const std::byte>(), ec);  // an empty message
  CHECK_FALSE(ec);

  std::array<std::byte, 8> buffer{};
  CHECK(server.read(std::span<std::byte>(buffer)) == 3);
  CHECK(buffer[2] == std::byte{3});
  CHECK(server.read(std::span<std::byte>(buffer), ec) == 1);
  CHECK_FALSE(ec);
  CHECK(server.try_read(std::span<std::byte>(buffer), std::chrono::milliseconds(0)) ==
        std::optional<std::size_t>(0));
  CHECK_FALSE(
      server.try_read(std::span<std::byte>(buffer), std::chrono::milliseconds(0), ec).has_value());
  CHECK_FALSE(ec);

  client.write(std::span<const std::byte>(message));
  std::array<std::byte, 2> too_small{};
  (void)server.read(std::span<std::byte>(too_small), ec);
  CHECK(ec == mailslot::condition::buffer_too_small);
}

TEMPLATE_TEST_CASE("a vector passed itself is a container to fill, passed as a span a buffer",
                   "[span][container][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = mailslot_test::make_server<TestType>("span-or-container");
  auto client = mailslot::client::open(server.name());
  const std::array<std::byte, 3> message{std::byte{1}, std::byte{2}, std::byte{3}};
  client.write(std::span<const std::byte>(message));
  client.write(std::span<const std::byte>(message));

  std::vector<std::byte> bytes(16);
  CHECK(server.read(bytes) == 3);
  CHECK(bytes.size() == 3);  // resized to the message
  bytes.assign(16, std::byte{0});
  CHECK(server.read(std::span<std::byte>(bytes)) == 3);
  CHECK(bytes.size() == 16);  // a buffer: its size stays
  CHECK(bytes[2] == std::byte{3});
}
