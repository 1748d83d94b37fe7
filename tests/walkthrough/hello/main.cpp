#include <mailslot/mailslot.hpp>

#include <cstdio>
#include <string>

int main() {
  auto server = mailslot::server::create(R"(\\.\mailslot\walkthrough\hello)");
  mailslot::client::open(server.name()).write("hello from a client");
  const std::string message = server.read();
  std::printf("hello read: %s\n", message.c_str());
}
