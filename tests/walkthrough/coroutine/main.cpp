#include <mailslot/asio.hpp>  // first: Asio before <windows.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>

#include <mailslot/mailslot.hpp>

#include <cstdio>
#include <string>

asio::awaitable<void> listen(mailslot::asio::server& slot, int count) {
  for (int i = 0; i < count; ++i) {
    const std::string message = co_await slot.async_read(asio::use_awaitable);
    std::printf("coroutine read: %s\n", message.c_str());
  }
}

int main() {
  asio::io_context io;
  mailslot::server_options options;  // an asynchronous handle, under Wine too
  options.creation = mailslot::creation::nt_create_mailslot_file;
  mailslot::asio::server slot(
      io, mailslot::server::create(R"(\\.\mailslot\walkthrough\coroutine)", options));
  auto client = mailslot::client::open(slot.next_layer().name());
  client.write("first");
  client.write("second");
  asio::co_spawn(io, listen(slot, 2), asio::detached);
  io.run();
  std::printf("coroutine done\n");
}
