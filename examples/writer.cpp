// writer: the classic mailslot writer. Opens an existing slot and sends each
// argument as one message.
//
//   writer NAME MESSAGE...

#include <mailslot/mailslot.hpp>

#include <cstdio>
#include <string>
#include <system_error>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: writer NAME MESSAGE...\n");
    return 2;
  }
  const std::string name = argv[1];
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
  for (int i = 2; i < argc; ++i) {
    client.write(argv[i], ec);
    if (ec) {
      std::fprintf(stderr, "writer: write failed: %s\n", ec.message().c_str());
      return 1;
    }
    std::printf("writer: sent \"%s\"\n", argv[i]);
  }
  return 0;
}
