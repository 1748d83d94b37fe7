#ifndef MAILSLOT_DETAIL_READ_HPP
#define MAILSLOT_DETAIL_READ_HPP

// The read machinery every read form of mailslot::server shares: what kind of
// handle the slot is, one ReadFile with a deadline and cancellation, and reads
// into containers that grow without losing the message.
//
// Two kinds of server handle exist. Windows' CreateMailslotW returns an
// asynchronous (overlapped) handle: ReadFile on an empty slot returns
// ERROR_IO_PENDING, so a read can wait on its own event together with a
// cancel event, with its own deadline, and end itself with CancelIoEx on its
// own OVERLAPPED. A synchronous handle (Wine's CreateMailslotW, or one opened
// with FILE_SYNCHRONOUS_IO_*) blocks inside ReadFile: there the only timeout
// is the slot's (SetMailslotInfo), and cancel() must reach the blocked call
// from outside with CancelIoEx. The kind is asked of Windows once, when the
// server gets its handle; where it cannot be told, the synchronous way is
// used, which is correct on both kinds.

#include <mailslot/detail/config.hpp>
#include <mailslot/detail/ntdll.hpp>
#include <mailslot/detail/unique_handle.hpp>
#include <mailslot/detail/windows.hpp>
#include <mailslot/error.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <system_error>
#include <type_traits>
#include <utility>

namespace mailslot::detail {

// What the reads assume of the platform, 32-bit Windows included: a
// message's size (a DWORD: at most 4 GiB - 1) always fits a size_t, so sizes
// from Windows never narrow; a buffer larger than a DWORD can say is offered
// as MAXDWORD (read_once); the largest finite timeout, 2^32 - 2 ms, is a
// std::chrono::milliseconds; and an OVERLAPPED's tagged event is a pointer's
// width (ULONG_PTR).
static_assert(sizeof(std::size_t) >= sizeof(DWORD), "a DWORD size must fit a size_t");
static_assert(std::numeric_limits<std::chrono::milliseconds::rep>::digits >= 33,
              "a timeout of 2^32 - 2 ms must fit a std::chrono::milliseconds");
static_assert(sizeof(ULONG_PTR) == sizeof(void*) && sizeof(std::uintptr_t) == sizeof(HANDLE),
              "a tagged event handle must round-trip through an integer of a pointer's width");

/// "Wait until a message arrives" as a duration (MAILSLOT_WAIT_FOREVER).
// (Parenthesized: <windows.h> may define a max() macro.)
inline constexpr std::chrono::milliseconds forever = (std::chrono::milliseconds::max)();

/// Converts a timeout to the DWORD milliseconds Windows takes; false if it
/// is negative or too long (2^32 - 2 ms at most).
inline bool to_win32_timeout(std::chrono::milliseconds timeout, DWORD& out) noexcept {
  if (timeout == forever) {
    out = MAILSLOT_WAIT_FOREVER;
    return true;
  }
  if (timeout.count() < 0 || timeout.count() >= static_cast<std::int64_t>(MAILSLOT_WAIT_FOREVER)) {
    return false;
  }
  out = static_cast<DWORD>(timeout.count());
  return true;
}

inline std::chrono::milliseconds from_win32_timeout(DWORD timeout) noexcept {
  return timeout == MAILSLOT_WAIT_FOREVER ? forever : std::chrono::milliseconds(timeout);
}

// --- the kind of handle ---------------------------------------------------------------------

enum class handle_kind : unsigned char {
  synchronous,   // ReadFile blocks until the read ends (or the kind is unknown)
  asynchronous,  // ReadFile returns ERROR_IO_PENDING while the slot is empty
};

/// Asks Windows whether `handle` does synchronous I/O: FileModeInformation
/// carries FILE_SYNCHRONOUS_IO_ALERT or _NONALERT then. Anything that cannot
/// be told counts as synchronous.
inline handle_kind query_handle_kind(HANDLE handle) noexcept {
  ULONG mode = 0;
  if (!nt::file_mode(handle, mode) ||
      (mode & (nt::file_synchronous_io_alert | nt::file_synchronous_io_nonalert)) != 0) {
    return handle_kind::synchronous;
  }
  return handle_kind::asynchronous;
}

// --- deadlines ------------------------------------------------------------------------------

/// When one read call stops waiting. Either the slot's own read timeout,
/// which Windows applies to each ReadFile (plain reads), or a point in time
/// (the try_ forms), which the call enforces across all its ReadFiles. A plain
/// read that needs a second ReadFile learns the slot's timeout and turns into
/// the second kind, so that its wait stays bounded by one timeout in all.
class deadline {
 public:
  using clock = std::chrono::steady_clock;

