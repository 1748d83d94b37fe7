// asio_service: two mailslots and a timer served by one Asio io_context on
// one thread, with C++20 coroutines (mailslot/asio.hpp). Each message is
// printed as it arrives; a slot that has gone quiet for REPORT_MS after a
// message says so (a read with a deadline: async_try_read); the timer reports
// how many have arrived. Ctrl+C stops it.
//
//   asio_service NAME1 NAME2 [REPORT_MS]     (REPORT_MS: the timer's period, default 1000)
//
// The io_context's completion port needs an asynchronous handle. Windows'
// CreateMailslotW gives one; Wine's gives a synchronous one, so the slots are
// created the way Windows' kernel32 creates them (server_options::creation),
// which gives the same asynchronous handle on Windows and under Wine alike.

#include <mailslot/asio.hpp>  // first: Asio must come before <windows.h>

#include <asio/as_tuple.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <mailslot/mailslot.hpp>

#include <windows.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>

namespace {

asio::io_context* running = nullptr;  // for the console handler

BOOL WINAPI on_console_event(DWORD event) {
  if (event == CTRL_C_EVENT || event == CTRL_BREAK_EVENT) {
    running->stop();  // io_context::stop() may come from any thread
    return TRUE;
  }
  return FALSE;
}

unsigned long received = 0;  // touched only on the io_context's thread

void print(const mailslot::name& slot, std::string_view message) {
  ++received;
  std::printf("asio_service: %s: %.*s\n", slot.string().c_str(), static_cast<int>(message.size()),
              message.data());
  std::fflush(stdout);
}

// Reads one slot for as long as the io_context runs, and says when it has
// gone quiet: no message within `quiet` of the last one. (A read with its
// own deadline completes with the message or with none, never loses one; a
// read raced against a timer, as with the awaitable operators' ||, drops a
// message that completes after the timer has won.)
asio::awaitable<void> serve(mailslot::asio::server& slot, std::chrono::milliseconds quiet) {
  const mailslot::name& name = slot.next_layer().name();
  bool said_quiet = true;  // (nothing to say before the first message)
  for (;;) {
    auto [ec, message] = co_await slot.async_try_read(quiet, asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted) {
      co_return;
    }
    if (ec) {
      std::fprintf(stderr, "asio_service: %s: %s\n", name.string().c_str(), ec.message().c_str());
      co_return;
    }
    if (message) {
      print(name, *message);
      said_quiet = false;
    } else if (!said_quiet) {
      std::printf("asio_service: %s: quiet for %lld ms\n", name.string().c_str(),
                  static_cast<long long>(quiet.count()));
      std::fflush(stdout);
      said_quiet = true;
    }
  }
}

// Reports every `period` how many messages have arrived.
asio::awaitable<void> report(std::chrono::milliseconds period) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(period);
    co_await timer.async_wait(asio::use_awaitable);
    std::printf("asio_service: %lu message(s) so far\n", received);
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: asio_service NAME1 NAME2 [REPORT_MS]\n");
    return 2;
  }
  const long period = argc == 4 ? std::strtol(argv[3], nullptr, 10) : 1000;
  if (period < 1 || period > 3'600'000) {
    std::fprintf(stderr, "asio_service: REPORT_MS takes 1 to 3600000\n");
    return 2;
  }

  asio::io_context io;
  running = &io;
  // Ctrl+C on, even if this program was started with it ignored (a parent
  // that ignored it, or a new process group): it is how the program stops.
  ::SetConsoleCtrlHandler(nullptr, FALSE);
  ::SetConsoleCtrlHandler(&on_console_event, TRUE);
  std::array<mailslot::asio::server, 2> slots{mailslot::asio::server(io),
                                              mailslot::asio::server(io)};
  for (std::size_t i = 0; i < slots.size(); ++i) {
    std::error_code ec;
    mailslot::server_options options;
    options.creation = mailslot::creation::nt_create_mailslot_file;  // asynchronous everywhere
    mailslot::server server = mailslot::server::create(std::string_view(argv[i + 1]), options, ec);
    if (!ec) {
      slots[i].assign(std::move(server), ec);
    }
    if (ec) {
      std::fprintf(stderr, "asio_service: %s: %s\n", argv[i + 1], ec.message().c_str());
      return 1;
    }
    asio::co_spawn(io, serve(slots[i], std::chrono::milliseconds(period)), asio::detached);
  }
  asio::co_spawn(io, report(std::chrono::milliseconds(period)), asio::detached);

  std::printf("asio_service: listening on %s and %s through the io_context (Ctrl+C stops)\n",
              argv[1], argv[2]);
  std::fflush(stdout);
  io.run();  // until Ctrl+C

  std::printf("asio_service: stopped after %lu message(s)\n", received);
  return 0;
}
