// reader: creates a mailslot and prints the messages that arrive.
//
//   reader NAME [COUNT]     (COUNT defaults to 3; gives up after 10 s of silence)

#include <mailslot/mailslot.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <system_error>

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: reader NAME [COUNT]\n");
    return 2;
  }
  const std::string name = argv[1];
  const long count = argc == 3 ? std::strtol(argv[2], nullptr, 10) : 3;

  std::error_code ec;
  mailslot::server_options options;
  options.read_timeout = std::chrono::seconds(10);
  auto server = mailslot::server::create(name, options, ec);
  if (ec) {
    std::fprintf(stderr, "reader: cannot create %s: %s\n", name.c_str(), ec.message().c_str());
    return 1;
  }
  std::printf("reader: listening on %s\n", name.c_str());
  std::fflush(stdout);

  std::array<char, 64 * 1024> buffer{};
  for (long i = 0; i < count; ++i) {
    const std::size_t size = server.read(buffer.data(), buffer.size(), ec);
    if (ec) {
      std::fprintf(stderr, "reader: read from %s failed: %s\n", name.c_str(), ec.message().c_str());
      return 1;
    }
    std::printf("reader: message %ld (%zu bytes): %.*s\n", i + 1, size, static_cast<int>(size),
                buffer.data());
    std::fflush(stdout);
  }
  return 0;
}
