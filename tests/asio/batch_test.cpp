// async_read_some_messages: one operation takes the next message and every
// message already waiting behind it, up to a bound, with standalone Asio
// and Boost.Asio. The slots are Windows' kind (see support/slot_kinds.hpp).

#include "asio_support.hpp"  // (first: Asio before <windows.h>)

#include <support/read_helpers.hpp>

#include <mailslot/mailslot.hpp>

#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

using namespace asio_tests;  // NOLINT(google-build-using-namespace): the tests' own helpers

#define MAILSLOT_TEST_ASIO_FLAVOURS standalone, boost_flavour

namespace {

// What one operation completed with.
template <class F>
struct batch_result {
  typename F::error_code ec;
  std::size_t count = 0;
};

// One async_read_some_messages, with `io` run until it completes.
template <class F, class Messages>
batch_result<F> read_batch(typename F::server& slot, typename F::io_context& io, std::size_t max,
                           Messages& messages) {
  std::optional<batch_result<F>> result;
  slot.async_read_some_messages(max, messages,
                                [&](const typename F::error_code& ec, std::size_t count) {
                                  result = batch_result<F>{ec, count};
                                });
  CHECK_FALSE(result.has_value());  // never inside the initiating call
  run_until(io, [&] { return result.has_value(); });
  return *result;
}

}  // namespace

TEMPLATE_TEST_CASE("a batch read takes every waiting message, in order, each exactly sized",
                   "[asio][batch]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-batch");
  typename F::server slot(io, windows_kind_slot(name));
  auto client = mailslot::client::open(name);
  // Sizes the first message does not announce: an empty one, and one beyond
  // any first offer (grown for while it stays queued).
  const std::vector<std::string> sent = {
      "first", "", pattern(424, 1), "x", pattern(std::size_t{100} << 10U, 2), "last"};
  for (const auto& message : sent) {
    client.write(message);
  }
  std::vector<std::string> messages = {"stale", "elements", "the", "list",
                                       "had",   "before",   "x",   "y"};
  const batch_result<F> result = read_batch<F>(slot, io, 64, messages);
  CHECK_FALSE(result.ec);
  CHECK(result.count == sent.size());
  CHECK(messages == sent);  // and the two stale elements past them are gone
  CHECK(drain(slot.next_layer()).empty());
  CHECK(io.poll() == 0);  // no completion packet came for the messages taken without one
}

TEMPLATE_TEST_CASE("a batch read takes at most its bound and leaves the rest queued",
                   "[asio][batch]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-batch-bound");
  typename F::server slot(io, windows_kind_slot(name));
  auto client = mailslot::client::open(name);
  for (int i = 0; i < 10; ++i) {
    client.write("m" + std::to_string(i));
  }
  std::deque<std::vector<std::byte>> messages;  // any list of byte containers
  batch_result<F> result = read_batch<F>(slot, io, 4, messages);
  CHECK_FALSE(result.ec);
  REQUIRE(result.count == 4);
  REQUIRE(messages.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(std::string(reinterpret_cast<const char*>(messages[i].data()), messages[i].size()) ==
          "m" + std::to_string(i));
  }
  result = read_batch<F>(slot, io, 1, messages);
  CHECK(result.count == 1);
  REQUIRE(messages.size() == 1);
  CHECK(std::string(reinterpret_cast<const char*>(messages[0].data()), messages[0].size()) == "m4");
  CHECK(drain(slot.next_layer()) == std::vector<std::string>{"m5", "m6", "m7", "m8", "m9"});
}

