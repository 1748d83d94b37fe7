// The Asio integration, with standalone Asio and with Boost.Asio: every
// completion token, cancellation, the context going with reads outstanding,
// and what is refused. The slots are Windows' kind (asynchronous; see
// support/slot_kinds.hpp): Wine's CreateMailslotW handle is refused.

#include "asio_support.hpp"  // (first: Asio before <windows.h>)

#include <support/read_helpers.hpp>

#include <mailslot/mailslot.hpp>
#include <mailslot/thread_pool_reader.hpp>

#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <array>
#include <chrono>
#include <functional>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

using namespace asio_tests;  // NOLINT(google-build-using-namespace): the tests' own helpers

#define MAILSLOT_TEST_ASIO_FLAVOURS standalone, boost_flavour

TEMPLATE_TEST_CASE("an asio server reads whole messages through callbacks, exactly sized", "[asio]",
                   MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-callbacks");
  typename F::server slot(io, windows_kind_slot(name));
  REQUIRE(slot.is_open());
  mailslot::client writer = mailslot::client::open(name);

  const std::vector<std::string> sent = {"first", "", pattern(100'000, 3), pattern(424, 1)};
  for (const auto& message : sent) {
    writer.write(message);
  }

  std::vector<std::string> strings;
  std::vector<std::vector<std::byte>> bytes;
  std::array<char, 16> buffer{};
  std::size_t into_buffer = 0;
  int done = 0;
  slot.async_read(F::buffer(buffer.data(), buffer.size()),
                  [&](const typename F::error_code& ec, std::size_t size) {
                    CHECK_FALSE(ec);
                    into_buffer = size;
                    ++done;
                  });
  CHECK(done == 0);  // never inside the initiating call, even with a message waiting
  run_until(io, [&] { return done == 1; });
  slot.template async_read<std::vector<std::byte>>(
      [&](const typename F::error_code& ec, std::vector<std::byte> message) {
        CHECK_FALSE(ec);
        bytes.push_back(std::move(message));
        ++done;
      });
  run_until(io, [&] { return done == 2; });
  for (int i = 0; i < 2; ++i) {
    slot.async_read([&](const typename F::error_code& ec, std::string message) {
      CHECK_FALSE(ec);
      strings.push_back(std::move(message));
      ++done;
    });
    run_until(io, [&, i] { return done == 3 + i; });
  }

  CHECK(std::string(buffer.data(), into_buffer) == sent[0]);
  REQUIRE(bytes.size() == 1);
  CHECK(bytes[0].empty());
  REQUIRE(strings.size() == 2);
  CHECK(strings[0] == sent[2]);  // grown from the first offer; nothing lost
  CHECK(strings[1] == sent[3]);
  CHECK(strings[1].capacity() < 2 * strings[1].size() + 32);  // exactly sized, not 100 KB
}

TEMPLATE_TEST_CASE("an asio read into a buffer too small fails and leaves the message queued",
                   "[asio]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-small");
  typename F::server slot(io, windows_kind_slot(name));
  mailslot::client::open(name).write("twelve bytes");

  std::array<char, 4> small{};
  std::optional<typename F::error_code> result;
  slot.async_read(F::buffer(small.data(), small.size()),
                  [&](const typename F::error_code& ec, std::size_t) { result = ec; });
  run_until(io, [&] { return result.has_value(); });
  CHECK(std::error_code(*result) == mailslot::condition::buffer_too_small);

  CHECK(read_one(slot, io) == "twelve bytes");
}

TEMPLATE_TEST_CASE("an asio container read never takes a message over the slot's maximum",
                   "[asio][limit]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  // 256 KiB is beyond the first 64 KiB offer; 200 bytes fits a first offer.
  for (const std::size_t bytes : {std::size_t{256} << 10U, std::size_t{200}}) {
    INFO("a message of " << bytes << " bytes");
    typename F::io_context io;
    const std::string name = unique_slot_name("asio-bound");
    mailslot::server_options options;
    options.max_message_size = 16;
    typename F::server slot(io, nt_create_mailslot::create(name, options));
    REQUIRE(slot.is_open());
    const std::string big(bytes, 'b');
    std::error_code written;
    mailslot::client::open(name).write(big, written);
    if (!mailslot_test::running_under_wine()) {
      CHECK(written);  // Windows refuses it at the writer
      SKIP("Windows refused the oversized write: " << written.message());
    }
    REQUIRE_FALSE(written);  // Wine 10 does not enforce the maximum on write

    std::optional<typename F::error_code> result;
    slot.async_read([&](const typename F::error_code& ec, std::string message) {
      CHECK(message.empty());
      result = ec;
    });
    run_until(io, [&] { return result.has_value(); });
    CHECK(std::error_code(*result) == mailslot::errc::message_too_large);

    // Still queued: a buffer of the caller's own takes it.
    std::string own(big.size(), '\0');
    std::optional<std::size_t> received;
    slot.async_read(F::buffer(own.data(), own.size()),
                    [&](const typename F::error_code& ec, std::size_t size) {
                      CHECK_FALSE(ec);
                      received = size;
                    });
    run_until(io, [&] { return received.has_value(); });
    CHECK(*received == big.size());
    CHECK(own == big);
  }
}

TEMPLATE_TEST_CASE("an asio read into a reused container leaves it holding exactly the message",
                   "[asio]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-reused");
  typename F::server slot(io, windows_kind_slot(name));
  auto client = mailslot::client::open(name);
  std::string kept = "what was there before";
  const auto read_into_kept = [&] {
    std::optional<std::pair<typename F::error_code, std::size_t>> result;
    slot.async_read(kept, [&](const typename F::error_code& ec, std::size_t size) {
      result.emplace(ec, size);
    });
    run_until(io, [&] { return result.has_value(); });
    return *result;
  };
  const std::string large = pattern(std::size_t{100} << 10U, 3);  // beyond any first offer
  for (const std::string& message :
       {std::string("hello"), large, std::string(), std::string("x")}) {
    client.write(message);
    const auto [ec, size] = read_into_kept();
    CHECK_FALSE(ec);
    CHECK(size == message.size());
    CHECK(kept == message);
  }
  CHECK(kept.capacity() >= large.size());  // grown once, reused since
  // A failed read leaves it empty.
  slot.next_layer().set_read_timeout(mailslot::wait_forever);
  std::optional<typename F::error_code> failed;
  slot.async_read(kept, [&](const typename F::error_code& ec, std::size_t) { failed = ec; });
  io.poll();
  slot.cancel();
  run_until(io, [&] { return failed.has_value(); });
  CHECK(*failed == F::aborted());
  CHECK(kept.empty());
}