  [[nodiscard]] static deadline slot() noexcept { return {kind::slot, {}}; }

  [[nodiscard]] static deadline after(std::chrono::milliseconds timeout) noexcept {
    deadline d(timeout == forever ? kind::never : kind::at, timeout);
    return d;
  }

  /// True while the slot's own timeout applies.
  [[nodiscard]] bool is_slot() const noexcept { return kind_ == kind::slot; }

  /// Turns "the slot's timeout" into the time that timeout ends, counted from
  /// the start of the call.
  void resolve(DWORD slot_timeout) noexcept {
    if (kind_ == kind::slot) {
      kind_ = slot_timeout == MAILSLOT_WAIT_FOREVER ? kind::never : kind::at;
      at_ = start_ + std::chrono::milliseconds(slot_timeout);
    }
  }

  /// Milliseconds left, rounded up: INFINITE when there is no end (or the
  /// slot's applies), 0 once passed.
  [[nodiscard]] DWORD remaining_ms() const noexcept {
    if (kind_ != kind::at) {
      return INFINITE;
    }
    const auto left = at_ - clock::now();
    if (left <= clock::duration::zero()) {
      return 0;
    }
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    return static_cast<DWORD>((std::min)(ms, static_cast<std::int64_t>(MAILSLOT_WAIT_FOREVER) - 1));
  }

  /// True once a point-in-time deadline has passed.
  [[nodiscard]] bool passed() const noexcept { return kind_ == kind::at && remaining_ms() == 0; }

 private:
  enum class kind : unsigned char { slot, never, at };
  deadline(kind k, std::chrono::milliseconds timeout) noexcept
      : kind_(k),
        start_(clock::now()),
        at_(start_ + (k == kind::at ? timeout : clock::duration{})) {}

  kind kind_;
  clock::time_point start_;
  clock::time_point at_;
};

// --- containers -----------------------------------------------------------------------------

/// Containers a message can be read into: contiguous, resizable, of one-byte
/// trivially copyable elements (std::string, std::vector<std::byte>, ...).
template <class C, class = void>
struct is_byte_container : std::false_type {};
template <class C>
struct is_byte_container<
    C, std::void_t<decltype(std::declval<C&>().data()), decltype(std::declval<C&>().resize(0)),
                   decltype(std::declval<C&>().capacity()), decltype(std::declval<C&>().clear())>>
    : std::bool_constant<
          !std::is_const_v<C> && std::is_pointer_v<decltype(std::declval<C&>().data())> &&
          sizeof(typename C::value_type) == 1 &&
          std::is_trivially_copyable_v<typename C::value_type> &&
          !std::is_const_v<std::remove_pointer_t<decltype(std::declval<C&>().data())>>> {};

template <class C>
using if_byte_container = std::enable_if_t<is_byte_container<C>::value, int>;

// --- bindings -------------------------------------------------------------------------------

/// What ties a server's handle to a completion port (a thread pool reader's
/// TP_IO). Windows binds a handle once, for the handle's life, so the server
/// keeps the binding and ends it after closing its handle, as Microsoft's
/// thread pool documentation orders.
class async_binding {
 public:
  async_binding(const async_binding&) = delete;
  async_binding& operator=(const async_binding&) = delete;

