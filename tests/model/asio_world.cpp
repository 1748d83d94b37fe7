// The world of the Asio server, on an io_context run by one or two threads or
// on a thread_pool.

#include <mailslot/asio.hpp>  // (first: Asio must come before <windows.h>)

#include <asio/bind_cancellation_slot.hpp>
#include <asio/bind_executor.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/strand.hpp>
#include <asio/thread_pool.hpp>

#include <model/support.hpp>
#include <model/worlds.hpp>

#include <chrono>
#include <optional>
#include <thread>

namespace mailslot_model {
namespace {

using std::chrono::milliseconds;
using server_type = mailslot::asio::server;

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

// One asynchronous read: its buffer (forms 0 and 1), its cancellation
// signal, and its place among the reads issued (buffer reads only: a
// container read that grows issues its ReadFile again, behind the others).
struct read_record {
  int form = 0;
  long position = -1;
  bool cancellable = false;
  std::vector<unsigned char> buffer;
  std::string kept;  // form 4: a container the read reuses (a used one: it holds text)
  std::vector<std::string> batch;  // form 5: the list a batch read fills
  asio::cancellation_signal signal;
  std::atomic<bool> done{false};
  std::atomic<bool> dropped{false};
  std::atomic<bool> cancel_asked{false};  // something that cancels it was done
};

// How many messages a batch read (form 5) takes at most.
constexpr std::size_t batch_bound = 3;

// The completion handler: checks what the read delivered; destroyed without
// being called, it counts as a dropped handler.
class read_handler {
 public:
  read_handler(std::shared_ptr<read_record> record, slot_model& model)
      : record_(std::move(record)), model_(&model) {}
  read_handler(read_handler&& other) noexcept
      : record_(std::move(other.record_)),
        model_(other.model_),
        armed_(std::exchange(other.armed_, false)) {}
  read_handler& operator=(read_handler&&) = delete;
  read_handler(const read_handler&) = delete;
  read_handler& operator=(const read_handler&) = delete;
  ~read_handler() {
    if (armed_ && record_ && !record_->done) {
      model_->dropped_handler();
      record_->dropped = true;
    }
  }

  void operator()(const std::error_code& ec, std::size_t size) {
    if (record_->form == 5) {
      complete_batch(ec, size);
      return;
    }
    if (record_->form == 4 && !ec && record_->kept.size() != size) {
      model_->report_violation("a reused container holds " + std::to_string(record_->kept.size()) +
                               " bytes after a read of " + std::to_string(size));
    }
    if (record_->form == 4 && ec && !record_->kept.empty()) {
      model_->report_violation("a reused container is not empty after a failed read");
    }
    complete(ec,
             record_->form == 4 ? static_cast<const void*>(record_->kept.data())
                                : static_cast<const void*>(record_->buffer.data()),
             size);
  }
  void operator()(const std::error_code& ec, const std::string& message) {
    complete(ec, message.data(), message.size());
  }
  void operator()(const std::error_code& ec, const std::vector<std::byte>& message) {
    complete(ec, message.data(), message.size());
  }

 private:
  // A batch: each message is delivered on its own, unordered as the
  // container reads' are (reads issued again, after a growth or the slot's
  // timeout, get messages in no set order); the model checks each arrives
  // once and intact, and that the list holds exactly the count.
  void complete_batch(const std::error_code& ec, std::size_t count) {
    const auto& batch = record_->batch;
    if (!ec && (count == 0 || count > batch_bound || count != batch.size())) {
      model_->report_violation("a batch read of " + std::to_string(count) +
                               " messages left its list holding " + std::to_string(batch.size()));
    }
    if (ec && !batch.empty()) {
      model_->report_violation("a batch read's list is not empty after a failed read");
    }
    if (ec || batch.empty()) {
      complete(ec, nullptr, 0);
      return;
    }
    for (std::size_t i = 0; i + 1 < batch.size(); ++i) {
      deliver(*model_, slot_model::unordered, batch[i].data(), batch[i].size());
    }
    complete(ec, batch.back().data(), batch.back().size());
  }

  void complete(const std::error_code& ec, const void* data, std::size_t size) {
    if (!ec) {
      if (record_->position >= 0) {
        model_->deliver_at(record_->position, static_cast<const unsigned char*>(data), size);
      } else {
        deliver(*model_, slot_model::unordered, data, size);
      }
    } else {
      // (Never timed out: the slot's timeout does not end an Asio read.)
      const bool allowed = (ec == asio::error::operation_aborted && record_->cancel_asked) ||
                           (record_->form == 1 && ec == mailslot::condition::buffer_too_small);
      if (!allowed) {
        model_->report_violation("an asynchronous read (form " + std::to_string(record_->form) +
                                 ") completed with " + describe(ec));
      }
    }
    record_->done = true;
  }

