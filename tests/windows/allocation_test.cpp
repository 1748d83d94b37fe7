// What happens to a message when allocating its container fails: it stays
// queued until an allocation succeeds. The program's operator new
// (tests/windows/allocations.cpp) fails on request.

#include <mailslot/mailslot.hpp>
#include <mailslot/thread_pool_reader.hpp>

#include <support/allocations.hpp>
#include <support/read_helpers.hpp>
#include <support/slot_kinds.hpp>
#include <support/slot_name.hpp>

#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>

#include <chrono>
#include <new>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
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
  CHECK(server.read() == "warm-up");

  client.write(std::string(777, 'q'));
  client.write("after");
  // The error_code form reports it, and throws nothing; the throwing form
  // throws std::system_error, as for any failure (the library's rule).
  mailslot_test::allocations::fail_next_at_least(512);
  std::error_code no_memory;
  CHECK(server.template read<std::vector<std::byte>>(no_memory).empty());
  CHECK_FALSE(mailslot_test::allocations::disarm());  // the armed failure happened
  CHECK(no_memory == mailslot::condition::not_enough_memory);
  CHECK(no_memory == std::error_code(ERROR_NOT_ENOUGH_MEMORY, std::system_category()));
  mailslot_test::allocations::fail_next_at_least(512);
  CHECK_THROWS_AS(server.template read<std::vector<std::byte>>(), std::system_error);
  CHECK_FALSE(mailslot_test::allocations::disarm());
  // A buffer read gets it, and a too-small buffer keeps it, as for any message.
  std::string buffer(100, '\0');
  std::error_code ec;
  CHECK(server.read(mailslot::buffer(buffer.data(), buffer.size()), ec) == 0);
  CHECK(ec == mailslot::condition::buffer_too_small);
  buffer.resize(1000);
  CHECK(server.read(mailslot::buffer(buffer.data(), buffer.size()), ec) == 777);
  CHECK_FALSE(ec);
  CHECK(buffer.substr(0, 777) == std::string(777, 'q'));
  CHECK(server.read() == "after");  // order kept
}

TEMPLATE_TEST_CASE(
    "a try_read whose allocation fails reports it and leaves the slot's timeout and the message",
    "[server][alloc][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("try-throws", mailslot::wait_forever);
  auto client = mailslot::client::open(server.name());
  client.write("warm-up");
  CHECK(server.read() == "warm-up");

  // Larger than the first offer: the read grows its container (and throws)
  // after its first ReadFile.
  client.write(std::string(10 * 1024, 'q'));
  mailslot_test::allocations::fail_next_at_least(8 * 1024);
  std::error_code no_memory;
  CHECK_FALSE(server.template try_read<std::vector<std::byte>>(2s, no_memory).has_value());
  CHECK(no_memory == mailslot::condition::not_enough_memory);
  CHECK_FALSE(mailslot_test::allocations::disarm());  // the armed failure happened
  CHECK(slot_timeout(server) == MAILSLOT_WAIT_FOREVER);
  // A plain read still waits as the slot says, and the message is not lost.
  const auto message = server.template read<std::vector<std::byte>>();
  CHECK(message.size() == 10 * 1024);
}

TEMPLATE_TEST_CASE("a message whose container cannot be allocated stays queued and visible",
                   "[server][alloc][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("alloc-visible");
  auto client = mailslot::client::open(server.name());
  client.write("warm-up");
  CHECK(server.read() == "warm-up");

  client.write(std::string(777, 'v'));
  client.write("after");
  mailslot_test::allocations::fail_next_at_least(512);
  CHECK_THROWS_AS(server.template read<std::vector<std::byte>>(), std::system_error);
  CHECK_FALSE(mailslot_test::allocations::disarm());
  // info() sees it ("ask for the size, then read that much" works)...
  const auto info = server.info();
  CHECK(info.message_count == 2);
  REQUIRE(info.next_message_size == 777u);
  std::vector<char> exact(*info.next_message_size);
  // ...and it survives handing the handle over.
  const auto name = server.name();
  auto other = mailslot::server::adopt(server.release(), name);
  CHECK(other.read(mailslot::buffer(exact.data(), exact.size())) == 777);
  CHECK(exact.front() == 'v');
  CHECK(other.read() == "after");
}