  /// The handle is closed (or given away): release the binding. May free it.
  virtual void unbind() noexcept = 0;

  /// True if this is the kind of binding whose tag is `type` (no RTTI needed).
  [[nodiscard]] bool is(const void* type) const noexcept { return type_ == type; }

 protected:
  explicit async_binding(const void* type) noexcept : type_(type) {}
  ~async_binding() = default;

 private:
  const void* type_;
};

// --- reads through a completion port -------------------------------------------------------

/// Sets FILE_SKIP_COMPLETION_PORT_ON_SUCCESS on a handle bound to a
/// completion port: a read that succeeds at once queues no packet, and its
/// reader completes it itself (see classify_read()). The mode stays with the
/// handle for its life. False if Windows refuses it: every read then
/// completes through the port, as without it.
inline bool skip_port_on_success(HANDLE handle) noexcept {
  return ::SetFileCompletionNotificationModes(handle, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS) !=
         FALSE;
}

/// What an overlapped ReadFile on a handle bound to a completion port led to.
enum class read_start : unsigned char {
  pending,    // a completion packet will come to the port
  completed,  // it succeeded at once, and no packet comes: the reader completes it
  failed,     // it failed at once, and no packet comes
};

/// The rule both asynchronous readers follow. Windows queues a packet for
/// every request that does not end with an error status: one that pends
/// (ERROR_IO_PENDING), one that succeeds at once unless the handle skips the
/// port on success, and one that ends with a warning status at once:
/// ERROR_MORE_DATA is STATUS_BUFFER_OVERFLOW, a warning, which the skip mode
/// (for success only) does not cover. (A mailslot never returns it: a message
/// larger than the buffer fails with ERROR_INSUFFICIENT_BUFFER, an error,
/// and stays queued.) Every other failure queues nothing.
[[nodiscard]] inline read_start classify_read(BOOL done, DWORD error, bool skips_port) noexcept {
  if (done != FALSE) {
    return skips_port ? read_start::completed : read_start::pending;
  }
  return error == ERROR_IO_PENDING || error == ERROR_MORE_DATA ? read_start::pending
                                                               : read_start::failed;
}

// --- the reader -----------------------------------------------------------------------------

/// True (with errc::message_too_large) when the next message, of `next`
/// bytes, is larger than the slot's maximum `max_size` (0: none): a reader
/// that grows its buffer never lets a writer choose a larger allocation than
/// the slot's creator allowed.
inline bool exceeds_maximum(DWORD next, DWORD max_size, std::error_code& ec) noexcept {
  if (next != MAILSLOT_NO_MESSAGE && max_size != 0 && next > max_size) {
    ec = errc::message_too_large;
    return true;
  }
  return false;
}

/// The state of a server's reads, and the reads themselves. The handle stays
/// the server's; each call takes it. One thread reads at a time; cancel() and
/// resume() may come from any thread.
class read_state {
 public:
  read_state() noexcept = default;
  read_state(const read_state&) = delete;
  read_state& operator=(const read_state&) = delete;
  ~read_state() {
    MAILSLOT_ASSERT(!reading_.load(),
                    "a mailslot::server was destroyed while another thread read from it");
    close_cancel_event();
  }

  /// Starts over for `handle` (nullptr: no handle): learns its kind, forgets
  /// everything else.
  void reset(HANDLE handle) noexcept {
    MAILSLOT_ASSERT(!reading_.load(),
                    "a mailslot::server was closed, moved, released or "
                    "destroyed while another thread read from it");
    kind_ = handle == nullptr ? handle_kind::synchronous : query_handle_kind(handle);
    read_event_.reset();
    close_cancel_event();
    cancelled_.store(false);
    size_hint_ = initial_size_hint;
    owed_timeout_.reset();
  }