TEMPLATE_TEST_CASE("an asio read into a container that cannot be resized leaves the message queued",
                   "[asio]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-fragile");
  typename F::server slot(io, windows_kind_slot(name));
  auto client = mailslot::client::open(name);
  fragile_bytes box;
  const auto read_into_box = [&](bool timed) {
    std::optional<std::pair<typename F::error_code, std::size_t>> result;
    if (timed) {  // (a deadline already passed: the read takes what waits)
      slot.async_try_read(box, 0ms,
                          [&](const typename F::error_code& ec, std::optional<std::size_t> size) {
                            result.emplace(ec, size.value_or(0));
                          });
    } else {
      slot.async_read(box, [&](const typename F::error_code& ec, std::size_t size) {
        result.emplace(ec, size);
      });
    }
    run_until(io, [&] { return result.has_value(); });
    return *result;
  };
  const std::string large = pattern(std::size_t{100} << 10U, 7);  // beyond any first offer
  client.write("kept");
  client.write(large);
  for (const bool timed : {false, true}) {
    INFO((timed ? "async_try_read, past its deadline" : "async_read"));
    // The first offer's resize (the string never allocates there), then the
    // growth for the large message.
    for (const int at : {1, 2}) {
      box.on_resize = throw_at_resize(at);
      const auto [failed, none] = read_into_box(timed);
      CHECK(std::error_code(failed) == mailslot::condition::not_enough_memory);
      CHECK(none == 0);
      CHECK(box.held.empty());
      if (at == 1) {
        box.on_resize = nullptr;
        const auto [ec, size] = read_into_box(timed);
        CHECK_FALSE(ec);
        CHECK(size == 4);
        CHECK(box.held == "kept");
      }
    }
    box.on_resize = nullptr;
    const auto [ec, size] = read_into_box(timed);
    CHECK_FALSE(ec);
    CHECK(size == large.size());
    CHECK(box.held == large);
    client.write("kept");
    client.write(large);
  }
  // A read whose server closes as it starts (from inside the container's
  // resize, between its checks of the handle) ends as not_open.
  box.on_resize = [&] { slot.next_layer().close(); };
  const auto [closed, none] = read_into_box(false);
  CHECK(std::error_code(closed) == mailslot::errc::not_open);
  CHECK(none == 0);
}

