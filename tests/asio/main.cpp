// The Asio test program's main: Catch2's, unless the first argument is
// --leave-main-with-read-pending FLAVOUR WRAP NAME, with which the program
// leaves main with a read pending on the system context
// (contexts_test.cpp, "a read pending on the system context does not hang
// the program's end" runs it so).

#include <catch2/catch_session.hpp>

#include <cstring>
#include <string>

namespace asio_tests {
int leave_main_with_read_pending(const std::string& flavour, const std::string& wrap,
                                 const char* name);
}  // namespace asio_tests

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--leave-main-with-read-pending") == 0) {
    if (argc != 5) {
      return 2;
    }
    return asio_tests::leave_main_with_read_pending(argv[2], argv[3], argv[4]);
  }
  return Catch::Session().run(argc, argv);
}
