#ifndef MAILSLOT_DETAIL_THREAD_POOL_BINDING_HPP
#define MAILSLOT_DETAIL_THREAD_POOL_BINDING_HPP

// The machinery of mailslot::thread_pool_reader: a server's handle bound to
// the Windows thread pool (CreateThreadpoolIo), one ReadFile outstanding at a
// time, and the messages handed to the reader's callback.
//
// The handle skips the completion port when a read succeeds at once
// (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, set when the handle is bound): while
// messages are waiting, each ReadFile returns one with no completion packet,
// and the callback that delivered the previous one delivers it too, as a
// thread reading in a loop would. Only a read that has to wait goes through
// the pool. One callback delivers at most `batch` messages in a row; then the
// next message is handed to a work item (SubmitThreadpoolWork), so that a slot
// that never runs dry cannot hold a pool thread for ever, and other callbacks
// of the pool (other slots) get their turn.
//
// The slot's read timeout never ends the listening: a read it ends is made
// again, no sooner than reread_interval after the one before started (a
// thread pool timer waits out the rest), so that a slot whose timeout is 0
// or a few milliseconds costs at most 100 ReadFiles a second while idle.

#include <mailslot/detail/read.hpp>
#include <mailslot/detail/windows.hpp>
#include <mailslot/error.hpp>

#include <atomic>
#include <cstddef>
#include <new>
#include <optional>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace mailslot::detail {

/// The reader's callback, type-erased: any callable of
/// `void(const std::error_code&, std::string_view)`, move-only ones included,
/// kept on the heap (one allocation per thread_pool_reader::start()).
/// Move-only.
class message_handler {
 public:
  message_handler() noexcept = default;
  message_handler(const message_handler&) = delete;
  message_handler& operator=(const message_handler&) = delete;
  message_handler(message_handler&& other) noexcept
      : target_(std::exchange(other.target_, nullptr)),
        call_(other.call_),
        destroy_(other.destroy_) {}
  message_handler& operator=(message_handler&& other) noexcept {
    if (this != &other) {
      reset();
      target_ = std::exchange(other.target_, nullptr);
      call_ = other.call_;
      destroy_ = other.destroy_;
    }
    return *this;
  }
  ~message_handler() { reset(); }

  /// Holds a copy of `f` (moved from an rvalue). Returns false, holding
  /// nothing, if memory ran out; an exception from F's constructor propagates.
  template <class F>
  [[nodiscard]] bool assign(F&& f) noexcept(std::is_nothrow_constructible_v<std::decay_t<F>, F&&>) {
    using target = std::decay_t<F>;
    auto* held = ::new (std::nothrow) target(std::forward<F>(f));  // (never F's own operator new)
    if (held == nullptr) {
      return false;
    }
    reset();
    target_ = held;
    call_ = [](void* t, const std::error_code& ec, std::string_view message) {
      (void)(*static_cast<target*>(t))(ec, message);
    };
    destroy_ = [](void* t) noexcept { ::delete static_cast<target*>(t); };
    return true;
  }

  /// Whether a callable is held.
  explicit operator bool() const noexcept { return target_ != nullptr; }

  /// Calls the callable held (there must be one).
  void operator()(const std::error_code& ec, std::string_view message) const {
    call_(target_, ec, message);
  }

  /// Destroys the callable held, if any.
  void reset() noexcept {
    if (target_ != nullptr) {
      destroy_(std::exchange(target_, nullptr));
    }
  }

 private:
  void* target_ = nullptr;
  void (*call_)(void*, const std::error_code&, std::string_view) = nullptr;
  void (*destroy_)(void*) noexcept = nullptr;
};

template <class T, class = void>
struct has_operator_bool : std::false_type {};
template <class T>
struct has_operator_bool<T, std::void_t<decltype(&T::operator bool),
                                        decltype(static_cast<bool>(std::declval<const T&>()))>>
    : std::true_type {};