  /// The handle's binding to a completion port, if any (see async_binding).
  [[nodiscard]] async_binding* binding() const noexcept { return binding_; }
  void bind(async_binding* binding) noexcept { binding_ = binding; }
  /// Hands the binding over, to be ended once the handle is closed.
  [[nodiscard]] async_binding* take_binding() noexcept { return std::exchange(binding_, nullptr); }

  /// Marks the server as being read by something other than a read call (an
  /// asynchronous reader), so that closing, moving or reading it meanwhile
  /// trips MAILSLOT_ASSERT as during a read. False if it already was.
  bool claim() noexcept { return !reading_.exchange(true); }
  void unclaim() noexcept { reading_.store(false); }

  void swap(read_state& other) noexcept {
    MAILSLOT_ASSERT(!reading_.load() && !other.reading_.load(),
                    "a mailslot::server was moved or swapped while another thread read from it");
    std::swap(kind_, other.kind_);
    read_event_.swap(other.read_event_);
    cancel_event_.store(other.cancel_event_.exchange(cancel_event_.load()));
    cancelled_.store(other.cancelled_.exchange(cancelled_.load()));
    std::swap(size_hint_, other.size_hint_);
    std::swap(owed_timeout_, other.owed_timeout_);
    std::swap(binding_, other.binding_);
  }

  [[nodiscard]] handle_kind kind() const noexcept { return kind_; }

  // --- cancellation

  /// Makes the read in progress and every later one end with errc::cancelled.
  /// Never waits for the reader on an asynchronous handle. On a synchronous
  /// one the blocked ReadFile is cancelled by its own OVERLAPPED, so reads of
  /// other handles to the slot go on; it waits only while the reader is
  /// between announcing its ReadFile and entering it.
  void cancel(HANDLE handle) noexcept {
    cancelled_.store(true);
    if (kind_ == handle_kind::asynchronous) {
      if (HANDLE event = cancel_event_.load()) {
        ::SetEvent(event);
      }
      return;
    }
    for (;;) {
      OVERLAPPED* read = in_flight_.load();
      if (read == nullptr || ::CancelIoEx(handle, read) != FALSE ||
          ::GetLastError() != ERROR_NOT_FOUND) {
        return;
      }
      ::SwitchToThread();  // the reader is about to enter ReadFile
    }
  }

  void resume() noexcept {
    if (HANDLE event = cancel_event_.load()) {
      ::ResetEvent(event);
    }
    cancelled_.store(false);
  }

  [[nodiscard]] bool cancelled() const noexcept { return cancelled_.load(); }

  /// Forgets a slot timeout still owed to the slot (see timeout_override):
  /// the caller has just set the slot's own.
  void forget_owed_timeout() noexcept { owed_timeout_.reset(); }

  /// Puts back a slot timeout that an earlier try_ read could not restore;
  /// best effort, for close() and release().
  void settle(HANDLE handle) noexcept {
    if (owed_timeout_ && ::SetMailslotInfo(handle, *owed_timeout_) != FALSE) {
      owed_timeout_.reset();
    }
  }

  // --- reads

  /// Reads one message into `buffer` (one ReadFile, or one per slot timeout
  /// that ends early for a try_ read on an asynchronous handle).
  std::size_t read(HANDLE handle, void* buffer, std::size_t size, deadline until,
                   std::error_code& ec) noexcept {
    call scope(*this, handle, ec);
    if (ec) {
      return 0;
    }
    std::size_t received = 0;
    do {
      received = read_once(scope, buffer, size, until, ec);
    } while (scope.ended_early(ec, until));
    scope.finish(!ec, ec);
    return ec ? 0 : received;
  }

  /// How much of a container read() offers to ReadFile before the message's
  /// size is known.
  enum class offer {
    capacity,  // a container kept across reads: what it can hold already
    recent,    // a new container: about what recent messages needed
  };

