// What happens to a message when allocating its container fails. This file
// replaces the global operator new for the whole test program; it only fails
// when a test arms it.

#include <mailslot/mailslot.hpp>

#include <support/slot_name.hpp>

#include <catch2/catch_test_macros.hpp>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

namespace {
// Fail the next allocation of exactly this many bytes (0: never).
std::atomic<std::size_t> fail_size{0};
}  // namespace

void* operator new(std::size_t size) {
  std::size_t armed = size;
  if (size != 0 && fail_size.compare_exchange_strong(armed, 0)) {
    throw std::bad_alloc();
  }
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

TEST_CASE("a message whose container cannot be allocated is returned by the next read",
          "[server][wine10]") {
  auto server = mailslot_test::make_server("bad-alloc");
  auto client = mailslot::client::open(server.name());
  client.write("warm-up");
  CHECK(server.read_string() == "warm-up");  // the kept buffer exists from here on

  client.write(std::string(777, 'q'));
  fail_size = 777;  // a std::vector<std::byte> of 777 bytes allocates exactly 777
  CHECK_THROWS_AS(server.read_bytes(), std::bad_alloc);
  CHECK(fail_size == 0);                    // the armed failure happened
  CHECK(server.info().message_count == 0);  // the message left the slot...
  const auto again = server.read_bytes();   // ...but is not lost
  CHECK(again.size() == 777);
  CHECK(again.front() == std::byte{'q'});
}

TEST_CASE("a message kept after a failed allocation goes to the next read of any kind",
          "[server][wine10]") {
  auto server = mailslot_test::make_server("bad-alloc-buffer");
  auto client = mailslot::client::open(server.name());
  client.write("warm-up");
  CHECK(server.read_string() == "warm-up");

  client.write(std::string(555, 'k'));
  client.write("after");
  fail_size = 555;
  CHECK_THROWS_AS(server.read_bytes(), std::bad_alloc);
  // A buffer read gets it, and a too-small buffer keeps it, as for any message.
  std::string buffer(100, '\0');
  std::error_code ec;
  CHECK(server.read(buffer.data(), buffer.size(), ec) == 0);
  CHECK(ec == mailslot::condition::buffer_too_small);
  buffer.resize(1000);
  CHECK(server.read(buffer.data(), buffer.size(), ec) == 555);
  CHECK_FALSE(ec);
  CHECK(buffer.substr(0, 555) == std::string(555, 'k'));
  CHECK(server.read_string() == "after");  // order kept
}
