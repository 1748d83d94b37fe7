// The consumer projects' program: one round trip through the installed,
// added or fetched library.

#include <mailslot/mailslot.hpp>

#include <cstdio>
#include <string>

int main() {
  const auto name =
      mailslot::name::local("package-test\\" + std::to_string(::GetCurrentProcessId()));
  std::error_code ec;
  auto server = mailslot::server::create(name, {}, ec);
  auto client = mailslot::client::open(name, ec);
  client.write("hello", ec);
  const std::string message = server.read(ec);
  if (ec || message != "hello") {
    std::printf("round trip failed: %s\n", ec.message().c_str());
    return 1;
  }
  std::printf("round trip ok with mailslot %d.%d.%d\n", MAILSLOT_VERSION_MAJOR,
              MAILSLOT_VERSION_MINOR, MAILSLOT_VERSION_PATCH);
  return 0;
}
