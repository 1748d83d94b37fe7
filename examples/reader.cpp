// reader: the classic mailslot reader. Creates the slot, waits for messages and
// prints each with its size and how many are still waiting.
//
//   reader NAME [COUNT]     (COUNT defaults to 3; gives up after 10 s of silence)

#include <mailslot/mailslot.hpp>

#include "utf8_arguments.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <system_error>
#include <vector>

int main() {
  const std::vector<std::string> args = utf8_arguments();  // the name may hold any character
  if (args.empty() || args.size() > 2) {
    std::fprintf(stderr, "usage: reader NAME [COUNT]\n");
    return 2;
  }
  const std::string& name = args[0];
  const long count = args.size() == 2 ? std::strtol(args[1].c_str(), nullptr, 10) : 3;

  mailslot::server_options options;
  options.read_timeout = std::chrono::seconds(10);
  std::error_code ec;
  auto server = mailslot::server::create(name, options, ec);
  if (ec) {
    std::fprintf(stderr, "reader: cannot create %s: %s\n", name.c_str(),
                 ec == mailslot::errc::invalid_name ? mailslot::name::explain(name).c_str()
                                                    : ec.message().c_str());
    return 1;
  }
  std::printf("reader: waiting on %s\n", server.name().string().c_str());
  std::fflush(stdout);

  for (long i = 0; i < count; ++i) {
    const std::string message = server.read(ec);
    if (ec == mailslot::condition::timed_out) {
      std::fprintf(stderr, "reader: no message within 10 s\n");
      return 1;
    }
    if (ec) {
      std::fprintf(stderr, "reader: read failed: %s\n", ec.message().c_str());
      return 1;
    }
    const auto waiting = server.info().message_count;
    std::printf("reader: message %ld, %zu bytes, %u still waiting: %s\n", i + 1, message.size(),
                static_cast<unsigned>(waiting), message.c_str());
    std::fflush(stdout);
  }
  return 0;
}
