// mailslot::thread_pool_reader: messages delivered on the Windows thread pool.
// It needs Windows' own (asynchronous) handle, which the tests make as
// Windows' kernel32 does (tests/support/slot_kinds.hpp): under Wine 10
// server::create gives a synchronous one, which the reader refuses.

#include <mailslot/thread_pool_reader.hpp>

#include <support/import_patch.hpp>
#include <support/read_helpers.hpp>
#include <support/slot_kinds.hpp>
#include <support/slot_name.hpp>

#include <catch2/catch_test_macros.hpp>
#include <catch2/catch_tostring.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

using mailslot::errc;
using mailslot_test::make_server;
using mailslot_test::nt_create_mailslot;
using namespace std::chrono_literals;

using mailslot_test::pattern;

namespace {

// What a callback received, for a test thread to wait on.
struct inbox {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> messages;
  std::vector<std::error_code> errors;
  std::atomic<int> calls{0};
  std::atomic<int> concurrent{0};
  std::atomic<int> most_concurrent{0};
  std::atomic<int> messages_seen{0};  // (for callbacks that bypass handler())

  auto handler() {
    return [this](const std::error_code& ec, std::string_view message) {
      const int now = ++concurrent;
      int most = most_concurrent.load();
      while (now > most && !most_concurrent.compare_exchange_weak(most, now)) {
      }
      ++calls;
      {
        std::lock_guard<std::mutex> hold(mutex);
        if (ec) {
          errors.push_back(ec);
        } else {
          messages.emplace_back(message);
        }
      }
      changed.notify_all();
      --concurrent;
    };
  }

  // Waits until `count` messages (or an error) arrived, or 10 s passed.
  bool wait_for(std::size_t count) {
    std::unique_lock<std::mutex> hold(mutex);
    return changed.wait_for(hold, 10s, [&] {
      return messages.size() >= count || !errors.empty();
    }) && messages.size() >= count;
  }

  bool wait_for_error() {
    std::unique_lock<std::mutex> hold(mutex);
    return changed.wait_for(hold, 10s, [&] { return !errors.empty(); });
  }

  std::vector<std::string> taken() {
    std::lock_guard<std::mutex> hold(mutex);
    return messages;
  }
};

}  // namespace

TEST_CASE("the thread pool reader delivers whole messages in order, empty ones and large ones",
          "[pool][wine10]") {
  auto server = make_server<nt_create_mailslot>("pool", mailslot::wait_forever);
  inbox box;
  mailslot::thread_pool_reader reader;
  reader.start(server, box.handler());
  CHECK(reader.is_running());
  auto client = mailslot::client::open(server.name());
  // Larger than the reader's buffer (4 KiB at first) and well beyond it.
  const std::vector<std::size_t> sizes{5, 0, 70000, 3, std::size_t{3} << 20U, 0, 65536, 1};
  for (unsigned i = 0; i < sizes.size(); ++i) {
    client.write(pattern(sizes[i], i));
  }
  REQUIRE(box.wait_for(sizes.size()));
  reader.stop();
  CHECK_FALSE(reader.is_running());
  const auto messages = box.taken();
  REQUIRE(messages.size() == sizes.size());
  for (unsigned i = 0; i < sizes.size(); ++i) {
    CHECK(messages[i] == pattern(sizes[i], i));
  }
  CHECK(box.errors.empty());
  CHECK(box.most_concurrent == 1);  // never on two threads at once
  CHECK(server.info().message_count == 0);
}

TEST_CASE("the reader's buffer grows once for a larger message and keeps that size",
          "[pool][wine10]") {
  auto server = make_server<nt_create_mailslot>("pool-grows", mailslot::wait_forever);
  auto client = mailslot::client::open(server.name());
  // Its first size exactly, then one byte more, then more of those: only the
  // first message over 4 KiB asks GetMailslotInfo for its size.
  const std::vector<std::size_t> sizes{4096, 4097, 4097, 4000, 4097, 10, 4097};
  for (unsigned i = 0; i < sizes.size(); ++i) {
    client.write(pattern(sizes[i], i));
  }
  mailslot_test::get_mailslot_info_counter info;
  REQUIRE(info.installed());
  inbox box;
  mailslot::thread_pool_reader reader;
  reader.start(server, box.handler());
  REQUIRE(box.wait_for(sizes.size()));
  reader.stop();
  const auto messages = box.taken();
  REQUIRE(messages.size() == sizes.size());
  for (unsigned i = 0; i < sizes.size(); ++i) {
    CHECK(messages[i] == pattern(sizes[i], i));
  }
  // The slot's maximum, asked when the reader starts, and the one growth: a
  // first buffer over 4 KiB would not grow (1), one that did not keep its
  // size would grow for each message over 4 KiB (5).
  CHECK(info.count() == 2);
}

namespace {
struct unusual_callable {
  inbox* target;
  [[nodiscard]] int operator()(const std::error_code& ec, std::string_view) const {
    if (!ec) {
      target->messages_seen.fetch_add(1);
    }
    return 1;
  }
  explicit operator bool() { return false; }  // (not const: the reader does not ask it)
  static void* operator new(std::size_t size) { return ::operator new(size); }
  static void operator delete(void* p) noexcept { ::operator delete(p); }
};
}  // namespace

