// The read path under pressure: timeouts that belong to one call, cancellation
// that reaches only its own read, messages that survive failed system calls,
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

#include <array>
#include <atomic>
#include <chrono>
#include <string>
#include <system_error>
#include <thread>
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
  if (!mailslot_test::is_asynchronous(a.native_handle())) {
    SKIP(
        "a synchronous handle has only the slot's timeout, which every handle shares "
        "(documented at server::try_read)");
  }
  auto b = duplicate(a);
  std::optional<std::string> b_result{"not run"};
  std::thread b_thread([&] { b_result = b.try_read_string(300ms); });
  std::this_thread::sleep_for(100ms);  // b's try_read is under way
  std::thread writer([&] {
    std::this_thread::sleep_for(700ms);
    mailslot::client::open(a.name()).write("for a");
  });
  std::error_code ec;
  const std::string message = a.read_string(ec);  // the slot says: wait forever
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
  if (!mailslot_test::is_asynchronous(a.native_handle())) {
    SKIP(
        "a synchronous handle has only the slot's timeout, which every handle shares "
        "(documented at server::try_read)");
  }
  auto b = duplicate(a);
  std::thread first([&] { CHECK_FALSE(a.try_read_string(150ms).has_value()); });
  std::this_thread::sleep_for(50ms);
  std::thread second([&] { CHECK_FALSE(b.try_read_string(400ms).has_value()); });
  first.join();
  second.join();
  CHECK(slot_timeout(a) == MAILSLOT_WAIT_FOREVER);
}

namespace {
std::atomic<int> set_info_calls{0};
std::atomic<int> fail_set_info_call{0};  // fail the Nth SetMailslotInfo (0: none)
decltype(&::SetMailslotInfo) real_set_info = nullptr;
BOOL WINAPI failing_set_info(HANDLE handle, DWORD timeout) {
  if (++set_info_calls == fail_set_info_call.load()) {
    ::SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return FALSE;
  }
  return real_set_info(handle, timeout);
}
}  // namespace

TEMPLATE_TEST_CASE("a try_read that cannot put the slot's timeout back still returns its message",
                   "[server][read][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto server = make_server<TestType>("restore-fails", mailslot::wait_forever);
  mailslot::client::open(server.name()).write("taken");
  mailslot_test::import_hook<decltype(&::SetMailslotInfo)> hook("SetMailslotInfo",
                                                                &failing_set_info);
  REQUIRE(hook.installed());
  real_set_info = hook.original();
  set_info_calls = 0;
  fail_set_info_call = 2;  // the one that puts the slot's timeout back
  std::optional<std::string> message;
  CHECK_NOTHROW(message = server.try_read_string(100ms));
  CHECK(message == std::optional<std::string>("taken"));
  fail_set_info_call = 0;
  // The next call puts it back before it reads.
  CHECK_FALSE(server.try_read_string(0ms).has_value());
  CHECK(slot_timeout(server) == MAILSLOT_WAIT_FOREVER);
}

TEMPLATE_TEST_CASE("cancel stops only its own server's read, not one through another handle",
                   "[server][cancel][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto a = make_server<TestType>("cancel-own", mailslot::wait_forever);
  auto b = duplicate(a);
  std::error_code a_error;
  std::error_code b_error;
  std::string b_message;
  std::thread a_thread([&] { (void)a.read_string(a_error); });
  std::thread b_thread([&] { b_message = b.read_string(b_error); });
  std::this_thread::sleep_for(200ms);  // both are blocked
  a.cancel();
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
    (void)server.read_string(read_error);
  });
  std::this_thread::sleep_for(200ms);  // blocked in its read
  REQUIRE(thread != nullptr);
  REQUIRE(::SuspendThread(thread) != static_cast<DWORD>(-1));
  std::atomic<bool> returned{false};
  std::thread canceller([&] {
    server.cancel();
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
    (void)a.read_string(a_error);
    a_waited = since(start);
  });
  std::this_thread::sleep_for(100ms);  // a's read is queued first
  std::vector<char> big(64 * 1024);
  std::error_code b_error;
  std::size_t b_size = 0;
  std::thread b_thread([&] { b_size = b.read(big.data(), big.size(), b_error); });
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

TEMPLATE_TEST_CASE("a try_read waits without polling, whatever the slot's own timeout",
                   "[server][read][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  mailslot_test::read_file_counter read_files;
  REQUIRE(read_files.installed());
  for (const auto own : {0ms, 20ms}) {
    INFO("the slot's own timeout: " << own.count() << " ms");
    auto server = make_server<TestType>("no-polling", own);

    // Nothing arrives: one ReadFile that ends the call's way, not one per slot
    // timeout (a few at most: the first, and one the slot's timeout ended).
    read_files.reset();
    CHECK_FALSE(server.try_read_string(400ms).has_value());
    CHECK(read_files.count() <= 3);
    CHECK(slot_timeout(server) == static_cast<DWORD>(own.count()));

    // A message that arrives meanwhile is returned when it arrives.
    read_files.reset();
    std::thread writer([&] {
      std::this_thread::sleep_for(150ms);
      mailslot::client::open(server.name()).write("meanwhile");
    });
    const auto start = clock_type::now();
    const auto message = server.try_read_string(20s);
    const auto waited = since(start);
    writer.join();
    CHECK(message == std::optional<std::string>("meanwhile"));
    CHECK(waited < 10s);  // (long before the call's own deadline)
    CHECK(read_files.count() <= 3);
    CHECK(slot_timeout(server) == static_cast<DWORD>(own.count()));
  }
}

TEMPLATE_TEST_CASE("overlapping try_reads on a slot of timeout 0 leave its timeout as it was",
                   "[server][read][wine10]", MAILSLOT_TEST_SLOT_KINDS) {
  auto a = make_server<TestType>("two-tries-zero", 0ms);
  if (!mailslot_test::is_asynchronous(a.native_handle())) {
    SKIP(
        "a synchronous handle has only the slot's timeout, which every handle shares "
        "(documented at server::try_read)");
  }
  auto b = duplicate(a);
  std::thread first([&] {
    for (int i = 0; i < 20; ++i) {
      CHECK_FALSE(a.try_read_string(30ms).has_value());
    }
  });
  std::thread second([&] {
    for (int i = 0; i < 20; ++i) {
      CHECK_FALSE(b.try_read_string(40ms).has_value());
    }
  });
  first.join();
  second.join();
  CHECK(slot_timeout(a) == 0);
}
