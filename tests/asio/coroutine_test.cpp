// The Asio integration read from C++20 coroutines (use_awaitable): a
// coroutine that serves a slot, one that reads with a time limit, and one
// that reads 4 writers' messages in each writer's order, one at a time and
// in batches. (The guide's own
// coroutines are compiled from docs/asio.md by tests/docs.) C++20 only: this
// program runs in the C++20 builds.

#include "asio_support.hpp"  // (first: Asio before <windows.h>)

#include <mailslot/mailslot.hpp>

#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <exception>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

using namespace asio_tests;  // NOLINT(google-build-using-namespace): the tests' own helpers

namespace {
template <class F>
typename F::template awaitable<void> read_all(typename F::server& slot, std::size_t count,
                                              std::vector<std::string>& received) {
  while (received.size() < count) {
    received.push_back(co_await slot.async_read(F::use_awaitable));
  }
}
}  // namespace

// Coroutines that serve a slot (made the way Windows' CreateMailslotW makes
// it, so that it runs under Wine too).
namespace serving {
std::vector<std::string> handled;
void handle(const std::string& message) { handled.push_back(message); }

asio::awaitable<void> serve(mailslot::asio::server& slot) {
  for (;;) {
    std::string message = co_await slot.async_read(asio::use_awaitable);
    handle(message);
  }
}

// A read with a time limit (500ms: std::chrono_literals).
int idled = 0;
void idle() { ++idled; }

asio::awaitable<void> serve_with_deadline(mailslot::asio::server& slot) {
  for (;;) {
    if (auto message = co_await slot.async_try_read(500ms, asio::use_awaitable)) {
      handle(*message);
    } else {
      idle();  // nothing for 500 ms
    }
  }
}
}  // namespace serving

TEST_CASE("a coroutine serves a slot", "[asio][coroutine]") {
  const std::string name = unique_slot_name("asio-serving");
  asio::io_context io;
  mailslot::asio::server slot(io, windows_kind_slot(name));
  asio::co_spawn(io, serving::serve(slot), asio::detached);
  mailslot::client writer = mailslot::client::open(name);
  writer.write("first");
  writer.write("second");
  run_until(io, [] { return serving::handled.size() == 2; });
  CHECK(serving::handled == std::vector<std::string>{"first", "second"});
  slot.cancel();  // the coroutine ends with the exception operation_aborted makes
  io.run_for(1s);
}

TEST_CASE("a coroutine's read with a time limit handles messages and idles",
          "[asio][coroutine][deadline]") {
  const std::string name = unique_slot_name("asio-serving-deadline");
  asio::io_context io;
  mailslot::asio::server slot(io, windows_kind_slot(name));
  serving::handled.clear();
  asio::co_spawn(io, serving::serve_with_deadline(slot), asio::detached);
  mailslot::client::open(name).write("within the limit");
  run_until(io, [] { return serving::handled.size() == 1 && serving::idled >= 1; });
  CHECK(serving::handled == std::vector<std::string>{"within the limit"});
  slot.cancel();
  io.run_for(1s);
}

