// The worlds of the server's own reads and of the thread pool reader.

#include <mailslot/thread_pool_reader.hpp>

#include <model/support.hpp>
#include <model/worlds.hpp>

#include <chrono>
#include <optional>
#include <string_view>

namespace mailslot_model {
namespace {

using std::chrono::milliseconds;

/// The timeout of a timeout class: 0, 5 ms, 50 ms, or wait forever.
milliseconds timeout_of(int timeout_class) {
  switch (timeout_class % 4) {
    case 0:
      return milliseconds(0);
    case 1:
      return milliseconds(5);
    case 2:
      return milliseconds(50);
    default:
      return mailslot::wait_forever;
  }
}

mailslot::server create_slot(const run_context& run) {
  mailslot::server_options options;
  options.max_message_size = max_message_size(run.steps.max_class);
  options.creation = run.steps.windows_handle ? mailslot::creation::nt_create_mailslot_file
                                              : mailslot::creation::create_mailslot;
  std::error_code ec;
  auto made = mailslot::server::create(run.slot, options, ec);
  if (ec) {
    run.model.report_violation("creating the slot failed: " + describe(ec));
  }
  return made;
}

mailslot::server duplicate_of(const mailslot::server& server) {
  HANDLE copy = nullptr;
  if (::DuplicateHandle(::GetCurrentProcess(), server.native_handle(), ::GetCurrentProcess(), &copy,
                        0, FALSE, DUPLICATE_SAME_ACCESS) == FALSE) {
    return {};
  }
  return mailslot::server::adopt(copy, server.name());
}

unsigned long queued(slot_model& model, const mailslot::server& server) {
  std::error_code ec;
  const auto info = server.info(ec);
  if (ec) {
    model.report_violation("GetMailslotInfo failed: " + describe(ec));
  }
  return info.message_count;
}

// --- the server's own reads ------------------------------------------------------------------

// Server 0 and a second server on a duplicated handle (1) are each read by a
// thread of their own (consumer 0 and 1), as the server's rules have it: one
// thread reads a server; others may only cancel() it. What else touches a
// server (its timeout, release and adopt, closing) runs on its thread, or
// once the thread was stopped: cancel(), wait, resume().
class sync_world final : public world {
 public:
  explicit sync_world(run_context& run)
      : run_(run),
        model_(run.model),
        writers_(run.model, run.slot, run.steps.writers, max_message_size(run.steps.max_class)) {
    servers_[0] = create_slot(run_);
    for (auto& buffer : buffers_) {
      buffer.resize(70000);
    }
  }

  ~sync_world() override {
    for (int i = 0; i < 2; ++i) {
      stop_thread(i);
    }
  }

  void apply(const step& one) override {
    const int i = one.a % 2;
    switch (one.what) {
      case op::write:
        writers_.write(one.a, one.b, one.c);
        break;
      case op::burst:
        writers_.burst(one.a, one.b, one.c);
        break;
      case op::pause:
        ::Sleep(static_cast<DWORD>(one.a * 3));
        break;
      case op::read:
      case op::try_read:
        if (open(i)) {
          const int form = one.b % 5;
          const bool bounded = one.what == op::try_read;
          const milliseconds timeout = timeout_of(one.c);
          readers_[i].post([this, i, form, bounded, timeout] { read(i, form, bounded, timeout); });
        }
        break;
      case op::cancel:
        if (open(i)) {
          servers_[i]->stop_reading();
          cancelled_[i] = true;
        }
        break;
      case op::resume:
        if (open(i) && cancelled_[i]) {
          readers_[i].wait_idle();  // (cancelled: its reads end at once)
          servers_[i]->resume_reading();
          cancelled_[i] = false;
        }
        break;
      case op::timeout:
        if (open(i)) {
          const milliseconds timeout = timeout_of(one.b);
          short_timeouts_ = short_timeouts_ || timeout != mailslot::wait_forever;
          readers_[i].post([this, i, timeout] { timeout_.set(*servers_[i], timeout); });
        }
        break;
      case op::release_adopt:
        if (open(i)) {
          stop_thread(i);
          mailslot::name name = servers_[i]->name();
          const HANDLE handle = servers_[i]->release();
          servers_[i] = mailslot::server::adopt(handle, std::move(name));
        }
        break;
      case op::dup_open:
        if (!open(1) && open(0)) {
          readers_[1].wait_idle();
          servers_[1] = duplicate_of(*servers_[0]);
        }
        break;
      case op::dup_close:
        if (open(1)) {
          stop_thread(1);
          servers_[1].reset();
        }
        break;
      case op::recreate:
        quiesce();
        drain(model_, *servers_[0], 0);
        writers_.close_clients();
        servers_[1].reset();
        servers_[0].reset();
        servers_[0] = create_slot(run_);
        timeout_.recreated();
        break;
      case op::checkpoint:
        quiesce();
        model_.check_counts(queued(model_, *servers_[0]), "at a checkpoint");
        timeout_.check(*servers_[0], "at a checkpoint");
        break;
      default:
        break;
    }
  }