TEST_CASE("the reader takes any callable, move-only ones too, and destroys its copy when done",
          "[pool][wine10]") {
  auto server = make_server<nt_create_mailslot>("pool-callables", mailslot::wait_forever);
  auto client = mailslot::client::open(server.name());
  inbox box;
  auto forward = box.handler();
  // A move-only callable, and what it owns: gone with the reader's copy.
  auto owned = std::make_shared<int>(0);
  const std::weak_ptr<int> watch = owned;
  auto unique = std::make_unique<std::shared_ptr<int>>(std::move(owned));
  {
    mailslot::thread_pool_reader reader;
    reader.start(server, [forward, keep = std::move(unique)](const std::error_code& ec,
                                                             std::string_view message) mutable {
      ++**keep;  // (a mutable callable: the reader calls its own copy)
      forward(ec, message);
    });
    client.write("move-only");
    REQUIRE(box.wait_for(1));
    CHECK_FALSE(watch.expired());
    CHECK(*watch.lock() == 1);
    // The next start() lets go of the previous callable; a copied lvalue
    // leaves the original as it was.
    reader.start(server, forward);
    CHECK(watch.expired());
    client.write("copied");
    REQUIRE(box.wait_for(2));
    // A plain function pointer.
    static inbox* target = nullptr;
    target = &box;
    reader.start(
        server, +[](const std::error_code& ec, std::string_view) {
          if (!ec) {
            target->messages_seen.fetch_add(1);
          }
        });
    client.write("through a pointer");
    for (int i = 0; i < 500 && box.messages_seen.load() == 0; ++i) {
      std::this_thread::sleep_for(10ms);
    }
    CHECK(box.messages_seen.load() == 1);
    // A callable with a result it insists on, an operator bool that is not
    // const (not asked) and an operator new of its own without a nothrow
    // form (not used): taken, and called.
    reader.start(server, unusual_callable{&box});
    client.write("unusual");
    for (int i = 0; i < 500 && box.messages_seen.load() == 1; ++i) {
      std::this_thread::sleep_for(10ms);
    }
    CHECK(box.messages_seen.load() == 2);
  }
  CHECK(box.taken() == std::vector<std::string>{"move-only", "copied"});
  CHECK(box.errors.empty());
}

TEST_CASE("after stop no callback runs, and what was not delivered stays queued",
          "[pool][wine10]") {
  auto server = make_server<nt_create_mailslot>("pool-stop", mailslot::wait_forever);
  inbox box;
  mailslot::thread_pool_reader reader;
  reader.start(server, box.handler());
  auto client = mailslot::client::open(server.name());
  client.write("one");
  REQUIRE(box.wait_for(1));
  reader.stop();
  const int calls = box.calls;
  client.write("two");
  client.write("three");
  std::this_thread::sleep_for(200ms);
  CHECK(box.calls == calls);
  CHECK(server.read() == "two");        // the slot reads as before
  reader.start(server, box.handler());  // and the reader starts again
  REQUIRE(box.wait_for(2));
  reader.stop();
  CHECK(box.taken() == std::vector<std::string>{"one", "three"});
}