  std::shared_ptr<read_record> record_;
  slot_model* model_;
  bool armed_ = true;
};

// The execution context: an io_context run by one or two threads (kept
// running by a work guard until stopped), or a thread_pool of two threads.
// Handlers and cancellation run on a strand of it.
class context_holder {
 public:
  explicit context_holder(int type) : type_(type) { build(); }
  ~context_holder() { destroy(); }
  context_holder(const context_holder&) = delete;
  context_holder& operator=(const context_holder&) = delete;

  void build() {
    if (type_ == 2) {
      pool_ = std::make_unique<asio::thread_pool>(2);
      strand_.emplace(asio::make_strand(asio::any_io_executor(pool_->get_executor())));
    } else {
      io_ = std::make_unique<asio::io_context>();
      work_.emplace(io_->get_executor());
      strand_.emplace(asio::make_strand(asio::any_io_executor(io_->get_executor())));
      run();
    }
    running_ = true;
  }

  [[nodiscard]] asio::any_io_executor executor() const {
    return pool_ ? asio::any_io_executor(pool_->get_executor())
                 : asio::any_io_executor(io_->get_executor());
  }
  [[nodiscard]] asio::strand<asio::any_io_executor>& strand() { return *strand_; }
  [[nodiscard]] bool running() const { return running_; }
  /// An io_context stopped can run again; a thread_pool cannot.
  [[nodiscard]] bool can_restart() const { return io_ != nullptr; }

  void stop() {
    if (!running_) {
      return;
    }
    if (pool_) {
      pool_->stop();
      pool_->join();
    } else {
      io_->stop();
      for (auto& t : threads_) {
        t.join();
      }
      threads_.clear();
    }
    running_ = false;
  }

  void restart() {
    if (running_ || !io_) {
      return;
    }
    io_->restart();
    run();
    running_ = true;
  }

  void destroy() {
    stop();
    strand_.reset();
    work_.reset();
    io_.reset();
    pool_.reset();
  }

 private:
  void run() {
    const int count = type_ == 1 ? 2 : 1;
    for (int i = 0; i < count; ++i) {
      threads_.emplace_back([this] { io_->run(); });
    }
  }

  int type_;
  std::unique_ptr<asio::io_context> io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::unique_ptr<asio::thread_pool> pool_;
  std::optional<asio::strand<asio::any_io_executor>> strand_;
  std::vector<std::thread> threads_;
  bool running_ = false;
};

// The driver is the one thread that uses the asio server object; handlers
// only record. A second handle to the slot (the keeper, a duplicate) keeps
// the slot and its messages when the asio server closes; the keeper reads
// synchronously, which a handle bound to a port allows.
class asio_world final : public world {
 public:
  explicit asio_world(run_context& run)
      : run_(run),
        model_(run.model),
        writers_(run.model, run.slot, run.steps.writers, max_message_size(run.steps.max_class)),
        context_(run.steps.context) {
    new_slot();
  }

  ~asio_world() override {
    cancel_asked();
    context_.stop();
    servers_[0].reset();
    servers_[1].reset();
    context_.destroy();
  }

