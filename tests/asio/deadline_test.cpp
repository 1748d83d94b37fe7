// The Asio server's reads with a deadline of their own (async_try_read), with
// standalone Asio and with Boost.Asio: each completes with the message or
// with no message, never both, never neither, and a message that came is
// never dropped, also when it comes as the deadline passes.

#include "asio_support.hpp"  // (first: Asio before <windows.h>)

#include <support/read_helpers.hpp>

#include <mailslot/mailslot.hpp>

#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

using namespace asio_tests;  // NOLINT(google-build-using-namespace): the tests' own helpers

#define MAILSLOT_TEST_ASIO_FLAVOURS standalone, boost_flavour

namespace {

// What one async_try_read completed with.
template <class ErrorCode, class Value>
struct try_result {
  ErrorCode ec;
  std::optional<Value> value;
};

// A completion handler that records what its async_try_read completed with.
template <class ErrorCode, class Value>
auto record_into(std::optional<try_result<ErrorCode, Value>>& into) {
  return [&into](const ErrorCode& ec, std::optional<Value> value) {
    into.emplace();
    into->ec = ec;
    into->value = std::move(value);
  };
}

// One async_try_read<std::string>(timeout) on `slot`, with `io` run until it completes.
template <class F>
try_result<typename F::error_code, std::string> try_read_one(typename F::server& slot,
                                                             typename F::io_context& io,
                                                             std::chrono::milliseconds timeout) {
  std::optional<try_result<typename F::error_code, std::string>> result;
  slot.async_try_read(timeout, record_into(result));
  CHECK_FALSE(result.has_value());  // never inside the initiating call
  run_until(io, [&] { return result.has_value(); });
  return *result;
}

}  // namespace

TEMPLATE_TEST_CASE("async_try_read completes with no message and no error when none comes in time",
                   "[asio][deadline]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-try-none");
  typename F::server slot(io, windows_kind_slot(name));
  mailslot::client writer = mailslot::client::open(name);

  for (const auto timeout : {0ms, 1ms, 30ms}) {
    INFO("timeout " << timeout.count() << " ms");
    const auto owned = try_read_one<F>(slot, io, timeout);
    CHECK_FALSE(owned.ec);
    CHECK_FALSE(owned.value.has_value());

    std::array<char, 64> buffer{};
    std::optional<try_result<typename F::error_code, std::size_t>> into_buffer;
    slot.async_try_read(F::buffer(buffer.data(), buffer.size()), timeout, record_into(into_buffer));
    run_until(io, [&] { return into_buffer.has_value(); });
    CHECK_FALSE(into_buffer->ec);
    CHECK_FALSE(into_buffer->value.has_value());

    std::string reused = "left over";
    reused.reserve(1000);
    std::optional<try_result<typename F::error_code, std::size_t>> into_reused;
    slot.async_try_read(reused, timeout, record_into(into_reused));
    run_until(io, [&] { return into_reused.has_value(); });
    CHECK_FALSE(into_reused->ec);
    CHECK_FALSE(into_reused->value.has_value());
    CHECK(reused.empty());
  }

  // Nothing was taken, and a read afterwards finds what comes.
  writer.write("after the deadlines");
  const auto later = try_read_one<F>(slot, io, 10s);
  CHECK_FALSE(later.ec);
  CHECK(later.value == "after the deadlines");
  CHECK(drain(slot.next_layer()).empty());
}