  void finish() override {
    quiesce();
    model_.check_counts(queued(model_, *servers_[0]), "at the end");
    timeout_.check(*servers_[0], "at the end");
    drain(model_, *servers_[0], 0);
    model_.check_all_delivered();
  }

 private:
  [[nodiscard]] bool open(int i) const { return servers_[i] && servers_[i]->is_open(); }

  // Ends what thread i does: its server's reads are cancelled, then resumed
  // once the thread has nothing left to do.
  void stop_thread(int i) {
    if (open(i)) {
      servers_[i]->stop_reading();
      readers_[i].wait_idle();
      servers_[i]->resume_reading();
      cancelled_[i] = false;
    } else {
      readers_[i].wait_idle();
    }
  }

  void quiesce() {
    writers_.wait_idle();
    stop_thread(0);
    stop_thread(1);
  }

  // One read on thread i, in one of the forms: 0 a buffer that holds any
  // message, 1 a buffer of 64 bytes, 2 a kept container, 3 a new string,
  // 4 new bytes; `bounded`: the try_ form with `timeout`.
  void read(int i, int form, bool bounded, milliseconds timeout) {
    auto& server = *servers_[i];
    if (!server.is_open()) {
      return;
    }
    std::error_code ec;
    std::optional<std::size_t> received;
    const void* data = nullptr;
    std::string text;
    std::vector<std::byte> bytes;
    auto& buffer = buffers_[i];
    const std::size_t size = form == 1 ? 64 : buffer.size();
    switch (form) {
      case 0:
      case 1:
        data = buffer.data();
        received = bounded ? server.try_read(mailslot::buffer(buffer.data(), size), timeout, ec)
                           : std::optional<std::size_t>(
                                 server.read(mailslot::buffer(buffer.data(), size), ec));
        break;
      case 2:
        received = bounded ? server.try_read(kept_[i], timeout, ec)
                           : std::optional<std::size_t>(server.read(kept_[i], ec));
        data = kept_[i].data();
        break;
      case 3:
        if (bounded) {
          auto got = server.try_read(timeout, ec);
          if (got) {
            text = std::move(*got);
            received = text.size();
          }
        } else {
          text = server.read(ec);
          received = text.size();
        }
        data = text.data();
        break;
      default:
        if (bounded) {
          auto got = server.try_read<std::vector<std::byte>>(timeout, ec);
          if (got) {
            bytes = std::move(*got);
            received = bytes.size();
          }
        } else {
          bytes = server.read<std::vector<std::byte>>(ec);
          received = bytes.size();
        }
        data = bytes.data();
        break;
    }
    if (!ec) {
      if (received) {
        deliver(model_, i, data, *received);
      } else if (timeout == mailslot::wait_forever) {
        model_.report_violation("try_read with no deadline (form " + std::to_string(form) +
                                ", server " + std::to_string(i) + ") returned no message");
      }
      return;
    }
    // Cancelled only when cancel() came (it stays until resume(), which
    // waits for this thread); timed out only when the slot's timeout was
    // ever other than forever.
    const bool allowed = (ec == mailslot::condition::cancelled && server.is_reading_stopped()) ||
                         (!bounded && short_timeouts_ && ec == mailslot::condition::timed_out) ||
                         (form == 1 && ec == mailslot::condition::buffer_too_small);
    if (!allowed) {
      model_.report_violation(std::string(bounded ? "try_read" : "read") + " (form " +
                              std::to_string(form) + ", server " + std::to_string(i) +
                              ") failed with " + describe(ec));
    }
  }