  /// Reads one message into `message`, which takes exactly its size. The
  /// container is offered what `how` says (64 KiB at most: the rest of the
  /// offer is zero-filled); a message that does not fit stays queued while
  /// the container grows to its size (GetMailslotInfo), so an allocation that
  /// throws loses nothing. It never grows past the slot's maximum message
  /// size: a larger message (which Windows' writers cannot send, Wine's can)
  /// fails with errc::message_too_large and stays queued. With
  /// offer::capacity, in steady state: one ReadFile, no allocation, no copy.
  /// On failure the container is left empty (its capacity kept).
  template <class Container>
  std::size_t read(HANDLE handle, Container& message, offer how, deadline until,
                   std::error_code& ec) {
    call scope(*this, handle, ec);
    if (ec) {
      message.clear();
      return 0;
    }
    const std::size_t wanted = how == offer::capacity ? message.capacity() : size_hint_;
    message.resize((std::max)(message.size(), (std::min)(wanted, max_offer)));
    for (;;) {
      const std::size_t received = read_once(scope, message.data(), message.size(), until, ec);
      if (!ec) {
        message.resize(received);
        size_hint_ = (std::max)(received, size_hint_ - size_hint_ / 8);
        break;
      }
      if (scope.ended_early(ec, until)) {
        continue;
      }
      if (ec != condition::buffer_too_small) {
        break;
      }
      DWORD max_size = 0;
      DWORD next = 0;
      DWORD slot_timeout = 0;
      if (::GetMailslotInfo(handle, &max_size, &next, nullptr, &slot_timeout) == FALSE) {
        ec = last_error();
        break;
      }
      if (exceeds_maximum(next, max_size, ec)) {
        break;
      }
      until.resolve(slot_timeout);  // one timeout for the whole call
      scope.learn_own_timeout(slot_timeout);
      if (next != MAILSLOT_NO_MESSAGE && next > message.size()) {
        message.clear();       // nothing to keep: growing copies nothing
        message.resize(next);  // may throw; the message is still queued
      }
      // (No message: another reader took it; wait for the next one.)
    }
    if (ec) {
      message.clear();
    }
    scope.finish(!ec, ec);
    return ec ? 0 : message.size();
  }

 private:
  // A fresh container is offered at most this much before its message's size
  // is known; larger messages take a GetMailslotInfo and a second ReadFile.
  static constexpr std::size_t max_offer = std::size_t{64} << 10U;
  static constexpr std::size_t initial_size_hint = 4096;

  // One read call: announces itself (misuse checks), settles what an earlier
  // call left owed, prepares the events; on a synchronous handle, gives each
  // ReadFile of a call with its own deadline the time left as the slot's
  // timeout, and puts the slot's own back at the end, also when the call
  // throws.
  class call {
   public:
    call(read_state& state, HANDLE handle, std::error_code& ec) noexcept
        : state_(state), handle_(handle) {
      ec.clear();
      const bool busy = state_.reading_.exchange(true);
      MAILSLOT_ASSERT(!busy, "two threads read from one mailslot::server at once");
      (void)busy;
      if (state_.cancelled()) {
        ec = errc::cancelled;
        return;
      }
      if (!state_.prepare(ec)) {
        if (!ec) {
          ec = errc::cancelled;
        }
        return;
      }
      if (state_.owed_timeout_) {  // an earlier call could not put it back
        if (::SetMailslotInfo(handle, *state_.owed_timeout_) == FALSE) {
          ec = last_error();
          return;
        }
        state_.owed_timeout_.reset();
      }
    }
    call(const call&) = delete;
    call& operator=(const call&) = delete;
    ~call() {
      if (changed()) {
        (void)restore();  // leaving by an exception; a failure stays owed
      }
      state_.reading_.store(false);
    }

    [[nodiscard]] HANDLE handle() const noexcept { return handle_; }
    [[nodiscard]] OVERLAPPED& overlapped() noexcept { return overlapped_; }

    /// The slot's own timeout, when the caller has just read it.
    void learn_own_timeout(DWORD timeout) noexcept {
      if (!own_known_) {
        own_known_ = true;
        own_ = timeout;
        current_ = timeout;
      }
    }