// 4 writers x 2,500 messages through standalone Asio; Boost.Asio runs the
// same code with 1,000 each. (The writers run ahead, so the slot holds
// thousands of messages; Wine's GetMailslotInfo, which a string that must
// grow calls, counts the queue each time, so the cost grows with the square
// of the load: 4 x 10,000 took 66 to 105 s here, 4 x 2,500 takes 3 s.)
namespace {
// Reads in batches of up to 64 (async_read_some_messages) until `count`
// messages came.
template <class F>
typename F::template awaitable<void> read_all_in_batches(typename F::server& slot,
                                                         std::size_t count,
                                                         std::vector<std::string>& received) {
  std::vector<std::string> batch;
  while (received.size() < count) {
    const std::size_t n = co_await slot.async_read_some_messages(64, batch, F::use_awaitable);
    CHECK(n == batch.size());
    received.insert(received.end(), batch.begin(), batch.end());
  }
}

// 4 writers x `per_writer` messages, read by the coroutine `read` makes of
// (slot, count, received): each writer's in its order, every byte intact.
template <class F, class Read>
void read_four_writers(int per_writer, Read read) {
  constexpr int writers = 4;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-coroutine");
  typename F::server slot(io, windows_kind_slot(name));

  std::vector<std::string> received;
  received.reserve(static_cast<std::size_t>(writers * per_writer));
  bool finished = false;
  F::co_spawn(io, read(slot, static_cast<std::size_t>(writers * per_writer), received),
              [&](const std::exception_ptr& failure) {
                CHECK_FALSE(failure);
                finished = true;
              });
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&name, w, per_writer] {
      mailslot::client writer = mailslot::client::open(name);
      for (int i = 0; i < per_writer; ++i) {
        // Sizes vary (1 to ~5 KiB) so that the string grows and shrinks.
        const std::string body =
            pattern(static_cast<std::size_t>((i * 131) % 5000), static_cast<unsigned>(w + i));
        writer.write(std::to_string(w) + ":" + std::to_string(i) + ":" + body);
      }
    });
  }
  const auto give_up = std::chrono::steady_clock::now() + 600s;
  while (!finished && std::chrono::steady_clock::now() < give_up) {
    io.run_for(100ms);
  }
  for (auto& thread : threads) {
    thread.join();
  }
  INFO("received " << received.size() << " messages");
  REQUIRE(finished);
  REQUIRE(received.size() == static_cast<std::size_t>(writers * per_writer));
  std::array<int, writers> next{};
  int bad = 0;
  for (const std::string& message : received) {
    const auto first = message.find(':');
    const auto second = message.find(':', first + 1);
    const int w = std::stoi(message.substr(0, first));
    const int i = std::stoi(message.substr(first + 1, second - first - 1));
    const std::string body =
        pattern(static_cast<std::size_t>((i * 131) % 5000), static_cast<unsigned>(w + i));
    const auto writer = static_cast<std::size_t>(w);
    if (i != next[writer] || message.substr(second + 1) != body) {
      ++bad;
    }
    next[writer] = i + 1;
  }
  CHECK(bad == 0);
  CHECK(next == std::array<int, writers>{per_writer, per_writer, per_writer, per_writer});
}
}  // namespace

TEMPLATE_TEST_CASE(
    "a coroutine reads 4 writers x 2,500 messages in each writer's order, every byte intact",
    "[asio][coroutine][load]", standalone, boost_flavour) {
  using F = TestType;
  read_four_writers<F>(std::is_same_v<F, standalone> ? 2'500 : 1'000,
                       [](auto& slot, std::size_t count, auto& received) {
                         return read_all<F>(slot, count, received);
                       });
}

TEMPLATE_TEST_CASE("a coroutine reads 4 writers' messages in batches, in each writer's order",
                   "[asio][coroutine][load][batch]", standalone, boost_flavour) {
  using F = TestType;
  read_four_writers<F>(1'000, [](auto& slot, std::size_t count, auto& received) {
    return read_all_in_batches<F>(slot, count, received);
  });
}

namespace {
// Reads with a deadline until `count` messages came, counting the reads that
// found none in time.
template <class F>
typename F::template awaitable<void> read_with_deadlines(typename F::server& slot,
                                                         std::size_t count,
                                                         std::vector<std::string>& received,
                                                         int& none) {
  int round = 0;
  while (received.size() < count) {
    const auto deadline = std::chrono::milliseconds(1 + round++ % 3);
    if (auto message = co_await slot.async_try_read(deadline, F::use_awaitable)) {
      received.push_back(std::move(*message));
    } else {
      ++none;
    }
  }
}
}  // namespace

// The pattern the guide shows for a read with a time limit, against a
// writer whose messages come 1-3 ms apart: none is lost.
TEMPLATE_TEST_CASE("a coroutine reading with co_await async_try_read(deadline) loses no message",
                   "[asio][coroutine][deadline]", standalone, boost_flavour) {
  using F = TestType;
  constexpr std::size_t count = 500;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-coroutine-deadline");
  typename F::server slot(io, windows_kind_slot(name));

  std::vector<std::string> received;
  int none = 0;
  bool finished = false;
  F::co_spawn(io, read_with_deadlines<F>(slot, count, received, none),
              [&](const std::exception_ptr& failure) {
                CHECK_FALSE(failure);
                finished = true;
              });
  std::thread writing([&name] {
    mailslot::client writer = mailslot::client::open(name);
    for (std::size_t i = 0; i < count; ++i) {
      writer.write(std::to_string(i));
      std::this_thread::sleep_for(std::chrono::milliseconds(1 + i % 3));
    }
  });
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while (!finished && std::chrono::steady_clock::now() < give_up) {
    io.run_for(100ms);
  }
  writing.join();
  REQUIRE(finished);
  std::vector<std::string> expected;
  for (std::size_t i = 0; i < count; ++i) {
    expected.push_back(std::to_string(i));
  }
  CHECK(received == expected);
  CHECK(none > 0);
}