TEMPLATE_TEST_CASE("a message survives being moved into a server that had one kept",
                   "[server][alloc][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto first = make_server<TestType>("alloc-move");
  auto client = mailslot::client::open(first.name());
  client.write("warm-up");
  CHECK(first.read() == "warm-up");
  client.write(std::string(600, 'm'));
  mailslot_test::allocations::fail_next_at_least(512);
  CHECK_THROWS_AS(first.template read<std::vector<std::byte>>(), std::system_error);
  CHECK_FALSE(mailslot_test::allocations::disarm());

  // The slot moves on (a second handle keeps it) while `first` is replaced.
  auto keeper = duplicate(first);
  first = make_server<TestType>("alloc-move-other");
  CHECK(keeper.template read<std::vector<std::byte>>().size() == 600);
}

// What the library declares noexcept allocates nothing: in the MS STL's debug
// builds every std::basic_string and std::vector constructor allocates, the
// noexcept ones included, so a noexcept constructor holding one would end
// the program when that allocation fails (and the MSVC builds count it here).
TEST_CASE(
    "the noexcept constructors and moves of names, servers, clients and readers allocate nothing",
    "[alloc][noexcept]") {
  static_assert(std::is_nothrow_default_constructible_v<mailslot::name> &&
                std::is_nothrow_move_constructible_v<mailslot::name> &&
                std::is_nothrow_move_assignable_v<mailslot::name>);
  static_assert(std::is_nothrow_default_constructible_v<mailslot::server> &&
                std::is_nothrow_move_constructible_v<mailslot::server>);
  static_assert(std::is_nothrow_default_constructible_v<mailslot::client> &&
                std::is_nothrow_move_constructible_v<mailslot::client>);
  // An account holds its SID as a std::string: it is copied, never moved
  // with a noexcept promise it could not keep there.
  static_assert(!std::is_nothrow_move_constructible_v<mailslot::account> &&
                !std::is_nothrow_move_assignable_v<mailslot::account>);

  auto server = mailslot::server::create(mailslot_test::unique_slot_name("noexcept"));
  auto client = mailslot::client::open(server.name());
  mailslot::name slot = server.name();
  const long long before = mailslot_test::allocations::count();
  {
    mailslot::name empty_name;
    mailslot::server empty_server;
    mailslot::client empty_client;
    mailslot::thread_pool_reader empty_reader;
    mailslot::name moved_name(std::move(slot));
    slot = std::move(moved_name);
    mailslot::server moved_server(std::move(server));
    server = std::move(moved_server);
    mailslot::client moved_client(std::move(client));
    client = std::move(moved_client);
    mailslot::thread_pool_reader moved_reader(std::move(empty_reader));
    const HANDLE handle = client.release();
    client = mailslot::client::adopt(handle, std::move(slot));
  }
  CHECK(mailslot_test::allocations::count() == before);
  CHECK(client.is_open());
  CHECK(client.name() == server.name());
}

TEST_CASE("a name parsed while memory runs out is reported in ec, not thrown", "[name][alloc]") {
  const std::string long_name = R"(\\.\mailslot\)" + std::string(200, 'n');
  mailslot_test::allocations::fail_next_at_least(200);
  std::error_code ec;
  const auto parsed = mailslot::name::parse(long_name, ec);
  CHECK_FALSE(mailslot_test::allocations::disarm());  // the armed failure happened
  CHECK(ec == mailslot::condition::not_enough_memory);
  CHECK(parsed.empty());
  CHECK(mailslot::name::parse(long_name, ec).string() == long_name);  // and then it parses
  CHECK_FALSE(ec);
}
