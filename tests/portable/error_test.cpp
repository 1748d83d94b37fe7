#include <mailslot/error.hpp>

#include <catch2/catch_test_macros.hpp>

#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace {

// Every errc value, with the std::errc it maps to.
const std::vector<std::pair<mailslot::errc, std::errc>> all_errors = {
    {mailslot::errc::not_open, std::errc::bad_file_descriptor},
    {mailslot::errc::invalid_name, std::errc::invalid_argument},
    {mailslot::errc::invalid_timeout, std::errc::invalid_argument},
    {mailslot::errc::short_write, std::errc::io_error},
};

}  // namespace

TEST_CASE("the error category is named mailslot", "[error]") {
  CHECK(std::string(mailslot::error_category().name()) == "mailslot");
  CHECK(&mailslot::error_category() == &mailslot::make_error_code(mailslot::errc::not_open).category());
}

TEST_CASE("errc converts implicitly to std::error_code", "[error]") {
  const std::error_code ec = mailslot::errc::invalid_name;
  CHECK(ec.value() == static_cast<int>(mailslot::errc::invalid_name));
  CHECK(ec.category() == mailslot::error_category());
  CHECK(ec == mailslot::errc::invalid_name);
  CHECK(ec != mailslot::errc::not_open);
}

TEST_CASE("every errc has its own message and the list of values is complete", "[error]") {
  std::set<std::string> messages;
  for (const auto& [e, condition] : all_errors) {
    const std::string message = mailslot::make_error_code(e).message();
    INFO("errc " << static_cast<int>(e) << ": " << message);
    CHECK_FALSE(message.empty());
    CHECK(message.find("unknown") == std::string::npos);
    messages.insert(message);
  }
  CHECK(messages.size() == all_errors.size());
  // Values run 1..N without gaps; the next one is unknown (so this list above
  // must grow with the enum).
  const int next = static_cast<int>(all_errors.size()) + 1;
  CHECK(mailslot::error_category().message(next) == "unknown mailslot error " + std::to_string(next));
  CHECK(mailslot::error_category().message(0).find("unknown") != std::string::npos);
}

TEST_CASE("errc values map to the portable std::errc conditions", "[error]") {
  for (const auto& [e, condition] : all_errors) {
    INFO("errc " << static_cast<int>(e));
    CHECK(mailslot::make_error_code(e) == condition);
  }
  // An unknown value maps to nothing portable.
  const std::error_code unknown(99, mailslot::error_category());
  CHECK(unknown.default_error_condition().category() == mailslot::error_category());
}
