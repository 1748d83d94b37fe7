// mailslot_test_helper: the second process of the Windows tests.
//
//   write NAME COUNT TAG      open NAME, write COUNT messages "TAG:<i>"
//   read-handle HANDLE TEXT   adopt the inherited server HANDLE (decimal), read
//                             one message within 5 s and compare it with TEXT
//   stream NAME WRITER COUNT  write COUNT checked messages as writer WRITER
//                             (tests/support/stream_message.hpp)
//   while-reading WHAT KIND NAME
//                             create NAME (KIND: server_create or
//                             nt_create_mailslot), start a read in a thread,
//                             then WHAT: close, move or destroy the server
//                             while it reads (debug builds stop with
//                             MAILSLOT_ASSERT: abort, exit code 3)
//
// Exit codes: 0 success, 2 usage, 3 open failed, 4 write/read failed,
// 5 message differs.

#include <mailslot/mailslot.hpp>

#include <support/slot_kinds.hpp>
#include <support/stream_message.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <system_error>
#include <thread>

namespace {

int write_messages(const char* slot, long count, const std::string& tag) {
  std::error_code ec;
  auto client = mailslot::client::open(std::string_view(slot), ec);
  if (ec) {
    std::fprintf(stderr, "helper: open %s: %s\n", slot, ec.message().c_str());
    return 3;
  }
  for (long i = 0; i < count; ++i) {
    client.write(tag + ":" + std::to_string(i), ec);
    if (ec) {
      std::fprintf(stderr, "helper: write %ld: %s\n", i, ec.message().c_str());
      return 4;
    }
  }
  return 0;
}

int read_inherited(const char* handle_text, const std::string& expected) {
  const auto value = static_cast<std::uintptr_t>(std::strtoull(handle_text, nullptr, 10));
  auto server = mailslot::server::adopt(reinterpret_cast<HANDLE>(value));
  std::error_code ec;
  const auto message = server.try_read(std::chrono::seconds(5), ec);
  if (ec || !message) {
    std::fprintf(stderr, "helper: read from inherited handle: %s\n",
                 ec ? ec.message().c_str() : "timed out");
    return 4;
  }
  return *message == expected ? 0 : 5;
}

int stream(const char* slot, unsigned long writer, unsigned long count) {
  std::error_code ec;
  auto client = mailslot::client::open(std::string_view(slot), ec);
  if (ec) {
    std::fprintf(stderr, "helper: open %s: %s\n", slot, ec.message().c_str());
    return 3;
  }
  std::mt19937 random(static_cast<std::mt19937::result_type>(writer * 7919 + 17));
  for (unsigned long i = 0; i < count; ++i) {
    const auto message = mailslot_test::make_stream_message(static_cast<std::uint32_t>(writer),
                                                            static_cast<std::uint32_t>(i), random);
    client.write(message.data(), message.size(), ec);
    if (ec) {
      std::fprintf(stderr, "helper: write %lu: %s\n", i, ec.message().c_str());
      return 4;
    }
  }
  return 0;
}

int while_reading(const std::string& what, const std::string& kind, const char* slot) {
  const auto options = mailslot_test::with_timeout(mailslot::wait_forever);
  std::optional<mailslot::server> server;
  if (kind == "nt_create_mailslot") {
    server = mailslot_test::nt_create_mailslot::create(slot, options);
  } else {
    server = mailslot_test::server_create::create(slot, options);
  }
  std::thread reader([&] {
    std::error_code ec;
    (void)server->read(ec);
  });
  ::Sleep(300);  // the reader is blocked in its read
  if (what == "close") {
    server->close();
  } else if (what == "move") {
    mailslot::server other = std::move(*server);
  } else if (what == "destroy") {
    server.reset();
  } else {
    return 2;
  }
  std::fprintf(stderr, "helper: the server was changed under its reader unnoticed\n");
  std::fflush(stderr);
  ::ExitProcess(0);  // the reader may be stuck: end here
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "write" && argc == 5) {
    return write_messages(argv[2], std::strtol(argv[3], nullptr, 10), argv[4]);
  }
  if (command == "stream" && argc == 5) {
    return stream(argv[2], std::strtoul(argv[3], nullptr, 10), std::strtoul(argv[4], nullptr, 10));
  }
  if (command == "read-handle" && argc == 4) {
    return read_inherited(argv[2], argv[3]);
  }
  if (command == "while-reading" && argc == 5) {
    return while_reading(argv[2], argv[3], argv[4]);
  }
  std::fprintf(stderr,
               "usage: mailslot_test_helper write NAME COUNT TAG | read-handle HANDLE TEXT | "
               "stream NAME WRITER COUNT | while-reading WHAT KIND NAME\n");
  return 2;
}
