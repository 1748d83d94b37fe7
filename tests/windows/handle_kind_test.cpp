// The two kinds of server handle the reading tests run on (see
// tests/support/slot_kinds.hpp), and what tells them apart.

#include <mailslot/mailslot.hpp>

#include <support/slot_kinds.hpp>
#include <support/slot_name.hpp>

#include <catch2/catch_test_macros.hpp>

#include <array>
#include <chrono>

using mailslot_test::is_asynchronous;
using mailslot_test::unique_slot_name;
using namespace std::chrono_literals;

TEST_CASE("nt_create_mailslot makes a Windows-kind handle: asynchronous, reads pend",
          "[kind][wine10]") {
  auto server = mailslot_test::make_server<mailslot_test::nt_create_mailslot>(
      "kind-windows", mailslot::wait_forever);
  REQUIRE(server);
  // FileModeInformation carries no FILE_SYNCHRONOUS_IO_* flag...
  const ULONG mode = mailslot_test::file_mode(server.native_handle());
  REQUIRE(mode != ~ULONG{0});
  CHECK((mode & 0x30U) == 0);
  CHECK(is_asynchronous(server.native_handle()));

  // ...so an overlapped ReadFile on the empty slot returns ERROR_IO_PENDING;
  // CancelIoEx ends it with ERROR_OPERATION_ABORTED.
  HANDLE event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  REQUIRE(event != nullptr);
  OVERLAPPED overlapped{};
  overlapped.hEvent = event;
  std::array<char, 16> buffer{};
  DWORD received = 0;
  const BOOL done = ::ReadFile(server.native_handle(), buffer.data(),
                               static_cast<DWORD>(buffer.size()), &received, &overlapped);
  const DWORD error = ::GetLastError();
  CHECK(done == FALSE);
  CHECK(error == ERROR_IO_PENDING);
  if (done == FALSE && error == ERROR_IO_PENDING) {
    CHECK(::CancelIoEx(server.native_handle(), &overlapped) != FALSE);
    CHECK(::GetOverlappedResult(server.native_handle(), &overlapped, &received, TRUE) == FALSE);
    CHECK(::GetLastError() == ERROR_OPERATION_ABORTED);
  }
  ::CloseHandle(event);

  // A real mailslot all the same: info, writes and reads.
  mailslot::client::open(server.name()).write("hello");
  CHECK(server.info().message_count == 1);
  CHECK(server.read() == "hello");
}

TEST_CASE("nt_create_mailslot takes the size, timeout, name rules and security of CreateMailslotW",
          "[kind][wine10]") {
  mailslot::server_options options;
  options.max_message_size = 300;
  options.read_timeout = 1234ms;
  options.security_descriptor = "D:(A;;GA;;;WD)";
  const std::string name = unique_slot_name("kind-options");
  auto server = mailslot_test::nt_create_mailslot::create(name, options);
  const auto info = server.info();
  CHECK(info.max_message_size >= 300);
  CHECK(info.read_timeout == 1234ms);
  options.read_timeout = mailslot::wait_forever;
  auto forever =
      mailslot_test::nt_create_mailslot::create(unique_slot_name("kind-forever"), options);
  CHECK(forever.info().read_timeout == mailslot::wait_forever);

  // The name is case-insensitive and shared with CreateMailslotW's namespace.
  std::string upper = name;
  for (char& c : upper) {
    c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  std::error_code ec;
  CHECK_FALSE(mailslot::server::create(upper, {}, ec));
  CHECK(ec == mailslot::condition::already_exists);
  CHECK_FALSE(mailslot_test::nt_create_mailslot::create(name, {}, ec));
  CHECK(ec == mailslot::condition::already_exists);
  mailslot::client::open(upper).write("by another spelling");
  CHECK(server.read() == "by another spelling");
}

TEST_CASE("CreateMailslotW's handle is asynchronous on Windows and synchronous under Wine 10",
          "[kind][wine10]") {
  auto server = mailslot_test::make_server<mailslot_test::server_create>("kind-created");
  // Microsoft's CreateMailslotW documentation: "asynchronous, or overlapped";
  // Wine 10 passes FILE_SYNCHRONOUS_IO_NONALERT (PLATFORM_NOTES).
  if (mailslot_test::running_under_wine()) {
    CHECK_FALSE(is_asynchronous(server.native_handle()));
  } else {
    CHECK(is_asynchronous(server.native_handle()));
  }
}
