// The read path under pressure: deadlines that belong to one call and never
// touch the slot's timeout, cancellation that reaches only its own read,
// several servers on one slot. Each case runs on both kinds of handle
// (tests/support/slot_kinds.hpp).

#include <mailslot/mailslot.hpp>

#include <support/import_patch.hpp>
#include <support/process.hpp>
#include <support/read_helpers.hpp>
#include <support/slot_kinds.hpp>
#include <support/slot_name.hpp>

#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

using mailslot::condition;
using mailslot::errc;
using mailslot_test::duplicate;
using mailslot_test::make_server;
using mailslot_test::slot_timeout;
using namespace std::chrono_literals;

namespace {

using clock_type = std::chrono::steady_clock;

std::chrono::milliseconds since(clock_type::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start);
}

}  // namespace

TEMPLATE_TEST_CASE("a try_read through one server leaves another server's reads alone",
                   "[server][read][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto a = make_server<TestType>("two-servers", mailslot::wait_forever);
  auto b = duplicate(a);
  std::optional<std::string> b_result{"not run"};
  std::thread b_thread([&] { b_result = b.try_read(300ms); });
  std::this_thread::sleep_for(100ms);  // b's try_read is under way
  std::thread writer([&] {
    std::this_thread::sleep_for(700ms);
    mailslot::client::open(a.name()).write("for a");
  });
  std::error_code ec;
  const std::string message = a.read(ec);  // the slot says: wait forever
  writer.join();
  b_thread.join();
  CHECK_FALSE(ec);
  CHECK(message == "for a");
  CHECK_FALSE(b_result.has_value());
  CHECK(slot_timeout(a) == MAILSLOT_WAIT_FOREVER);
}

TEMPLATE_TEST_CASE("overlapping try_reads through two servers leave the slot's timeout as it was",
                   "[server][read][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto a = make_server<TestType>("two-tries", mailslot::wait_forever);
  auto b = duplicate(a);
  // (Checked after the threads: Catch2's assertions are not made from two
  // threads at once.)
  std::optional<std::string> a_result{"not run"};
  std::optional<std::string> b_result{"not run"};
  std::thread first([&] { a_result = a.try_read(150ms); });
  std::this_thread::sleep_for(50ms);
  std::thread second([&] { b_result = b.try_read(400ms); });
  first.join();
  second.join();
  CHECK_FALSE(a_result.has_value());
  CHECK_FALSE(b_result.has_value());
  CHECK(slot_timeout(a) == MAILSLOT_WAIT_FOREVER);
}

TEMPLATE_TEST_CASE("no read of any form, with any deadline, calls SetMailslotInfo",
                   "[server][read][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  mailslot_test::set_mailslot_info_counter set_infos;
  REQUIRE(set_infos.installed());
  for (const auto own : {0ms, 5ms, 100ms, mailslot::wait_forever}) {
    INFO("the slot's own timeout: " << own.count() << " ms");
    auto server = make_server<TestType>("no-set-info", own);
    auto client = mailslot::client::open(server.name());
    set_infos.reset();
    std::array<char, 64> buffer{};
    std::string kept;
    for (const auto deadline : {0ms, 1ms, 30ms, mailslot::wait_forever}) {
      INFO("the call's deadline: " << deadline.count() << " ms");
      const bool waits_forever = deadline == mailslot::wait_forever;
      // Nothing waiting (a call that would wait forever gets a message).
      if (waits_forever) {
        client.write("x");
      }
      CHECK(server.try_read(mailslot::buffer(buffer.data(), buffer.size()), deadline).has_value() ==
            waits_forever);
      if (waits_forever) {
        client.write("x");
      }
      CHECK(server.try_read(kept, deadline).has_value() == waits_forever);
      if (waits_forever) {
        client.write("x");
      }
      CHECK(server.try_read(deadline).has_value() == waits_forever);
      if (waits_forever) {
        client.write(
            std::string(10 * 1024, 'y'));  // larger than the first offer: a second ReadFile
      }
      CHECK(server.template try_read<std::vector<std::byte>>(deadline).has_value() ==
            waits_forever);
      // A message waiting, larger than a fresh container's first offer.
      client.write(std::string(10 * 1024, 'z'));
      CHECK(server.try_read(deadline) == std::optional<std::string>(std::string(10 * 1024, 'z')));
    }
    // The plain forms, with the slot's own timeout (a message waiting, when
    // that timeout is forever).
    const bool forever = own == mailslot::wait_forever;
    std::error_code ec;
    for (int form = 0; form < 4; ++form) {
      if (forever) {
        client.write(std::string(10 * 1024, 'w'));
      }
      switch (form) {
        case 0:
          (void)server.read(mailslot::buffer(buffer.data(), buffer.size()), ec);
          CHECK((forever ? ec == condition::buffer_too_small : ec == condition::timed_out));
          if (forever) {
            (void)server.read();  // the message stays queued: take it
          }
          break;
        case 1:
          (void)server.read(kept, ec);
          break;
        case 2:
          (void)server.read(ec);
          break;
        default:
          (void)server.template read<std::vector<std::byte>>(ec);
          break;
      }
      if (form != 0) {
        CHECK((forever ? !ec : ec == condition::timed_out));
      }
    }
    CHECK(set_infos.count() == 0);
    CHECK(slot_timeout(server) ==
          (forever ? MAILSLOT_WAIT_FOREVER : static_cast<DWORD>(own.count())));
  }
}

