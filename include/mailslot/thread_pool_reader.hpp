#ifndef MAILSLOT_THREAD_POOL_READER_HPP
#define MAILSLOT_THREAD_POOL_READER_HPP

/// @file
/// mailslot::thread_pool_reader: a server's messages delivered to a callback
/// on the Windows thread pool, without a thread of the program's own.
///
/// @code
///   mailslot::thread_pool_reader reader;
///   reader.start(server, [](const std::error_code& ec, std::string_view message) {
///     if (!ec) handle(message);
///   });
///   ...
///   reader.stop();   // or let the reader's destructor stop it
/// @endcode
///
/// Needs Windows' own, asynchronous mailslot handle (CreateMailslotW's on
/// Windows); see start().

#include <mailslot/detail/config.hpp>
#include <mailslot/detail/read.hpp>
#include <mailslot/detail/windows.hpp>
#include <mailslot/error.hpp>
#include <mailslot/server.hpp>

#include <atomic>
#include <cstddef>
#include <functional>
#include <new>
#include <string_view>
#include <system_error>
#include <utility>

namespace mailslot {

/// Reads a server's messages on the Windows thread pool and hands each one,
/// whole and exactly sized (empty ones included), to a callback, in the order
/// they were written.
///
/// One read is outstanding at a time (a ReadFile with an OVERLAPPED,
/// completed through CreateThreadpoolIo): the next read starts when the
/// callback for the previous message has returned, so the callback never runs
/// on two threads at once. A message larger than the reader's buffer (64 KiB
/// at first) stays queued while the buffer grows to its size.
///
/// The callback gets `(const std::error_code& ec, std::string_view message)`:
/// the message's bytes, valid until it returns, with `ec` clear; or an error
/// (`message` empty), after which the reader has stopped. The slot's read
/// timeout never ends the listening: a read it ends is started again (a slot
/// timeout of a few milliseconds makes the reader poll; start() refuses 0).
/// A callback that throws ends the program (std::terminate), as a
/// std::thread's function does.
///
/// Only asynchronous handles can be read this way: Windows' CreateMailslotW
/// makes one; Wine's makes a synchronous one, refused with
/// errc::synchronous_handle (see the README for programs that run under
/// Wine). Windows binds a handle to the thread pool for the handle's whole
/// life; the server keeps that binding, so readers may come and go on one
/// server, one at a time (a second reader while one runs fails with
/// errc::already_bound, as does a handle bound to a completion port
/// elsewhere).
///
/// While the reader runs, its server is being read: reading, closing,
/// moving or destroying the server meanwhile is undefined, and debug builds
/// stop with MAILSLOT_ASSERT. Stop the reader first. One thread uses a
/// reader object at a time, except that stop() may also come from inside
/// the callback. stop() waits for a callback, so it must not run under a
/// lock that the callback takes, nor under the loader lock (DllMain, or the
/// destructor of a static reader in a DLL). Move-only.
class thread_pool_reader {
 public:
  /// What the reader calls with each message or error.
  using handler = std::function<void(const std::error_code& ec, std::string_view message)>;

  /// A reader that reads nothing.
  thread_pool_reader() noexcept = default;
  thread_pool_reader(const thread_pool_reader&) = delete;
  thread_pool_reader& operator=(const thread_pool_reader&) = delete;
  /// Takes over `other`'s reading; `other` is left reading nothing.
  /// @param other  the reader to move from
  thread_pool_reader(thread_pool_reader&& other) noexcept { swap(other); }
  /// Stops this reader (see stop()), then takes over `other`'s reading;
  /// `other` is left reading nothing. Moving a reader onto itself changes
  /// nothing.
  /// @param other  the reader to move from
  /// @return `*this`
  thread_pool_reader& operator=(thread_pool_reader&& other) noexcept {
    if (this != &other) {
      thread_pool_reader(std::move(other)).swap(*this);
    }
    return *this;
  }
  /// Stops (see stop()). May run inside the callback.
  ~thread_pool_reader() {
    stop();
    if (state_ != nullptr) {
      state_->release();
    }
  }

  /// Exchanges what two readers read.
  /// @param other  the reader to exchange with
  void swap(thread_pool_reader& other) noexcept {
    std::swap(state_, other.state_);
    std::swap(generation_, other.generation_);
  }

