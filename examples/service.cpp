// service: listens on two slots at once without a thread of its own, the way a
// Windows service would: each slot's messages arrive on the Windows thread pool
// (mailslot::thread_pool_reader). Ctrl+C stops it.
//
//   service NAME1 NAME2
//
// The thread pool needs an asynchronous handle. Windows' CreateMailslotW
// gives one; Wine's gives a synchronous one, so the slots are created the way
// Windows' kernel32 creates them (server_options::creation), which gives the
// same asynchronous handle on Windows and under Wine alike.

#include <mailslot/mailslot.hpp>
#include <mailslot/thread_pool_reader.hpp>

#include <windows.h>

#include <array>
#include <cstddef>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>

namespace {

HANDLE interrupted = nullptr;  // set by Ctrl+C

BOOL WINAPI on_console_event(DWORD event) {
  if (event == CTRL_C_EVENT || event == CTRL_BREAK_EVENT) {
    ::SetEvent(interrupted);
    return TRUE;
  }
  return FALSE;
}

std::mutex output;

void print(const mailslot::name& slot, std::string_view message) {
  std::lock_guard<std::mutex> hold(output);
  std::printf("service: %s: %.*s\n", slot.string().c_str(), static_cast<int>(message.size()),
              message.data());
  std::fflush(stdout);
}

// One slot, read on the thread pool.
struct listener {
  mailslot::server server;
  mailslot::thread_pool_reader reader;

  void start(std::error_code& ec) {
    const mailslot::name& slot = server.name();
    reader.start(
        server,
        [&slot](const std::error_code& error, std::string_view message) {
          if (error) {  // the reader has stopped
            std::lock_guard<std::mutex> hold(output);
            std::fprintf(stderr, "service: %s: stopped listening: %s\n", slot.string().c_str(),
                         error.message().c_str());
            return;
          }
          print(slot, message);
        },
        ec);
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: service NAME1 NAME2\n");
    return 2;
  }
  interrupted = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  // Ctrl+C on, even if this program was started with it ignored (a parent
  // that ignored it, or a new process group): it is how the program stops.
  ::SetConsoleCtrlHandler(nullptr, FALSE);
  ::SetConsoleCtrlHandler(&on_console_event, TRUE);

  std::array<listener, 2> listeners;
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    const char* slot = argv[i + 1];
    std::error_code ec;
    mailslot::server_options options;
    options.creation = mailslot::creation::nt_create_mailslot_file;  // asynchronous everywhere
    listeners[i].server = mailslot::server::create(std::string_view(slot), options, ec);
    if (!ec) {
      listeners[i].start(ec);
    }
    if (ec) {
      std::fprintf(stderr, "service: %s: %s\n", slot, ec.message().c_str());
      return 1;
    }
  }
  std::printf("service: listening on %s and %s on the thread pool (Ctrl+C stops)\n", argv[1],
              argv[2]);
  std::fflush(stdout);

  ::WaitForSingleObject(interrupted, INFINITE);
  for (auto& each : listeners) {
    each.reader.stop();  // after this, no callback runs
  }
  std::printf("service: stopped\n");
  return 0;
}