TEMPLATE_TEST_CASE("cancel stops only its own server's read, not one through another handle",
                   "[server][cancel][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto a = make_server<TestType>("cancel-own", mailslot::wait_forever);
  auto b = duplicate(a);
  std::error_code a_error;
  std::error_code b_error;
  std::string b_message;
  std::thread a_thread([&] { (void)a.read(a_error); });
  std::thread b_thread([&] { b_message = b.read(b_error); });
  std::this_thread::sleep_for(200ms);  // both are blocked
  a.stop_reading();
  a_thread.join();
  CHECK(a_error == errc::cancelled);
  std::this_thread::sleep_for(100ms);
  mailslot::client::open(a.name()).write("for b");
  b_thread.join();
  CHECK_FALSE(b_error);
  CHECK(b_message == "for b");
}

TEMPLATE_TEST_CASE("cancel does not wait for a reader thread that is suspended",
                   "[server][cancel][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("cancel-suspended", mailslot::wait_forever);
  std::error_code read_error;
  HANDLE thread = nullptr;
  std::thread reader([&] {
    ::DuplicateHandle(::GetCurrentProcess(), ::GetCurrentThread(), ::GetCurrentProcess(), &thread,
                      0, FALSE, DUPLICATE_SAME_ACCESS);
    (void)server.read(read_error);
  });
  std::this_thread::sleep_for(200ms);  // blocked in its read
  REQUIRE(thread != nullptr);
  REQUIRE(::SuspendThread(thread) != static_cast<DWORD>(-1));
  std::atomic<bool> returned{false};
  std::thread canceller([&] {
    server.stop_reading();
    returned = true;
  });
  const auto start = clock_type::now();
  while (!returned && since(start) < 5s) {
    std::this_thread::sleep_for(10ms);
  }
  const bool returned_while_suspended = returned;
  ::ResumeThread(thread);
  canceller.join();
  reader.join();
  ::CloseHandle(thread);
  CHECK(returned_while_suspended);
  CHECK(read_error == errc::cancelled);
}

TEMPLATE_TEST_CASE("one read call waits one slot timeout in all, however many ReadFiles it takes",
                   "[server][read][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  // The owned read offers 4 KiB first; a 10 KiB message fails it with
  // ERROR_INSUFFICIENT_BUFFER, and a second reader on the slot takes the
  // message before the owned read can grow and read again. The owned read's
  // wait must still end one timeout after it began.
  constexpr auto timeout = 1000ms;
  auto a = make_server<TestType>("one-timeout", timeout);
  auto b = duplicate(a);
  std::error_code a_error;
  std::chrono::milliseconds a_waited{};
  std::thread a_thread([&] {
    const auto start = clock_type::now();
    (void)a.read(a_error);
    a_waited = since(start);
  });
  std::this_thread::sleep_for(100ms);  // a's read is queued first
  std::vector<char> big(64 * 1024);
  std::error_code b_error;
  std::size_t b_size = 0;
  std::thread b_thread([&] { b_size = b.read(mailslot::buffer(big.data(), big.size()), b_error); });
  std::this_thread::sleep_for(700ms);
  mailslot::client::open(a.name()).write(std::string(10 * 1024, 'x'));
  a_thread.join();
  b_thread.join();
  CHECK_FALSE(b_error);
  CHECK(b_size == 10 * 1024);
  CHECK(a_error == condition::timed_out);
  // One timeout (1000 ms) and some slack, not two (1800 ms).
  CHECK(a_waited < 1500ms);
}