  /// Starts reading `slot`'s messages into `on_message`: binds the handle to
  /// the thread pool the first time (CreateThreadpoolIo; the server keeps the
  /// binding until its handle closes), then StartThreadpoolIo and ReadFile
  /// for each message.
  ///
  /// A running reader is stopped first.
  /// @param slot        the server whose messages to read; it must outlive
  ///                    the reading (stop the reader first)
  /// @param on_message  called with each message, or with the error that
  ///                    ends the reading
  /// @param ec  cleared on success; otherwise errc::not_open,
  ///            errc::synchronous_handle, errc::already_bound,
  ///            errc::invalid_timeout (the slot's read timeout is 0, which
  ///            would make the reader spin), std::errc::invalid_argument (an
  ///            empty handler, or start() from inside the callback), or the
  ///            Win32 error of the first read; the callback is not called then
  void start(server& slot, handler on_message, std::error_code& ec) noexcept {
    ec.clear();
    if (state_ != nullptr && state_->inside_callback()) {
      ec = std::make_error_code(std::errc::invalid_argument);
      return;
    }
    stop();
    if (!on_message) {
      ec = std::make_error_code(std::errc::invalid_argument);
      return;
    }
    if (!slot.is_open()) {
      ec = errc::not_open;
      return;
    }
    const HANDLE handle = slot.native_handle();
    if (detail::query_handle_kind(handle) != detail::handle_kind::asynchronous) {
      ec = errc::synchronous_handle;
      return;
    }
    if (state::polls(handle)) {
      ec = errc::invalid_timeout;
      return;
    }
    detail::read_state& reads = detail::server_access::state(slot);
    state* bound = state::of(reads, handle, ec);
    if (ec) {
      return;
    }
    if (bound->inside_callback()) {  // another reader's callback, on this server
      ec = std::make_error_code(std::errc::invalid_argument);
      return;
    }
    if (!reads.claim()) {  // another reader runs on this server
      ec = errc::already_bound;
      return;
    }
    if (bound != state_) {
      if (state_ != nullptr) {
        state_->release();
      }
      state_ = bound;
      state_->acquire();
    }
    // The generation is this object's before the first read starts: from
    // then on a callback may run, and even destroy this object.
    generation_ = state_->begin(reads, std::move(on_message));
    if (!state_->first_read(ec)) {
      generation_ = 0;
    }
  }

#if MAILSLOT_HAS_EXCEPTIONS
  /// start(); throws std::system_error naming the slot.
  /// @param slot        the server whose messages to read
  /// @param on_message  called with each message, or with the error that
  ///                    ends the reading
  /// @throws std::system_error  with the error the std::error_code form reports
  void start(server& slot, handler on_message) {
    std::error_code ec;
    start(slot, std::move(on_message), ec);
    detail::throw_if(ec, "read asynchronously from mailslot", slot.name().string());
  }
#endif

  /// Stops reading: the outstanding read is cancelled (CancelIoEx with its
  /// OVERLAPPED) and its callback awaited (WaitForThreadpoolIoCallbacks);
  /// after stop() returns no callback runs.
  ///
  /// A message whose read completed
  /// meanwhile is delivered before stop() returns; every other message stays
  /// queued for a later read. From inside the callback, stop() does not wait:
  /// that callback is the last.
  void stop() noexcept {
    if (state_ != nullptr && generation_ != 0) {
      state_->stop(generation_);
    }
  }

  /// Whether messages are being delivered.
  /// @return true from start() until stop(), or until an error was delivered
  [[nodiscard]] bool running() const noexcept {
    return state_ != nullptr && generation_ != 0 && state_->listening(generation_);
  }

 private:
  // The binding of one handle to the thread pool, and the reading through it.
  // Kept alive by the server (until its handle closes), by the reader object
  // that last used it, and by each callback while it runs; the TP_IO goes
  // with the last of them, so it is never used after CloseThreadpoolIo.
  class state final : public detail::async_binding {
   public:
    // The binding of `handle`, made (and given to the server) the first time.
    static state* of(detail::read_state& reads, HANDLE handle, std::error_code& ec) noexcept {
      if (detail::async_binding* existing = reads.binding()) {
        if (!existing->is(&tag)) {
          ec = errc::already_bound;
          return nullptr;
        }
        return static_cast<state*>(existing);
      }
      auto* made = new (std::nothrow) state(handle);
      if (made == nullptr) {
        ec = std::error_code(ERROR_NOT_ENOUGH_MEMORY, std::system_category());
        return nullptr;
      }
      made->io_ = ::CreateThreadpoolIo(handle, &on_completion, made, nullptr);
      if (made->io_ == nullptr) {
        ec = ::GetLastError() == ERROR_INVALID_PARAMETER ? make_error_code(errc::already_bound)
                                                         : detail::last_error();
        delete made;
        return nullptr;
      }
      reads.bind(made);  // the server's reference
      return made;
    }