TEMPLATE_TEST_CASE(
    "asio reads ask GetMailslotInfo a few times for a deep queue, not once a message", "[asio]",
    MAILSLOT_TEST_ASIO_FLAVOURS) {
  // (Wine's GetMailslotInfo counts the queue: once a message would cost more
  // the deeper the queue.)
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-deep-queue");
  const std::string message(100, 'a');
  mailslot::server plain = windows_kind_slot(name);
  auto client = mailslot::client::open(name);
  for (int i = 0; i < 400; ++i) {
    client.write(message);
  }
  mailslot_test::get_mailslot_info_counter info;
  REQUIRE(info.installed());
  typename F::server slot(io, std::move(plain));
  std::string kept;
  int read = 0;
  for (int i = 0; i < 200; ++i) {
    read += read_one(slot, io) == message ? 1 : 0;
    std::optional<std::size_t> size;
    slot.async_read(kept,
                    [&](const typename F::error_code& ec, std::size_t n) { size = ec ? 0 : n; });
    run_until(io, [&] { return size.has_value(); });
    read += *size == message.size() && kept == message ? 1 : 0;
  }
  CHECK(read == 400);
  CHECK(info.count() <= 3);  // (the slot's maximum when bound, and a first offer each)
}

TEMPLATE_TEST_CASE("asio reads complete through futures and deferred operations", "[asio]",
                   MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-future");
  typename F::server slot(io, windows_kind_slot(name));
  mailslot::client writer = mailslot::client::open(name);

  std::future<std::string> future = slot.async_read(F::use_future);
  std::thread runner([&] { io.run_for(10s); });
  writer.write("by future");
  REQUIRE(future.wait_for(10s) == std::future_status::ready);
  CHECK(future.get() == "by future");
  io.stop();
  runner.join();
  io.restart();

  auto operation =
      slot.template async_read<std::vector<std::byte>>(F::deferred);  // nothing starts yet
  writer.write("deferred");
  writer.write("after");
  std::optional<std::string> got;
  std::move(operation)([&](const typename F::error_code& ec, std::vector<std::byte> message) {
    CHECK_FALSE(ec);
    got = std::string(reinterpret_cast<const char*>(message.data()), message.size());
  });
  run_until(io, [&] { return got.has_value(); });
  CHECK(*got == "deferred");
  CHECK(drain(slot.next_layer()) == std::vector<std::string>{"after"});
}

TEMPLATE_TEST_CASE("a read cancelled through its slot completes aborted and takes no message",
                   "[asio][cancel]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-cancel");
  typename F::server slot(io, windows_kind_slot(name));
  mailslot::client writer = mailslot::client::open(name);

  typename F::cancellation_signal signal;
  std::optional<typename F::error_code> result;
  slot.async_read(
      F::with_slot(signal, [&](const typename F::error_code& ec, std::string) { result = ec; }));
  io.poll();
  CHECK_FALSE(result.has_value());  // pending: the slot is empty
  signal.emit(F::cancellation_type::terminal);
  run_until(io, [&] { return result.has_value(); });
  CHECK(*result == F::aborted());

  writer.write("after the cancel");
  auto& plain = slot.next_layer();
  CHECK(drain(plain) == std::vector<std::string>{"after the cancel"});
}

TEMPLATE_TEST_CASE("a cancellation signal of type none cancels nothing", "[asio][cancel]",
                   MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-cancel-none");
  typename F::server slot(io, windows_kind_slot(name));
  typename F::cancellation_signal signal;
  std::optional<std::string> message;
  slot.async_read(F::with_slot(signal, [&](const typename F::error_code& ec, std::string m) {
    message = ec ? "error" : m;
  }));
  io.poll();
  signal.emit(F::cancellation_type::none);
  io.poll();
  CHECK_FALSE(message.has_value());  // still pending
  mailslot::client::open(name).write("not cancelled");
  run_until(io, [&] { return message.has_value(); });
  CHECK(*message == "not cancelled");
}