TEMPLATE_TEST_CASE(
    "closing, moving or destroying a server while it reads is caught in debug builds",
    "[server][lifetime][process][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
#ifdef NDEBUG
  SKIP("MAILSLOT_ASSERT is assert(), which NDEBUG turns off");
#endif
  for (const wchar_t* what : {L"close", L"move", L"destroy"}) {
    const auto name = mailslot_test::unique_slot_name("misuse");
    mailslot_test::captured_process helper(
        L"mailslot_test_helper.exe",
        {L"while-reading", what, TestType::id, std::wstring(name.begin(), name.end())});
    REQUIRE(helper.started());
    const int code = helper.wait();
    INFO(helper.output());
    CHECK(code == 3);  // abort()
    CHECK(helper.output().find("while another thread read from it") != std::string::npos);
  }
}

TEMPLATE_TEST_CASE("a try_read longer than the slot's timeout reads again at most every 10 ms",
                   "[server][read][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  mailslot_test::read_file_counter read_files;
  REQUIRE(read_files.installed());
  for (const auto own : {0ms, 1ms, 20ms}) {
    INFO("the slot's own timeout: " << own.count() << " ms");
    auto server = make_server<TestType>("rereads", own);

    // Nothing arrives: the call waits its whole deadline, reading again each
    // time the slot's timeout ends a ReadFile, but no sooner than 10 ms
    // after the one before started.
    read_files.reset();
    auto start = clock_type::now();
    CHECK_FALSE(server.try_read(400ms).has_value());
    auto elapsed = clock_type::now() - start;
    CHECK(elapsed >= 400ms);
    CHECK(read_files.count() <= mailslot_test::most_rereads(elapsed));
    CHECK(read_files.count() >= 2);  // (the slot's timeout ended the first)
    CHECK(slot_timeout(server) == static_cast<DWORD>(own.count()));

    // A message that arrives meanwhile is returned, long before the deadline.
    read_files.reset();
    std::thread writer([&] {
      std::this_thread::sleep_for(150ms);
      mailslot::client::open(server.name()).write("meanwhile");
    });
    start = clock_type::now();
    const auto message = server.try_read(20s);
    elapsed = clock_type::now() - start;
    writer.join();
    CHECK(message == std::optional<std::string>("meanwhile"));
    CHECK(elapsed < 10s);
    CHECK(read_files.count() <= mailslot_test::most_rereads(elapsed));
    CHECK(slot_timeout(server) == static_cast<DWORD>(own.count()));
  }
}

TEMPLATE_TEST_CASE("a try_read shorter than the slot's timeout ends at its own deadline",
                   "[server][read][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  mailslot_test::read_file_counter read_files;
  REQUIRE(read_files.installed());
  for (const std::chrono::milliseconds own : {mailslot::wait_forever, 60000ms}) {
    auto server = make_server<TestType>("own-deadline", own);
    for (const auto deadline : {0ms, 3ms, 150ms}) {
      INFO("the slot's timeout " << own.count() << " ms, the call's deadline " << deadline.count()
                                 << " ms");
      read_files.reset();
      const auto start = clock_type::now();
      CHECK_FALSE(server.try_read(deadline).has_value());
      const auto elapsed = clock_type::now() - start;
      CHECK(elapsed >= deadline);
      CHECK(elapsed < 30s);            // (not the slot's timeout)
      CHECK(read_files.count() <= 2);  // one ReadFile, ended by the call; maybe one last look
    }
    // The server reads on as before: the call's end touched no later read.
    mailslot::client::open(server.name()).write("after");
    CHECK(server.read() == "after");
    CHECK(
        slot_timeout(server) ==
        (own == mailslot::wait_forever ? MAILSLOT_WAIT_FOREVER : static_cast<DWORD>(own.count())));
  }
}