    /// Before each ReadFile: on a synchronous handle, a deadline of the
    /// call's own becomes the slot's timeout (SetMailslotInfo).
    bool apply(const deadline& until, std::error_code& ec) noexcept {
      if (state_.kind_ != handle_kind::synchronous || until.is_slot()) {
        return true;
      }
      if (!own_known_) {
        DWORD own = 0;
        if (::GetMailslotInfo(handle_, nullptr, nullptr, nullptr, &own) == FALSE) {
          ec = last_error();
          return false;
        }
        learn_own_timeout(own);
      }
      const DWORD want = until.remaining_ms();  // INFINITE is MAILSLOT_WAIT_FOREVER
      if (want != current_) {
        if (::SetMailslotInfo(handle_, want) == FALSE) {
          ec = last_error();
          return false;
        }
        state_.owed_timeout_ = own_;
        current_ = want;
      }
      return true;
    }

    /// True when a try_ read on an asynchronous handle was ended by the slot's
    /// own, shorter timeout and its deadline has not passed: it reads again,
    /// with the slot's timeout raised around the ReadFile (see read_file()).
    bool ended_early(const std::error_code& ec, const deadline& until) noexcept {
      raise_ = ec.value() == ERROR_SEM_TIMEOUT && ec.category() == std::system_category() &&
               !until.is_slot() && !until.passed();
      return raise_;
    }

    /// ReadFile. After a read that the slot's own timeout ended early (an
    /// asynchronous handle), the slot's timeout is raised to what is left of
    /// the call's for as long as it takes to queue the read, and put back at
    /// once: Windows (and Wine) take a read's timeout when they queue it, so
    /// the read waits without polling while every other read of the slot
    /// keeps the slot's own timeout. One raise at a time in the process, so
    /// that two calls cannot put back each other's raised value. A raise that
    /// cannot be undone stays owed, as in apply().
    BOOL read_file(const deadline& until, void* buffer, DWORD size, DWORD* received,
                   std::error_code& ec) noexcept {
      if (!raise_ || state_.kind_ != handle_kind::asynchronous) {
        return ::ReadFile(handle_, buffer, size, received, &overlapped_);
      }
      ::AcquireSRWLockExclusive(&raise_lock());
      DWORD own = 0;
      BOOL done = FALSE;
      if (::GetMailslotInfo(handle_, nullptr, nullptr, nullptr, &own) == FALSE) {
        ec = last_error();
      } else {
        learn_own_timeout(own);
        const DWORD want = until.remaining_ms();  // INFINITE is MAILSLOT_WAIT_FOREVER
        const bool raise = own != MAILSLOT_WAIT_FOREVER && (want == INFINITE || want > own);
        if (raise && ::SetMailslotInfo(handle_, want) == FALSE) {
          ec = last_error();
        } else {
          done = ::ReadFile(handle_, buffer, size, received, &overlapped_);
          const DWORD error = ::GetLastError();
          if (raise && ::SetMailslotInfo(handle_, own) == FALSE) {
            state_.owed_timeout_ = own;  // put back later (finish(), the next call)
            current_ = want;
          }
          ::SetLastError(error);
        }
      }
      ::ReleaseSRWLockExclusive(&raise_lock());
      return done;
    }

    /// Ends the call: puts the slot's own timeout back. If that fails after a
    /// message was taken, the message wins (`ec` stays clear) and the next
    /// call tries again; otherwise the failure is reported.
    void finish(bool delivered, std::error_code& ec) noexcept {
      if (changed() && !restore() && !delivered && !ec) {
        ec = last_error();
      }
    }

   private:
    [[nodiscard]] bool changed() const noexcept { return own_known_ && current_ != own_; }

    bool restore() noexcept {
      current_ = own_;
      if (::SetMailslotInfo(handle_, own_) == FALSE) {
        return false;
      }
      state_.owed_timeout_.reset();
      return true;
    }