/// Whether `f` holds no callable: a null function pointer, or an object whose
/// own const operator bool says so (an empty std::function). A lambda
/// converts to bool only through its function pointer, never null: it is
/// not asked, nor is an object whose operator bool is not const.
template <class F>
[[nodiscard]] bool is_empty_callable(const F& f) noexcept {
  if constexpr (std::is_pointer_v<F>) {
    return f == nullptr;
  } else if constexpr (has_operator_bool<F>::value) {
    return !static_cast<bool>(f);
  } else {
    (void)f;
    return false;
  }
}

/// The binding of one handle to the thread pool, and the reading through it.
/// Kept alive by the server (until its handle closes), by the reader object
/// that last used it, and by each callback while it runs; the TP_IO goes with
/// the last of them, so it is never used after CloseThreadpoolIo.
class pool_binding final : public async_binding {
 public:
  using handler = message_handler;

  /// Messages one callback delivers in a row (the one it was called for
  /// included) before it hands the next to a work item. Each hand-over costs
  /// about one pool dispatch (a few microseconds on Windows); a message costs
  /// a ReadFile and the callback's own work. At 32, the hand-overs cost a few
  /// percent of a flood's throughput, and another callback of the pool waits
  /// for at most 32 of this slot's messages.
  static constexpr int batch = 32;

  /// The binding of `handle`, made (and given to the server) the first time,
  /// on the pool of `environment` (nullptr: the process's default pool).
  static pool_binding* of(read_state& reads, HANDLE handle, const TP_CALLBACK_ENVIRON* environment,
                          std::error_code& ec) noexcept {
    if (async_binding* existing = reads.binding()) {
      auto* bound = existing->is(&tag) ? static_cast<pool_binding*>(existing) : nullptr;
      if (bound == nullptr || bound->environment_ != environment) {
        ec = errc::already_bound;
        return nullptr;
      }
      return bound;
    }
    auto* made = new (std::nothrow) pool_binding(handle, environment);
    if (made == nullptr) {
      ec = std::error_code(ERROR_NOT_ENOUGH_MEMORY, std::system_category());
      return nullptr;
    }
    // The caller's environment without its cleanup group: the binding closes
    // its own objects, and a cleanup group's members may be closed by others.
    TP_CALLBACK_ENVIRON own{};
    if (environment != nullptr) {
      own = *environment;
      own.CleanupGroup = nullptr;
      own.CleanupGroupCancelCallback = nullptr;
    }
    PTP_CALLBACK_ENVIRON pass = environment == nullptr ? nullptr : &own;
    made->work_ = ::CreateThreadpoolWork(&on_work, made, pass);
    if (made->work_ != nullptr) {
      made->timer_ = ::CreateThreadpoolTimer(&on_timer, made, pass);
    }
    if (made->timer_ != nullptr) {
      made->io_ = ::CreateThreadpoolIo(handle, &on_completion, made, pass);
    }
    if (made->io_ == nullptr) {
      ec = made->timer_ != nullptr && ::GetLastError() == ERROR_INVALID_PARAMETER
               ? make_error_code(errc::already_bound)  // bound to a port elsewhere
               : last_error();
      delete made;
      return nullptr;
    }
    made->skips_port_ = skip_port_on_success(handle);
    made->buffer_.limit(slot_maximum(handle));
    reads.bind(made);  // the server's reference
    return made;
  }

  void acquire() noexcept { references_.fetch_add(1); }
  void release() noexcept {
    if (references_.fetch_sub(1) == 1) {
      delete this;
    }
  }

  [[nodiscard]] bool inside_callback() const noexcept {
    return callback_thread_.load() == ::GetCurrentThreadId();
  }

  [[nodiscard]] bool listening(unsigned long generation) const noexcept {
    ::AcquireSRWLockShared(&lock_);
    const bool result = generation == generation_ && claimed_ != nullptr;
    ::ReleaseSRWLockShared(&lock_);
    return result;
  }

  /// The server this binding's listening reads is closing, moving,
  /// releasing its handle or going: the listening stops, as stop() stops it
  /// (waiting for its last callback, unless this is that callback).
  void server_leaving() noexcept override {
    ::AcquireSRWLockExclusive(&lock_);
    const unsigned long generation = generation_;
    const bool listening = claimed_ != nullptr;
    ::ReleaseSRWLockExclusive(&lock_);
    if (listening) {
      stop(generation);
    }
  }

