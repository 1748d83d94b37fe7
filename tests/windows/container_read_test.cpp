// Reads into a container the caller keeps (server::read(Container&)): exactly
// the message each time, its capacity reused (one ReadFile and no allocation
// per message in steady state), growth that loses nothing, and an empty
// container after a failure. Each case runs on both kinds of handle.

#include <mailslot/mailslot.hpp>

#include <support/allocations.hpp>
#include <support/import_patch.hpp>
#include <support/read_helpers.hpp>
#include <support/slot_kinds.hpp>
#include <support/slot_name.hpp>

#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <new>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

using mailslot::condition;
using mailslot::errc;
using mailslot_test::make_server;
using namespace std::chrono_literals;

// Which containers a message can be read into.
static_assert(mailslot::detail::is_byte_container<std::string>::value);
static_assert(mailslot::detail::is_byte_container<std::vector<std::byte>>::value);
static_assert(mailslot::detail::is_byte_container<std::vector<char>>::value);
static_assert(mailslot::detail::is_byte_container<std::vector<unsigned char>>::value);
static_assert(!mailslot::detail::is_byte_container<const std::string>::value);
static_assert(!mailslot::detail::is_byte_container<std::vector<int>>::value);
static_assert(!mailslot::detail::is_byte_container<std::wstring>::value);
static_assert(!mailslot::detail::is_byte_container<std::deque<char>>::value);     // not contiguous
static_assert(!mailslot::detail::is_byte_container<std::array<char, 8>>::value);  // fixed size

using mailslot_test::pattern;

namespace {

template <class Container>
std::string as_string(const Container& message) {
  return {reinterpret_cast<const char*>(message.data()), message.size()};
}

}  // namespace

TEMPLATE_TEST_CASE("a reused container holds exactly each message, growing as needed",
                   "[server][container][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("container");
  auto client = mailslot::client::open(server.name());
  // Empty, small, larger than the first offer (4 KiB) and than any offer
  // (64 KiB), several MiB, then small again.
  const std::vector<std::size_t> sizes{0, 5, 4097, 70000, std::size_t{3} << 20U, 1, 0, 65536};
  for (unsigned i = 0; i < sizes.size(); ++i) {
    client.write(pattern(sizes[i], i));
  }
  std::string text;
  std::vector<std::byte> bytes;
  std::vector<unsigned char> raw;
  for (unsigned i = 0; i < sizes.size(); ++i) {
    INFO("message " << i << " of " << sizes[i] << " bytes");
    std::size_t size = 0;
    std::string received;
    switch (i % 3) {  // the three containers take turns
      case 0:
        size = server.read(text);
        received = text;
        break;
      case 1:
        size = server.read(bytes);
        received = as_string(bytes);
        break;
      default:
        size = server.read(raw);
        received = as_string(raw);
        break;
    }
    CHECK(size == sizes[i]);
    CHECK(received.size() == sizes[i]);
    CHECK(received == pattern(sizes[i], i));
  }
  CHECK(server.info().message_count == 0);
}

TEMPLATE_TEST_CASE("in steady state a reused container costs one ReadFile and no allocation",
                   "[server][container][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("container-steady");
  auto client = mailslot::client::open(server.name());
  std::string message;
  client.write(pattern(3000, 1));
  REQUIRE(server.read(message) == 3000);  // the container has its capacity now

  mailslot_test::read_file_counter read_files;
  REQUIRE(read_files.installed());
  // Steady state: sizes that vary within what recent messages needed.
  constexpr int messages = 60;
  constexpr std::size_t sizes[] = {3000, 1500, 16, 424, 2900, 0};
  std::vector<std::string> expected;
  for (int i = 0; i < messages; ++i) {
    expected.push_back(pattern(sizes[i % 6], static_cast<unsigned>(i)));
    client.write(expected.back());
  }
  read_files.reset();
  const long long allocations_before = mailslot_test::allocations::count();
  bool all_intact = true;
  for (const std::string& sent : expected) {
    server.read(message);
    all_intact = all_intact && message == sent;
  }
  const long long allocations = mailslot_test::allocations::count() - allocations_before;
  CHECK(all_intact);
  CHECK(read_files.count() == messages);
  CHECK(allocations == 0);
}

namespace {
// Records how many bytes each ReadFile was offered.
std::atomic<DWORD> last_offer{0};
decltype(&::ReadFile) real_read_file_offer = nullptr;
BOOL WINAPI recording_read_file(HANDLE file, LPVOID buffer, DWORD size, LPDWORD read,
                                LPOVERLAPPED overlapped) {
  last_offer = size;
  return real_read_file_offer(file, buffer, size, read, overlapped);
}
}  // namespace