namespace {
// SetThreadpoolTimer, once armed, firing at half of every relative due time
// it is given: a timer that comes early by the steady clock.
std::atomic<bool> timers_early{false};
std::atomic<int> early_timers{0};
decltype(&::SetThreadpoolTimer) real_set_timer = nullptr;
VOID WINAPI early_set_timer(PTP_TIMER timer, PFILETIME due, DWORD period, DWORD window) {
  if (timers_early && due != nullptr) {
    ULARGE_INTEGER when{};
    when.LowPart = due->dwLowDateTime;
    when.HighPart = due->dwHighDateTime;
    const auto relative = static_cast<LONGLONG>(when.QuadPart);
    if (relative < -1) {
      ++early_timers;
      when.QuadPart = static_cast<ULONGLONG>(relative / 2);
      FILETIME half{};
      half.dwLowDateTime = when.LowPart;
      half.dwHighDateTime = when.HighPart;
      real_set_timer(timer, &half, period, window);
      return;
    }
  }
  real_set_timer(timer, due, period, window);
}
}  // namespace

TEMPLATE_TEST_CASE(
    "a try_read waits its whole deadline by the steady clock, if its timer comes early",
    "[server][read][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  // (The timer ends the ReadFile of a synchronous handle; an asynchronous
  // handle's read waits with a timeout of its own, and sets no timer.)
  mailslot_test::import_hook<decltype(&::SetThreadpoolTimer)> hook("SetThreadpoolTimer",
                                                                   &early_set_timer);
  REQUIRE(hook.installed());
  real_set_timer = hook.original();
  auto server = make_server<TestType>("early-timer", mailslot::wait_forever);
  early_timers = 0;
  timers_early = true;
  const auto start = clock_type::now();
  const auto none = server.try_read(200ms);
  const auto elapsed = clock_type::now() - start;
  timers_early = false;
  CHECK_FALSE(none.has_value());
  CHECK(elapsed >= 200ms);
  if (!mailslot_test::is_asynchronous(server.native_handle())) {
    CHECK(early_timers >= 2);  // set again for the rest
  }
  mailslot::client::open(server.name()).write("after");
  CHECK(server.read() == "after");
}

TEST_CASE("a read that a CancelIoEx from outside the library ends reports it, and takes nothing",
          "[server][read][wine10]") {
  // Windows' kind of handle: its ReadFile pends, and another thread cancels
  // every I/O of the handle (CancelIoEx with no OVERLAPPED).
  auto server =
      make_server<mailslot_test::nt_create_mailslot>("outside-cancel", mailslot::wait_forever);
  std::error_code ec;
  std::atomic<bool> returned{false};
  std::thread reader([&] {
    (void)server.read(ec);
    returned = true;
  });
  bool cancelled = false;
  while (!returned) {  // (until the read is waiting)
    std::this_thread::sleep_for(50ms);
    cancelled = ::CancelIoEx(server.native_handle(), nullptr) != FALSE || cancelled;
  }
  reader.join();
  CHECK(cancelled);
  CHECK(ec == std::error_code(ERROR_OPERATION_ABORTED, std::system_category()));
  CHECK(ec != errc::cancelled);  // not the library's cancel()
  mailslot::client::open(server.name()).write("after");
  CHECK(server.read() == "after");
}

namespace {
// WaitForMultipleObjects that, once armed, runs `during_wait` and then says
// that the time ran out.
std::function<void()> during_wait;
decltype(&::WaitForMultipleObjects) real_wait_for_multiple = nullptr;
DWORD WINAPI timing_out_wait(DWORD count, const HANDLE* handles, BOOL all, DWORD ms) {
  if (auto act = std::exchange(during_wait, nullptr)) {
    act();
    return WAIT_TIMEOUT;
  }
  return real_wait_for_multiple(count, handles, all, ms);
}
}  // namespace

TEST_CASE("a stop_reading() that comes as the deadline ends a read reports cancelled",
          "[server][read][wine10]") {
  // Windows' kind of handle, whose pending ReadFile is awaited: the wait
  // ends for the deadline while stop_reading() has come too. The read says
  // cancelled, not "no message in time", and takes nothing.
  auto server =
      make_server<mailslot_test::nt_create_mailslot>("stop-at-deadline", mailslot::wait_forever);
  mailslot_test::import_hook<decltype(&::WaitForMultipleObjects)> hook("WaitForMultipleObjects",
                                                                       &timing_out_wait);
  REQUIRE(hook.installed());
  real_wait_for_multiple = hook.original();
  during_wait = [&] { server.stop_reading(); };
  std::error_code ec;
  const auto none = server.try_read(10s, ec);
  during_wait = nullptr;
  CHECK(ec == errc::cancelled);
  CHECK_FALSE(none.has_value());
  server.resume_reading();
  mailslot::client::open(server.name()).write("after");
  CHECK(server.read() == "after");
}

