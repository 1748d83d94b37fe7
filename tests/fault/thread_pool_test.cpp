// mailslot::thread_pool_reader with each Win32 call and each allocation
// failing in turn, on the pool's threads too (tests/fault/explore.hpp). The
// reader needs Windows' kind of handle; server::create's is synchronous
// under Wine 10, so the scenario runs on the Windows kind only.

#include <fault/scenarios.hpp>

#include <mailslot/thread_pool_reader.hpp>

#include <catch2/catch_test_macros.hpp>

#include <array>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

using namespace mailslot_fault;

namespace {

// What the callbacks delivered. The callbacks are the test's code: nothing
// they do is counted or failed.
struct inbox {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> messages;
  std::error_code error;

  inbox() { messages.reserve(8); }

  auto handler() {
    return [this](const std::error_code& ec, std::string_view message) {
      const outside guard;
      {
        const std::lock_guard<std::mutex> hold(mutex);
        if (ec) {
          error = ec;
        } else {
          messages.emplace_back(message);
        }
      }
      changed.notify_all();
    };
  }

  // The handler as a std::function too large for its own small buffer, so
  // that the copy start() makes of it (an lvalue) allocates, inside start().
  std::function<void(const std::error_code&, std::string_view)> stored_handler() {
    const outside making;
    const std::array<char, 64> padding{};
    return [forward = handler(), padding](const std::error_code& ec, std::string_view message) {
      (void)padding;
      forward(ec, message);
    };
  }

  // Waits until `count` messages or an error came, or 10 s passed: false then.
  bool wait_for(std::size_t count) {
    const outside guard;
    std::unique_lock<std::mutex> hold(mutex);
    return changed.wait_for(hold, std::chrono::seconds(10),
                            [&] { return messages.size() >= count || error; });
  }
};

// create + open + a write of 0 B + start + writes of 16 B, 8 KiB and 2 MiB,
// all delivered by the pool + stop.
class thread_pool_scenario : public slot_scenario<nt_create_mailslot> {
 public:
  thread_pool_scenario() : slot_scenario("fault-pool") {}

  void act(run& r) {
    r.forbid_exceptions();  // (error_code forms only, the handler's copy in start() included)
    if (!create(r) || !open(r)) {
      return;
    }
    // The first message waits before start(), which hands it to a work item
    // (CreateThreadpoolWork's); the others come while the reader runs.
    const auto& all = messages();
    if (!write(r, all.front())) {
      return;
    }
    std::error_code ec;
    reader_.start(server_, handler_, ec);
    if (!r.ok("start", ec)) {
      return;
    }
    for (std::size_t i = 1; i < all.size(); ++i) {
      if (!write(r, all[i])) {
        return;
      }
    }
    if (!inbox_.wait_for(written_.size())) {
      r.violation("the reader neither delivered every message nor reported an error in 10 s");
      return;
    }
    {
      const outside guard;
      const std::lock_guard<std::mutex> hold(inbox_.mutex);
      if (!r.ok("the callback", inbox_.error)) {
        r.expect(!reader_.is_running(), "the reader runs on after it reported an error");
        return;
      }
    }
    reader_.stop();
    r.expect(!reader_.is_running(), "the reader runs on after stop()");
  }

  void check(run& r) {
    reader_.stop();
    {
      const std::lock_guard<std::mutex> hold(inbox_.mutex);
      received_ = inbox_.messages;
      // (An error may come after the last message: the read after it.)
      (void)r.ok("the callback", inbox_.error);
    }
    slot_scenario::check(r);
    if (!server_.is_open()) {
      return;
    }
    // The reader works again.
    inbox fresh;
    std::error_code ec;
    reader_.start(server_, fresh.handler(), ec);
    r.expect(!ec, "the reader cannot start again afterwards");
    client_.write("again", ec);
    r.expect(
        !ec && fresh.wait_for(1) && fresh.messages.size() == 1 && fresh.messages.front() == "again",
        "the reader started again does not deliver");
    reader_.stop();
  }

 private:
  inbox inbox_;
  // start() copies it: the copy's allocation is one the harness fails.
  std::function<void(const std::error_code&, std::string_view)> handler_ = inbox_.stored_handler();
  mailslot::thread_pool_reader reader_;  // (stops before the inbox goes)
};

}  // namespace

TEST_CASE("every failure survived: the thread pool reader - nt_create_mailslot", "[fault]") {
  explore_and_check("thread_pool_reader - nt_create_mailslot",
                    [] { return thread_pool_scenario(); },
                    {"CreateThreadpoolWork", "CreateThreadpoolIo", "ReadFile", "GetMailslotInfo"});
}