TEMPLATE_TEST_CASE("a reused container is offered what recent messages needed, not its capacity",
                   "[server][container][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  // Every byte offered past the container's size is zero-filled first: after
  // one large message, small ones must not pay for its whole capacity.
  auto server = make_server<TestType>("container-offer");
  auto client = mailslot::client::open(server.name());
  std::string message;
  client.write(pattern(std::size_t{64} << 10U, 7));
  REQUIRE(server.read(message) == std::size_t{64} << 10U);
  REQUIRE(message.capacity() >= std::size_t{64} << 10U);
  mailslot_test::import_hook<decltype(&::ReadFile)> hook("ReadFile", &recording_read_file);
  REQUIRE(hook.installed());
  real_read_file_offer = hook.original();
  for (int i = 0; i < 400; ++i) {
    client.write(pattern(16, static_cast<unsigned>(i)));
    REQUIRE(server.read(message) == 16);
  }
  CHECK(last_offer.load() < 1024);  // (the largest of the last 32 to 64 messages: 16 bytes)
  CHECK(message.capacity() >= std::size_t{64} << 10U);  // (kept all along)
}

TEMPLATE_TEST_CASE("a message larger than the container takes one more ReadFile, then none",
                   "[server][container][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("container-grow");
  auto client = mailslot::client::open(server.name());
  std::vector<std::byte> message;
  mailslot_test::read_file_counter read_files;
  REQUIRE(read_files.installed());

  client.write(pattern(200000, 7));  // more than any first offer
  read_files.reset();
  CHECK(server.read(message) == 200000);
  CHECK(as_string(message) == pattern(200000, 7));
  CHECK(read_files.count() == 2);  // too small (the message stays queued), then whole

  client.write(pattern(150000, 8));  // fits the capacity the container kept
  read_files.reset();
  CHECK(server.read(message) == 150000);
  CHECK(as_string(message) == pattern(150000, 8));
  CHECK(read_files.count() == 1);
}

TEMPLATE_TEST_CASE("a failed read leaves the container empty and the message queued",
                   "[server][container][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("container-fail");
  std::string message = "stale content";
  std::error_code ec;

  // Timeout.
  CHECK(server.read(message, ec) == 0);
  CHECK(ec == condition::timed_out);
  CHECK(message.empty());

  // Cancelled: the message waits for resume().
  mailslot::client::open(server.name()).write("kept");
  message = "stale content";
  server.stop_reading();
  CHECK(server.read(message, ec) == 0);
  CHECK(ec == errc::cancelled);
  CHECK(message.empty());
  CHECK_THROWS_AS(server.read(message), std::system_error);
  server.resume_reading();
  CHECK(server.read(message) == 4);
  CHECK(message == "kept");

  // The growth allocation fails: reported, the message stays queued. (A vector:
  // std::string's growth runs in the prebuilt libstdc++, and with Clang for
  // MinGW an exception thrown through it from the test's operator new ends
  // the program.)
  mailslot::client::open(server.name()).write(pattern(100000, 3));
  std::vector<char> bytes{'s', 't', 'a', 'l', 'e'};
  mailslot_test::allocations::fail_next_at_least(100000);
  std::error_code no_memory;
  CHECK(server.read(bytes, no_memory) == 0);          // (reported: no exception)
  CHECK_FALSE(mailslot_test::allocations::disarm());  // the armed failure happened
  CHECK(no_memory == mailslot::condition::not_enough_memory);
  CHECK(bytes.empty());
  CHECK(server.info().next_message_size == 100000u);
  CHECK(server.read(bytes) == 100000);
  CHECK(std::string(bytes.begin(), bytes.end()) == pattern(100000, 3));

  // No slot.
  message = "stale content";
  mailslot::server closed;
  CHECK(closed.read(message, ec) == 0);
  CHECK(ec == errc::not_open);
  CHECK(message.empty());
}

TEMPLATE_TEST_CASE("try_read into a container: the message, or nothing in time and no error",
                   "[server][container][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("container-try", mailslot::wait_forever);
  std::vector<char> message{'x', 'y'};
  std::error_code ec;
  CHECK_FALSE(server.try_read(message, 0ms, ec).has_value());
  CHECK_FALSE(ec);
  CHECK(message.empty());
  CHECK_FALSE(server.try_read(message, 50ms).has_value());

  std::thread writer([&] {
    std::this_thread::sleep_for(100ms);
    mailslot::client::open(server.name()).write(pattern(9000, 4));
  });
  const auto size = server.try_read(message, 10s, ec);
  writer.join();
  CHECK_FALSE(ec);
  CHECK(size == 9000u);
  CHECK(std::string(message.begin(), message.end()) == pattern(9000, 4));
  CHECK(server.info().read_timeout == mailslot::wait_forever);

  CHECK_FALSE(server.try_read(message, -1ms, ec).has_value());
  CHECK(ec == errc::invalid_timeout);
  CHECK(message.empty());
}