TEMPLATE_TEST_CASE("cancelling reads as messages arrive loses none: each is delivered or queued",
                   "[asio][cancel]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-cancel-race");
  typename F::server slot(io, windows_kind_slot(name));
  mailslot::client writer = mailslot::client::open(name);
  auto& plain = slot.next_layer();

  constexpr int rounds = 200;
  int delivered = 0;
  int aborted = 0;
  std::vector<std::string> seen;
  for (int round = 0; round < rounds; ++round) {
    typename F::cancellation_signal signal;
    std::optional<typename F::error_code> result;
    std::string message;
    slot.async_read(F::with_slot(signal, [&](const typename F::error_code& ec, std::string m) {
      result = ec;
      message = std::move(m);
    }));
    io.poll();
    std::thread write([&] { writer.write("m" + std::to_string(round)); });
    if (round % 2 == 0) {
      signal.emit(F::cancellation_type::total);
      write.join();
    } else {
      write.join();
      signal.emit(F::cancellation_type::partial);
    }
    run_until(io, [&] { return result.has_value(); });
    if (!*result) {
      ++delivered;
      seen.push_back(message);
    } else {
      CHECK(*result == F::aborted());
      ++aborted;
      for (const auto& queued : drain(plain)) {
        seen.push_back(queued);
      }
    }
    for (const auto& queued : drain(plain)) {
      seen.push_back(queued);
    }
  }
  std::vector<std::string> expected;
  for (int round = 0; round < rounds; ++round) {
    expected.push_back("m" + std::to_string(round));
  }
  CHECK(seen == expected);
  CHECK(delivered + aborted == rounds);
  CHECK(aborted > 0);  // partial and total cancellation reach the read
  UNSCOPED_INFO("delivered " << delivered << ", cancelled " << aborted);
}

TEMPLATE_TEST_CASE("cancel() ends every outstanding read of the server, and later reads go on",
                   "[asio][cancel]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-cancel-all");
  typename F::server slot(io, windows_kind_slot(name));

  std::vector<typename F::error_code> results;
  std::array<char, 64> buffer{};
  for (int i = 0; i < 3; ++i) {
    slot.async_read([&](const typename F::error_code& ec, std::string) { results.push_back(ec); });
  }
  slot.async_read(F::buffer(buffer.data(), buffer.size()),
                  [&](const typename F::error_code& ec, std::size_t) { results.push_back(ec); });
  io.poll();
  CHECK(results.empty());
  slot.cancel();
  run_until(io, [&] { return results.size() == 4; });
  for (const auto& ec : results) {
    CHECK(ec == F::aborted());
  }

  mailslot::client::open(name).write("still reading");
  CHECK(read_one(slot, io) == "still reading");
}

TEMPLATE_TEST_CASE("a context destroyed with reads pending leaves later messages queued",
                   "[asio][lifetime]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  const std::string name = unique_slot_name("asio-context-gone");
  mailslot::server plain;
  bool handler_ran = false;
  {
    std::optional<typename F::io_context> io;
    io.emplace();
    typename F::server slot(*io, windows_kind_slot(name));
    for (int i = 0; i < 3; ++i) {
      slot.async_read([&](const typename F::error_code&, std::string) { handler_ran = true; });
    }
    io->poll();
    io->stop();
    io.reset();  // the context goes first: its reads are cancelled, their handlers dropped
    plain = slot.release();
  }
  CHECK_FALSE(handler_ran);
  REQUIRE(plain.is_open());
  mailslot::client writer = mailslot::client::open(name);
  writer.write("one");
  writer.write("two");
  CHECK(drain(plain) == std::vector<std::string>{"one", "two"});

  // The handle stays bound to the dead context's port: another context is refused.
  typename F::io_context other;
  typename F::server again(other);
  std::error_code ec;
  again.assign(std::move(plain), ec);
  CHECK(ec == mailslot::errc::already_bound);
  CHECK(plain.is_open());  // left with the caller

  plain.close();
  writer.close();
  CHECK(mailslot::server::create(name).is_open());  // every handle is closed
}