TEMPLATE_TEST_CASE("a try_read's deadline never ends a later read of the same thread",
                   "[server][read][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  // On a synchronous handle a timer ends the blocked ReadFile at the
  // deadline. Here each try_read gets a waiting message at once, long before
  // its deadline; the plain read after it (the slot waits forever) waits for
  // a message written later. A timer still due would end that read
  // (ERROR_OPERATION_ABORTED, or a timeout with the message still queued):
  // its OVERLAPPED is on the stack, where the try_read's was.
  auto server = make_server<TestType>("late-timer", mailslot::wait_forever);
  auto client = mailslot::client::open(server.name());
  for (int i = 0; i < 30; ++i) {
    INFO("round " << i);
    client.write("t" + std::to_string(i));
    CHECK(server.try_read(std::chrono::milliseconds(5 + i % 3 * 10)) ==
          std::optional<std::string>("t" + std::to_string(i)));
    std::thread writer([&] {
      std::this_thread::sleep_for(40ms);  // after the try_read's deadline
      client.write("m" + std::to_string(i));
    });
    std::error_code ec;
    const std::string message = server.read(ec);
    writer.join();
    REQUIRE_FALSE(ec);
    REQUIRE(message == "m" + std::to_string(i));
  }
}

TEMPLATE_TEST_CASE("a set_read_timeout through one server during reads through another sticks",
                   "[server][read][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto a = make_server<TestType>("timeout-sticks", 0ms);
  auto b = duplicate(a);
  std::atomic<bool> done{false};
  std::thread reader([&] {
    int i = 0;
    while (!done) {
      const auto deadline = std::chrono::milliseconds((i++ % 4) * 7);  // 0, 7, 14, 21 ms
      (void)a.try_read(deadline);
    }
  });
  int undone = 0;
  const DWORD values[] = {1, 2, 250, MAILSLOT_WAIT_FOREVER, 0};
  for (int i = 0; i < 400; ++i) {
    const DWORD value = values[i % 5];
    b.set_read_timeout(value == MAILSLOT_WAIT_FOREVER ? mailslot::wait_forever
                                                      : std::chrono::milliseconds(value));
    std::this_thread::sleep_for(1ms);
    if (slot_timeout(b) != value) {
      ++undone;
    }
  }
  done = true;
  reader.join();
  CHECK(undone == 0);
}

TEMPLATE_TEST_CASE("a read through one server never shows another server's deadline",
                   "[server][read][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  // The slot says: return at once. One server waits with deadlines of its
  // own; the other's plain reads and the slot's timeout must not see them.
  auto a = make_server<TestType>("no-deadline-seen", 0ms);
  auto b = duplicate(a);
  std::atomic<bool> done{false};
  std::thread waiter([&] {
    std::error_code a_error;
    while (!done) {
      (void)a.try_read(2s, a_error);
    }
  });
  std::chrono::milliseconds longest{0};
  int other_values = 0;
  std::error_code ec;
  for (int i = 0; i < 100; ++i) {
    const auto start = clock_type::now();
    (void)b.read(ec);
    longest = (std::max)(longest, since(start));
    CHECK(ec == condition::timed_out);
    if (b.info().read_timeout != 0ms) {
      ++other_values;
    }
    std::this_thread::sleep_for(2ms);
  }
  done = true;
  a.stop_reading();
  waiter.join();
  CHECK(other_values == 0);
  CHECK(longest < 1s);  // (the slot's 0, with scheduling noise; never a's 2 s)
}

namespace {
// Records the object a short wait (1 to 10 ms: a pause between two ReadFiles)
// waits on.
std::atomic<HANDLE> paused_on{nullptr};
decltype(&::WaitForSingleObject) real_wait_one = nullptr;
DWORD WINAPI recording_wait_one(HANDLE object, DWORD ms) {
  if (ms >= 1 && ms <= 10) {
    paused_on = object;
  }
  return real_wait_one(object, ms);
}
}  // namespace

