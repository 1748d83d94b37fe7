// The README's code, compiled and run, so that the documentation cannot drift
// from the API. Each block is the README's snippet with what it needs around it.

#include <mailslot/mailslot.hpp>
#include <mailslot/thread_pool_reader.hpp>

#include <catch2/catch_test_macros.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

TEST_CASE("the README's code works as shown", "[readme][wine10]") {
  {  // the first example
    auto server = mailslot::server::create(R"(\\.\mailslot\app\events)");
    mailslot::client::open(server.name()).write("hello");
    std::string message = server.read();  // "hello": one whole message, sized exactly
    CHECK(message == "hello");
  }
  {  // names
    auto local = mailslot::name::local(R"(app\events)");
    auto remote = mailslot::name::remote("build-01", "jobs");
    auto all = mailslot::name::primary_domain("status");
    auto parsed = mailslot::name::parse(L"\\\\.\\mailslot\\app\\events");
    CHECK(local.string() == R"(\\.\mailslot\app\events)");
    CHECK(remote.string() == R"(\\build-01\mailslot\jobs)");
    CHECK(all.string() == R"(\\*\mailslot\status)");
    CHECK(parsed == local);
    CHECK(mailslot::name::explain(R"(\\.\mailslot\a\..\b)") ==
          R"(invalid mailslot name "\\.\mailslot\a\..\b": '.' and '..' are not allowed as path )"
          R"(components (Windows collapses them) at index 15)");
  }
  {  // server, client, errors, timeouts
    mailslot::server_options options;
    options.max_message_size = 4096;
    options.read_timeout = std::chrono::seconds(5);
    auto server = mailslot::server::create(mailslot::name::local(R"(app\events)"), options);

    auto client = mailslot::client::open(R"(\\.\mailslot\app\events)");
    client.write("one message");
    const std::string payload = "two";
    std::vector<std::byte> bytes(payload.size());
    std::memcpy(bytes.data(), payload.data(), payload.size());
    client.write(bytes.data(), bytes.size());
    client.write("");
    client.write("kept");

    char buffer[4096];
    std::size_t size = server.read(mailslot::buffer(buffer, sizeof buffer));
    CHECK(std::string(buffer, size) == "one message");
    std::string text = server.read();
    CHECK(text == "two");
    std::vector<std::byte> empty = server.read<std::vector<std::byte>>();
    CHECK(empty.empty());
    std::string kept;
    server.read(kept);
    CHECK(kept == "kept");
    mailslot::server_info info = server.info();
    CHECK(info.message_count == 0);

    std::error_code ec;
    auto missing = mailslot::client::open(R"(\\.\mailslot\app\nobody)", ec);
    CHECK(ec == mailslot::condition::not_found);

    client.write("soon");
    if (auto message = server.try_read(std::chrono::milliseconds(100))) {
      CHECK(*message == "soon");
    } else {
      FAIL("the message was waiting");
    }
    CHECK_FALSE(server.try_read().has_value());

    std::vector<std::string> handled;
    std::thread listener([&] {
      std::error_code read_error;
      for (;;) {
        std::string message = server.read(read_error);
        if (read_error == mailslot::condition::cancelled)
          break;
        if (!read_error)
          handled.push_back(message);
      }
    });
    client.write("for the listener");
    while (server.info().message_count != 0) {
      std::this_thread::yield();
    }
    server.stop_reading();
    listener.join();
    REQUIRE(handled.size() == 1);
    CHECK(handled[0] == "for the listener");
  }
  {  // security and inheritance
    mailslot::server_options options;
    options.security_descriptor = "D:(A;OICI;GRGW;;;AU)(A;OICI;GA;;;BA)";
    options.inheritable = true;
    auto server = mailslot::server::create(mailslot::name::local(R"(app\secure)"), options);
    CHECK(server.is_open());
    std::error_code ec;
    mailslot::check_security_descriptor("D:(A;OICI;GRGW;;;AU)(A;OICI;GA;;;BA)", ec);
    CHECK_FALSE(ec);
  }
  {  // the thread pool, under Wine too: Windows' kind of handle, and a pool of one's own
    mailslot::server_options options;
    options.creation = mailslot::creation::nt_create_mailslot_file;
    auto server = mailslot::server::create(R"(\\.\mailslot\app\inbox)", options);

    PTP_POOL pool = CreateThreadpool(nullptr);
    SetThreadpoolThreadMaximum(pool, 2);
    TP_CALLBACK_ENVIRON environment;
    InitializeThreadpoolEnvironment(&environment);
    SetThreadpoolCallbackPool(&environment, pool);
    {
      mailslot::thread_pool_reader reader(&environment);  // the environment and the pool
                                                          // outlive the server's handle
      std::atomic<int> delivered{0};
      reader.start(server, [&](const std::error_code& ec, std::string_view message) {
        if (!ec && message == "to the pool") {
          ++delivered;
        }
      });
      mailslot::client::open(server.name()).write("to the pool");
      for (int i = 0; i < 1000 && delivered == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      CHECK(delivered == 1);
      reader.stop();
    }
    server.close();
    DestroyThreadpoolEnvironment(&environment);
    CloseThreadpool(pool);
  }
  {  // limits
    CHECK(mailslot::message_size_limit(mailslot::name::parse(R"(\\*\mailslot\status)")) == 424u);
    CHECK(mailslot::message_size_limit(
              mailslot::name::parse(R"(\\*\mailslot\app\events\status)")) == 415u);
  }
  {  // the Security section
    mailslot::server_options service;
    service.security_descriptor = "D:(A;;GRGW;;;AU)(A;;GA;;;SY)(A;;GA;;;BA)";
    service.max_message_size = 4096;
    auto inbox = mailslot::server::create(mailslot::name::local(R"(service\inbox)"), service);
    CHECK(inbox.info().max_message_size >= 4096);

    mailslot::client_options options;
    options.required_owner = mailslot::account::local_system();
    // This process is not LocalSystem: the check refuses its own slot.
    try {
      auto client = mailslot::client::open(mailslot::name::local(R"(service\inbox)"), options);
      FAIL("the owner check passed");
    } catch (const std::system_error& e) {
      CHECK(e.code() == mailslot::errc::unexpected_owner);
    }
    CHECK(inbox.info().message_count == 0);
  }
}