  void apply(const step& one) override {
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
      case op::async_read:
        // Forms: 0 a buffer that holds any message, 1 a small buffer, 2 a new
        // string, 3 new bytes, 4 a string the read reuses, 5 a batch of up to
        // 3 messages (4 and 5 chosen by c, so that the forms b chose in
        // sequences kept before stay theirs).
        async_read((one.c / 2) % 5 == 4 ? ((one.c / 10) % 2 == 0 ? 4 : 5) : one.b % 4,
                   one.c % 2 == 1);
        break;
      case op::cancel_one:
        cancel_one(one.a, one.b % 3);
        break;
      case op::cancel_all:
        if (server()) {
          cancel_asked();
          server()->cancel();
        }
        break;
      case op::close:
        if (server()) {
          std::error_code ec;
          cancel_asked();
          server()->close(ec);
          if (ec) {
            model_.report_violation("close() failed: " + describe(ec));
          }
          reopen();
        }
        break;
      case op::move:
        move(one.b % 2 == 0);
        break;
      case op::release_adopt:
        if (server()) {
          cancel_asked();
          mailslot::server slot = server()->release();
          std::error_code ec;
          server()->assign(std::move(slot), ec);
          if (ec) {
            model_.report_violation("assign() after release() failed: " + describe(ec));
            reopen();
          }
        }
        break;
      case op::try_read:
        if (server()) {
          std::error_code ec;
          const long at = reissues_ ? -1 : position_++;
          const auto received = server()->next_layer().try_read(
              mailslot::buffer(buffer_.data(), buffer_.size()), timeout_of(one.c % 3), ec);
          if (ec) {
            model_.report_violation("a synchronous read through next_layer() failed: " +
                                    describe(ec));
          } else if (received && at >= 0) {
            model_.deliver_at(at, buffer_.data(), *received);
          } else if (received) {
            deliver(model_, slot_model::unordered, buffer_.data(), *received);
          }
        }
        break;
      case op::timeout:
        if (server()) {
          timeout_.set(server()->next_layer(), timeout_of(one.b));
          reissues_ = reissues_ || timeout_of(one.b) != mailslot::wait_forever;
        }
        break;
      case op::context_stop:
        context_.stop();
        break;
      case op::context_restart:
        if (context_.can_restart()) {
          context_.restart();
        } else if (!context_.running()) {
          destroy_context(true);
        }
        break;
      case op::context_destroy:
        destroy_context(one.a % 2 == 1);
        break;
      case op::recreate:
        quiesce();
        recreate();
        break;
      case op::checkpoint:
        quiesce();
        model_.check_counts(queued(), "at a checkpoint");
        timeout_.check(keeper_, "at a checkpoint");
        break;
      default:
        break;
    }
    prune();
  }

  void finish() override {
    quiesce();
    model_.check_counts(queued(), "at the end");
    timeout_.check(keeper_, "at the end");
    drain(model_, keeper_, 0, &position_);
    model_.check_all_delivered();
  }

 private:
  server_type* server() { return servers_[current_] ? &*servers_[current_] : nullptr; }

  void new_slot() {
    mailslot::server_options options;
    options.max_message_size = max_message_size(run_.steps.max_class);
    options.creation = mailslot::creation::nt_create_mailslot_file;
    std::error_code ec;
    auto made = mailslot::server::create(run_.slot, options, ec);
    if (ec) {
      model_.report_violation("creating the slot failed: " + describe(ec));
      return;
    }
    keeper_ = duplicate(made);
    servers_[current_].emplace(context_.executor());
    servers_[current_]->assign(std::move(made), ec);
    if (ec) {
      model_.report_violation("assign() of a new slot failed: " + describe(ec));
    }
  }

  static mailslot::server duplicate(const mailslot::server& server) {
    HANDLE copy = nullptr;
    if (::DuplicateHandle(::GetCurrentProcess(), server.native_handle(), ::GetCurrentProcess(),
                          &copy, 0, FALSE, DUPLICATE_SAME_ACCESS) == FALSE) {
      return {};
    }
    return mailslot::server::adopt(copy, server.name());
  }

  // A new asio server on a duplicate of the keeper's handle, on this
  // context; a handle bound to a port that is gone cannot be read through
  // Asio again (errc::already_bound): then the slot is made anew.
  void reopen() {
    std::error_code ec;
    servers_[current_].emplace(context_.executor());
    mailslot::server copy = duplicate(keeper_);
    servers_[current_]->assign(std::move(copy), ec);
    copy = mailslot::server();  // (left with us on failure: closed, or the name stays taken)
    if (ec == std::error_code(mailslot::errc::already_bound)) {
      quiesce();
      recreate();
    } else if (ec) {
      model_.report_violation("assign() of the slot again failed: " + describe(ec));
    }
  }

  void recreate() {
    cancel_asked();
    servers_[current_].reset();
    drain(model_, keeper_, 0, &position_);
    writers_.close_clients();
    keeper_ = mailslot::server();
    new_slot();
    timeout_.recreated();
    reissues_ = false;
  }

  void async_read(int form, bool cancellable) {
    if (server() == nullptr || !server()->is_open()) {
      return;
    }
    auto record = std::make_shared<read_record>();
    record->form = form;
    record->cancellable = cancellable;
    if (form <= 1) {
      record->position = reissues_ ? -1 : position_++;
      record->buffer.resize(form == 0 ? 70000 : 64);
    }
    if (form == 4) {
      record->kept.assign(100, 'k');  // (a used container: its content must go)
    }
    if (form == 5) {
      record->batch.assign(5, std::string(100, 'k'));  // (a used list: what is past them must go)
    }
    outstanding_.push_back(record);
    auto handler = asio::bind_executor(context_.strand(), read_handler(record, model_));
    if (cancellable) {
      issue(*server(), *record,
            asio::bind_cancellation_slot(record->signal.slot(), std::move(handler)));
    } else {
      issue(*server(), *record, std::move(handler));
    }
  }