TEMPLATE_TEST_CASE("async_try_read takes a message already waiting, whatever its timeout",
                   "[asio][deadline]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-try-waiting");
  typename F::server slot(io, windows_kind_slot(name));
  mailslot::client writer = mailslot::client::open(name);

  // A deadline of 0 has passed before the read starts: the message waiting
  // is taken all the same, even one that makes the container grow (its
  // second ReadFile starts after the deadline).
  const std::string large = pattern(100'000, 5);
  writer.write("small");
  writer.write(large);
  writer.write("into a buffer");
  writer.write("reused");
  CHECK(try_read_one<F>(slot, io, 0ms).value == "small");
  CHECK(try_read_one<F>(slot, io, 0ms).value == large);

  std::array<char, 64> buffer{};
  std::optional<std::size_t> size;
  slot.async_try_read(F::buffer(buffer.data(), buffer.size()), 0ms,
                      [&](const typename F::error_code& ec, std::optional<std::size_t> s) {
                        CHECK_FALSE(ec);
                        size = s.value_or(9999);
                      });
  run_until(io, [&] { return size.has_value(); });
  CHECK(std::string(buffer.data(), *size) == "into a buffer");

  std::string reused;
  std::optional<std::size_t> reused_size;
  slot.async_try_read(reused, 0ms,
                      [&](const typename F::error_code& ec, std::optional<std::size_t> s) {
                        CHECK_FALSE(ec);
                        reused_size = s.value_or(9999);
                      });
  run_until(io, [&] { return reused_size.has_value(); });
  CHECK(*reused_size == 6);
  CHECK(reused == "reused");

  // wait_forever has no deadline.
  std::optional<std::optional<std::string>> forever;
  slot.async_try_read(mailslot::wait_forever,
                      [&](const typename F::error_code& ec, std::optional<std::string> m) {
                        CHECK_FALSE(ec);
                        forever = std::move(m);
                      });
  io.run_for(100ms);
  CHECK_FALSE(forever.has_value());
  writer.write("at last");
  run_until(io, [&] { return forever.has_value(); });
  CHECK(*forever == "at last");
}

TEMPLATE_TEST_CASE(
    "async_try_read with a timeout of 0 takes only a message already waiting, however late its "
    "context runs",
    "[asio][deadline]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  // The context runs nothing between the call and the write (as a busy one
  // would not run the deadline's timer): the read, already past its
  // deadline when it started, must not wait for that timer and take a
  // message that came later. That message stays queued.
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-try-zero-late");
  typename F::server slot(io, windows_kind_slot(name));
  mailslot::client writer = mailslot::client::open(name);
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    std::optional<try_result<typename F::error_code, std::string>> result;
    slot.async_try_read(0ms, record_into(result));
    std::this_thread::sleep_for(20ms);
    writer.write("after the deadline " + std::to_string(round));
    run_until(io, [&] { return result.has_value(); });
    CHECK_FALSE(result->ec);
    CHECK_FALSE(result->value.has_value());
    CHECK(try_read_one<F>(slot, io, 0ms).value == "after the deadline " + std::to_string(round));
  }
}

TEMPLATE_TEST_CASE("async_try_read: a deadline racing the messages loses none", "[asio][deadline]",
                   MAILSLOT_TEST_ASIO_FLAVOURS) {
  // A writer sends numbered messages 1-3 ms apart while the reader loops on
  // reads with a 1-3 ms deadline: many deadlines pass as a message arrives.
  // Every message is delivered by a read or still queued afterwards, once
  // each, in order.
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-try-race");
  typename F::server slot(io, windows_kind_slot(name));
  mailslot::client writer = mailslot::client::open(name);

  constexpr int count = 1500;
  std::thread writing([&] {
    std::minstd_rand gaps(7);
    for (int i = 0; i < count; ++i) {
      writer.write(std::to_string(i));
      std::this_thread::sleep_for(std::chrono::milliseconds(1 + gaps() % 3));
    }
  });
  std::vector<std::string> seen;
  int none = 0;
  bool failed = false;
  std::minstd_rand deadlines(11);
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while (seen.size() < static_cast<std::size_t>(count) && !failed &&
         std::chrono::steady_clock::now() < give_up) {
    std::optional<try_result<typename F::error_code, std::string>> result;
    slot.async_try_read(std::chrono::milliseconds(1 + deadlines() % 3), record_into(result));
    run_until(io, [&] { return result.has_value(); });
    failed = static_cast<bool>(result->ec);
    if (result->value) {
      seen.push_back(*result->value);
    } else {
      ++none;
    }
  }
  writing.join();
  CHECK_FALSE(failed);
  for (auto& queued : drain(slot.next_layer())) {
    seen.push_back(queued);
  }
  std::vector<std::string> expected;
  for (int i = 0; i < count; ++i) {
    expected.push_back(std::to_string(i));
  }
  CHECK(seen == expected);
  CHECK(none > 0);  // deadlines did pass
  UNSCOPED_INFO("reads that found no message in time: " << none);
}

