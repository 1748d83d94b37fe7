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
/// Needs Windows' own, asynchronous mailslot handle: CreateMailslotW's on
/// Windows, or server_options::creation = creation::nt_create_mailslot_file
/// anywhere; see start().

#include <mailslot/detail/config.hpp>
#include <mailslot/detail/read.hpp>
#include <mailslot/detail/thread_pool_binding.hpp>
#include <mailslot/detail/windows.hpp>
#include <mailslot/error.hpp>
#include <mailslot/server.hpp>

#include <cstddef>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace mailslot {

/// Reads a server's messages on the Windows thread pool and hands each one,
/// whole and exactly sized (empty ones included), to a callback, in the order
/// they were written.
///
/// One read is outstanding at a time (a ReadFile with an OVERLAPPED,
/// completed through CreateThreadpoolIo): the next read starts when the
/// callback for the previous message has returned, so the callback never runs
/// on two threads at once. While messages are waiting, each ReadFile returns
/// one at once and the same pool thread delivers it, as a reading thread
/// would (the handle skips the completion port on success:
/// SetFileCompletionNotificationModes); once one callback has delivered 32
/// in a row, the pool thread is given back and a work item
/// (SubmitThreadpoolWork) delivers the next, so a slot that never runs dry
/// cannot starve the pool's other callbacks. The callback never
/// runs inside start(), on the thread that calls it; on a pool thread it may
/// run before start() has returned. A message larger than the reader's buffer (4 KiB at
/// first) stays queued while the buffer grows to its size, which it keeps
/// (up to 1 MiB) for the messages after it.
///
/// The callback gets `(const std::error_code& ec, std::string_view message)`:
/// the message's bytes, valid until it returns, with `ec` clear; or an error
/// (`message` empty), after which the reader has stopped; an error that
/// comes once stop() was called is not delivered. The slot's read timeout
/// never ends the reading, and the reader never changes it: a read the
/// timeout ends is started again, no sooner than 10 ms after the one before
/// started (a thread pool timer waits out the rest). A slot whose timeout is
/// 0 or a few milliseconds so costs at most 100 ReadFiles a second while
/// idle, and a message may wait up to 10 ms more before it is read (under
/// Wine; Windows rounds timer waits up to its tick, 15.6 ms by default); a slot
/// timeout of 10 ms or more (`wait_forever` is best) waits in the kernel,
/// with no re-reading.
/// A callback that throws ends the program (std::terminate), as a
/// std::thread's function does.
///
/// Only asynchronous handles can be read this way: Windows' CreateMailslotW
/// makes one; so does server_options::creation =
/// creation::nt_create_mailslot_file, under Wine too, whose CreateMailslotW
/// makes a synchronous one, refused with errc::synchronous_handle. Windows
/// binds a handle to the thread pool for the handle's whole life; the server
/// keeps that binding, so readers may come and go on one server, one at a
/// time (a second reader while one runs fails with errc::already_bound, as
/// does a handle bound to a completion port elsewhere, or to another pool).
///
/// While the reader runs, its server is being read. Closing, moving,
/// swapping, releasing or destroying the server stops the reader first, as
/// stop() does (so a std::vector of servers that reallocates stops their
/// readers; start them again on the servers where they are now). Reading
/// the server meanwhile through its own read forms is undefined, and debug
/// builds stop with MAILSLOT_ASSERT. One thread uses a reader object at a
/// time, except that stop() may also come from inside
/// the callback. stop() waits for a callback, so it must not run under a
/// lock that the callback takes, nor under the loader lock (DllMain, or the
/// destructor of a static reader in a DLL). Move-only.
class thread_pool_reader {
 public:
  /// A reader that reads nothing, on the process's default thread pool.
  thread_pool_reader() noexcept = default;
  /// A reader that reads nothing, whose callbacks run in `environment`
  /// (InitializeThreadpoolEnvironment; SetThreadpoolCallbackPool for a pool
  /// of one's own). The environment is read when a server's handle is first
  /// bound, and must stay valid, and its pool open, until that server's
  /// handle is closed. Its cleanup group, if any, is not used: the reader
  /// closes what it makes.
  /// @param environment  the callback environment; nullptr for the default pool
  explicit thread_pool_reader(const TP_CALLBACK_ENVIRON* environment) noexcept
      : environment_(environment) {}
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
    if (binding_ != nullptr) {
      binding_->release();
    }
  }

  /// Exchanges what two readers read.
  /// @param other  the reader to exchange with
  void swap(thread_pool_reader& other) noexcept {
    std::swap(binding_, other.binding_);
    std::swap(generation_, other.generation_);
    std::swap(environment_, other.environment_);
  }
  /// Exchanges two readers (found by argument-dependent lookup).
  /// @param a  one reader
  /// @param b  the other
  friend void swap(thread_pool_reader& a, thread_pool_reader& b) noexcept { a.swap(b); }

  /// Starts reading `slot`'s messages into `on_message`: binds the handle to
  /// the thread pool the first time (CreateThreadpoolIo; the server keeps the
  /// binding until its handle closes), then StartThreadpoolIo and ReadFile
  /// for each message.
  ///
  /// A running reader is stopped first (unless start() is called from
  /// inside its callback, `on_message` is empty, or its copy cannot be
  /// made: then it runs on). The reader makes its own
  /// copy of `on_message` (moved from an rvalue; move-only callables are
  /// welcome), one allocation, and destroys it once the reading has ended
  /// (stop(), an error delivered, the server closed or gone), after its last
  /// call.
  /// @tparam Handler    a callable as `void(const std::error_code& ec,
  ///                    std::string_view message)`
  /// @param slot        the server whose messages to read (closing, moving
  ///                    or destroying it stops the reader first)
  /// @param on_message  called with each message, or with the error that
  ///                    ends the reading
  /// @param ec  cleared on success; otherwise errc::not_open,
  ///            errc::synchronous_handle, errc::already_bound,
  ///            std::errc::invalid_argument (a handler that tests false,
  ///            such as a null function pointer or an empty std::function,
  ///            or start() from inside the callback), ERROR_NOT_ENOUGH_MEMORY
  ///            (no memory for the handler's copy, a std::bad_alloc from
  ///            Handler's constructor included; any other exception it
  ///            throws propagates), or the Win32 error of the first read;
  ///            the callback is not called then
  template <class Handler>
  void start(server& slot, Handler&& on_message, std::error_code& ec) noexcept(
      std::is_nothrow_constructible_v<std::decay_t<Handler>, Handler&&>) {
    static_assert(
        std::is_invocable_v<std::decay_t<Handler>&, const std::error_code&, std::string_view>,
        "a thread_pool_reader's handler is called as "
        "handler(const std::error_code& ec, std::string_view message)");
    ec.clear();
    if ((binding_ != nullptr && binding_->inside_callback()) ||
        detail::is_empty_callable<std::decay_t<Handler>>(on_message)) {
      ec = std::make_error_code(std::errc::invalid_argument);
      return;
    }
    // The copy first: a start() that fails for it leaves a running reader
    // running.
    detail::message_handler held;
    if (!detail::reporting_out_of_memory(
            ec, [&] { return held.assign(std::forward<Handler>(on_message)); })) {
      if (!ec) {
        ec = detail::out_of_memory();
      }
      return;
    }
    stop();
    start_held(slot, std::move(held), ec);
  }