  template <class Token>
  static void issue(server_type& server, read_record& record, Token&& token) {
    switch (record.form) {
      case 0:
      case 1:
        server.async_read(asio::buffer(record.buffer), std::forward<Token>(token));
        break;
      case 2:
        server.async_read(std::forward<Token>(token));
        break;
      case 4:
        server.async_read(record.kept, std::forward<Token>(token));
        break;
      case 5:
        server.async_read_some_messages(batch_bound, record.batch, std::forward<Token>(token));
        break;
      default:
        server.template async_read<std::vector<std::byte>>(std::forward<Token>(token));
        break;
    }
  }

  // Per-operation cancellation, emitted where the operation's handler runs
  // (its strand), as Asio asks.
  void cancel_one(int which, int type) {
    std::vector<std::shared_ptr<read_record>> live;
    for (const auto& record : outstanding_) {
      if (record->cancellable && !record->done && !record->dropped) {
        live.push_back(record);
      }
    }
    if (live.empty()) {
      return;
    }
    auto record = live[static_cast<std::size_t>(which) % live.size()];
    record->cancel_asked = true;
    const asio::cancellation_type types[] = {asio::cancellation_type::terminal,
                                             asio::cancellation_type::partial,
                                             asio::cancellation_type::total};
    const auto chosen = types[type];
    asio::post(context_.strand(), [record, chosen] { record->signal.emit(chosen); });
  }

  void move(bool assign) {
    if (server() == nullptr) {
      return;
    }
    const int target = 1 - current_;
    if (assign && servers_[target]) {
      *servers_[target] = std::move(*servers_[current_]);
    } else {
      servers_[target].emplace(std::move(*servers_[current_]));
    }
    current_ = target;  // (the other one is moved-from: not open)
  }

  // Ends the context with reads outstanding: the context first (the server
  // outlives it, and can then only be released, closed or destroyed), or
  // the server first.
  void destroy_context(bool server_first) {
    cancel_asked();
    if (server_first) {
      servers_[0].reset();
      servers_[1].reset();
      context_.destroy();
    } else {
      context_.destroy();
      for (auto& s : servers_) {
        if (s) {
          mailslot::server slot = s->release();
          slot = mailslot::server();
          s.reset();
        }
      }
    }
    context_.build();
    reopen();
  }

  // No write and no read under way: every read is cancelled and its handler
  // has run (or was dropped with its context).
  void quiesce() {
    writers_.wait_idle();
    cancel_asked();
    if (!context_.running()) {
      if (context_.can_restart()) {
        context_.restart();
      } else {
        destroy_context(true);
      }
    }
    for (auto& s : servers_) {
      if (s) {
        s->cancel();
      }
    }
    for (;;) {
      prune();
      if (outstanding_.empty()) {
        break;
      }
      ::Sleep(1);
    }
  }

  // What comes next cancels every outstanding read (cancel(), close(),
  // release(), destruction).
  void cancel_asked() {
    for (const auto& record : outstanding_) {
      record->cancel_asked = true;
    }
  }

  void prune() {
    outstanding_.erase(std::remove_if(outstanding_.begin(), outstanding_.end(),
                                      [](const auto& r) { return r->done || r->dropped; }),
                       outstanding_.end());
  }

  unsigned long queued() {
    std::error_code ec;
    const auto info = keeper_.info(ec);
    if (ec) {
      model_.report_violation("GetMailslotInfo failed: " + describe(ec));
    }
    return info.message_count;
  }

  run_context& run_;
  slot_model& model_;
  writers writers_;
  context_holder context_;
  mailslot::server keeper_;
  std::optional<server_type> servers_[2];
  int current_ = 0;
  long position_ = 0;
  timeout_record timeout_{run_.model};
  // The slot's timeout was set other than forever: a read it ends issues its
  // ReadFile again, behind the others, so reads get messages in no set order.
  bool reissues_ = false;
  std::vector<unsigned char> buffer_ = std::vector<unsigned char>(70000);
  std::vector<std::shared_ptr<read_record>> outstanding_;
};

}  // namespace

std::unique_ptr<world> make_asio_world(run_context& run) {
  return std::make_unique<asio_world>(run);
}

}  // namespace mailslot_model
