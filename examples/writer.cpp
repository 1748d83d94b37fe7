// writer: the classic mailslot writer. Opens an existing slot and sends each
// argument as one message.
//
//   writer NAME MESSAGE...

#include <mailslot/mailslot.hpp>

#include "utf8_arguments.hpp"

#include <cstddef>
#include <cstdio>
#include <string>
#include <system_error>
#include <vector>

int main() {
  const std::vector<std::string> args = utf8_arguments();  // names and messages in UTF-8
  if (args.size() < 2) {
    std::fprintf(stderr, "usage: writer NAME MESSAGE...\n");
    return 2;
  }
  const std::string& name = args[0];
  std::error_code ec;
  auto client = mailslot::client::open(name, ec);
  if (ec == mailslot::condition::not_found) {
    std::fprintf(stderr, "writer: no mailslot %s (start the reader first)\n", name.c_str());
    return 1;
  }
  if (ec) {
    std::fprintf(stderr, "writer: cannot open %s: %s\n", name.c_str(), ec.message().c_str());
    return 1;
  }
  for (std::size_t i = 1; i < args.size(); ++i) {
    client.write(args[i], ec);
    if (ec) {
      std::fprintf(stderr, "writer: write failed: %s\n", ec.message().c_str());
      return 1;
    }
    std::printf("writer: sent \"%s\"\n", args[i].c_str());
  }
  return 0;
}