TEMPLATE_TEST_CASE("cancel ends a try_read that is pausing between two ReadFiles",
                   "[server][cancel][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("cancel-pause", 0ms);
  mailslot_test::import_hook<decltype(&::WaitForSingleObject)> hook("WaitForSingleObject",
                                                                    &recording_wait_one);
  REQUIRE(hook.installed());
  real_wait_one = hook.original();
  paused_on = nullptr;
  std::error_code ec;
  std::optional<std::string> message{"not run"};
  std::thread reader([&] { message = server.try_read(mailslot::wait_forever, ec); });
  std::this_thread::sleep_for(200ms);  // reading again every 10 ms
  const HANDLE pause = paused_on.load();
  REQUIRE(pause != nullptr);
  CHECK(real_wait_one(pause, 0) == WAIT_TIMEOUT);
  server.stop_reading();
  // The pause waits on what cancel() signals: it ends at once.
  CHECK(real_wait_one(pause, 0) == WAIT_OBJECT_0);
  reader.join();
  CHECK(ec == errc::cancelled);
  CHECK_FALSE(message.has_value());
  server.resume_reading();
  mailslot::client::open(server.name()).write("kept");
  CHECK(server.try_read(mailslot::wait_forever) == std::optional<std::string>("kept"));
}

namespace {
// A ReadFile that waits before it enters the real one, while `slow_reads` is set.
std::atomic<bool> slow_reads{false};
std::atomic<bool> in_slow_read{false};
std::atomic<bool> slow_read_entered{false};
decltype(&::ReadFile) real_read_file = nullptr;
BOOL WINAPI slow_read_file(HANDLE file, LPVOID buffer, DWORD size, LPDWORD read,
                           LPOVERLAPPED overlapped) {
  if (slow_reads.exchange(false)) {
    in_slow_read = true;
    std::this_thread::sleep_for(300ms);
    in_slow_read = false;
    slow_read_entered = true;
  }
  return real_read_file(file, buffer, size, read, overlapped);
}
}  // namespace

TEMPLATE_TEST_CASE("cancel returns at once while the reader is about to enter its ReadFile",
                   "[server][cancel][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("cancel-before-read", mailslot::wait_forever);
  mailslot_test::import_hook<decltype(&::ReadFile)> hook("ReadFile", &slow_read_file);
  REQUIRE(hook.installed());
  real_read_file = hook.original();
  slow_read_entered = false;
  slow_reads = true;
  std::error_code ec;
  std::thread reader([&] { (void)server.read(ec); });
  while (!in_slow_read && !slow_read_entered) {
    std::this_thread::sleep_for(1ms);
  }
  server.stop_reading();
  const bool returned_before_the_read = !slow_read_entered;
  reader.join();
  CHECK(returned_before_the_read);
  CHECK(ec == errc::cancelled);  // reached once it was inside
}

TEMPLATE_TEST_CASE(
    "a cancel that resume takes back before the read begins never ends it as a timeout",
    "[server][cancel][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("cancel-taken-back", mailslot::wait_forever);
  mailslot_test::import_hook<decltype(&::ReadFile)> hook("ReadFile", &slow_read_file);
  REQUIRE(hook.installed());
  real_read_file = hook.original();
  slow_read_entered = false;
  slow_reads = true;
  std::error_code ec;
  std::string message;
  std::thread reader([&] { message = server.read(ec); });
  while (!in_slow_read && !slow_read_entered) {
    std::this_thread::sleep_for(1ms);
  }
  server.stop_reading();  // (the reader has not entered its ReadFile yet)
  server.resume_reading();
  while (!slow_read_entered) {
    std::this_thread::sleep_for(1ms);
  }
  std::this_thread::sleep_for(50ms);
  mailslot::client::open(server.name()).write("after all");
  reader.join();
  // Either the cancel reached it, or the read goes on; never a timeout on a
  // slot that waits forever.
  CHECK((ec == errc::cancelled || (!ec && message == "after all")));
  CHECK(ec != condition::timed_out);
}

namespace {
// SetEvent that, once armed, lets resume_reading() run first if it can: it
// says it has begun, and waits up to 200 ms for the resume to have happened.
std::atomic<bool> stop_in_set_event_armed{false};
std::atomic<bool> stop_in_set_event{false};
std::atomic<bool> resumed_meanwhile{false};
decltype(&::SetEvent) real_set_event = nullptr;
BOOL WINAPI yielding_set_event(HANDLE event) {
  if (stop_in_set_event_armed.exchange(false)) {
    stop_in_set_event = true;
    for (int i = 0; i < 200 && !resumed_meanwhile; ++i) {
      std::this_thread::sleep_for(1ms);
    }
  }
  return real_set_event(event);
}
}  // namespace