TEMPLATE_TEST_CASE("a server destroyed with reads pending, then its context, frees everything",
                   "[asio][lifetime]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  const std::string name = unique_slot_name("asio-server-gone");
  std::vector<typename F::error_code> results;
  {
    typename F::io_context io;
    {
      typename F::server slot(io, windows_kind_slot(name));
      for (int i = 0; i < 3; ++i) {
        slot.template async_read<std::vector<std::byte>>(
            [&](const typename F::error_code& ec, std::vector<std::byte>) {
              results.push_back(ec);
            });
      }
      io.poll();
    }  // cancels and closes; the reads complete through the context
    run_until(io, [&] { return results.size() == 3; });
    for (const auto& ec : results) {
      CHECK(ec == F::aborted());
    }
  }
  CHECK(mailslot::server::create(name).is_open());
}

TEMPLATE_TEST_CASE("a stopped context loses nothing: running it again delivers what arrived",
                   "[asio][lifetime]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-restart");
  typename F::server slot(io, windows_kind_slot(name));
  mailslot::client writer = mailslot::client::open(name);

  std::vector<std::string> received;
  for (int i = 0; i < 2; ++i) {
    slot.async_read([&](const typename F::error_code& ec, std::string m) {
      CHECK_FALSE(ec);
      received.push_back(std::move(m));
    });
  }
  io.poll();
  io.stop();
  writer.write("while");
  writer.write("stopped");
  writer.write("queued");
  io.restart();
  run_until(io, [&] { return received.size() == 2; });
  CHECK(received == std::vector<std::string>{"while", "stopped"});
  auto& plain = slot.next_layer();
  CHECK(drain(plain) == std::vector<std::string>{"queued"});
}

TEMPLATE_TEST_CASE("an asio server refuses a synchronous handle and leaves it with the caller",
                   "[asio]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-synchronous");
  mailslot::server plain = nt_create_mailslot::create(name, with_timeout(0ms));
  // A synchronous handle, as Wine's CreateMailslotW makes.
  DWORD error = 0;
  const std::string sync_name = unique_slot_name("asio-synchronous-handle");
  mailslot::server synchronous = mailslot::server::adopt(
      mailslot_test::synchronous_handle(mailslot::name::parse(sync_name), error, 0),
      mailslot::name::parse(sync_name));
  REQUIRE(synchronous.is_open());

  typename F::server slot(io);
  std::error_code ec;
  slot.assign(std::move(synchronous), ec);
  CHECK(ec == mailslot::errc::synchronous_handle);
  CHECK(synchronous.is_open());
  CHECK_FALSE(slot.is_open());
  CHECK_THROWS_AS(typename F::server(io, std::move(synchronous)), std::system_error);

  // Reading a server that is not open completes with not_open, through the context.
  std::optional<typename F::error_code> result;
  slot.async_read([&](const typename F::error_code& e, std::string) { result = e; });
  CHECK_FALSE(result.has_value());
  run_until(io, [&] { return result.has_value(); });
  CHECK(std::error_code(*result) == mailslot::errc::not_open);

  slot.assign(std::move(plain), ec);
  CHECK_FALSE(ec);
  CHECK(slot.is_open());
}

TEMPLATE_TEST_CASE("a handle binds to one context's port: released, it is adopted there again",
                   "[asio]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-rebind");
  typename F::server first(io, windows_kind_slot(name));
  mailslot::server plain = first.release();
  CHECK_FALSE(first.is_open());

  typename F::io_context other;
  typename F::server elsewhere(other);
  std::error_code ec;
  elsewhere.assign(std::move(plain), ec);
  CHECK(ec == mailslot::errc::already_bound);

  mailslot::thread_pool_reader pool;
  pool.start(plain, [](const std::error_code&, std::string_view) {}, ec);
  CHECK(ec == mailslot::errc::already_bound);

  typename F::server second(io, std::move(plain));
  mailslot::client::open(name).write("again");
  std::optional<std::string> message;
  second.async_read(
      [&](const typename F::error_code& e, std::string m) { message = e ? "error" : m; });
  run_until(io, [&] { return message.has_value(); });
  CHECK(*message == "again");
}

TEST_CASE("a handle read by a thread pool reader is refused by an asio server", "[asio]") {
  ::asio::io_context io;
  const std::string name = unique_slot_name("asio-after-pool");
  mailslot::server plain = windows_kind_slot(name);
  {
    mailslot::thread_pool_reader pool;
    pool.start(plain, [](const std::error_code&, std::string_view) {});
  }
  mailslot::asio::server slot(io);
  std::error_code ec;
  slot.assign(std::move(plain), ec);
  CHECK(ec == mailslot::errc::already_bound);
  CHECK(plain.is_open());
}

