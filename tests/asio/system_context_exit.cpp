// A program that leaves main with an asio server's read pending on the system
// context, the server still alive: the system context ends with the program
// (a static object), and its end must cancel the read, not wait for it.
//
//   mailslot_asio_exit_helper asio|boost direct|any|strand NAME
//
// Prints "leaving main with a read pending" and exits 0; hangs if the
// context's end waits for the read (the test ends it after 30 s).

#include <mailslot/asio.hpp>  // (Asio before <windows.h>)
#include <mailslot/boost_asio.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/strand.hpp>
#include <asio/system_executor.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/system_executor.hpp>

#include <mailslot/mailslot.hpp>

#include <cstdio>
#include <cstring>
#include <string>

namespace {

template <class Server, class Executor>
void leave_pending(const Executor& executor, const char* name) {
  mailslot::server_options options;
  options.creation = mailslot::creation::nt_create_mailslot_file;
  // Never destroyed: the server outlives main, as in a program that exits
  // while a reader is still listening.
  auto* slot = new Server(executor, mailslot::server::create(name, options));
  slot->async_read_string([](const auto&, std::string) {
    std::puts("a handler ran");  // (none may: no message is written)
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fputs("usage: mailslot_asio_exit_helper asio|boost direct|any|strand NAME\n", stderr);
    return 2;
  }
  const bool any = std::strcmp(argv[2], "any") == 0;
  const bool strand = std::strcmp(argv[2], "strand") == 0;
  const char* name = argv[3];
  if (std::strcmp(argv[1], "boost") == 0) {
    namespace net = ::boost::asio;
    using mailslot::boost_asio::basic_server;
    const net::system_executor system;
    if (any) {
      leave_pending<basic_server<net::any_io_executor>>(net::any_io_executor(system), name);
    } else if (strand) {
      leave_pending<basic_server<net::strand<net::system_executor>>>(net::make_strand(system),
                                                                     name);
    } else {
      leave_pending<basic_server<net::system_executor>>(system, name);
    }
  } else {
    namespace net = ::asio;
    using mailslot::asio::basic_server;
    const net::system_executor system;
    if (any) {
      leave_pending<basic_server<net::any_io_executor>>(net::any_io_executor(system), name);
    } else if (strand) {
      leave_pending<basic_server<net::strand<net::system_executor>>>(net::make_strand(system),
                                                                     name);
    } else {
      leave_pending<basic_server<net::system_executor>>(system, name);
    }
  }
  std::puts("leaving main with a read pending");
  std::fflush(stdout);
  return 0;
}