    static SRWLOCK& raise_lock() noexcept {
      static SRWLOCK instance = SRWLOCK_INIT;
      return instance;
    }

    read_state& state_;
    HANDLE handle_;
    OVERLAPPED overlapped_{};
    bool raise_ = false;      // the last read ended early: raise the slot's timeout
    bool own_known_ = false;  // own_ has been read
    DWORD own_ = 0;           // the slot's own timeout
    DWORD current_ = 0;       // the slot's timeout as this call left it
  };

  // Creates the events a read needs, once. False (with `ec` clear) if a
  // cancel() came while the cancel event was being made.
  bool prepare(std::error_code& ec) noexcept {
    if (!read_event_) {
      read_event_.reset(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
      if (!read_event_) {
        ec = last_error();
        return false;
      }
    }
    if (kind_ == handle_kind::asynchronous && cancel_event_.load() == nullptr) {
      HANDLE event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
      if (event == nullptr) {
        ec = last_error();
        return false;
      }
      cancel_event_.store(event);
      // A cancel() that stored its flag before the event existed found no
      // event to set: look again now that cancel() will find it.
      return !cancelled_.load();
    }
    return true;
  }

  // One ReadFile of a whole message into `buffer`, ended by the deadline or
  // cancel(). A message that completes while the read is being cancelled is
  // delivered, never dropped.
  std::size_t read_once(call& scope, void* buffer, std::size_t size, const deadline& until,
                        std::error_code& ec) noexcept {
    ec.clear();
    if (!scope.apply(until, ec)) {
      return 0;
    }
    // A message is at most 2^32 - 1 bytes; a larger buffer is not needed.
    auto capacity = static_cast<DWORD>(size);
    if constexpr (sizeof(std::size_t) > sizeof(DWORD)) {
      capacity = size > MAXDWORD ? MAXDWORD : static_cast<DWORD>(size);
    }
    OVERLAPPED& overlapped = scope.overlapped();
    overlapped = OVERLAPPED{};
    // The low bit keeps the completion off any I/O completion port the
    // handle may be associated with (GetQueuedCompletionStatus docs).
    overlapped.hEvent =  // NOLINTNEXTLINE(performance-no-int-to-ptr): the documented tagging
        reinterpret_cast<HANDLE>(reinterpret_cast<std::uintptr_t>(read_event_.get()) | 1U);
    in_flight_.store(&overlapped);
    if (cancelled_.load()) {
      in_flight_.store(nullptr);
      ec = errc::cancelled;
      return 0;
    }
    DWORD received = 0;
    const HANDLE handle = scope.handle();
    BOOL done = scope.read_file(until, buffer, capacity, &received, ec);
    if (ec) {
      in_flight_.store(nullptr);
      return 0;
    }
    enum class ended { no, cancel, deadline, wait_failed } why = ended::no;
    DWORD wait_error = ERROR_SUCCESS;
    if (done == FALSE && ::GetLastError() == ERROR_IO_PENDING) {
      if (kind_ == handle_kind::asynchronous) {
        const HANDLE events[2] = {read_event_.get(), cancel_event_.load()};
        switch (::WaitForMultipleObjects(2, events, FALSE, until.remaining_ms())) {
          case WAIT_OBJECT_0:
            break;
          case WAIT_OBJECT_0 + 1:
            why = ended::cancel;
            break;
          case WAIT_TIMEOUT:
            why = ended::deadline;
            break;
          default:
            why = ended::wait_failed;
            wait_error = ::GetLastError();
            break;
        }
        if (why != ended::no) {
          ::CancelIoEx(handle, &overlapped);  // this read only; it may have completed meanwhile
        }
      }
      // The OVERLAPPED and buffer stay in use until the read has ended.
      done = ::GetOverlappedResult(handle, &overlapped, &received, TRUE);
    }
    const DWORD error = done == FALSE ? ::GetLastError() : ERROR_SUCCESS;
    in_flight_.store(nullptr);
    if (done != FALSE) {
      return received;
    }
    ec = std::error_code(static_cast<int>(error), std::system_category());
    if (error == ERROR_OPERATION_ABORTED) {
      if (why == ended::cancel || cancelled_.load()) {
        ec = errc::cancelled;
      } else if (why == ended::deadline) {
        ec = std::error_code(ERROR_SEM_TIMEOUT, std::system_category());
      } else if (why == ended::wait_failed) {
        ec = std::error_code(static_cast<int>(wait_error), std::system_category());
      }
    }
    return 0;
  }

  void close_cancel_event() noexcept {
    if (HANDLE event = cancel_event_.exchange(nullptr)) {
      const DWORD saved = ::GetLastError();
      ::CloseHandle(event);
      ::SetLastError(saved);
    }
  }

  handle_kind kind_ = handle_kind::synchronous;
  unique_handle read_event_;                     // the reader's OVERLAPPED event
  std::atomic<HANDLE> cancel_event_{nullptr};    // asynchronous handles: set by cancel()
  std::atomic<bool> cancelled_{false};           // between cancel() and resume()
  std::atomic<OVERLAPPED*> in_flight_{nullptr};  // the ReadFile in progress, for cancel()
  std::atomic<bool> reading_{false};             // a read call is in progress
  std::size_t size_hint_ = initial_size_hint;    // recent message sizes, decaying
  std::optional<DWORD> owed_timeout_;            // the slot's own timeout, to be put back
  async_binding* binding_ = nullptr;             // the handle's completion port binding
};

// --- a buffer kept across asynchronous reads ------------------------------------------------

/// The buffer an asynchronous reader keeps for its one outstanding ReadFile:
/// it grows to the size of a message that did not fit (GetMailslotInfo; the
/// message stays queued meanwhile), and gives the memory back after a message
/// of more than 1 MiB. Never throws: an allocation that fails is
/// ERROR_NOT_ENOUGH_MEMORY, and the message stays queued.
class kept_buffer {
 public:
  static constexpr std::size_t usual_size = std::size_t{64} << 10U;
  static constexpr std::size_t kept_at_most = std::size_t{1} << 20U;