TEMPLATE_TEST_CASE(
    "an asio read waits past the slot's read timeout, re-reading at most every 10 ms", "[asio]",
    MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  mailslot_test::read_file_counter read_files;
  REQUIRE(read_files.installed());
  for (const auto timeout : {0ms, 1ms, 50ms}) {
    INFO("the slot's timeout: " << timeout.count() << " ms");
    typename F::io_context io;
    const std::string name = unique_slot_name("asio-timeout");
    typename F::server slot(io, windows_kind_slot(name, timeout));
    std::optional<std::string> message;
    slot.async_read(
        [&](const typename F::error_code& ec, std::string m) { message = ec ? "error" : m; });
    read_files.reset();
    const auto start = std::chrono::steady_clock::now();
    io.run_for(400ms);  // idle: the read goes on
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK_FALSE(message.has_value());
    CHECK(read_files.count() <= mailslot_test::most_rereads(elapsed));
    mailslot::client::open(name).write("late");
    run_until(io, [&] { return message.has_value(); });
    CHECK(*message == "late");
    CHECK(slot.next_layer().info().read_timeout == timeout);  // never changed
  }
}

namespace {
// A ReadFile that, while armed, finds no message at once, as a slot of
// timeout 0 does when its read ends before it can pend.
std::atomic<bool> reads_time_out{false};
decltype(&::ReadFile) real_read_file_timing_out = nullptr;
BOOL WINAPI timing_out_read_file(HANDLE file, LPVOID buffer, DWORD size, LPDWORD read,
                                 LPOVERLAPPED overlapped) {
  if (reads_time_out) {
    ::SetLastError(ERROR_SEM_TIMEOUT);
    return FALSE;
  }
  return real_read_file_timing_out(file, buffer, size, read, overlapped);
}
}  // namespace

TEMPLATE_TEST_CASE("an asio read pausing between ReadFiles is cancelled at once, and by the server",
                   "[asio]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-pause-cancel");
  typename F::server slot(io, windows_kind_slot(name, 0ms));
  auto client = mailslot::client::open(name);
  mailslot_test::import_hook<decltype(&::ReadFile)> hook("ReadFile", &timing_out_read_file);
  REQUIRE(hook.installed());
  real_read_file_timing_out = hook.original();

  // Through the operation's own cancellation slot, every type of it. Each
  // ReadFile fails at once (its completion is posted), so the read is always
  // either pausing on its timer or about to run: after the signal, the
  // context completes it without waiting for anything (poll).
  reads_time_out = true;
  for (const auto type : {F::cancellation_type::terminal, F::cancellation_type::partial,
                          F::cancellation_type::total}) {
    typename F::cancellation_signal signal;
    std::optional<typename F::error_code> result;
    slot.async_read(
        F::with_slot(signal, [&](const typename F::error_code& ec, std::string) { result = ec; }));
    io.run_for(100ms);  // several pauses
    REQUIRE_FALSE(result.has_value());
    signal.emit(type);
    io.poll();
    io.poll();
    REQUIRE(result.has_value());
    CHECK(*result == F::aborted());
  }
  reads_time_out = false;

  // The server's cancel(): at the end of the pause, within 10 ms.
  std::optional<typename F::error_code> result;
  slot.async_read([&](const typename F::error_code& ec, std::string) { result = ec; });
  io.run_for(100ms);
  REQUIRE_FALSE(result.has_value());
  slot.cancel();
  run_until(io, [&] { return result.has_value(); });
  CHECK(*result == F::aborted());

  // Nothing was taken.
  client.write("kept");
  CHECK(read_one(slot, io) == "kept");
}