TEMPLATE_TEST_CASE("a batch read waits for its first message, then takes what came with it",
                   "[asio][batch]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-batch-wait");
  typename F::server slot(io, windows_kind_slot(name));
  auto client = mailslot::client::open(name);
  mailslot_test::read_file_counter reads;
  REQUIRE(reads.installed());
  mailslot_test::get_mailslot_info_counter info;
  REQUIRE(info.installed());
  // A first read that had to wait asks how many came meanwhile, and reads
  // those: no ReadFile that would wait.
  for (const int sent : {1, 3, 10}) {
    INFO(sent << " messages written while the read waits");
    info.reset();
    std::vector<std::string> messages;
    std::optional<batch_result<F>> result;
    slot.async_read_some_messages(8, messages,
                                  [&](const typename F::error_code& ec, std::size_t count) {
                                    result = batch_result<F>{ec, count};
                                  });
    io.poll();
    CHECK_FALSE(result.has_value());  // the slot is empty: it waits
    reads.reset();                    // (the first ReadFile is outstanding)
    std::vector<std::string> expected;
    for (int i = 0; i < sent; ++i) {
      expected.push_back("m" + std::to_string(i));
      client.write(expected.back());
    }
    run_until(io, [&] { return result.has_value(); });
    CHECK_FALSE(result->ec);
    // At most its bound of 8; the rest stays queued.
    const auto taken = static_cast<std::size_t>((std::min)(sent, 8));
    CHECK(result->count == taken);
    CHECK(reads.count() == static_cast<int>(taken) - 1);  // (the first was started before)
    CHECK(info.count() == 1);
    std::vector<std::string> all = messages;
    for (auto& left : drain(slot.next_layer())) {
      all.push_back(std::move(left));
    }
    CHECK(all == expected);
  }
}

TEMPLATE_TEST_CASE("a batch read on a slot whose timeout is short takes only what waits",
                   "[asio][batch]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  // (A ReadFile that would wait ends at once with the slot's timeout of 0,
  // or waits out 20 ms: either way the batch ends there, with what it has.)
  for (const auto timeout : {0ms, 20ms}) {
    INFO("a slot timeout of " << timeout.count() << " ms");
    typename F::io_context io;
    const std::string name = unique_slot_name("asio-batch-short");
    typename F::server slot(io, windows_kind_slot(name, timeout));
    auto client = mailslot::client::open(name);
    client.write("one");
    client.write("two");
    std::vector<std::string> messages;
    const batch_result<F> result = read_batch<F>(slot, io, 8, messages);
    CHECK_FALSE(result.ec);
    CHECK(messages == std::vector<std::string>{"one", "two"});
    CHECK(mailslot_test::slot_timeout(slot.next_layer()) == static_cast<DWORD>(timeout.count()));
  }
}

TEMPLATE_TEST_CASE("a batch read of no messages is refused", "[asio][batch]",
                   MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-batch-zero");
  typename F::server slot(io, windows_kind_slot(name));
  mailslot::client::open(name).write("stays");
  std::vector<std::string> messages = {"old"};
  const batch_result<F> result = read_batch<F>(slot, io, 0, messages);
  CHECK(std::error_code(result.ec) == std::errc::invalid_argument);
  CHECK(result.count == 0);
  CHECK(messages.empty());
  CHECK(drain(slot.next_layer()) == std::vector<std::string>{"stays"});
}

TEMPLATE_TEST_CASE("a cancelled batch read has taken nothing", "[asio][batch][cancel]",
                   MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-batch-cancel");
  typename F::server slot(io, windows_kind_slot(name));
  // Each kind of cancellation through the operation's slot, and cancel().
  for (const int how : {0, 1, 2, 3}) {
    INFO("cancellation " << how);
    std::vector<std::string> messages = {"old", "elements"};
    typename F::cancellation_signal signal;
    std::optional<batch_result<F>> result;
    slot.async_read_some_messages(
        8, messages, F::with_slot(signal, [&](const typename F::error_code& ec, std::size_t n) {
          result = batch_result<F>{ec, n};
        }));
    io.poll();
    REQUIRE_FALSE(result.has_value());
    const typename F::cancellation_type types[] = {
        F::cancellation_type::terminal, F::cancellation_type::partial, F::cancellation_type::total};
    if (how < 3) {
      signal.emit(types[how]);
    } else {
      slot.cancel();
    }
    run_until(io, [&] { return result.has_value(); });
    CHECK(result->ec == F::aborted());
    CHECK(result->count == 0);
    CHECK(messages.empty());
  }
  mailslot::client::open(name).write("after the cancel");
  CHECK(drain(slot.next_layer()) == std::vector<std::string>{"after the cancel"});
}