  run_context& run_;
  slot_model& model_;
  writers writers_;
  std::optional<mailslot::server> servers_[2];
  bool cancelled_[2]{};  // (the driver's: cancel() called, resume() not yet)
  std::atomic<bool> short_timeouts_{false};
  timeout_record timeout_{run_.model};
  std::vector<unsigned char> buffers_[2];
  std::vector<std::byte> kept_[2];
  worker readers_[2];  // (last: its threads end first)
};

// --- the thread pool reader ------------------------------------------------------------------

// What one start() of a reader delivers to: the server it reads (the
// consumer: one reader at a time per server, so its messages come in
// order), and whether stop() has returned.
struct session {
  int server = 0;
  bool slow = false;
  std::atomic<bool> stop_returned{false};
  std::atomic<bool> stop_inside{false};
  std::atomic<int> inside{0};
  std::atomic<bool> failed{false};  // (an error ends the session: nothing comes after it)
  std::mutex mutex;                 // guards `reader`
  mailslot::thread_pool_reader* reader = nullptr;  // where the reader object is now
};

class pool_world final : public world {
 public:
  explicit pool_world(run_context& run)
      : run_(run),
        model_(run.model),
        writers_(run.model, run.slot, run.steps.writers, max_message_size(run.steps.max_class)) {
    servers_[0] = create_slot(run_);
    buffer_.resize(70000);
  }

  ~pool_world() override {
    for (int r = 0; r < 2; ++r) {
      stop_reader(r);
      readers_[r].reset();
    }
  }

  void apply(const step& one) override {
    const int r = one.a % 2;
    switch (one.what) {
      case op::write:
        writers_.write(one.a, one.b, one.c);
        break;
      case op::burst:
        writers_.burst(one.a, one.b, one.c);
        break;
      case op::pause:
        ::Sleep(static_cast<DWORD>(one.a * 3));
        break;
      case op::start:
        start(r, one.b % 2, one.c % 2 == 1);
        break;
      case op::stop:
        stop_reader(r);
        break;
      case op::stop_inside:
        if (sessions_[r]) {
          sessions_[r]->stop_inside = true;
        }
        break;
      case op::destroy:
        stop_reader(r);
        readers_[r].reset();
        break;
      case op::move:
        move(r, one.b % 2 == 0);
        break;
      case op::try_read: {
        const int i = one.a % 2;
        settle(i);
        if (open(i)) {
          std::error_code ec;
          const milliseconds timeout = timeout_of(one.c % 3);  // (never forever)
          const auto received =
              servers_[i]->try_read(mailslot::buffer(buffer_.data(), buffer_.size()), timeout, ec);
          if (ec) {
            model_.report_violation("try_read failed: " + describe(ec));
          } else if (received) {
            deliver(model_, i, buffer_.data(), *received);
          }
        }
        break;
      }
      case op::timeout: {
        const int i = one.a % 2;
        settle(i);
        if (open(i)) {
          // (A reader of the other server may be running: the slot's
          // timeout never ends it, whatever the value.)
          timeout_.set(*servers_[i], timeout_of(one.b));
        }
        break;
      }
      case op::release_adopt: {
        const int i = one.a % 2;
        settle(i);
        if (open(i)) {
          mailslot::name name = servers_[i]->name();
          const HANDLE handle = servers_[i]->release();
          servers_[i] = mailslot::server::adopt(handle, std::move(name));
        }
        break;
      }
      case op::dup_open:
        if (!open(1) && open(0)) {
          settle(1);
          servers_[1] = duplicate_of(*servers_[0]);
        }
        break;
      case op::dup_close:
        settle(1);
        servers_[1].reset();
        break;
      case op::recreate:
        quiesce();
        drain(model_, *servers_[0], 0);
        writers_.close_clients();
        servers_[1].reset();
        servers_[0].reset();
        servers_[0] = create_slot(run_);
        timeout_.recreated();
        break;
      case op::checkpoint:
        quiesce();
        model_.check_counts(queued(model_, *servers_[0]), "at a checkpoint");
        timeout_.check(*servers_[0], "at a checkpoint");
        break;
      default:
        break;
    }
  }

  void finish() override {
    quiesce();
    model_.check_counts(queued(model_, *servers_[0]), "at the end");
    timeout_.check(*servers_[0], "at the end");
    drain(model_, *servers_[0], 0);
    model_.check_all_delivered();
  }

 private:
  [[nodiscard]] bool open(int i) const { return servers_[i] && servers_[i]->is_open(); }

