#include <mailslot/error.hpp>

#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <new>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace {

// Every errc value, with the std::errc it maps to.
const std::vector<std::pair<mailslot::errc, std::errc>> all_errors = {
    {mailslot::errc::not_open, std::errc::bad_file_descriptor},
    {mailslot::errc::invalid_name, std::errc::invalid_argument},
    {mailslot::errc::name_too_long, std::errc::filename_too_long},
    {mailslot::errc::server_name_not_local, std::errc::invalid_argument},
    {mailslot::errc::message_too_large, std::errc::message_size},
    {mailslot::errc::invalid_timeout, std::errc::invalid_argument},
    {mailslot::errc::short_write, std::errc::io_error},
    {mailslot::errc::cancelled, std::errc::operation_canceled},
    {mailslot::errc::invalid_security_descriptor, std::errc::invalid_argument},
    {mailslot::errc::synchronous_handle, std::errc::operation_not_supported},
    {mailslot::errc::already_bound, std::errc::device_or_resource_busy},
    {mailslot::errc::unexpected_owner, std::errc::permission_denied},
    {mailslot::errc::owner_check_not_local, std::errc::invalid_argument},
};

}  // namespace

TEST_CASE("the error category is named mailslot", "[error]") {
  CHECK(std::string(mailslot::error_category().name()) == "mailslot");
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
  CHECK(mailslot::error_category().message(next) ==
        "unknown mailslot error " + std::to_string(next));
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

// --- conditions -------------------------------------------------------------

namespace {

std::error_code win32(int code) { return {code, std::system_category()}; }

using mailslot::condition;

// Every condition, with the Win32 codes and library codes that satisfy it.
struct condition_case {
  condition c;
  std::vector<int> win32_codes;
  std::vector<mailslot::errc> library_codes;
};

const std::vector<condition_case> all_conditions = {
    {condition::timed_out, {121, 258, 1460}, {}},
    {condition::not_found, {2, 3, 53}, {}},
    {condition::already_exists, {183, 80}, {}},
    {condition::buffer_too_small, {122, 234}, {}},
    {condition::remote_mailslots_disabled, {3025}, {}},
    {condition::message_too_large, {}, {mailslot::errc::message_too_large}},
    {condition::invalid_name,
     {123, 206},
     {mailslot::errc::invalid_name, mailslot::errc::name_too_long,
      mailslot::errc::server_name_not_local}},
    {condition::access_denied, {5}, {}},
    {condition::cancelled, {995}, {mailslot::errc::cancelled}},
    {condition::not_enough_memory, {8, 14}, {}},
};

// Win32 codes the library reports or that a caller may meet, to check that
// each condition matches exactly its own.
const std::vector<int> known_win32 = {0,   2,   3,   5,   6,   8,   14,  53,   80,   87, 121,
                                      122, 123, 183, 206, 234, 258, 995, 1460, 3025, 1};

}  // namespace

TEST_CASE("each condition matches exactly its Win32 and library codes", "[error][condition]") {
  for (const auto& cc : all_conditions) {
    INFO("condition " << mailslot::make_error_condition(cc.c).message());
    for (const int code : known_win32) {
#if defined(_WIN32)
      const bool expected =
          std::find(cc.win32_codes.begin(), cc.win32_codes.end(), code) != cc.win32_codes.end();
#else
      const bool expected = false;  // system_category() holds errno values here, not Win32 codes
#endif
      INFO("system code " << code);
      CHECK((win32(code) == cc.c) == expected);
    }
    for (int value = 1; value <= static_cast<int>(all_errors.size()); ++value) {
      const auto e = static_cast<mailslot::errc>(value);
      const bool expected =
          std::find(cc.library_codes.begin(), cc.library_codes.end(), e) != cc.library_codes.end();
      INFO("errc " << value);
      CHECK((mailslot::make_error_code(e) == cc.c) == expected);
    }
  }
}

TEST_CASE("conditions match library codes from another module's category by name",
          "[error][condition]") {
  // What a DLL's copy of the category looks like to the program: another object, same name.
  class other_module_category final : public std::error_category {
   public:
    [[nodiscard]] const char* name() const noexcept override { return "mailslot"; }
    [[nodiscard]] std::string message(int) const override { return {}; }
  };
  static const other_module_category other;
  const std::error_code from_dll(static_cast<int>(mailslot::errc::message_too_large), other);
  CHECK(from_dll == condition::message_too_large);
  CHECK_FALSE(from_dll == condition::timed_out);
}

TEST_CASE("conditions do not match codes of other categories with the same value",
          "[error][condition]") {
  // 121 is ERROR_SEM_TIMEOUT only in the system category.
  CHECK_FALSE(std::error_code(121, std::generic_category()) == condition::timed_out);
  CHECK_FALSE(std::error_code(3025, std::generic_category()) ==
              condition::remote_mailslots_disabled);
  CHECK_FALSE(std::error_code() == condition::timed_out);
}

TEST_CASE("every condition has its own message and the list of values is complete",
          "[error][condition]") {
  std::set<std::string> messages;
  for (const auto& cc : all_conditions) {
    const std::string message = mailslot::make_error_condition(cc.c).message();
    CHECK(message.find("unknown") == std::string::npos);
    messages.insert(message);
  }
  CHECK(messages.size() == all_conditions.size());
  const int next = static_cast<int>(all_conditions.size()) + 1;
  CHECK(mailslot::condition_category().message(next) ==
        "unknown mailslot condition " + std::to_string(next));
  CHECK(std::string(mailslot::condition_category().name()) == "mailslot.condition");
}

TEST_CASE("condition::not_enough_memory matches every way memory running out is reported",
          "[error]") {
  using mailslot::condition;
  CHECK(std::make_error_code(std::errc::not_enough_memory) == condition::not_enough_memory);
  CHECK(mailslot::detail::out_of_memory() == condition::not_enough_memory);
  CHECK_FALSE(std::make_error_code(std::errc::timed_out) == condition::not_enough_memory);
#if defined(_WIN32)
  CHECK(std::error_code(8, std::system_category()) ==
        condition::not_enough_memory);  // ERROR_NOT_ENOUGH_MEMORY
  CHECK(std::error_code(14, std::system_category()) ==
        condition::not_enough_memory);  // ERROR_OUTOFMEMORY
  CHECK_FALSE(std::error_code(5, std::system_category()) == condition::not_enough_memory);
#endif
  // The rule: an error_code form reports a failed allocation, and throws nothing.
  std::error_code ec;
  const auto nothing =
      mailslot::detail::reporting_out_of_memory(ec, []() -> int { throw std::bad_alloc(); });
  CHECK(nothing == 0);
  CHECK(ec == condition::not_enough_memory);
  ec.clear();
  mailslot::detail::reporting_out_of_memory(ec, [] { throw std::length_error("too long"); });
  CHECK(ec == condition::not_enough_memory);
  CHECK_THROWS_AS(mailslot::detail::reporting_out_of_memory(ec, []() -> int { throw 42; }), int);
}