  /// The server's handle is closed (or the server gave it away): no read
  /// starts any more, and the server's reference goes.
  void unbind() noexcept override {
    ::AcquireSRWLockExclusive(&lock_);
    stopping_ = true;
    unbound_ = true;
    claimed_ = nullptr;  // the server is going
    ::ReleaseSRWLockExclusive(&lock_);
    release();
  }

  /// Begins a listening of the claimed server; returns its generation.
  /// first_read() starts it.
  unsigned long begin(read_state& reads, handler callback) noexcept {
    wait_for_callbacks();  // the last callback of an earlier listening may still be returning
    on_message_ = std::move(callback);
    paced_ = false;  // (an earlier listening may have stopped before its pause)
    ::AcquireSRWLockExclusive(&lock_);
    stopping_ = false;
    claimed_ = &reads;
    const unsigned long generation = ++generation_;
    ::ReleaseSRWLockExclusive(&lock_);
    return generation;
  }

  /// Starts the first read. A message it takes at once is handed to a work
  /// item, never to the callback inside start(). If the read fails,
  /// listening ends (with `ec`) and no callback comes.
  bool first_read(std::error_code& ec) noexcept {
    if (buffer_.prepare(ec) && read(0, ec) != reading::failed) {
      return true;
    }
    callback_thread_.store(0);  // (no read pending, no work item: nothing runs)
    end_listening();
    forget();
    return false;
  }

  /// Stops the listening `generation` (another reader's later one is left
  /// alone) and, outside the callback, waits for its last callback.
  void stop(unsigned long generation) noexcept {
    ::AcquireSRWLockExclusive(&lock_);
    const bool ours = generation == generation_;
    if (ours) {
      stopping_ = true;
      if (pending_ && !unbound_) {
        ::CancelIoEx(handle_, &overlapped_);  // this read only; it may complete anyway
      }
    }
    ::ReleaseSRWLockExclusive(&lock_);
    if (!ours) {
      return;
    }
    if (!inside_callback()) {
      // Waits for the cancelled read's callback, and for a work item handed
      // a message: both deliver a message that was taken meanwhile.
      wait_for_callbacks();
      forget();
    }
    end_listening();
  }

 private:
  static constexpr char tag = 0;  // what is(&tag) recognises

  pool_binding(HANDLE handle, const TP_CALLBACK_ENVIRON* environment) noexcept
      : async_binding(&tag), handle_(handle), environment_(environment) {}
  ~pool_binding() {
    if (io_ != nullptr) {
      ::CloseThreadpoolIo(io_);  // after the handle (the server closed it first)
    }
    if (timer_ != nullptr) {
      ::SetThreadpoolTimer(timer_, nullptr, 0, 0);  // (never armed by now: see stop())
      ::CloseThreadpoolTimer(timer_);
    }
    if (work_ != nullptr) {
      ::CloseThreadpoolWork(work_);
    }
  }

  // Waits for the callbacks of a listening that is stopping (stopping_ set).
  // One thing of the listening is live at a time: a pending read, a work
  // item with a message, an armed timer, or the callback running one of
  // them, which may hand on to another kind once more if it did so before
  // stopping_ was set (a read and the timer are started under the lock
  // that sets it; a work item is submitted just after). The timer holds no
  // message: it is cancelled. A completion or a work item may deliver one:
  // they run. After these waits none runs, and nothing is armed.
  void wait_for_callbacks() noexcept {
    ::WaitForThreadpoolIoCallbacks(io_, FALSE);
    ::WaitForThreadpoolWorkCallbacks(work_, FALSE);
    ::SetThreadpoolTimer(timer_, nullptr, 0, 0);
    ::WaitForThreadpoolTimerCallbacks(timer_, TRUE);
    ::WaitForThreadpoolIoCallbacks(io_, FALSE);
    ::WaitForThreadpoolWorkCallbacks(work_, FALSE);
  }

