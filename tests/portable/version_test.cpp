#include <mailslot/version.hpp>

#include <catch2/catch_test_macros.hpp>

#include <string>

TEST_CASE("the version macros agree with the CMake package version", "[version]") {
  const std::string from_macros = std::to_string(MAILSLOT_VERSION_MAJOR) + "." +
                                  std::to_string(MAILSLOT_VERSION_MINOR) + "." +
                                  std::to_string(MAILSLOT_VERSION_PATCH);
  CHECK(from_macros == MAILSLOT_TEST_PROJECT_VERSION);
  CHECK(MAILSLOT_VERSION ==
        MAILSLOT_VERSION_MAJOR * 10000 + MAILSLOT_VERSION_MINOR * 100 + MAILSLOT_VERSION_PATCH);
}
