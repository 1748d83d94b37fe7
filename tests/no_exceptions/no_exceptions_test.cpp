// Built with exceptions disabled (-fno-exceptions, or /EHs-c- with MSVC): the
// std::error_code API is complete and the throwing overloads do not exist.
// A plain program (Catch2 needs exceptions): it prints what fails and exits 1.

#include <mailslot/mailslot.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

static_assert(MAILSLOT_HAS_EXCEPTIONS == 0, "this program must be built without exceptions");

namespace {

int failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    std::printf("FAILED: %s\n", what);
    ++failures;
  }
}

// Whether the one-argument (throwing) parse exists.
template <class T, class = void>
struct has_throwing_parse : std::false_type {};
template <class T>
struct has_throwing_parse<T, std::void_t<decltype(T::parse(std::declval<std::string_view>()))>>
    : std::true_type {};
static_assert(!has_throwing_parse<mailslot::name>::value,
              "name::parse(text) throws; it must be absent");

#if defined(_WIN32)
template <class T, class = void>
struct has_throwing_create : std::false_type {};
template <class T>
struct has_throwing_create<T, std::void_t<decltype(T::create(std::declval<std::string_view>()))>>
    : std::true_type {};
template <class T, class = void>
struct has_throwing_open : std::false_type {};
template <class T>
struct has_throwing_open<T, std::void_t<decltype(T::open(std::declval<std::string_view>()))>>
    : std::true_type {};
template <class T, class = void>
struct has_throwing_read : std::false_type {};
template <class T>
struct has_throwing_read<T, std::void_t<decltype(std::declval<T&>().read())>> : std::true_type {};
template <class T, class = void>
struct has_throwing_write : std::false_type {};
template <class T>
struct has_throwing_write<T, std::void_t<decltype(std::declval<T&>().write(std::string_view()))>>
    : std::true_type {};
static_assert(!has_throwing_create<mailslot::server>::value, "server::create(name) must be absent");
static_assert(!has_throwing_open<mailslot::client>::value, "client::open(name) must be absent");
static_assert(!has_throwing_read<mailslot::server>::value, "server::read_string() must be absent");
static_assert(!has_throwing_write<mailslot::client>::value, "client::write(text) must be absent");
#endif

}  // namespace

int main() {
  std::error_code ec;
  const auto slot =
      mailslot::name::parse(std::string_view(R"(\\.\mailslot\no-exceptions\slot)"), ec);
  check(!ec && slot.is_local(), "parse a valid name");
  (void)mailslot::name::parse(std::string_view(R"(\\.\mailslot\a\..\b)"), ec);
  check(ec == mailslot::errc::invalid_name, "refuse an invalid name");
  check(!mailslot::name::explain(std::string_view("blah")).empty(), "explain an invalid name");

#if defined(_WIN32)
  mailslot::server_options options;
  options.read_timeout = std::chrono::milliseconds(0);
  auto server = mailslot::server::create(slot, options, ec);
  check(!ec && server.is_open(), "create a server");
  auto client = mailslot::client::open(slot, ec);
  check(!ec && client.is_open(), "open a client");
  client.write(std::string_view("hello"), ec);
  check(!ec, "write");
  check(server.info(ec).message_count == 1 && !ec, "info");
  check(server.read(ec) == "hello" && !ec, "read_string");
  std::string kept;
  client.write(std::string_view(std::string(5000, 'k')), ec);
  check(server.read(kept, ec) == 5000 && kept == std::string(5000, 'k') && !ec,
        "read into a reused container");
  client.write(std::string_view("again"), ec);
  check(server.try_read(kept, std::chrono::milliseconds(100), ec) == 5U && kept == "again" && !ec,
        "try_read into a reused container");
  check(!server.try_read(kept, std::chrono::milliseconds(0), ec).has_value() && !ec && kept.empty(),
        "try_read into a reused container: nothing waiting");
  check(!server.try_read(std::chrono::milliseconds(0), ec).has_value() && !ec, "try_read_string");
  (void)server.read(ec);
  check(ec == mailslot::condition::timed_out, "a timeout is an error code");
  server.stop_reading();
  (void)server.read(ec);
  check(ec == mailslot::errc::cancelled, "cancel");
  server.resume_reading();
  server.close(ec);
  check(!ec && !server.is_open(), "close");
#endif
  std::printf("%s\n", failures == 0 ? "no-exceptions build: all checks passed"
                                    : "no-exceptions build: failures");
  return failures == 0 ? 0 : 1;
}