TEMPLATE_TEST_CASE("async_try_read cancelled completes aborted, not as a timeout",
                   "[asio][deadline][cancel]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-try-cancel");
  typename F::server slot(io, windows_kind_slot(name));
  mailslot::client writer = mailslot::client::open(name);

  typename F::cancellation_signal signal;
  std::optional<typename F::error_code> result;
  slot.async_try_read(10s, F::with_slot(signal, [&](const typename F::error_code& ec,
                                                    std::optional<std::string> message) {
                        CHECK_FALSE(message.has_value());
                        result = ec;
                      }));
  io.poll();
  REQUIRE_FALSE(result.has_value());
  signal.emit(F::cancellation_type::terminal);
  run_until(io, [&] { return result.has_value(); });
  CHECK(*result == F::aborted());

  result.reset();
  slot.async_try_read(10s, [&](const typename F::error_code& ec, std::optional<std::string> m) {
    CHECK_FALSE(m.has_value());
    result = ec;
  });
  io.poll();
  slot.cancel();
  run_until(io, [&] { return result.has_value(); });
  CHECK(*result == F::aborted());

  writer.write("kept");
  CHECK(drain(slot.next_layer()) == std::vector<std::string>{"kept"});
}

TEMPLATE_TEST_CASE("async_try_read refuses a timeout it cannot keep, outside the initiating call",
                   "[asio][deadline]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  typename F::server slot(io, windows_kind_slot(unique_slot_name("asio-try-invalid")));
  for (const auto timeout : {-1ms, std::chrono::milliseconds(0xFFFF'FFFFLL)}) {
    std::optional<typename F::error_code> result;
    slot.async_try_read(timeout,
                        [&](const typename F::error_code& ec, std::optional<std::string> m) {
                          CHECK_FALSE(m.has_value());
                          result = ec;
                        });
    CHECK_FALSE(result.has_value());
    run_until(io, [&] { return result.has_value(); });
    CHECK(std::error_code(*result) == mailslot::errc::invalid_timeout);
  }
}

TEMPLATE_TEST_CASE("async_try_read on a slot with a short timeout ends at its deadline",
                   "[asio][deadline]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  // The slot's timeout (0, 1, 20 ms) ends each ReadFile: the read pauses
  // (none after a ReadFile that waited reread_interval already) and reads
  // again until its own deadline, and takes what comes meanwhile.
  using F = TestType;
  for (const auto slot_timeout : {0ms, 1ms, 20ms}) {
    INFO("the slot's timeout: " << slot_timeout.count() << " ms");
    typename F::io_context io;
    const std::string name = unique_slot_name("asio-try-short");
    typename F::server slot(io, windows_kind_slot(name, slot_timeout));
    for (const auto deadline : {0ms, 60ms}) {
      INFO("deadline " << deadline.count() << " ms");
      const auto none = try_read_one<F>(slot, io, deadline);
      CHECK_FALSE(none.ec);
      CHECK_FALSE(none.value.has_value());
    }

    // The context runs only after the deadline has passed, with the
    // ReadFile that the slot's timeout ended waiting for it: the read ends
    // there, with nothing.
    std::optional<try_result<typename F::error_code, std::string>> late;
    slot.async_try_read(30ms, record_into(late));
    std::this_thread::sleep_for(100ms);
    run_until(io, [&] { return late.has_value(); });
    CHECK_FALSE(late->ec);
    CHECK_FALSE(late->value.has_value());

    for (const std::chrono::milliseconds deadline :
         {std::chrono::milliseconds(10s), mailslot::wait_forever}) {
      INFO("deadline " << deadline.count() << " ms");
      std::optional<try_result<typename F::error_code, std::string>> result;
      slot.async_try_read(deadline, record_into(result));
      io.run_for(50ms);  // several pauses
      REQUIRE_FALSE(result.has_value());
      mailslot::client::open(name).write("in time");
      run_until(io, [&] { return result.has_value(); });
      CHECK_FALSE(result->ec);
      CHECK(result->value == "in time");
    }
    CHECK(slot.next_layer().info().read_timeout == slot_timeout);  // never changed
  }
}