  [[nodiscard]] char* data() noexcept { return data_.get(); }
  [[nodiscard]] DWORD size() const noexcept { return static_cast<DWORD>(size_); }

  /// Makes sure the buffer exists (usual_size).
  bool prepare(std::error_code& ec) noexcept { return data_ || allocate(usual_size, ec); }

  /// After a ReadFile that failed because the next message is larger: grows
  /// to that message's size, never past the slot's maximum (see
  /// exceeds_maximum()). Nothing to do if another reader took it.
  bool grow_for_next(HANDLE handle, std::error_code& ec) noexcept {
    DWORD max_size = 0;
    DWORD next = 0;
    if (::GetMailslotInfo(handle, &max_size, &next, nullptr, nullptr) == FALSE) {
      ec = last_error();
      return false;
    }
    if (exceeds_maximum(next, max_size, ec)) {
      return false;
    }
    return next == MAILSLOT_NO_MESSAGE || next <= size_ || allocate(next, ec);
  }

  /// Gives the memory back; prepare() makes the buffer again.
  void free() noexcept {
    data_.reset();
    size_ = 0;
  }

  /// After a message was delivered: gives back what a message of more than
  /// kept_at_most needed.
  void relax() noexcept {
    if (size_ > kept_at_most) {
      std::error_code ignored;
      (void)allocate(usual_size, ignored);
    }
  }

 private:
  bool allocate(std::size_t size, std::error_code& ec) noexcept {
    data_.reset();  // the old one first: two large buffers need not coexist
    size_ = 0;
    data_.reset(new (std::nothrow) char[size]);
    if (!data_) {
      ec = std::error_code(ERROR_NOT_ENOUGH_MEMORY, std::system_category());
      return false;
    }
    size_ = size;
    return true;
  }

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
};

}  // namespace mailslot::detail

#endif