  // Listening has ended (stop, or an error): the server is free again.
  void end_listening() noexcept {
    ::AcquireSRWLockExclusive(&lock_);
    read_state* claimed = std::exchange(claimed_, nullptr);
    ::ReleaseSRWLockExclusive(&lock_);
    if (claimed != nullptr) {
      claimed->unclaim();
    }
  }

  // Lets go of the handler (and what it captured) and the buffer, once no
  // callback uses them; the binding itself stays with the server.
  void forget() noexcept {
    on_message_.reset();
    buffer_.free();
    held_.reset();
  }

  enum class reading : unsigned char {
    handed_on,  // a read is pending, or the work item has a message: the next callback has it
    stopped,    // the listening was stopped (maybe by the callback): nothing is left running
    failed,     // an error ends the listening
  };

  // Reads until a read is left pending (its completion comes to
  // on_completion), the timer is set to read again later (the slot's timeout
  // ended the last read early; on_timer), the listening is stopped, or an
  // error ends it (with `ec`). Messages that arrive at once are delivered
  // here, `budget` of them; the one after is held for the work item. Once a
  // read is pending, the timer set or the work item submitted, the next
  // callback may already run: the caller touches nothing of the state
  // afterwards.
  reading read(int budget, std::error_code& ec) noexcept {
    for (;;) {
      ::AcquireSRWLockExclusive(&lock_);
      if (stopping_) {
        ::ReleaseSRWLockExclusive(&lock_);
        return reading::stopped;
      }
      callback_thread_.store(0);  // (a pending read's callback may start at once)
      if (std::exchange(paced_, false)) {
        if (const DWORD wait = pace_.wait_ms(); wait != 0) {
          set_timer(timer_, wait);
          ::ReleaseSRWLockExclusive(&lock_);
          return reading::handed_on;
        }
      }
      ::StartThreadpoolIo(io_);
      overlapped_ = OVERLAPPED{};
      DWORD received = 0;
      const BOOL done =
          ::ReadFile(handle_, buffer_.data(), buffer_.size(), &received, &overlapped_);
      const DWORD error = done != FALSE ? ERROR_SUCCESS : ::GetLastError();
      const read_start outcome = classify_read(done, error, skips_port_);
      pending_ = outcome == read_start::pending;
      if (!pending_) {
        ::CancelThreadpoolIo(io_);  // no completion comes for it
      }
      ::ReleaseSRWLockExclusive(&lock_);
      if (outcome == read_start::pending) {
        return reading::handed_on;
      }
      callback_thread_.store(::GetCurrentThreadId());
      if (outcome == read_start::completed && budget == 0) {
        held_ = received;  // the work item delivers it
        callback_thread_.store(0);
        ::SubmitThreadpoolWork(work_);
        return reading::handed_on;
      }
      if (outcome == read_start::completed) {
        --budget;
      }
      if (!next_after(error, received, ec)) {
        return reading::failed;
      }
    }
  }

  // After a read ended with `result`: delivers its message, or prepares the
  // next read. False (with `ec`) when the result ends the listening.
  bool next_after(DWORD result, std::size_t received, std::error_code& ec) noexcept {
    switch (result) {
      case ERROR_SUCCESS:
        deliver(ec, std::string_view(buffer_.data(), received));
        buffer_.relax();
        return true;
      case ERROR_SEM_TIMEOUT:  // the slot's timeout: read again, in a while if it was short
        pace_.ended_early(handle_);
        paced_ = true;
        return true;
      case ERROR_INSUFFICIENT_BUFFER:
      case ERROR_MORE_DATA:  // stays queued; grow and read again
        return buffer_.grow_for_next(handle_, ec);
      default:
        ec = std::error_code(static_cast<int>(result), std::system_category());
        return false;
    }
  }

  // Hands `ec` or the message to the callback; a callback that throws ends
  // the program here (noexcept), never undefined behaviour.
  void deliver(const std::error_code& ec, std::string_view message) const noexcept {
    on_message_(ec, message);
  }