    void acquire() noexcept { references_.fetch_add(1); }
    void release() noexcept {
      if (references_.fetch_sub(1) == 1) {
        delete this;
      }
    }

    // True when the slot's read timeout is 0: a read would end at once,
    // again and again.
    static bool polls(HANDLE handle) noexcept {
      DWORD timeout = 0;
      return ::GetMailslotInfo(handle, nullptr, nullptr, nullptr, &timeout) != FALSE &&
             timeout == 0;
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

    // The server's handle is closed (or the server gave it away): no read
    // starts any more, and the server's reference goes.
    void unbind() noexcept override {
      ::AcquireSRWLockExclusive(&lock_);
      stopping_ = true;
      unbound_ = true;
      claimed_ = nullptr;  // the server is going
      ::ReleaseSRWLockExclusive(&lock_);
      release();
    }

    // Begins a listening of the claimed server; returns its generation.
    // first_read() starts it.
    unsigned long begin(detail::read_state& reads, handler callback) noexcept {
      // The last callback of an earlier listening may still be returning.
      ::WaitForThreadpoolIoCallbacks(io_, FALSE);
      on_message_ = std::move(callback);
      ::AcquireSRWLockExclusive(&lock_);
      stopping_ = false;
      claimed_ = &reads;
      const unsigned long generation = ++generation_;
      ::ReleaseSRWLockExclusive(&lock_);
      return generation;
    }

    // Starts the first read; if it fails, listening ends (with `ec`) and no
    // callback comes.
    bool first_read(std::error_code& ec) noexcept {
      if (buffer_.prepare(ec) && read(ec)) {
        return true;
      }
      end_listening();
      forget();
      return false;
    }

    // Stops the listening `generation` (another reader's later one is left
    // alone) and, outside the callback, waits for its last callback.
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
        // Waits for the cancelled read's callback, which delivers a message
        // that completed meanwhile. Pending callbacks are not cancelled:
        // their OVERLAPPED would never be accounted for.
        ::WaitForThreadpoolIoCallbacks(io_, FALSE);
        forget();
      }
      end_listening();
    }

   private:
    static constexpr char tag = 0;  // what is(&tag) recognises

    explicit state(HANDLE handle) noexcept : async_binding(&tag), handle_(handle) {}
    ~state() {
      if (io_ != nullptr) {
        ::CloseThreadpoolIo(io_);  // after the handle (the server closed it first)
      }
    }

    // Listening has ended (stop, or an error): the server is free again.
    void end_listening() noexcept {
      ::AcquireSRWLockExclusive(&lock_);
      detail::read_state* claimed = std::exchange(claimed_, nullptr);
      ::ReleaseSRWLockExclusive(&lock_);
      if (claimed != nullptr) {
        claimed->unclaim();
      }
    }

    // Lets go of the handler (and what it captured) and the buffer, once no
    // callback uses them; the binding itself stays with the server.
    void forget() noexcept {
      on_message_ = nullptr;
      buffer_.free();
    }

    // Starts the next ReadFile unless stopping. Once it is started, the next
    // callback may already run: the caller touches nothing of the state
    // afterwards. A message that does not fit the buffer makes it grow and
    // read again; other immediate failures are returned (no completion comes
    // for them: CancelThreadpoolIo).
    bool read(std::error_code& ec) noexcept {
      for (;;) {
        ::AcquireSRWLockExclusive(&lock_);
        if (stopping_) {
          ::ReleaseSRWLockExclusive(&lock_);
          return true;
        }
        ::StartThreadpoolIo(io_);
        overlapped_ = OVERLAPPED{};
        pending_ = true;
        DWORD error = ERROR_SUCCESS;
        if (::ReadFile(handle_, buffer_.data(), buffer_.size(), nullptr, &overlapped_) == FALSE) {
          error = ::GetLastError();
        }
        const bool started = error == ERROR_SUCCESS || error == ERROR_IO_PENDING;
        if (!started) {
          ::CancelThreadpoolIo(io_);
          pending_ = false;
        }
        ::ReleaseSRWLockExclusive(&lock_);
        if (started) {
          return true;  // the completion comes to on_completion
        }
        if (error == ERROR_SEM_TIMEOUT && !polls(handle_)) {
          continue;  // the slot's timeout does not end the listening
        }
        if (error == ERROR_SEM_TIMEOUT) {
          ec = errc::invalid_timeout;  // set to 0 meanwhile: the reader would spin
          return false;
        }
        if (error != ERROR_INSUFFICIENT_BUFFER) {
          ec = std::error_code(static_cast<int>(error), std::system_category());
          return false;
        }
        if (!buffer_.grow_for_next(handle_, ec)) {
          return false;
        }
      }
    }