TEMPLATE_TEST_CASE(
    "an asio read cancelled after its pause's timer completed, before that is handled, ends "
    "aborted",
    "[asio][cancel]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  // The signal comes from a handler the context runs between the pause's
  // timer completing (no error) and that completion being handled: a timer
  // due earlier, handed out by the same run of the context's timers.
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-pause-late-cancel");
  typename F::server slot(io, windows_kind_slot(name, 0ms));
  mailslot_test::import_hook<decltype(&::ReadFile)> hook("ReadFile", &timing_out_read_file);
  REQUIRE(hook.installed());
  real_read_file_timing_out = hook.original();
  reads_time_out = true;
  typename F::cancellation_signal signal;
  std::optional<typename F::error_code> result;
  slot.async_read(
      F::with_slot(signal, [&](const typename F::error_code& ec, std::string) { result = ec; }));
  io.run_for(30ms);  // pausing on its timer (10 ms between ReadFiles)
  REQUIRE_FALSE(result.has_value());
  typename F::steady_timer earlier(io);
  earlier.expires_at(typename F::steady_timer::time_point{});  // long past: first of the due timers
  earlier.async_wait(
      [&](const typename F::error_code&) { signal.emit(F::cancellation_type::terminal); });
  std::this_thread::sleep_for(50ms);  // the pause's timer is due too
  run_until(io, [&] { return result.has_value(); });
  reads_time_out = false;
  CHECK(*result == F::aborted());
  mailslot::client::open(name).write("kept");  // the read took nothing, and reads go on
  CHECK(read_one(slot, io) == "kept");
}

TEMPLATE_TEST_CASE("an asio read pausing between ReadFiles ends as not_open when its server closes",
                   "[asio]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  typename F::server slot(io, windows_kind_slot(unique_slot_name("asio-pause-close"), 0ms));
  std::optional<typename F::error_code> result;
  slot.async_read([&](const typename F::error_code& ec, std::string) { result = ec; });
  io.run_for(100ms);
  REQUIRE_FALSE(result.has_value());
  slot.next_layer().close();  // under the asio server (not how to close it, but not undefined)
  run_until(io, [&] { return result.has_value(); });
  CHECK(std::error_code(*result) == mailslot::errc::not_open);
}

TEMPLATE_TEST_CASE("an asio read whose handle goes while it grows ends as not_open", "[asio]",
                   MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-grow-closed");
  typename F::server slot(io, windows_kind_slot(name));
  // The adopted server is closed under the Asio server while the read grows
  // its container for a message larger than the first offer (from the
  // container's second resize, after GetMailslotInfo told the size), as a
  // close from elsewhere would.
  fragile_bytes box;
  int resizes = 0;
  box.on_resize = [&] {
    if (++resizes == 2) {
      slot.next_layer().close();
    }
  };
  std::optional<typename F::error_code> result;
  slot.async_read(box, [&](const typename F::error_code& ec, std::size_t) { result = ec; });
  mailslot::client::open(name).write(std::string(std::size_t{100} << 10U, 'g'));  // > first offer
  run_until(io, [&] { return result.has_value(); });
  CHECK(resizes == 2);
  CHECK(std::error_code(*result) == mailslot::errc::not_open);
}

TEMPLATE_TEST_CASE(
    "an asio read whose handle goes before its ReadFile's end is handled ends as not_open",
    "[asio]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  // The ReadFile ended at once, and its completion waits for the context
  // while the adopted server is closed under the Asio server: the read
  // would grow its string (a message larger than the first offer waits) or
  // pause (the slot's timeout ended it), and finds no handle.
  using F = TestType;
  mailslot_test::import_hook<decltype(&::ReadFile)> hook("ReadFile", &timing_out_read_file);
  REQUIRE(hook.installed());
  real_read_file_timing_out = hook.original();
  for (const bool grows : {true, false}) {
    INFO((grows ? "growing" : "pausing"));
    typename F::io_context io;
    const std::string name = unique_slot_name("asio-gone-early");
    typename F::server slot(io, windows_kind_slot(name, grows ? mailslot::wait_forever : 0ms));
    if (grows) {
      mailslot::client::open(name).write(std::string(std::size_t{100} << 10U, 'g'));
    }
    reads_time_out = !grows;
    std::optional<typename F::error_code> result;
    slot.async_read([&](const typename F::error_code& ec, std::string) { result = ec; });
    slot.next_layer().close();  // (not how to close it, but not undefined)
    run_until(io, [&] { return result.has_value(); });
    reads_time_out = false;
    CHECK(std::error_code(*result) == mailslot::errc::not_open);
  }
}