  // The end of a callback (callback_thread_ set) that delivered `delivered`
  // messages: reads on, unless the listening stopped (this was the last
  // callback) or `ec` ends it; an error ends the listening, and then the
  // callback is told: by then is_running() is false and the server free (a new
  // start() waits for this callback to return before it touches the state).
  // An error that comes once the listening is stopping (stop(), or the
  // server's handle closing) is not told: the cancellation of the read, and
  // whatever else the stop met, are no news to whoever stopped it.
  void carry_on(std::error_code ec, int delivered) noexcept {
    if (!ec) {
      switch (read(batch - delivered, ec)) {
        case reading::handed_on:
          return;
        case reading::stopped:  // (maybe by the callback): this was the last
          forget();
          callback_thread_.store(0);
          return;
        case reading::failed:
          break;
      }
    }
    ::AcquireSRWLockExclusive(&lock_);
    const bool stopping = std::exchange(stopping_, true);
    ::ReleaseSRWLockExclusive(&lock_);
    end_listening();
    if (!stopping) {
      deliver(ec, {});
    }
    forget();
    callback_thread_.store(0);
  }

  // One completion through the pool.
  void complete(ULONG result, std::size_t received) noexcept {
    ::AcquireSRWLockExclusive(&lock_);
    pending_ = false;
    ::ReleaseSRWLockExclusive(&lock_);
    std::error_code ec;
    (void)next_after(result, received, ec);
    carry_on(ec, result == ERROR_SUCCESS ? 1 : 0);
  }

  // The work item: the message a read took at once, then on.
  void resume() noexcept {
    std::error_code ec;
    int delivered = 0;
    if (const std::optional<std::size_t> received = std::exchange(held_, std::nullopt)) {
      (void)next_after(ERROR_SUCCESS, *received, ec);
      delivered = 1;
    }
    carry_on(ec, delivered);
  }

  static void CALLBACK on_completion(PTP_CALLBACK_INSTANCE, void* context, void*, ULONG result,
                                     ULONG_PTR received, PTP_IO) noexcept {
    auto* self = static_cast<pool_binding*>(context);
    self->acquire();  // the reader object may go inside the callback
    self->callback_thread_.store(::GetCurrentThreadId());
    self->complete(result, static_cast<std::size_t>(received));
    self->release();
  }

  static void CALLBACK on_work(PTP_CALLBACK_INSTANCE, void* context, PTP_WORK) noexcept {
    auto* self = static_cast<pool_binding*>(context);
    self->acquire();
    self->callback_thread_.store(::GetCurrentThreadId());
    self->resume();
    self->release();
  }

  // The time to read again has come (the slot's timeout ended a read early).
  static void CALLBACK on_timer(PTP_CALLBACK_INSTANCE, void* context, PTP_TIMER) noexcept {
    auto* self = static_cast<pool_binding*>(context);
    self->acquire();
    self->callback_thread_.store(::GetCurrentThreadId());
    self->carry_on({}, 0);
    self->release();
  }

  const HANDLE handle_;
  const TP_CALLBACK_ENVIRON* const environment_;  // as the first reader gave it (identity only)
  PTP_IO io_ = nullptr;
  PTP_WORK work_ = nullptr;
  PTP_TIMER timer_ = nullptr;
  bool skips_port_ = false;          // FILE_SKIP_COMPLETION_PORT_ON_SUCCESS is set
  std::atomic<long> references_{1};  // the server's, from of()
  mutable SRWLOCK lock_ = SRWLOCK_INIT;
  // Under the lock:
  OVERLAPPED overlapped_{};
  bool pending_ = false;           // a ReadFile is outstanding; its completion will come
  bool stopping_ = false;          // no new read may start
  bool unbound_ = false;           // the server's handle is gone
  unsigned long generation_ = 0;   // counts start()s
  read_state* claimed_ = nullptr;  // the server being read, while listening
  // Used by start() before the first read, then by one callback at a time:
  kept_buffer buffer_;
  reread_pace pace_;
  bool paced_ = false;  // the slot's timeout ended the last read: the next waits for pace_
  handler on_message_;
  std::optional<std::size_t> held_;        // a message read at once, for the work item
  std::atomic<DWORD> callback_thread_{0};  // the thread inside the callback, if any
};

}  // namespace mailslot::detail

#endif