    // Hands `ec` or the message to the callback; a callback that throws ends
    // the program here (noexcept), never undefined behaviour.
    void deliver(const std::error_code& ec, std::string_view message) const noexcept {
      on_message_(ec, message);
    }

    // One completion, on a pool thread, with callback_thread_ set. Returns
    // with the next read started (and the state no longer touched), or with
    // listening ended.
    void complete(ULONG result, std::size_t received) noexcept {
      ::AcquireSRWLockExclusive(&lock_);
      pending_ = false;
      const bool stopping = stopping_;
      ::ReleaseSRWLockExclusive(&lock_);
      std::error_code ec;
      switch (result) {
        case ERROR_SUCCESS:
          deliver(ec, std::string_view(buffer_.data(), received));
          buffer_.relax();
          break;
        case ERROR_SEM_TIMEOUT:  // the slot's timeout: read again, unless it is 0
          if (polls(handle_)) {
            ec = errc::invalid_timeout;
          }
          break;
        case ERROR_INSUFFICIENT_BUFFER:
        case ERROR_MORE_DATA:  // stays queued; grow and read again
          (void)buffer_.grow_for_next(handle_, ec);
          break;
        default:
          ec = std::error_code(static_cast<int>(result), std::system_category());
          if (result == ERROR_OPERATION_ABORTED && stopping) {
            ec.clear();  // stop() cancelled it: nothing was taken, nothing to say
          }
          break;
      }
      if (!ec) {
        ::AcquireSRWLockExclusive(&lock_);
        const bool ended = stopping_;
        ::ReleaseSRWLockExclusive(&lock_);
        if (ended) {  // stopped (maybe by the callback): this was the last
          forget();
          callback_thread_.store(0);
          return;
        }
        callback_thread_.store(0);  // before the read: its callback may start at once
        if (read(ec)) {
          return;
        }
        callback_thread_.store(::GetCurrentThreadId());
      }
      // An error ends the listening, and then the callback is told: by then
      // running() is false and the server free (a new start() waits for
      // this callback to return before it touches the state).
      ::AcquireSRWLockExclusive(&lock_);
      stopping_ = true;
      ::ReleaseSRWLockExclusive(&lock_);
      end_listening();
      deliver(ec, {});
      forget();
      callback_thread_.store(0);
    }

    static void CALLBACK on_completion(PTP_CALLBACK_INSTANCE, void* context, void*, ULONG result,
                                       ULONG_PTR received, PTP_IO) noexcept {
      auto* self = static_cast<state*>(context);
      self->acquire();  // the reader object may go inside the callback
      self->callback_thread_.store(::GetCurrentThreadId());
      self->complete(result, static_cast<std::size_t>(received));
      self->release();
    }

    const HANDLE handle_;
    PTP_IO io_ = nullptr;
    std::atomic<long> references_{1};  // the server's, from of()
    mutable SRWLOCK lock_ = SRWLOCK_INIT;
    // Under the lock:
    OVERLAPPED overlapped_{};
    bool pending_ = false;                   // a ReadFile is outstanding
    bool stopping_ = false;                  // no new read may start
    bool unbound_ = false;                   // the server's handle is gone
    unsigned long generation_ = 0;           // counts start()s
    detail::read_state* claimed_ = nullptr;  // the server being read, while listening
    // Used by start() before the first read, then by one callback at a time:
    detail::kept_buffer buffer_;
    handler on_message_;
    std::atomic<DWORD> callback_thread_{0};  // the thread inside the callback, if any
  };

  state* state_ = nullptr;        // a reference, kept across start/stop
  unsigned long generation_ = 0;  // the state's listening this object started (0: none)
};

/// Exchanges two readers.
/// @param a  one reader
/// @param b  the other
inline void swap(thread_pool_reader& a, thread_pool_reader& b) noexcept { a.swap(b); }

}  // namespace mailslot

#endif