  void start(int r, int i, bool slow) {
    if (!readers_[r]) {
      readers_[r].emplace();
    }
    detach(r);  // (start() stops what the reader ran: that session ends)
    auto next = std::make_shared<session>();
    next->server = i;
    next->slow = slow;
    next->reader = &*readers_[r];
    auto previous = std::exchange(sessions_[r], next);
    std::error_code ec;
    slot_model& model = model_;
    mailslot::server empty;
    readers_[r]->start(
        open(i) ? *servers_[i] : empty,
        [s = next, &model](const std::error_code& error, std::string_view message) {
          callback(*s, model, error, message);
        },
        ec);
    if (previous) {
      ended(*previous, "start()");
    }
    if (ec) {
      next->stop_returned = true;  // (it never ran: no callback may come)
      const bool allowed = ec == std::error_code(mailslot::errc::not_open) ||
                           ec == std::error_code(mailslot::errc::already_bound);
      if (!allowed) {
        model_.report_violation("start() on server " + std::to_string(i) + " failed with " +
                                describe(ec));
      }
    }
  }

  static void callback(session& s, slot_model& model, const std::error_code& ec,
                       std::string_view message) {
    if (s.stop_returned) {
      model.report_violation("a callback ran after stop() had returned");
    }
    if (s.failed) {
      model.report_violation("a callback ran after the reader had ended with an error");
    }
    if (s.inside.fetch_add(1) != 0) {
      model.report_violation("two callbacks of one reader ran at once");
    }
    if (ec) {
      s.failed = true;
      model.report_violation("the reader of server " + std::to_string(s.server) + " ended with " +
                             describe(ec));
    } else {
      deliver(model, s.server, message.data(), message.size());
    }
    if (s.slow) {
      ::Sleep(0);
    }
    if (s.stop_inside.exchange(false)) {
      const std::lock_guard<std::mutex> hold(s.mutex);
      if (s.reader != nullptr) {
        s.reader->stop();
        s.stop_returned = true;
      }
    }
    s.inside.fetch_sub(1);
  }

  // The reader object r is about to be used by the driver in a way that
  // waits for its callback: the callback must no longer reach it.
  void detach(int r) {
    if (sessions_[r]) {
      const std::lock_guard<std::mutex> hold(sessions_[r]->mutex);
      sessions_[r]->reader = nullptr;
    }
  }

  void stop_reader(int r) {
    detach(r);
    if (readers_[r]) {
      readers_[r]->stop();
    }
    if (sessions_[r]) {
      ended(*sessions_[r], "stop()");
    }
  }

  // What ran a session has returned (stop(), or a start() that stops what
  // the reader ran): none of its callbacks may run now or later.
  void ended(session& s, const char* what) {
    s.stop_returned = true;
    if (s.inside != 0) {
      model_.report_violation(std::string("a callback still ran when ") + what + " had returned");
    }
  }

  void move(int r, bool assign) {
    const int t = 1 - r;
    if (!readers_[r]) {
      return;
    }
    stop_reader(t);
    {
      std::unique_lock<std::mutex> hold;
      if (sessions_[r]) {
        hold = std::unique_lock<std::mutex>(sessions_[r]->mutex);
      }
      if (assign && readers_[t]) {
        *readers_[t] = std::move(*readers_[r]);
      } else {
        readers_[t].emplace(std::move(*readers_[r]));
      }
      if (sessions_[r] && sessions_[r]->reader != nullptr) {
        sessions_[r]->reader = &*readers_[t];
      }
    }
    sessions_[t] = std::exchange(sessions_[r], nullptr);
  }

  // Stops every reader of server i: what touches the server comes after.
  void settle(int i) {
    for (int r = 0; r < 2; ++r) {
      if (sessions_[r] && sessions_[r]->server == i) {
        stop_reader(r);
      }
    }
  }

  void quiesce() {
    writers_.wait_idle();
    settle(0);
    settle(1);
  }

  run_context& run_;
  slot_model& model_;
  writers writers_;
  timeout_record timeout_{run_.model};
  std::vector<unsigned char> buffer_;
  std::optional<mailslot::server> servers_[2];
  std::shared_ptr<session> sessions_[2];
  std::optional<mailslot::thread_pool_reader> readers_[2];  // (after the servers)
};

}  // namespace

std::unique_ptr<world> make_sync_world(run_context& run) {
  return std::make_unique<sync_world>(run);
}
std::unique_ptr<world> make_pool_world(run_context& run) {
  return std::make_unique<pool_world>(run);
}

}  // namespace mailslot_model