TEST_CASE("stopping from inside the callback makes it the last", "[pool][wine10]") {
  auto server = make_server<nt_create_mailslot>("pool-stop-inside", mailslot::wait_forever);
  auto client = mailslot::client::open(server.name());
  for (int i = 0; i < 10; ++i) {
    client.write(std::to_string(i));
  }
  mailslot::thread_pool_reader reader;
  std::atomic<int> calls{0};
  std::atomic<bool> stopped_inside{false};
  reader.start(server, [&](const std::error_code&, std::string_view) {
    if (++calls == 5) {
      reader.stop();
      stopped_inside = !reader.is_running();
    }
  });
  for (int i = 0; i < 500 && calls < 5; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  std::this_thread::sleep_for(200ms);  // time for a callback that should not come
  CHECK(calls == 5);
  CHECK(stopped_inside);
  CHECK(server.info().message_count == 5);
  CHECK(server.read() == "5");
}

TEST_CASE("a reader destroyed inside its callback, or with a read pending, loses nothing",
          "[pool][wine10]") {
  auto server = make_server<nt_create_mailslot>("pool-destroy", mailslot::wait_forever);
  auto client = mailslot::client::open(server.name());
  std::atomic<int> unexpected{0};
  {  // a read pending
    mailslot::thread_pool_reader reader;
    reader.start(server, [&](const std::error_code&, std::string_view) { ++unexpected; });
  }
  client.write("after");
  CHECK(server.try_read(1s) == std::optional<std::string>("after"));
  CHECK(unexpected == 0);

  // Inside the callback: the reader's state lives until the callback returns.
  auto reader = std::make_unique<mailslot::thread_pool_reader>();
  std::atomic<int> calls{0};
  std::atomic<bool> done{false};
  client.write("first");
  client.write("second");
  reader->start(server, [&](const std::error_code&, std::string_view message) {
    ++calls;
    if (message == "first") {
      reader.reset();
      done = true;
    }
  });
  for (int i = 0; i < 100 && !done; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  std::this_thread::sleep_for(200ms);
  CHECK(done);
  CHECK(calls == 1);
  CHECK(server.read() == "second");
}

TEST_CASE("the slot's read timeout does not end the listening, whatever it is", "[pool][wine10]") {
  mailslot_test::read_file_counter read_files;
  REQUIRE(read_files.installed());
  auto server = make_server<nt_create_mailslot>("pool-timeout", 50ms);
  inbox box;
  mailslot::thread_pool_reader reader;
  reader.start(server, box.handler());
  int sent = 0;
  // 50 ms as created, then 0 and 1 ms set while listening (through a second
  // handle too: the timeout is the slot's), then forever.
  auto other = mailslot_test::duplicate(server);
  for (const auto timeout : {50ms, 0ms, 1ms, mailslot::wait_forever}) {
    INFO("the slot's timeout: " << timeout.count() << " ms");
    other.set_read_timeout(timeout);
    read_files.reset();
    const auto start = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(400ms);  // idle: several of the slot's timeouts
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(box.calls == sent);
    CHECK(reader.is_running());
    // At most one ReadFile each 10 ms while idle (one more for the change).
    CHECK(read_files.count() <= mailslot_test::most_rereads(elapsed) + 1);
    mailslot::client::open(server.name()).write("late " + std::to_string(++sent));
    REQUIRE(box.wait_for(static_cast<std::size_t>(sent)));
    CHECK(box.taken().back() == "late " + std::to_string(sent));
    CHECK(server.info().read_timeout == timeout);  // the reader never changes it
  }
  CHECK(box.errors.empty());
}

TEST_CASE("a synchronous handle, a closed server and a second reader are refused at once",
          "[pool][wine10]") {
  mailslot::thread_pool_reader reader;
  std::error_code ec;
  std::atomic<int> unexpected{0};
  const auto never = [&](const std::error_code&, std::string_view) { ++unexpected; };

  // A handle opened for synchronous I/O (what Wine's CreateMailslotW gives).
  DWORD error = 0;
  const auto name = mailslot::name::parse(mailslot_test::unique_slot_name("pool-sync"));
  HANDLE handle = mailslot_test::synchronous_handle(name, error);
  REQUIRE(handle != INVALID_HANDLE_VALUE);
  auto synchronous = mailslot::server::adopt(handle, name);
  reader.start(synchronous, never, ec);
  CHECK(ec == errc::synchronous_handle);
  CHECK_FALSE(reader.is_running());
  CHECK_THROWS_AS(reader.start(synchronous, never), std::system_error);

  // server::create: synchronous under Wine, Windows' own kind on Windows.
  auto created = mailslot_test::make_server<mailslot_test::server_create>("pool-created");
  reader.start(created, never, ec);
  CHECK(ec == (mailslot_test::is_asynchronous(created.native_handle())
                   ? std::error_code()
                   : mailslot::make_error_code(errc::synchronous_handle)));
  reader.stop();

  mailslot::server closed;
  reader.start(closed, never, ec);
  CHECK(ec == errc::not_open);

  // A handle is bound to the thread pool once: a second reader cannot have it.
  auto server = make_server<nt_create_mailslot>("pool-bound", mailslot::wait_forever);
  inbox box;
  mailslot::thread_pool_reader first;
  first.start(server, box.handler());
  reader.start(server, never, ec);
  CHECK(ec == errc::already_bound);
  mailslot::client::open(server.name()).write("still the first's");
  REQUIRE(box.wait_for(1));
  first.stop();

  // An empty handler and a start from inside the callback are refused too.
  using plain_function = void (*)(const std::error_code&, std::string_view);
  reader.start(server, plain_function{}, ec);
  CHECK(ec == std::errc::invalid_argument);
  reader.start(server, std::function<void(const std::error_code&, std::string_view)>(), ec);
  CHECK(ec == std::errc::invalid_argument);
  CHECK_FALSE(reader.is_running());
  std::error_code inside;
  std::atomic<bool> called{false};
  std::atomic<bool> still_running{false};
  reader.start(server, [&](const std::error_code&, std::string_view) {
    reader.start(server, never, inside);
    still_running = reader.is_running();  // (refused: the reading goes on)
    called = true;
  });
  mailslot::client::open(server.name()).write("restart?");
  for (int i = 0; i < 500 && !called; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  reader.stop();
  CHECK(called);
  CHECK(inside == std::errc::invalid_argument);
  CHECK(still_running);

  // Another reader started from inside the callback, on the same server: the
  // same refusal (before the server is found taken).
  mailslot::thread_pool_reader other;
  std::error_code other_inside;
  called = false;
  reader.start(server, [&](const std::error_code&, std::string_view) {
    other.start(server, never, other_inside);
    called = true;
  });
  mailslot::client::open(server.name()).write("another?");
  for (int i = 0; i < 500 && !called; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  reader.stop();
  CHECK(called);
  CHECK(other_inside == std::errc::invalid_argument);
  CHECK_FALSE(other.is_running());
  CHECK(unexpected == 0);
}

TEST_CASE("readers come and go on one server, and a re-created server is bound afresh",
          "[pool][wine10]") {
  auto server = make_server<nt_create_mailslot>("pool-readers", mailslot::wait_forever);
  const mailslot::name name = server.name();
  {
    inbox box;
    mailslot::thread_pool_reader first;
    first.start(server, box.handler());
    mailslot::client::open(name).write("to the first");
    REQUIRE(box.wait_for(1));
    first.stop();
    inbox second_box;
    mailslot::thread_pool_reader second;  // the server kept the binding
    second.start(server, second_box.handler());
    // The first is not running, and stopping it again leaves the second alone.
    CHECK_FALSE(first.is_running());
    first.stop();
    CHECK(second.is_running());
    mailslot::client::open(name).write("to the second");
    REQUIRE(second_box.wait_for(1));
    CHECK(second_box.taken().front() == "to the second");
  }
  {
    inbox box;
    mailslot::thread_pool_reader third;  // the second is gone
    third.start(server, box.handler());
    mailslot::client::open(name).write("to the third");
    REQUIRE(box.wait_for(1));
    CHECK(box.taken().front() == "to the third");
  }
  // The same reader object, a server closed and created again in the same
  // object: Windows may give the new handle the old one's value.
  inbox box;
  mailslot::thread_pool_reader reader;
  reader.start(server, box.handler());
  reader.stop();
  server.close();
  server = nt_create_mailslot::create(name, mailslot_test::with_timeout(mailslot::wait_forever));
  reader.start(server, box.handler());
  mailslot::client::open(name).write("to the new slot");
  REQUIRE(box.wait_for(1));
  CHECK(box.taken().front() == "to the new slot");
}

TEST_CASE("an exception from the handler's copy propagates from start(), and the reader runs on",
          "[pool][wine10]") {
  struct refusing_copy {
    refusing_copy() = default;
    refusing_copy(const refusing_copy&) { throw std::runtime_error("no copy"); }
    refusing_copy& operator=(const refusing_copy&) = delete;
    void operator()(const std::error_code&, std::string_view) const {}
  };
  auto server = make_server<nt_create_mailslot>("pool-refusing-copy", mailslot::wait_forever);
  inbox box;
  mailslot::thread_pool_reader reader;
  reader.start(server, box.handler());
  const refusing_copy handler;
  std::error_code ec;
  CHECK_THROWS_AS(reader.start(server, handler, ec), std::runtime_error);
  CHECK(reader.is_running());
  mailslot::client::open(server.name()).write("still read");
  REQUIRE(box.wait_for(1));
  CHECK(box.taken().front() == "still read");
}

TEST_CASE("a message too large for the reader's buffer that another reader takes is not awaited",
          "[pool][wine10]") {
  // The reader's ReadFile fails for a message larger than its buffer; as it
  // asks for that message's size, another handle takes it. The reader then
  // reads what comes next, into the buffer it has.
  auto server = make_server<nt_create_mailslot>("pool-taken", mailslot::wait_forever);
  mailslot::server other = mailslot_test::duplicate(server);
  // (Armed: the next GetMailslotInfo, the reader's question about the size of
  // the message that did not fit, first lets another handle take it.)
  mailslot_test::before_next_call<mailslot_test::get_mailslot_info_tag> info;
  REQUIRE(info.installed());
  inbox box;
  mailslot::thread_pool_reader reader;
  reader.start(server, box.handler());
  auto client = mailslot::client::open(server.name());
  const std::string large = pattern(std::size_t{200} << 10U, 9);  // > the reader's first 4 KiB
  std::vector<std::string> taken;
  for (const bool small_behind : {false, true}) {
    INFO((small_behind ? "a small message behind it" : "nothing behind it"));
    info.arm([&] {  // (on a pool thread: the error_code form, checked below)
      std::error_code ec;
      taken.push_back(other.read(ec));
      taken.back() += ec ? " (" + ec.message() + ")" : "";
    });
    client.write(large);
    if (small_behind) {
      client.write("behind");
    } else {
      std::this_thread::sleep_for(100ms);  // taken; the reader waits for the next
      client.write("next");
    }
    REQUIRE(box.wait_for(small_behind ? 2 : 1));
  }
  reader.stop();
  CHECK(box.taken() == std::vector<std::string>{"next", "behind"});
  CHECK(taken == std::vector<std::string>{large, large});
}

TEST_CASE("the pool reader asks GetMailslotInfo a few times for a deep queue, not once a message",
          "[pool][wine10]") {
  // (Wine's GetMailslotInfo counts the queue: once a message would cost more
  // the deeper the queue.)
  auto server = make_server<nt_create_mailslot>("pool-deep-queue", mailslot::wait_forever);
  auto client = mailslot::client::open(server.name());
  const std::string message(100, 'p');
  for (int i = 0; i < 600; ++i) {
    client.write(message);
  }
  mailslot_test::get_mailslot_info_counter info;
  REQUIRE(info.installed());
  inbox box;
  mailslot::thread_pool_reader reader;
  reader.start(server, box.handler());
  REQUIRE(box.wait_for(600));
  reader.stop();
  CHECK(box.taken() == std::vector<std::string>(600, message));
  CHECK(info.count() <= 2);
}

namespace {
std::atomic<int> second_read_calls{0};
decltype(&::ReadFile) real_read_file_second = nullptr;
BOOL WINAPI second_read_fails(HANDLE file, LPVOID buffer, DWORD size, LPDWORD read,
                              LPOVERLAPPED overlapped) {
  if (++second_read_calls == 2) {
    ::SetLastError(ERROR_ACCESS_DENIED);
    return FALSE;
  }
  return real_read_file_second(file, buffer, size, read, overlapped);
}
}  // namespace

TEST_CASE("a read that fails ends the listening with the error, and loses nothing",
          "[pool][wine10]") {
  auto server = make_server<nt_create_mailslot>("pool-read-fails", mailslot::wait_forever);
  inbox box;
  mailslot::thread_pool_reader reader;
  mailslot_test::import_hook<decltype(&::ReadFile)> hook("ReadFile", &second_read_fails);
  REQUIRE(hook.installed());
  real_read_file_second = hook.original();
  second_read_calls = 0;
  reader.start(server, box.handler());  // the first ReadFile
  auto client = mailslot::client::open(server.name());
  client.write("one");  // delivered; the ReadFile after it fails
  REQUIRE(box.wait_for_error());
  client.write("two");
  CHECK(box.taken() == std::vector<std::string>{"one"});
  CHECK(box.errors ==
        std::vector<std::error_code>{std::error_code(ERROR_ACCESS_DENIED, std::system_category())});
  CHECK_FALSE(reader.is_running());
  CHECK(server.read() == "two");  // the server is free again, the message queued
}

TEST_CASE("a moved reader keeps reading, and the moved-from one owns nothing", "[pool][wine10]") {
  auto server = make_server<nt_create_mailslot>("pool-move", mailslot::wait_forever);
  inbox box;
  mailslot::thread_pool_reader reader;
  reader.start(server, box.handler());
  mailslot::thread_pool_reader moved(std::move(reader));
  CHECK_FALSE(
      reader.is_running());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  reader.stop();             // NOLINT(bugprone-use-after-move)
  CHECK(moved.is_running());
  mailslot::client::open(server.name()).write("to the moved one");
  REQUIRE(box.wait_for(1));
}

TEST_CASE("a reader moved into itself keeps reading", "[pool][wine10]") {
  auto server = make_server<nt_create_mailslot>("pool-self-move", mailslot::wait_forever);
  inbox box;
  mailslot::thread_pool_reader reader;
  reader.start(server, box.handler());
  mailslot::thread_pool_reader& alias = reader;  // (through a reference: no self-move warning)
  reader = std::move(alias);
  CHECK(reader.is_running());
  mailslot::client::open(server.name()).write("still read");
  REQUIRE(box.wait_for(1));
}

TEST_CASE("the reader never takes a message over the slot's maximum message size",
          "[pool][limit][wine10]") {
  // 256 KiB is beyond the first 4 KiB; 200 bytes fits the reader's buffer,
  // were it not kept to the slot's maximum.
  for (const std::size_t size : {std::size_t{256} << 10U, std::size_t{200}}) {
    INFO("a message of " << size << " bytes");
    mailslot::server_options options;
    options.max_message_size = 16;
    auto server =
        nt_create_mailslot::create(mailslot_test::unique_slot_name("pool-bound"), options);
    auto client = mailslot::client::open(server.name());
    const std::string big(size, 'b');
    std::error_code ec;
    client.write(big, ec);
    if (!mailslot_test::running_under_wine()) {
      CHECK(ec);  // Windows refuses it at the writer
      SKIP("Windows refused the oversized write: " << ec.message());
    }
    REQUIRE_FALSE(ec);  // Wine 10 does not enforce the maximum on write
    {
      // Found by start()'s first read: start() fails, the callback is not called.
      inbox box;
      mailslot::thread_pool_reader reader;
      reader.start(server, box.handler(), ec);
      CHECK(ec == errc::message_too_large);
      CHECK(box.calls == 0);
      CHECK(server.info().message_count == 1);
      std::string own(big.size(), '\0');
      CHECK(server.read(mailslot::buffer(own.data(), own.size())) ==
            big.size());  // a caller's buffer takes it
    }
    // Arriving while the reader listens: the error ends the listening.
    inbox box;
    mailslot::thread_pool_reader reader;
    reader.start(server, box.handler());
    client.write("small");
    REQUIRE(box.wait_for(1));
    client.write(big);
    REQUIRE(box.wait_for_error());
    reader.stop();
    CHECK(box.errors.front() == errc::message_too_large);
    CHECK(box.taken() == std::vector<std::string>{"small"});
    CHECK(server.info().message_count == 1);  // still queued
  }
}

TEST_CASE("closing, moving, releasing or destroying a server stops its thread pool reader first",
          "[pool][lifetime][wine10]") {
  for (const std::string what : {"close", "move", "move-assign", "release", "destroy"}) {
    INFO(what);
    std::optional<mailslot::server> server(
        make_server<nt_create_mailslot>("pool-leave", mailslot::wait_forever));
    const mailslot::name name = server->name();
    auto client = mailslot::client::open(name);
    inbox box;
    mailslot::thread_pool_reader reader;
    reader.start(*server, box.handler());
    client.write("before");
    REQUIRE(box.wait_for(1));
    REQUIRE(reader.is_running());
    std::optional<mailslot::server> moved;
    HANDLE released = nullptr;
    if (what == "close") {
      server->close();
    } else if (what == "move") {
      moved.emplace(std::move(*server));
    } else if (what == "move-assign") {
      moved.emplace();
      *moved = std::move(*server);
    } else if (what == "release") {
      released = server->release();
    } else {
      server.reset();
    }
    // Stopped, as stop() stops it: no callback runs from here on.
    CHECK_FALSE(reader.is_running());
    const int calls = box.calls.load();
    std::error_code ignored;
    client.write("after", ignored);
    std::this_thread::sleep_for(100ms);
    CHECK(box.calls.load() == calls);
    CHECK(box.errors.empty());
    // The handle goes on where it went, its messages queued.
    if (moved) {
      CHECK(moved->read() == "after");
      reader.start(*moved, box.handler());  // (the reader starts again on it)
      client.write("again");
      CHECK(box.wait_for(2));
      reader.stop();
    }
    if (released != nullptr) {
      auto adopted = mailslot::server::adopt(released, name);
      CHECK(adopted.read() == "after");
    }
  }
}

TEST_CASE("servers in a vector that reallocates stop their readers, and nothing breaks",
          "[pool][lifetime][wine10]") {
  // (The case that was undefined: a reader kept reading the old address.)
  std::vector<mailslot::server> servers;
  servers.reserve(2);
  std::vector<std::unique_ptr<inbox>> boxes;
  std::vector<mailslot::thread_pool_reader> readers(2);
  for (int i = 0; i < 2; ++i) {
    servers.push_back(make_server<nt_create_mailslot>("pool-vector", mailslot::wait_forever));
    boxes.push_back(std::make_unique<inbox>());
    readers[static_cast<std::size_t>(i)].start(servers.back(), boxes.back()->handler());
  }
  servers.push_back(make_server<nt_create_mailslot>("pool-vector", mailslot::wait_forever));
  for (const auto& reader : readers) {
    CHECK_FALSE(reader.is_running());
  }
  for (std::size_t i = 0; i < readers.size(); ++i) {
    readers[i].start(servers[i], boxes[i]->handler());  // on the servers where they are now
    mailslot::client::open(servers[i].name()).write("to " + std::to_string(i));
    REQUIRE(boxes[i]->wait_for(1));
    CHECK(boxes[i]->taken().back() == "to " + std::to_string(i));
  }
}

TEST_CASE("a server destroyed inside its reader's callback stops the reader there",
          "[pool][lifetime][wine10]") {
  std::optional<mailslot::server> server(
      make_server<nt_create_mailslot>("pool-destroy-inside", mailslot::wait_forever));
  auto client = mailslot::client::open(server->name());
  std::atomic<int> calls{0};
  std::atomic<bool> destroyed{false};
  mailslot::thread_pool_reader reader;
  reader.start(*server, [&](const std::error_code&, std::string_view) {
    if (++calls == 1) {
      server.reset();
      destroyed = true;
    }
  });
  client.write("first");
  client.write("second");
  for (int i = 0; i < 500 && !destroyed; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  std::this_thread::sleep_for(100ms);
  CHECK(destroyed);
  CHECK(calls == 1);
  CHECK_FALSE(reader.is_running());
}

namespace {
// GetMailslotInfo that, once armed, says so and takes 300 ms.
std::atomic<bool> slow_info_armed{false};
HANDLE slow_info_entered = nullptr;
decltype(&::GetMailslotInfo) real_get_info = nullptr;
BOOL WINAPI slow_get_info(HANDLE slot, LPDWORD max, LPDWORD next, LPDWORD count, LPDWORD timeout) {
  if (slow_info_armed.exchange(false)) {
    ::SetEvent(slow_info_entered);
    std::this_thread::sleep_for(300ms);
  }
  return real_get_info(slot, max, next, count, timeout);
}
}  // namespace

TEST_CASE("an error met once stop() was called is not delivered", "[pool][limit][wine10]") {
  // The reader meets a message larger than the slot's maximum while it is
  // being stopped: the listening ends, silently, and the message stays.
  mailslot::server_options options;
  options.max_message_size = 16;
  auto server =
      nt_create_mailslot::create(mailslot_test::unique_slot_name("pool-stop-error"), options);
  auto client = mailslot::client::open(server.name());
  const std::string big(std::size_t{256} << 10U, 'b');  // beyond the first 4 KiB
  if (!mailslot_test::running_under_wine()) {
    SKIP("Windows refuses a message over the slot's maximum at the writer");
  }
  mailslot_test::import_hook<decltype(&::GetMailslotInfo)> hook("GetMailslotInfo", &slow_get_info);
  REQUIRE(hook.installed());
  real_get_info = hook.original();
  slow_info_entered = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  REQUIRE(slow_info_entered != nullptr);
  inbox box;
  mailslot::thread_pool_reader reader;
  reader.start(server, box.handler());
  slow_info_armed = true;
  client.write(big);  // the pending read fails for it; the reader asks its size
  REQUIRE(::WaitForSingleObject(slow_info_entered, 10000) == WAIT_OBJECT_0);
  reader.stop();  // while the callback asks; then it finds the message too large
  ::CloseHandle(slow_info_entered);
  CHECK(box.calls == 0);
  CHECK_FALSE(reader.is_running());
  CHECK(server.info().message_count == 1);
}

namespace {
// Records how many messages had been delivered at each SubmitThreadpoolWork.
std::atomic<int> batch_delivered{0};
std::mutex batch_mutex;
std::vector<int> batch_handovers;
decltype(&::SubmitThreadpoolWork) real_submit = nullptr;
VOID WINAPI recording_submit(PTP_WORK work) {
  {
    std::lock_guard<std::mutex> hold(batch_mutex);
    batch_handovers.push_back(batch_delivered.load());
  }
  real_submit(work);
}

// recording_submit in place for its lifetime, from an empty record.
class handover_recorder {
 public:
  handover_recorder() : hook_("SubmitThreadpoolWork", &recording_submit) {
    real_submit = hook_.original();
    batch_delivered = 0;
    const std::lock_guard<std::mutex> hold(batch_mutex);
    batch_handovers.clear();
  }
  [[nodiscard]] bool installed() const { return hook_.installed(); }

 private:
  mailslot_test::import_hook<decltype(&::SubmitThreadpoolWork)> hook_;
};

// start() hands the first message to a work item; each callback then
// delivers 32. (A read left pending starts a new run, so gaps may be
// shorter, never longer.)
void check_handovers() {
  std::lock_guard<std::mutex> hold(batch_mutex);
  INFO("delivered at each hand-over: " << ::Catch::Detail::stringify(batch_handovers));
  REQUIRE(batch_handovers.size() >= 2);
  CHECK(batch_handovers.front() == 0);
  int longest = 0;
  for (std::size_t i = 1; i < batch_handovers.size(); ++i) {
    const int gap = batch_handovers[i] - batch_handovers[i - 1];
    CHECK(gap <= 32);
    longest = (std::max)(longest, gap);
  }
  CHECK(longest == 32);
}
}  // namespace

TEST_CASE("one callback delivers 32 messages in a row, then a work item goes on",
          "[pool][wine10]") {
  constexpr int flood = 200;
  auto server = make_server<nt_create_mailslot>("pool-batch", mailslot::wait_forever);
  {
    auto client = mailslot::client::open(server.name());
    for (int i = 0; i < flood; ++i) {
      client.write("m" + std::to_string(i));
    }
  }
  const handover_recorder recorder;
  REQUIRE(recorder.installed());
  std::atomic<bool> in_order{true};
  mailslot::thread_pool_reader reader;
  reader.start(server, [&](const std::error_code& ec, std::string_view message) {
    if (!ec && message != "m" + std::to_string(batch_delivered.load())) {
      in_order = false;
    }
    ++batch_delivered;
  });
  for (int i = 0; i < 1000 && batch_delivered < flood; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  reader.stop();
  REQUIRE(batch_delivered == flood);
  CHECK(in_order);
  check_handovers();
}

namespace {
// Wraps every thread pool timer the program makes, to count its callbacks.
std::atomic<int> timer_callbacks{0};
PTP_TIMER_CALLBACK wrapped_timer_callback = nullptr;
decltype(&::CreateThreadpoolTimer) real_create_timer = nullptr;
VOID CALLBACK counting_timer_callback(PTP_CALLBACK_INSTANCE instance, PVOID context,
                                      PTP_TIMER timer) {
  ++timer_callbacks;
  wrapped_timer_callback(instance, context, timer);
}
PTP_TIMER WINAPI wrapping_create_timer(PTP_TIMER_CALLBACK callback, PVOID context,
                                       PTP_CALLBACK_ENVIRON environment) {
  wrapped_timer_callback = callback;  // (one kind of timer in this test: the reader's)
  return real_create_timer(&counting_timer_callback, context, environment);
}
}  // namespace

TEST_CASE("stop() ends a reader that pauses between reads of a short slot timeout",
          "[pool][wine10]") {
  mailslot_test::import_hook<decltype(&::CreateThreadpoolTimer)> hook("CreateThreadpoolTimer",
                                                                      &wrapping_create_timer);
  REQUIRE(hook.installed());
  real_create_timer = hook.original();
  auto server = make_server<nt_create_mailslot>("pool-stop-pause", 0ms);
  inbox box;
  mailslot::thread_pool_reader reader;
  for (int round = 0; round < 10; ++round) {
    reader.start(server, box.handler());
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + round * 7));  // paused, mostly
    reader.stop();
    CHECK_FALSE(reader.is_running());
    // No pause's timer fires once stop() has returned: it was cancelled.
    const int fired = timer_callbacks.load();
    std::this_thread::sleep_for(30ms);
    CHECK(timer_callbacks.load() == fired);
  }
  CHECK(timer_callbacks.load() > 0);  // (it did pause)
  mailslot::client::open(server.name()).write("after");
  std::this_thread::sleep_for(100ms);
  CHECK(box.calls == 0);
  CHECK(server.read() == "after");
}

namespace {
std::atomic<int> more_data_calls{0};
decltype(&::ReadFile) real_read_file_more = nullptr;
// The first ReadFile pends, as on an empty slot, but reports ERROR_MORE_DATA:
// the warning status for which Windows still queues a completion packet.
BOOL WINAPI first_read_says_more_data(HANDLE file, LPVOID buffer, DWORD size, LPDWORD read,
                                      LPOVERLAPPED overlapped) {
  const BOOL done = real_read_file_more(file, buffer, size, read, overlapped);
  if (++more_data_calls == 1 && done == FALSE && ::GetLastError() == ERROR_IO_PENDING) {
    ::SetLastError(ERROR_MORE_DATA);
  }
  return done;
}
}  // namespace

TEST_CASE("a read that reports ERROR_MORE_DATA is awaited through the pool, as Windows queues it",
          "[pool][wine10]") {
  // Both asynchronous readers follow one rule (detail::classify_read): a
  // warning status comes back through the completion port.
  auto server = make_server<nt_create_mailslot>("pool-more-data", mailslot::wait_forever);
  inbox box;
  mailslot::thread_pool_reader reader;
  mailslot_test::import_hook<decltype(&::ReadFile)> hook("ReadFile", &first_read_says_more_data);
  REQUIRE(hook.installed());
  real_read_file_more = hook.original();
  more_data_calls = 0;
  reader.start(server, box.handler());
  auto client = mailslot::client::open(server.name());
  client.write("one");
  client.write("two");
  client.write("three");
  REQUIRE(box.wait_for(3));
  reader.stop();
  CHECK(box.taken() == std::vector<std::string>{"one", "two", "three"});
  CHECK(box.errors.empty());
  CHECK(box.most_concurrent == 1);
  CHECK(server.info().message_count == 0);
}

namespace {
// A pool of one thread of its own, and a callback environment on it.
class one_thread_pool {
 public:
  one_thread_pool() {
    pool_ = ::CreateThreadpool(nullptr);
    REQUIRE(pool_ != nullptr);
    ::SetThreadpoolThreadMaximum(pool_, 1);
    REQUIRE(::SetThreadpoolThreadMinimum(pool_, 1) != FALSE);
    ::InitializeThreadpoolEnvironment(&environment_);
    ::SetThreadpoolCallbackPool(&environment_, pool_);
  }
  one_thread_pool(const one_thread_pool&) = delete;
  one_thread_pool& operator=(const one_thread_pool&) = delete;
  ~one_thread_pool() {
    ::DestroyThreadpoolEnvironment(&environment_);
    ::CloseThreadpool(pool_);
  }
  [[nodiscard]] const TP_CALLBACK_ENVIRON* environment() const { return &environment_; }

 private:
  PTP_POOL pool_ = nullptr;
  TP_CALLBACK_ENVIRON environment_{};
};
}  // namespace

TEST_CASE("a flooded slot does not hold the pool's thread: another slot is served meanwhile",
          "[pool][wine10]") {
  one_thread_pool pool;
  constexpr int flood = 400;
  auto flooded = make_server<nt_create_mailslot>("pool-flooded", mailslot::wait_forever);
  auto quiet = make_server<nt_create_mailslot>("pool-quiet", mailslot::wait_forever);
  {
    auto client = mailslot::client::open(flooded.name());
    for (int i = 0; i < flood; ++i) {
      client.write("flood " + std::to_string(i));
    }
  }
  std::atomic<int> flooded_seen{0};
  std::atomic<int> flooded_seen_when_quiet_served{-1};
  std::vector<std::string> in_order;
  mailslot::thread_pool_reader flooded_reader(pool.environment());
  mailslot::thread_pool_reader quiet_reader(pool.environment());
  quiet_reader.start(quiet, [&](const std::error_code& ec, std::string_view) {
    if (!ec) {
      flooded_seen_when_quiet_served = flooded_seen.load();
    }
  });
  flooded_reader.start(flooded, [&](const std::error_code& ec, std::string_view message) {
    if (!ec) {
      in_order.emplace_back(message);  // (one callback at a time)
      ++flooded_seen;
      std::this_thread::sleep_for(2ms);  // work done per message
    }
  });
  mailslot::client::open(quiet.name()).write("quiet");
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while ((flooded_seen < flood || flooded_seen_when_quiet_served < 0) &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(10ms);
  }
  flooded_reader.stop();
  quiet_reader.stop();
  REQUIRE(flooded_seen == flood);
  REQUIRE(flooded_seen_when_quiet_served >= 0);
  // The one pool thread came back to the pool between batches: the quiet
  // slot's message was delivered long before the flood was.
  CHECK(flooded_seen_when_quiet_served < flood / 2);
  for (int i = 0; i < flood; ++i) {
    REQUIRE(in_order[static_cast<std::size_t>(i)] == "flood " + std::to_string(i));
  }
}

TEST_CASE(
    "a message larger than the reader's buffer waiting at start: never delivered on the starting "
    "thread, and the batch bound still hands over",
    "[pool][wine10]") {
  // The first ReadFile fails at once for the large message (the buffer
  // grows to its size); what follows must go as after any first read.
  constexpr int small = 100;
  auto server = make_server<nt_create_mailslot>("pool-large-first", mailslot::wait_forever);
  const std::string large = pattern(100'000, 7);  // over the reader's first 4 KiB
  {
    auto client = mailslot::client::open(server.name());
    client.write(large);
    for (int i = 0; i < small; ++i) {
      client.write("m" + std::to_string(i));
    }
  }
  const handover_recorder recorder;
  REQUIRE(recorder.installed());
  const auto starter = std::this_thread::get_id();
  std::atomic<int> on_starting_thread{0};
  std::atomic<bool> in_order{true};
  mailslot::thread_pool_reader reader;
  reader.start(server, [&](const std::error_code& ec, std::string_view message) {
    if (std::this_thread::get_id() == starter) {
      ++on_starting_thread;
    }
    const int index = batch_delivered.load();
    const bool expected =
        index == 0 ? message == large : message == "m" + std::to_string(index - 1);
    if (ec || !expected) {
      in_order = false;
    }
    ++batch_delivered;
  });
  for (int i = 0; i < 1000 && batch_delivered < small + 1; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  reader.stop();
  REQUIRE(batch_delivered == small + 1);
  CHECK(in_order);
  CHECK(on_starting_thread == 0);
  check_handovers();
}

TEST_CASE("start() never runs the callback itself, even with messages waiting", "[pool][wine10]") {
  auto server = make_server<nt_create_mailslot>("pool-start-first", mailslot::wait_forever);
  auto client = mailslot::client::open(server.name());
  client.write("waiting");
  client.write("also waiting");
  inbox box;
  // A pool thread may deliver before start() returns; the calling thread,
  // which does nothing but start() and wait, never may.
  const auto starter = std::this_thread::get_id();
  std::atomic<int> on_starting_thread{0};
  auto handler = box.handler();
  mailslot::thread_pool_reader reader;
  reader.start(server, [&](const std::error_code& ec, std::string_view message) {
    if (std::this_thread::get_id() == starter) {
      ++on_starting_thread;
    }
    handler(ec, message);
  });
  REQUIRE(box.wait_for(2));
  reader.stop();
  CHECK(on_starting_thread == 0);
  CHECK(box.taken() == std::vector<std::string>{"waiting", "also waiting"});
}

TEST_CASE("a server bound on one pool is refused by a reader of another", "[pool][wine10]") {
  one_thread_pool pool;
  auto server = make_server<nt_create_mailslot>("pool-other-pool", mailslot::wait_forever);
  inbox box;
  {
    mailslot::thread_pool_reader own(pool.environment());
    own.start(server, box.handler());
    mailslot::client::open(server.name()).write("on its own pool");
    REQUIRE(box.wait_for(1));
  }
  mailslot::thread_pool_reader on_default;
  std::error_code ec;
  on_default.start(server, box.handler(), ec);
  CHECK(ec == errc::already_bound);
  mailslot::thread_pool_reader same(pool.environment());  // the same environment may come back
  same.start(server, box.handler(), ec);
  CHECK_FALSE(ec);
}

namespace {
PTP_WORK WINAPI no_work(PTP_WORK_CALLBACK, PVOID, PTP_CALLBACK_ENVIRON) {
  ::SetLastError(ERROR_NOT_ENOUGH_MEMORY);
  return nullptr;
}
}  // namespace

TEST_CASE("a reader whose work item cannot be made reports it from start(), and runs not",
          "[pool][no-work][wine10]") {
  auto server = make_server<nt_create_mailslot>("pool-no-work", mailslot::wait_forever);
  inbox box;
  mailslot::thread_pool_reader reader;
  std::error_code ec;
  {
    mailslot_test::import_hook<decltype(&::CreateThreadpoolWork)> hook("CreateThreadpoolWork",
                                                                       &no_work);
    REQUIRE(hook.installed());
    reader.start(server, box.handler(), ec);
  }
  CHECK(ec == std::error_code(ERROR_NOT_ENOUGH_MEMORY, std::system_category()));
  CHECK_FALSE(reader.is_running());
  reader.start(server, box.handler(), ec);  // made afresh once the pool can
  REQUIRE_FALSE(ec);
  mailslot::client::open(server.name()).write("now");
  REQUIRE(box.wait_for(1));
}