TEMPLATE_TEST_CASE("batch reads cancelled as messages arrive lose none", "[asio][batch][cancel]",
                   MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-batch-race");
  typename F::server slot(io, windows_kind_slot(name));
  mailslot::client writer = mailslot::client::open(name);
  constexpr int rounds = 100;
  std::vector<std::string> seen;
  std::vector<std::string> messages;
  int aborted = 0;
  for (int round = 0; round < rounds; ++round) {
    typename F::cancellation_signal signal;
    std::optional<batch_result<F>> result;
    slot.async_read_some_messages(
        16, messages, F::with_slot(signal, [&](const typename F::error_code& ec, std::size_t n) {
          result = batch_result<F>{ec, n};
        }));
    io.poll();
    std::thread write([&] {
      writer.write("a" + std::to_string(round));
      writer.write("b" + std::to_string(round));
    });
    signal.emit(F::cancellation_type::terminal);
    write.join();
    run_until(io, [&] { return result.has_value(); });
    if (result->ec) {
      CHECK(result->ec == F::aborted());
      CHECK(messages.empty());
      ++aborted;
    } else {
      CHECK(result->count == messages.size());
      seen.insert(seen.end(), messages.begin(), messages.end());
    }
  }
  for (auto& left : drain(slot.next_layer())) {
    seen.push_back(std::move(left));
  }
  std::vector<std::string> expected;
  for (int round = 0; round < rounds; ++round) {
    expected.push_back("a" + std::to_string(round));
    expected.push_back("b" + std::to_string(round));
  }
  CHECK(seen == expected);  // each exactly once, in order
  INFO(aborted << " of " << rounds << " cancelled");
}

TEMPLATE_TEST_CASE("a batch read pending when its server closes ends as cancelled", "[asio][batch]",
                   MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-batch-close");
  typename F::server slot(io, windows_kind_slot(name));
  std::vector<std::string> messages;
  std::optional<batch_result<F>> result;
  slot.async_read_some_messages(4, messages, [&](const typename F::error_code& ec, std::size_t n) {
    result = batch_result<F>{ec, n};
  });
  io.poll();
  slot.close();
  run_until(io, [&] { return result.has_value(); });
  CHECK(result->ec == F::aborted());
  CHECK(messages.empty());
  // Started on a closed server: not_open, posted.
  result.reset();
  slot.async_read_some_messages(4, messages, [&](const typename F::error_code& ec, std::size_t n) {
    result = batch_result<F>{ec, n};
  });
  CHECK_FALSE(result.has_value());
  run_until(io, [&] { return result.has_value(); });
  CHECK(std::error_code(result->ec) == mailslot::errc::not_open);
}

TEMPLATE_TEST_CASE("a batch stops before a message over the slot's maximum, which stays queued",
                   "[asio][batch][limit]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-batch-max");
  mailslot::server_options options;
  options.max_message_size = 16;
  typename F::server slot(io, nt_create_mailslot::create(name, options));
  auto client = mailslot::client::open(name);
  client.write("small");
  const std::string big(200, 'b');
  std::error_code written;
  client.write(big, written);
  if (!mailslot_test::running_under_wine()) {
    CHECK(written);  // Windows refuses it at the writer
    SKIP("Windows refused the oversized write: " << written.message());
  }
  REQUIRE_FALSE(written);  // Wine 10 does not enforce the maximum on write
  std::vector<std::string> messages;
  batch_result<F> result = read_batch<F>(slot, io, 8, messages);
  CHECK_FALSE(result.ec);
  CHECK(messages == std::vector<std::string>{"small"});
  result = read_batch<F>(slot, io, 8, messages);  // the next one reports it
  CHECK(std::error_code(result.ec) == mailslot::errc::message_too_large);
  CHECK(messages.empty());
  std::string own(big.size(), '\0');
  CHECK(slot.next_layer().read(mailslot::mutable_buffer(own.data(), own.size())) == big.size());
  CHECK(own == big);
}

