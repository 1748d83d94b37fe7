// broadcast: write to every slot of a name in the primary domain, \\*\mailslot\...
//
//   broadcast [PATH]        (PATH defaults to examples\broadcast)
//
// Shows the two things that go wrong with messages that leave the computer:
// the size limit (424 bytes, less for a long slot name: the name travels in
// the same datagram), which the library enforces before calling Windows, and
// remote mailslots being disabled (Windows 11 24H2 and later) or unreachable.

#include <mailslot/mailslot.hpp>

#include <cstdio>
#include <string>
#include <system_error>

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : R"(examples\broadcast)";
  std::error_code ec;
  const auto everyone = mailslot::name::primary_domain(path, ec);
  if (ec) {
    std::fprintf(stderr, "%s\n", mailslot::name::explain(R"(\\*\mailslot\)" + path).c_str());
    return 2;
  }
  const auto limit = mailslot::message_size_limit(everyone);
  std::printf("destination: %s (limit %zu bytes per message)\n", everyone.string().c_str(),
              limit.value_or(0));

  auto client = mailslot::client::open(everyone, ec);
  if (ec == mailslot::condition::remote_mailslots_disabled) {
    std::printf(
        "remote mailslots are disabled on this computer (ERROR_REMOTE_MAILSLOTS_DEPRECATED);\n"
        "the group policy \"Enable remote mailslots\" turns them back on\n");
    return 1;
  }
  if (ec) {
    std::printf("cannot reach %s: %s (error %d)\n", everyone.string().c_str(), ec.message().c_str(),
                ec.value());
    return 1;
  }

  const std::string too_big(500, 'x');
  client.write(too_big, ec);
  std::printf("a 500-byte message: %s\n", ec ? ec.message().c_str() : "sent");
  client.write("hello, domain", ec);
  std::printf("a 13-byte message: %s\n", ec ? ec.message().c_str() : "sent");
  return ec ? 1 : 0;
}