TEMPLATE_TEST_CASE("a context destroyed while a read pauses between ReadFiles ends at once",
                   "[asio]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  const std::string name = unique_slot_name("asio-pause-destroy");
  std::optional<typename F::server> slot;
  int handlers_run = 0;
  {
    typename F::io_context io;
    slot.emplace(io, windows_kind_slot(name, 0ms));
    slot->async_read([&](const typename F::error_code&, std::string) { ++handlers_run; });
    io.run_for(100ms);
  }  // (a hang here would time the test out)
  CHECK(handlers_run == 0);  // destroyed unrun, as Asio destroys handlers with their context
  mailslot::server plain = slot->release();    // (after its context, as its executor allows)
  mailslot::client::open(name).write("kept");  // no read of the dead context takes it
  CHECK(plain.try_read(0ms) == std::optional<std::string>("kept"));
}

TEMPLATE_TEST_CASE("moving an asio server moves its slot and outstanding reads", "[asio]",
                   MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-move");
  typename F::server first(io, windows_kind_slot(name));
  std::optional<std::string> message;
  first.async_read(
      [&](const typename F::error_code& ec, std::string m) { message = ec ? "error" : m; });
  io.poll();
  typename F::server second(std::move(first));
  CHECK_FALSE(first.is_open());
  CHECK(second.is_open());
  mailslot::client::open(name).write("moved");
  run_until(io, [&] { return message.has_value(); });
  CHECK(*message == "moved");

  typename F::server third(io);
  third = std::move(second);
  CHECK(third.is_open());
  CHECK(third.next_layer().name().string() == mailslot::name::parse(name).string());
}

TEMPLATE_TEST_CASE("an asio server moved into itself keeps its slot and reads", "[asio]",
                   MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-self-move");
  typename F::server server(io, windows_kind_slot(name));
  typename F::server& alias = server;  // (through a reference: no self-move warning)
  server = std::move(alias);
  REQUIRE(server.is_open());
  mailslot::client::open(name).write("still here");
  CHECK(read_one(server, io) == "still here");
}

TEMPLATE_TEST_CASE("servers of one context close in any order, and the others read on", "[asio]",
                   MAILSLOT_TEST_ASIO_FLAVOURS) {
  // The context's port knows each handle bound to it (a list of them): the
  // first, the last and one in the middle each leave it.
  using F = TestType;
  const int closed_first = GENERATE(0, 1, 2);
  typename F::io_context io;
  std::vector<std::string> names;
  std::vector<typename F::server> servers;
  for (int i = 0; i < 3; ++i) {
    names.push_back(unique_slot_name("asio-three-" + std::to_string(i)));
    servers.emplace_back(io, windows_kind_slot(names.back()));
  }
  servers[static_cast<std::size_t>(closed_first)].close();
  for (int i = 0; i < 3; ++i) {
    if (i == closed_first) {
      continue;
    }
    auto& server = servers[static_cast<std::size_t>(i)];
    mailslot::client::open(names[static_cast<std::size_t>(i)]).write("to " + std::to_string(i));
    CHECK(read_one(server, io) == "to " + std::to_string(i));
    server.close();
    CHECK_FALSE(server.is_open());
  }
}

TEMPLATE_TEST_CASE("an asio server refuses to adopt a closed server", "[asio]",
                   MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  typename F::server server(io);
  mailslot::server closed;
  std::error_code ec;
  server.assign(std::move(closed), ec);
  CHECK(ec == mailslot::errc::not_open);
  CHECK_FALSE(server.is_open());
  // Closing a server that holds no slot does nothing, in either form.
  server.close(ec);
  CHECK_FALSE(ec);
  CHECK_NOTHROW(server.close());
  CHECK_FALSE(server.is_open());
}

TEST_CASE("an Asio completion's Win32 code is recognised in the system category only", "[asio]") {
  using mailslot::asio::detail::is_win32;
  CHECK(is_win32(std::error_code(ERROR_MORE_DATA, ::asio::error::get_system_category()),
                 ERROR_MORE_DATA));
  CHECK_FALSE(is_win32(std::error_code(ERROR_MORE_DATA, std::generic_category()), ERROR_MORE_DATA));
  CHECK_FALSE(is_win32(std::error_code(ERROR_SEM_TIMEOUT, ::asio::error::get_system_category()),
                       ERROR_MORE_DATA));
}