TEMPLATE_TEST_CASE("a batch whose element cannot grow delivers what it took and leaves the rest",
                   "[asio][batch]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-batch-fragile");
  typename F::server slot(io, windows_kind_slot(name));
  auto client = mailslot::client::open(name);
  for (int i = 0; i < 4; ++i) {
    client.write("m" + std::to_string(i));
  }
  std::vector<fragile_bytes> messages(2);
  messages[1].on_resize = throw_at_resize(1);  // the second message's offer
  batch_result<F> result = read_batch<F>(slot, io, 8, messages);
  CHECK_FALSE(result.ec);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].held == "m0");
  messages.resize(3);
  messages[2].on_resize = throw_at_resize(1);  // the third's
  result = read_batch<F>(slot, io, 8, messages);
  REQUIRE(result.count == 2);
  CHECK(messages[0].held == "m1");
  CHECK(messages[1].held == "m2");
  CHECK(drain(slot.next_layer()) == std::vector<std::string>{"m3"});
}

namespace {
// A list of strings that cannot hold more than `most` elements: growing past
// it throws, as a list of a fixed capacity would.
struct bounded_list {
  using value_type = std::string;
  std::vector<std::string> held;
  std::size_t most = 0;
  [[nodiscard]] std::size_t size() const noexcept { return held.size(); }
  void resize(std::size_t size) {
    if (size > most) {
      throw std::length_error("bounded_list");
    }
    held.resize(size);
  }
  std::string& operator[](std::size_t i) { return held[i]; }
};
}  // namespace

TEMPLATE_TEST_CASE("a batch whose list cannot grow delivers what it took and leaves the rest",
                   "[asio][batch]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-batch-list");
  typename F::server slot(io, windows_kind_slot(name));
  auto client = mailslot::client::open(name);
  for (int i = 0; i < 4; ++i) {
    client.write("m" + std::to_string(i));
  }
  bounded_list messages;
  messages.most = 2;
  batch_result<F> result = read_batch<F>(slot, io, 8, messages);
  CHECK_FALSE(result.ec);
  CHECK(messages.held == std::vector<std::string>{"m0", "m1"});
  messages.held.clear();
  messages.most = 0;  // not even the first
  result = read_batch<F>(slot, io, 8, messages);
  CHECK(std::error_code(result.ec) == mailslot::condition::not_enough_memory);
  CHECK(drain(slot.next_layer()) == std::vector<std::string>{"m2", "m3"});
}

TEMPLATE_TEST_CASE("a batch taken while another read is outstanding keeps the order of issue",
                   "[asio][batch]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-batch-order");
  typename F::server slot(io, windows_kind_slot(name));
  auto client = mailslot::client::open(name);
  // A batch, then a single read, both waiting; three messages: the first
  // goes to the batch, the second to the read. The batch must not take the
  // third, or its handler would see it before the read's handler sees the
  // second.
  std::vector<std::string> seen;
  std::vector<std::string> messages;
  int done = 0;
  slot.async_read_some_messages(8, messages, [&](const typename F::error_code& ec, std::size_t) {
    CHECK_FALSE(ec);
    seen.insert(seen.end(), messages.begin(), messages.end());
    ++done;
  });
  slot.async_read([&](const typename F::error_code& ec, std::string message) {
    CHECK_FALSE(ec);
    seen.push_back(std::move(message));
    ++done;
  });
  io.poll();
  client.write("1");
  client.write("2");
  client.write("3");
  run_until(io, [&] { return done == 2; });
  CHECK(messages == std::vector<std::string>{"1"});
  CHECK(seen == std::vector<std::string>{"1", "2"});
  CHECK(drain(slot.next_layer()) == std::vector<std::string>{"3"});
}