#if MAILSLOT_HAS_EXCEPTIONS
  /// start(); throws std::system_error naming the slot.
  /// @tparam Handler    as for start(slot, on_message, ec)
  /// @param slot        the server whose messages to read
  /// @param on_message  called with each message, or with the error that
  ///                    ends the reading
  /// @throws std::system_error  with the error the std::error_code form reports
  template <class Handler>
  void start(server& slot, Handler&& on_message) {
    std::error_code ec;
    start(slot, std::forward<Handler>(on_message), ec);
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
    if (binding_ != nullptr && generation_ != 0) {
      binding_->stop(generation_);
    }
  }

  /// Whether messages are being delivered.
  /// @return true from start() until stop(), or until an error was delivered
  [[nodiscard]] bool is_running() const noexcept {
    // (A start() that failed left generation_ 0, which no listening has.)
    return binding_ != nullptr && binding_->listening(generation_);
  }

 private:
  // start() once the handler is held.
  void start_held(server& slot, detail::message_handler on_message, std::error_code& ec) noexcept {
    if (!slot.is_open()) {
      ec = errc::not_open;
      return;
    }
    const HANDLE handle = slot.native_handle();
    if (detail::query_handle_kind(handle) != detail::handle_kind::asynchronous) {
      ec = errc::synchronous_handle;
      return;
    }
    detail::read_state& reads = detail::server_access::state(slot);
    detail::pool_binding* bound = detail::pool_binding::of(reads, handle, environment_, ec);
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
    if (bound != binding_) {
      if (binding_ != nullptr) {
        binding_->release();
      }
      binding_ = bound;
      binding_->acquire();
    }
    // The generation is this object's before the first read starts: from
    // then on a callback may run, and even destroy this object.
    generation_ = binding_->begin(reads, std::move(on_message));
    if (!binding_->first_read(ec)) {
      generation_ = 0;
    }
  }

  detail::pool_binding* binding_ = nullptr;  // a reference, kept across start/stop
  unsigned long generation_ = 0;  // the binding's listening this object started (0: none)
  const TP_CALLBACK_ENVIRON* environment_ = nullptr;
};

}  // namespace mailslot

#endif
