// create_and_inspect: the classic "create a mailslot and read its info".
//
// Creates a slot with a 250-byte maximum message size and a 500 ms read
// timeout, changes the timeout to 1000 ms, and prints what GetMailslotInfo
// reports.

#include <mailslot/mailslot.hpp>

#include <chrono>
#include <cstdio>
#include <system_error>

int main() {
  using namespace std::chrono_literals;
  mailslot::server_options options;
  options.max_message_size = 250;
  options.read_timeout = 500ms;

  std::error_code ec;
  auto server = mailslot::server::create(mailslot::name::local(R"(examples\inspect)"), options, ec);
  if (ec) {
    std::fprintf(stderr, "cannot create the mailslot: %s\n", ec.message().c_str());
    return 1;
  }
  server.set_read_timeout(1000ms, ec);
  if (ec) {
    std::fprintf(stderr, "cannot change the timeout: %s\n", ec.message().c_str());
    return 1;
  }

  const mailslot::server_info info = server.info(ec);
  if (ec) {
    std::fprintf(stderr, "cannot query the mailslot: %s\n", ec.message().c_str());
    return 1;
  }
  std::printf("mailslot:          %s\n", server.name().string().c_str());
  std::printf("max message size:  %u bytes\n", static_cast<unsigned>(info.max_message_size));
  if (info.next_message_size) {
    std::printf("next message size: %u bytes\n", static_cast<unsigned>(*info.next_message_size));
  } else {
    std::printf("next message size: none waiting\n");
  }
  std::printf("messages waiting:  %u\n", static_cast<unsigned>(info.message_count));
  if (info.read_timeout == mailslot::wait_forever) {
    std::printf("read timeout:      forever\n");
  } else {
    std::printf("read timeout:      %lld ms\n", static_cast<long long>(info.read_timeout.count()));
  }
  return 0;
}