TEMPLATE_TEST_CASE("stop_reading and resume_reading from two threads leave one state, whole",
                   "[server][cancel][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  // resume_reading() comes while stop_reading() is between its flag and its
  // event. Either waits for the other (then the resume is the last word), or
  // the resume would leave the event set with reading resumed, and the next
  // read would end as cancelled.
  auto server = make_server<TestType>("stop-resume-race", mailslot::wait_forever);
  auto client = mailslot::client::open(server.name());
  std::error_code ec;
  (void)server.try_read(0ms, ec);  // (the read's events exist)
  mailslot_test::import_hook<decltype(&::SetEvent)> hook("SetEvent", &yielding_set_event);
  REQUIRE(hook.installed());
  real_set_event = hook.original();
  stop_in_set_event = false;
  resumed_meanwhile = false;
  stop_in_set_event_armed = true;
  std::thread stopper([&] { server.stop_reading(); });
  std::thread resumer([&] {
    while (!stop_in_set_event) {
      std::this_thread::sleep_for(1ms);
    }
    server.resume_reading();
    resumed_meanwhile = true;
  });
  stopper.join();
  resumer.join();
  CHECK_FALSE(server.is_reading_stopped());
  const auto none = server.try_read(20ms, ec);
  CHECK_FALSE(ec);  // (not errc::cancelled)
  CHECK_FALSE(none.has_value());
  client.write("m");
  CHECK(server.try_read(mailslot::wait_forever, ec) == std::optional<std::string>("m"));
  CHECK_FALSE(ec);
}

TEMPLATE_TEST_CASE("overlapping try_reads on a slot of timeout 0 leave its timeout as it was",
                   "[server][read][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto a = make_server<TestType>("two-tries-zero", 0ms);
  auto b = duplicate(a);
  // (Counted in the threads, checked after them: Catch2's assertions are
  // not made from two threads at once.)
  std::atomic<int> found{0};
  std::thread first([&] {
    for (int i = 0; i < 20; ++i) {
      found += a.try_read(30ms).has_value() ? 1 : 0;
    }
  });
  std::thread second([&] {
    for (int i = 0; i < 20; ++i) {
      found += b.try_read(40ms).has_value() ? 1 : 0;
    }
  });
  first.join();
  second.join();
  CHECK(found == 0);
  CHECK(slot_timeout(a) == 0);
}

TEMPLATE_TEST_CASE("reading a deep queue asks GetMailslotInfo a few times, not once a message",
                   "[server][read][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  // Wine's GetMailslotInfo counts the queue, so a read that asked it once a
  // message would cost more the deeper the queue. Each form reads 100
  // messages of one size from a queue of hundreds.
  auto server = make_server<TestType>("deep-queue", mailslot::wait_forever);
  auto client = mailslot::client::open(server.name());
  const std::string message(100, 'q');
  for (int i = 0; i < 600; ++i) {
    client.write(message);
  }
  mailslot_test::get_mailslot_info_counter info;
  REQUIRE(info.installed());
  std::string kept;
  std::array<char, 256> buffer{};
  const std::pair<const char*, std::function<bool()>> forms[] = {
      {"read<std::string>", [&] { return server.read() == message; }},
      {"read(container)", [&] { return server.read(kept) == message.size() && kept == message; }},
      {"read(buffer)",
       [&] { return server.read(mailslot::buffer(buffer.data(), buffer.size())) == 100; }},
      {"try_read(1s)", [&] { return server.try_read(1s) == std::optional<std::string>(message); }},
      {"try_read(0ms)",
       [&] { return server.try_read(0ms) == std::optional<std::string>(message); }},
      {"try_read(buffer, 1s)",
       [&] {
         return server.try_read(mailslot::buffer(buffer.data(), buffer.size()), 1s) ==
                std::optional<std::size_t>(100);
       }},
  };
  for (const auto& [name, read_one] : forms) {
    INFO(name);
    info.reset();
    int read = 0;
    for (int i = 0; i < 100; ++i) {
      read += read_one() ? 1 : 0;
    }
    CHECK(read == 100);
    CHECK(info.count() <= 2);
  }
}

TEST_CASE("a timeout is ERROR_SEM_TIMEOUT of the system category only", "[server]") {
  CHECK(mailslot::detail::is_timeout(std::error_code(ERROR_SEM_TIMEOUT, std::system_category())));
  CHECK_FALSE(
      mailslot::detail::is_timeout(std::error_code(ERROR_SEM_TIMEOUT, std::generic_category())));
  CHECK_FALSE(mailslot::detail::is_timeout(std::error_code(ERROR_TIMEOUT, std::system_category())));
}
