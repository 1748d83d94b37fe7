// A program that mixes headers and the module in one file: <windows.h> and
// standard headers first, then `import mailslot;`. The declarations the
// module's global module fragment holds (the SDK's, the standard library's)
// merge with the program's own: a HANDLE from the module goes to
// GetMailslotInfo, std::error_code compares with the library's enums, a
// mailslot::name goes into a std::unordered_set.

#include <windows.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_set>

import mailslot;

namespace {

int fail(const char* what) {
  std::printf("module consumer: %s\n", what);
  return 1;
}

}  // namespace

int main() {
  const auto name = mailslot::name::local("module-test\\with-windows\\" +
                                          std::to_string(::GetCurrentProcessId()));
  // Windows' own, asynchronous handle (under Wine too), for the thread pool reader.
  mailslot::server_options options;
  options.creation = mailslot::creation::nt_create_mailslot_file;
  std::error_code ec;
  auto server = mailslot::server::create(name, options, ec);
  if (ec) {
    return fail(ec.message().c_str());
  }
  auto client = mailslot::client::open(name, ec);
  client.write("first", ec);
  client.write("second", ec);
  if (ec) {
    return fail(ec.message().c_str());
  }

  DWORD count = 0;
  if (::GetMailslotInfo(server.native_handle(), nullptr, nullptr, &count, nullptr) == FALSE ||
      count != 2) {
    return fail("GetMailslotInfo on the module's handle does not count two messages");
  }

  // The thread pool reader delivers both, in order; a Win32 event says when.
  HANDLE done = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  std::string received;
  mailslot::thread_pool_reader reader;
  reader.start(server, [&](const std::error_code& read_ec, std::string_view message) {
    if (read_ec) {
      return;
    }
    received.append(message).append(";");
    if (received == "first;second;") {
      ::SetEvent(done);
    }
  });
  const DWORD waited = ::WaitForSingleObject(done, 10000);
  reader.stop();
  ::CloseHandle(done);
  if (waited != WAIT_OBJECT_0) {
    return fail(("the thread pool reader delivered \"" + received + "\"").c_str());
  }

  // The library's codes and conditions work with the standard library's types.
  const std::error_code not_open = mailslot::errc::not_open;
  if (not_open != mailslot::make_error_code(mailslot::errc::not_open) ||
      not_open.category() != mailslot::error_category()) {
    return fail("mailslot::errc does not convert to std::error_code");
  }
  const std::error_code missing(ERROR_FILE_NOT_FOUND, std::system_category());
  if (missing != mailslot::condition::not_found) {
    return fail("ERROR_FILE_NOT_FOUND is not condition::not_found");
  }
  try {
    (void)mailslot::client::open(mailslot::name::local("module-test\\nobody-listens"));
    return fail("opening a missing slot did not throw");
  } catch (const mailslot::error& e) {
    if (e.code() != mailslot::condition::not_found) {
      return fail(e.what());
    }
  }
  std::unordered_set<mailslot::name> names{name, mailslot::name::parse(name.string())};
  if (names.size() != 1) {
    return fail("std::hash<mailslot::name> differs for equal names");
  }

  std::printf("round trip ok with mailslot %d.%d.%d\n", mailslot::version_major,
              mailslot::version_minor, mailslot::version_patch);
  return 0;
}
