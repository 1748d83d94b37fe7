// What happens to a message when allocating its container fails: it stays
// queued until an allocation succeeds. The program's operator new
// (tests/windows/allocations.cpp) fails on request.

#include <mailslot/mailslot.hpp>

#include <support/allocations.hpp>
#include <support/read_helpers.hpp>
#include <support/slot_kinds.hpp>
#include <support/slot_name.hpp>

#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>

#include <chrono>
#include <new>
#include <string>
#include <vector>

using mailslot_test::make_server;
using namespace std::chrono_literals;

using mailslot_test::duplicate;
using mailslot_test::slot_timeout;

TEMPLATE_TEST_CASE("a message whose container cannot be allocated is returned by the next read",
                   "[server][alloc][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("bad-alloc");
  auto client = mailslot::client::open(server.name());
  client.write("warm-up");
  CHECK(server.read_string() == "warm-up");

  client.write(std::string(777, 'q'));
  client.write("after");
  mailslot_test::allocations::fail_next_at_least(512);
  CHECK_THROWS_AS(server.read_bytes(), std::bad_alloc);
  CHECK_FALSE(mailslot_test::allocations::disarm());  // the armed failure happened
  // A buffer read gets it, and a too-small buffer keeps it, as for any message.
  std::string buffer(100, '\0');
  std::error_code ec;
  CHECK(server.read(buffer.data(), buffer.size(), ec) == 0);
  CHECK(ec == mailslot::condition::buffer_too_small);
  buffer.resize(1000);
  CHECK(server.read(buffer.data(), buffer.size(), ec) == 777);
  CHECK_FALSE(ec);
  CHECK(buffer.substr(0, 777) == std::string(777, 'q'));
  CHECK(server.read_string() == "after");  // order kept
}

TEMPLATE_TEST_CASE("a try_read whose allocation throws leaves the slot's timeout and the message",
                   "[server][alloc][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("try-throws", mailslot::wait_forever);
  auto client = mailslot::client::open(server.name());
  client.write("warm-up");
  CHECK(server.read_string() == "warm-up");

  // Larger than the first offer: the read grows its container (and throws)
  // after its first ReadFile.
  client.write(std::string(10 * 1024, 'q'));
  mailslot_test::allocations::fail_next_at_least(8 * 1024);
  CHECK_THROWS_AS(server.try_read_bytes(2s), std::bad_alloc);
  CHECK_FALSE(mailslot_test::allocations::disarm());  // the armed failure happened
  CHECK(slot_timeout(server) == MAILSLOT_WAIT_FOREVER);
  // A plain read still waits as the slot says, and the message is not lost.
  const auto message = server.read_bytes();
  CHECK(message.size() == 10 * 1024);
}

TEMPLATE_TEST_CASE("a message whose container cannot be allocated stays queued and visible",
                   "[server][alloc][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("alloc-visible");
  auto client = mailslot::client::open(server.name());
  client.write("warm-up");
  CHECK(server.read_string() == "warm-up");

  client.write(std::string(777, 'v'));
  client.write("after");
  mailslot_test::allocations::fail_next_at_least(512);
  CHECK_THROWS_AS(server.read_bytes(), std::bad_alloc);
  CHECK_FALSE(mailslot_test::allocations::disarm());
  // info() sees it ("ask for the size, then read that much" works)...
  const auto info = server.info();
  CHECK(info.message_count == 2);
  REQUIRE(info.next_message_size == 777u);
  std::vector<char> exact(*info.next_message_size);
  // ...and it survives handing the handle over.
  const auto name = server.name();
  auto other = mailslot::server::adopt(server.release(), name);
  CHECK(other.read(exact.data(), exact.size()) == 777);
  CHECK(exact.front() == 'v');
  CHECK(other.read_string() == "after");
}

TEMPLATE_TEST_CASE("a message survives being moved into a server that had one kept",
                   "[server][alloc][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto first = make_server<TestType>("alloc-move");
  auto client = mailslot::client::open(first.name());
  client.write("warm-up");
  CHECK(first.read_string() == "warm-up");
  client.write(std::string(600, 'm'));
  mailslot_test::allocations::fail_next_at_least(512);
  CHECK_THROWS_AS(first.read_bytes(), std::bad_alloc);
  CHECK_FALSE(mailslot_test::allocations::disarm());

  // The slot moves on (a second handle keeps it) while `first` is replaced.
  auto keeper = duplicate(first);
  first = make_server<TestType>("alloc-move-other");
  CHECK(keeper.read_bytes().size() == 600);
}