TEMPLATE_TEST_CASE("a batch stops taking once its server is cancelled, released or closed",
                   "[asio][batch][cancel]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  // Between two of the batch's reads (from the next element's resize), the
  // server is cancelled, released or closed: the batch delivers what it
  // took and reads no more.
  for (const int how : {0, 1, 2}) {
    INFO((how == 0 ? "cancel()" : how == 1 ? "release()" : "close()"));
    typename F::io_context io;
    const std::string name = unique_slot_name("asio-batch-stop");
    mailslot::server plain = windows_kind_slot(name);
    mailslot::server keeper = mailslot_test::duplicate(plain);  // (keeps the slot after close())
    typename F::server slot(io, std::move(plain));
    auto client = mailslot::client::open(name);
    for (int i = 0; i < 5; ++i) {
      client.write("m" + std::to_string(i));
    }
    mailslot::server released;
    std::vector<fragile_bytes> messages(3);
    messages[2].on_resize = [&] {
      if (how == 0) {
        slot.cancel();
      } else if (how == 1) {
        released = slot.release();
      } else {
        slot.close();
      }
    };
    mailslot_test::read_file_counter reads;
    REQUIRE(reads.installed());
    const batch_result<F> result = read_batch<F>(slot, io, 8, messages);
    CHECK_FALSE(result.ec);
    REQUIRE(result.count == 2);
    CHECK(messages[0].held == "m0");
    CHECK(messages[1].held == "m1");
    CHECK(reads.count() == 2);  // none after the server was stopped
    CHECK(drain(keeper) == std::vector<std::string>{"m2", "m3", "m4"});
  }
}

TEMPLATE_TEST_CASE("a batch keeps a message that completes its last read as it is cancelled",
                   "[asio][batch]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-batch-last");
  typename F::server slot(io, windows_kind_slot(name));
  auto client = mailslot::client::open(name);
  client.write("waiting");
  // The batch reads on after its first message until a ReadFile would wait,
  // and cancels that one: a message that comes just before the cancel
  // completes that ReadFile, and the batch delivers it.
  mailslot_test::before_next_call<mailslot_test::cancel_io_ex_tag> just_before;
  REQUIRE(just_before.installed());
  just_before.arm([&] { client.write("just in time"); });
  std::vector<std::string> messages;
  const batch_result<F> result = read_batch<F>(slot, io, 8, messages);
  CHECK_FALSE(result.ec);
  CHECK(messages == std::vector<std::string>{"waiting", "just in time"});
  CHECK(drain(slot.next_layer()).empty());
}

TEMPLATE_TEST_CASE("batch reads complete through futures and deferred operations", "[asio][batch]",
                   MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-batch-tokens");
  typename F::server slot(io, windows_kind_slot(name));
  auto client = mailslot::client::open(name);
  std::vector<std::string> messages;
  client.write("f1");
  client.write("f2");
  std::future<std::size_t> future = slot.async_read_some_messages(8, messages, F::use_future);
  std::thread runner([&] { io.run_for(10s); });
  REQUIRE(future.wait_for(10s) == std::future_status::ready);
  CHECK(future.get() == 2);
  CHECK(messages == std::vector<std::string>{"f1", "f2"});
  io.stop();
  runner.join();
  io.restart();

  auto operation = slot.async_read_some_messages(8, messages, F::deferred);  // nothing starts yet
  client.write("d1");
  std::optional<std::size_t> count;
  std::move(operation)([&](const typename F::error_code& ec, std::size_t n) {
    CHECK_FALSE(ec);
    count = n;
  });
  run_until(io, [&] { return count.has_value(); });
  CHECK(*count == 1);
  CHECK(messages == std::vector<std::string>{"d1"});
}

