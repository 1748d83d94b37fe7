#include <mailslot/mailslot.hpp>
#include <mailslot/thread_pool_reader.hpp>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>

int main() {
  // Created as Windows' kernel32 creates it: an asynchronous handle, which the
  // thread pool reader needs, under Wine too.
  mailslot::server_options options;
  options.creation = mailslot::creation::nt_create_mailslot_file;
  auto server = mailslot::server::create(R"(\\.\mailslot\walkthrough\pool)", options);

  std::mutex lock;
  std::condition_variable changed;
  int seen = 0;
  mailslot::thread_pool_reader reader;
  reader.start(server, [&](const std::error_code& ec, std::string_view message) {
    if (ec) {
      std::printf("pool error: %s\n", ec.message().c_str());
      return;
    }
    std::printf("pool read: %.*s\n", static_cast<int>(message.size()), message.data());
    const std::lock_guard<std::mutex> hold(lock);
    ++seen;
    changed.notify_one();
  });

  auto client = mailslot::client::open(server.name());
  client.write("first");
  client.write("second");
  std::unique_lock<std::mutex> hold(lock);
  changed.wait(hold, [&] { return seen == 2; });
  hold.unlock();
  reader.stop();
  std::printf("pool done\n");
}