TEMPLATE_TEST_CASE("batch reads on a context of two threads deliver each message exactly once",
                   "[asio][batch]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-batch-threads");
  typename F::server slot(io, windows_kind_slot(name));
  constexpr int total = 2000;
  std::mutex mutex;
  std::vector<int> seen;
  std::vector<typename F::error_code> errors;
  bool unordered = false;
  // Two operations at a time on a strand (the server is used from one
  // thread at a time), each starting the next when it completes, on either
  // of the context's threads.
  auto strand = F::make_strand(io);
  std::vector<std::string> lists[2];
  std::function<void(int)> next = [&](int which) {
    slot.async_read_some_messages(
        32, lists[which],
        F::bind_executor(strand, [&, which](const typename F::error_code& ec, std::size_t) {
          bool more = false;
          {
            const std::lock_guard<std::mutex> hold(mutex);
            if (ec) {
              errors.push_back(ec);
              return;
            }
            for (std::size_t i = 0; i < lists[which].size(); ++i) {
              seen.push_back(std::stoi(lists[which][i]));
              unordered = unordered || (i > 0 && seen[seen.size() - 2] >= seen.back());
            }
            more = seen.size() < static_cast<std::size_t>(total);
          }
          if (more) {
            next(which);
          }
        }));
  };
  F::post_to(strand, [&] {
    next(0);
    next(1);
  });
  std::thread a([&] { io.run_for(30s); });
  std::thread b([&] { io.run_for(30s); });
  {
    auto client = mailslot::client::open(name);
    for (int i = 0; i < total; ++i) {
      client.write(std::to_string(i));
    }
  }
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  for (;;) {
    {
      const std::lock_guard<std::mutex> hold(mutex);
      if (seen.size() >= static_cast<std::size_t>(total) ||
          std::chrono::steady_clock::now() > give_up) {
        break;
      }
    }
    std::this_thread::sleep_for(5ms);
  }
  F::post_to(strand, [&] { slot.cancel(); });  // (the operation still pending)
  std::this_thread::sleep_for(50ms);
  io.stop();
  a.join();
  b.join();
  std::set<int> numbers(seen.begin(), seen.end());
  CHECK(seen.size() == static_cast<std::size_t>(total));
  CHECK(numbers.size() == static_cast<std::size_t>(total));
  CHECK_FALSE(unordered);  // one writer: each batch in its order
  for (const auto& ec : errors) {
    CHECK(ec == F::aborted());  // (the cancel at the end)
  }
}

TEMPLATE_TEST_CASE("a batch read of a deep queue asks GetMailslotInfo a few times, not per message",
                   "[asio][batch]", MAILSLOT_TEST_ASIO_FLAVOURS) {
  using F = TestType;
  typename F::io_context io;
  const std::string name = unique_slot_name("asio-batch-deep");
  const std::string message(100, 'a');
  mailslot::server plain = windows_kind_slot(name);
  auto client = mailslot::client::open(name);
  for (int i = 0; i < 400; ++i) {
    client.write(message);
  }
  mailslot_test::get_mailslot_info_counter info;
  REQUIRE(info.installed());
  mailslot_test::read_file_counter reads;
  REQUIRE(reads.installed());
  typename F::server slot(io, std::move(plain));
  std::vector<std::string> messages;
  std::size_t read = 0;
  int batches = 0;
  while (read < 400) {
    const batch_result<F> result = read_batch<F>(slot, io, 64, messages);
    REQUIRE_FALSE(result.ec);
    for (const auto& m : messages) {
      read += m == message ? 1U : 0U;
    }
    ++batches;
  }
  CHECK(read == 400);
  CHECK(batches == 7);              // 6 of 64 and one of 16
  CHECK(info.count() <= 2);         // (the slot's maximum when bound, and a first offer)
  CHECK(reads.count() <= 400 + 2);  // one ReadFile a message, and the last batch's that found none
}
