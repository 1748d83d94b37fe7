#ifndef MAILSLOT_DETAIL_READ_HPP
#define MAILSLOT_DETAIL_READ_HPP

// The read machinery every read form of mailslot::server shares: what kind of
// handle the slot is, one ReadFile with a deadline and cancellation, and reads
// into containers that grow without losing the message.
//
// Two kinds of server handle exist. Windows' CreateMailslotW returns an
// asynchronous (overlapped) handle: ReadFile on an empty slot returns
// ERROR_IO_PENDING, so a read waits on its own event together with a cancel
// event, with its own deadline, and ends itself with CancelIoEx on its own
// OVERLAPPED. A synchronous handle (Wine's CreateMailslotW, or one opened
// with FILE_SYNCHRONOUS_IO_*) blocks inside ReadFile: there a thread pool
// timer ends the blocked call at its deadline, and cancel() reaches it, with
// CancelIoEx on that call's OVERLAPPED. The kind is asked of Windows once,
// when the server gets its handle; where it cannot be told, the synchronous
// way is used, which is correct on both kinds.
//
// No read changes the slot. Its read timeout belongs to the slot, shared by
// every handle to it, and only the user sets it (SetMailslotInfo). A read
// whose own deadline is longer than that timeout reads again when the
// timeout ends a ReadFile early, no sooner than reread_interval after the
// start of the one before (see reread_pace).

#include <mailslot/detail/config.hpp>
#include <mailslot/detail/ntdll.hpp>
#include <mailslot/detail/unique_handle.hpp>
#include <mailslot/detail/windows.hpp>
#include <mailslot/error.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
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

// std::min and std::max, by value, without <algorithm> (a large header for
// the two the reads need).
template <class T>
constexpr T smaller(T a, T b) noexcept {
  return b < a ? b : a;
}
template <class T>
constexpr T larger(T a, T b) noexcept {
  return a < b ? b : a;
}

/// Milliseconds from now until `at`, rounded up: 0 once it has passed, and
/// never MAILSLOT_WAIT_FOREVER (INFINITE) or more.
inline DWORD ms_until(std::chrono::steady_clock::time_point at) noexcept {
  const auto left = at - std::chrono::steady_clock::now();
  if (left <= std::chrono::steady_clock::duration::zero()) {
    return 0;
  }
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return static_cast<DWORD>(smaller(ms, static_cast<std::int64_t>(MAILSLOT_WAIT_FOREVER) - 1));
}

/// When one read call stops waiting. Either the slot's own read timeout,
/// which Windows applies to each ReadFile (plain reads), or a point in time
/// (the try_ forms), which the call enforces across all its ReadFiles. A plain
/// read that needs a second ReadFile learns the slot's timeout and turns into
/// the second kind, so that its wait stays bounded by one timeout in all.
class deadline {
 public:
  using clock = std::chrono::steady_clock;

  /// The slot's timeout, counted from now. (A plain read asks for no clock
  /// but the tick count, which costs nothing: it needs the time only when a
  /// second ReadFile makes it resolve().)
  [[nodiscard]] static deadline slot() noexcept {
    deadline d(kind::slot, {});
    d.start_ticks_ = ::GetTickCount64();
    return d;
  }

  [[nodiscard]] static deadline after(std::chrono::milliseconds timeout) noexcept {
    deadline d(timeout == forever ? kind::never : kind::at, timeout);
    return d;
  }

  /// True while the slot's own timeout applies.
  [[nodiscard]] bool is_slot() const noexcept { return kind_ == kind::slot; }

  /// True when the call has an end of its own (a point in time).
  [[nodiscard]] bool is_finite() const noexcept { return kind_ == kind::at; }

  /// Turns "the slot's timeout" into the time that timeout ends, counted from
  /// the start of the call.
  void resolve(DWORD slot_timeout) noexcept {
    if (kind_ == kind::slot) {
      kind_ = slot_timeout == MAILSLOT_WAIT_FOREVER ? kind::never : kind::at;
      const auto elapsed = std::chrono::milliseconds(::GetTickCount64() - start_ticks_);
      at_ = clock::now() + std::chrono::milliseconds(slot_timeout) - elapsed;
    }
  }

  /// Milliseconds left, rounded up: INFINITE when there is no end (or the
  /// slot's applies), 0 once passed.
  [[nodiscard]] DWORD remaining_ms() const noexcept {
    return kind_ == kind::at ? ms_until(at_) : INFINITE;
  }

  /// Milliseconds until `until` or the end, whichever comes first.
  [[nodiscard]] DWORD remaining_ms_before(clock::time_point until) const noexcept {
    return ms_until(kind_ == kind::at ? smaller(until, at_) : until);
  }

  /// True once a point-in-time deadline has passed.
  [[nodiscard]] bool passed() const noexcept { return kind_ == kind::at && remaining_ms() == 0; }

 private:
  enum class kind : unsigned char { slot, never, at };
  deadline(kind k, std::chrono::milliseconds timeout) noexcept
      : kind_(k), at_(k == kind::at ? clock::now() + timeout : clock::time_point{}) {}

  kind kind_;
  clock::time_point at_;
  ULONGLONG start_ticks_ = 0;  // (kind::slot: when the call started, for resolve())
};

/// How soon a reader that waits longer than the slot's read timeout reads
/// again after that timeout ended a ReadFile early: no sooner than this after
/// the start of the ReadFile before. A slot whose timeout is 0 (or a few
/// milliseconds) then costs such a reader at most 100 ReadFiles a second
/// while nothing arrives, and a message that arrives meanwhile waits at most
/// this long (and the scheduler's delay) before a ReadFile takes it. A slot
/// timeout at least this long needs no pause at all: each ReadFile waits the
/// whole timeout in the kernel.
inline constexpr std::chrono::milliseconds reread_interval{10};

/// The spacing of one reader's ReadFiles (reread_interval), shared by every
/// reader kind: the synchronous reads, thread_pool_reader and the Asio reads.
/// Only a ReadFile that the slot's timeout ended early asks for the time (a
/// read that finds its message never does): it started about that timeout
/// ago.
class reread_pace {
 public:
  using clock = std::chrono::steady_clock;

  /// The slot's timeout has just ended a ReadFile early; `handle` is the
  /// slot's, asked for that timeout (GetMailslotInfo; if it cannot be told,
  /// the whole interval is waited).
  void ended_early(HANDLE handle) noexcept {
    DWORD timeout = 0;
    if (::GetMailslotInfo(handle, nullptr, nullptr, nullptr, &timeout) == FALSE ||
        timeout == MAILSLOT_WAIT_FOREVER) {
      timeout = 0;
    }
    started_ = clock::now() - std::chrono::milliseconds(timeout);
  }

  /// When the next ReadFile may start.
  [[nodiscard]] clock::time_point next() const noexcept { return started_ + reread_interval; }

  /// Milliseconds until then (0: now).
  [[nodiscard]] DWORD wait_ms() const noexcept { return ms_until(next()); }

 private:
  clock::time_point started_;  // (about) when the ReadFile that ended early started
};

/// Sets a thread pool timer to fire once, `ms` milliseconds from now (0: at
/// once).
inline void set_timer(PTP_TIMER timer, DWORD ms) noexcept {
  // Relative due times are negative, in 100 ns units; -1 is "now".
  ULARGE_INTEGER due{};
  due.QuadPart =
      static_cast<ULONGLONG>(-larger(std::int64_t{1}, static_cast<std::int64_t>(ms) * 10000));
  FILETIME when{};
  when.dwLowDateTime = due.LowPart;
  when.dwHighDateTime = due.HighPart;
  ::SetThreadpoolTimer(timer, &when, 0, 0);
}

/// True for a read that ended because the time to wait ran out
/// (ERROR_SEM_TIMEOUT: the slot's timeout, or a read call's own deadline).
[[nodiscard]] inline bool is_timeout(const std::error_code& ec) noexcept {
  return ec.value() == ERROR_SEM_TIMEOUT && ec.category() == std::system_category();
}

// --- containers -----------------------------------------------------------------------------

/// Containers a message can be read into: contiguous, resizable, of one-byte
/// trivially copyable elements (std::string, std::vector<std::byte>, ...).
/// Their resize() to a smaller size must not throw (as the standard
/// containers' cannot): the readers shrink a container to its message once
/// the message is read, where a throw could only lose it.
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

/// Lists of messages a batch read fills (std::vector<std::string>,
/// std::deque<std::vector<std::byte>>, ...): sized, resizable, indexable, of
/// byte containers; as for those, resize() to a smaller size must not throw.
template <class C, class = void>
struct is_message_list : std::false_type {};
template <class C>
struct is_message_list<C, std::void_t<typename C::value_type, decltype(std::declval<C&>().size()),
                                      decltype(std::declval<C&>().resize(std::size_t{})),
                                      decltype(std::declval<C&>()[std::size_t{}])>>
    : std::bool_constant<
          !std::is_const_v<C> && is_byte_container<typename C::value_type>::value &&
          std::is_same_v<decltype(std::declval<C&>()[std::size_t{}]), typename C::value_type&>> {};

template <class C>
using if_message_list = std::enable_if_t<is_message_list<C>::value, int>;

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

  /// The handle is about to be closed (unbind() follows once it is): a
  /// binding that reads it itself stops doing so, so that nothing reads a
  /// handle value that is closed, and may already name another object.
  virtual void closing() noexcept {}

  /// The server that claimed its reads for this binding's reader (see
  /// read_state::claim()) is closing, moving, releasing its handle or going:
  /// the reader stops first, as its stop() does. Nothing to do for a
  /// binding whose readers do not claim the server.
  virtual void server_leaving() noexcept {}

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

/// The slot's maximum message size as GetMailslotInfo reports it (0: any,
/// and when it cannot be told). It never changes for a slot, so the readers
/// ask once, when they get the handle.
inline DWORD slot_maximum(HANDLE handle) noexcept {
  DWORD max_size = 0;
  if (handle == nullptr ||
      ::GetMailslotInfo(handle, &max_size, nullptr, nullptr, nullptr) == FALSE) {
    return 0;
  }
  return max_size;
}

/// What a reader that sizes its own storage offers ReadFile at most before
/// it knows the message's size: `wanted`, never more than `limit`, nor than
/// the slot's maximum `max_size` (0: any). So a message larger than the
/// maximum (which Windows' writers cannot send, Wine's can) never fits a
/// first offer: the ReadFile fails with ERROR_INSUFFICIENT_BUFFER, the
/// message stays queued, and exceeds_maximum() says why.
inline std::size_t first_offer(std::size_t wanted, std::size_t limit, DWORD max_size) noexcept {
  const std::size_t most = max_size != 0 && max_size < limit ? max_size : limit;
  return wanted < most ? wanted : most;
}

/// What recent messages needed: the first offer of a read that sizes its
/// own storage. Two measures. A new container (its whole offer is
/// allocated, then trimmed to the message) follows the sizes closely: the
/// largest recent size, decaying by 1/8 a message. A kept container (its
/// offer is only zero-filled, within the capacity it has) is offered the
/// largest size of the last 32 to 64 messages: sizes that keep varying
/// within a range cost no second ReadFile, and a message far larger than the
/// rest is not zero-filled for more than 64 messages after it. Relaxed
/// atomics: an Asio server's reads may learn at once (a hint: a lost update
/// costs at most a second ReadFile).
class size_hints {
 public:
  static constexpr std::size_t initial = 4096;

  [[nodiscard]] std::size_t owned() const noexcept {
    return owned_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] std::size_t kept() const noexcept {
    return larger(block_.load(std::memory_order_relaxed),
                  previous_block_.load(std::memory_order_relaxed));
  }

  void learn(std::size_t received) noexcept {
    const std::size_t owned = this->owned();
    owned_.store(larger(received, owned - owned / 8), std::memory_order_relaxed);
    if (received > block_.load(std::memory_order_relaxed)) {
      block_.store(received, std::memory_order_relaxed);
    }
    if (count_.fetch_add(1, std::memory_order_relaxed) + 1 == block_length) {
      previous_block_.store(block_.load(std::memory_order_relaxed), std::memory_order_relaxed);
      block_.store(0, std::memory_order_relaxed);
      count_.store(0, std::memory_order_relaxed);
    }
  }
  void reset() noexcept {
    owned_.store(initial, std::memory_order_relaxed);
    block_.store(0, std::memory_order_relaxed);
    previous_block_.store(initial, std::memory_order_relaxed);
    count_.store(0, std::memory_order_relaxed);
  }
  void swap(size_hints& other) noexcept {
    const auto exchange = [](auto& a, auto& b) {
      const auto value = a.load(std::memory_order_relaxed);
      a.store(b.load(std::memory_order_relaxed), std::memory_order_relaxed);
      b.store(value, std::memory_order_relaxed);
    };
    exchange(owned_, other.owned_);
    exchange(block_, other.block_);
    exchange(previous_block_, other.previous_block_);
    exchange(count_, other.count_);
  }

 private:
  static constexpr unsigned block_length = 32;

  std::atomic<std::size_t> owned_{initial};
  std::atomic<std::size_t> block_{0};                 // the largest of this block
  std::atomic<std::size_t> previous_block_{initial};  // the largest of the block before
  std::atomic<unsigned> count_{0};                    // messages in this block
};

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
/// resume() may come from any thread. No read changes the slot's timeout.
class read_state {
 public:
  read_state() noexcept = default;
  read_state(const read_state&) = delete;
  read_state& operator=(const read_state&) = delete;
  ~read_state() {
    MAILSLOT_ASSERT(!reading_.load(),
                    "a mailslot::server was destroyed while another thread read from it");
    if (timer_ != nullptr) {  // (no callback is due: every read disarms it before it returns)
      ::SetThreadpoolTimer(timer_, nullptr, 0, 0);
      ::WaitForThreadpoolTimerCallbacks(timer_, TRUE);
      ::CloseThreadpoolTimer(timer_);
    }
    close_cancel_event();
  }

  /// Starts over for `handle` (nullptr: no handle): learns its kind, forgets
  /// everything else.
  void reset(HANDLE handle) noexcept {
    MAILSLOT_ASSERT(!reading_.load(),
                    "a mailslot::server was closed, moved, released or "
                    "destroyed while another thread read from it");
    kind_ = handle == nullptr ? handle_kind::synchronous : query_handle_kind(handle);
    max_size_ = slot_maximum(handle);
    read_event_.reset();
    close_cancel_event();
    cancelled_.store(false);
    hints_.reset();
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

  /// The server is about to close, move, release its handle or go: an
  /// asynchronous reader that claimed it stops first (see
  /// async_binding::server_leaving()).
  void leave() noexcept {
    if (binding_ != nullptr && reading_.load()) {
      binding_->server_leaving();
    }
  }

  /// Exchanges what belongs to the handles. The timer stays: it serves this
  /// object's reads, whatever handle they read.
  void swap(read_state& other) noexcept {
    MAILSLOT_ASSERT(!reading_.load() && !other.reading_.load(),
                    "a mailslot::server was moved or swapped while another thread read from it");
    std::swap(kind_, other.kind_);
    read_event_.swap(other.read_event_);
    cancel_event_.store(other.cancel_event_.exchange(cancel_event_.load()));
    cancelled_.store(other.cancelled_.exchange(cancelled_.load()));
    hints_.swap(other.hints_);
    std::swap(max_size_, other.max_size_);
    std::swap(binding_, other.binding_);
  }

  [[nodiscard]] handle_kind kind() const noexcept { return kind_; }

  // --- cancellation

  /// Makes the read in progress and every later one end with errc::cancelled.
  /// Never waits for the reader. A read waiting on an asynchronous handle, or
  /// pausing between two ReadFiles, waits on the cancel event, which this
  /// sets. A ReadFile blocked on a synchronous handle is cancelled by its own
  /// OVERLAPPED (CancelIoEx), so that reads of other handles to the slot go
  /// on; if the reader has announced its ReadFile but not yet entered it, the
  /// read's timer tries again a millisecond later (see expire()).
  void cancel() noexcept {
    ::AcquireSRWLockExclusive(&control_lock_);  // (ordered with resume())
    cancelled_.store(true);
    if (HANDLE event = cancel_event_.load()) {
      ::SetEvent(event);
    }
    if (kind_ == handle_kind::synchronous) {
      ::AcquireSRWLockExclusive(&lock_);
      end_in_flight_locked(ended::cancel);
      ::ReleaseSRWLockExclusive(&lock_);
    }
    ::ReleaseSRWLockExclusive(&control_lock_);
  }

  void resume() noexcept {
    ::AcquireSRWLockExclusive(&control_lock_);
    if (HANDLE event = cancel_event_.load()) {
      ::ResetEvent(event);
    }
    cancelled_.store(false);
    ::ReleaseSRWLockExclusive(&control_lock_);
  }

  [[nodiscard]] bool cancelled() const noexcept { return cancelled_.load(); }

  // --- reads

  /// Reads one message into `buffer` (one ReadFile; more when the slot's
  /// timeout ends one before the call's own deadline).
  std::size_t read(HANDLE handle, void* buffer, std::size_t size, deadline until,
                   std::error_code& ec) noexcept {
    call scope(*this, handle, ec);
    if (ec) {
      return 0;
    }
    std::size_t received = 0;
    do {
      received = read_once(scope, buffer, size, until, ec);
    } while (again(scope, ec, until));
    return ec ? 0 : received;
  }

  /// How much of a container read() offers to ReadFile before the message's
  /// size is known.
  enum class offer {
    capacity,  // a container kept across reads: what recent messages needed, within its capacity
    recent,    // a new container: about what recent messages needed
  };

  /// Reads one message into `message`, which takes exactly its size. The
  /// container is offered what `how` says (64 KiB at most; what it is
  /// resized to past its size is zero-filled first); a message that does not fit stays queued while
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
    // What recent messages needed, and, for a kept container, no more than
    // it holds already: every byte offered past its size is value-initialised
    // first (resize), so offering its whole capacity would cost a memset of
    // up to 64 KiB per message, whatever the message's size.
    const std::size_t wanted =
        how == offer::capacity ? smaller(message.capacity(), hints_.kept()) : hints_.owned();
    const std::size_t offered = larger(message.size(), smaller(wanted, max_offer));
    message.resize(first_offer(offered, offered, max_size_));
    for (;;) {
      const std::size_t received = read_once(scope, message.data(), message.size(), until, ec);
      if (!ec) {
        message.resize(received);
        hints_.learn(received);
        break;
      }
      if (again(scope, ec, until)) {
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
      if (next != MAILSLOT_NO_MESSAGE && next > message.size()) {
        message.clear();       // nothing to keep: growing copies nothing
        message.resize(next);  // may throw; the message is still queued
      }
      // (No message: another reader took it; wait for the next one.)
    }
    if (ec) {
      message.clear();
    }
    return ec ? 0 : message.size();
  }

 private:
  // Why a ReadFile ended before its message came.
  enum class ended : unsigned char { no, cancel, deadline, wait_failed };

  // A fresh container is offered at most this much before its message's size
  // is known; larger messages take a GetMailslotInfo and a second ReadFile.
  static constexpr std::size_t max_offer = std::size_t{64} << 10U;

  // One read call: announces itself (misuse checks) and prepares the events
  // (and, on a synchronous handle, the timer); holds the call's OVERLAPPED
  // and the spacing of its ReadFiles.
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
      if (!state_.prepare(ec) && !ec) {
        ec = errc::cancelled;
      }
    }
    call(const call&) = delete;
    call& operator=(const call&) = delete;
    ~call() { state_.reading_.store(false); }

    [[nodiscard]] HANDLE handle() const noexcept { return handle_; }
    [[nodiscard]] OVERLAPPED& overlapped() noexcept { return overlapped_; }
    [[nodiscard]] reread_pace& pace() noexcept { return pace_; }

   private:
    read_state& state_;
    HANDLE handle_;
    OVERLAPPED overlapped_{};
    reread_pace pace_;
  };

  // Creates what a read needs, once: the read event, the cancel event and,
  // for a synchronous handle, the timer that ends a blocked ReadFile. False
  // (with `ec` clear) if a cancel() came while the cancel event was being
  // made.
  bool prepare(std::error_code& ec) noexcept {
    if (!read_event_) {
      read_event_.reset(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
      if (!read_event_) {
        ec = last_error();
        return false;
      }
    }
    if (kind_ == handle_kind::synchronous && timer_ == nullptr) {
      timer_ = ::CreateThreadpoolTimer(&on_timer, this, nullptr);
      if (timer_ == nullptr) {
        ec = last_error();
        return false;
      }
    }
    if (cancel_event_.load() == nullptr) {
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

  // After a ReadFile that found no message in time: true when the call waits
  // on (its own deadline has not passed; a plain read's wait is the slot's
  // one timeout). It reads again no sooner than reread_interval after the
  // last ReadFile started, waiting meanwhile on the cancel event, so that
  // cancel() ends the pause at once (the next ReadFile then reports it).
  bool again(call& scope, const std::error_code& ec, const deadline& until) noexcept {
    if (!is_timeout(ec) || until.is_slot() || until.passed()) {
      return false;
    }
    scope.pace().ended_early(scope.handle());
    const DWORD pause = until.remaining_ms_before(scope.pace().next());
    if (pause != 0) {
      (void)::WaitForSingleObject(cancel_event_.load(), pause);
    }
    return true;
  }

  // One ReadFile of a whole message into `buffer`, ended by the deadline or
  // cancel(). A message that completes while the read is being cancelled is
  // delivered, never dropped.
  std::size_t read_once(call& scope, void* buffer, std::size_t size, const deadline& until,
                        std::error_code& ec) noexcept {
    ec.clear();
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
    const HANDLE handle = scope.handle();
    if (!announce(handle, overlapped, until)) {
      ec = errc::cancelled;
      return 0;
    }
    DWORD received = 0;
    BOOL done = ::ReadFile(handle, buffer, capacity, &received, &overlapped);
    ended why = ended::no;
    DWORD wait_error = ERROR_SUCCESS;
    if (done == FALSE && ::GetLastError() == ERROR_IO_PENDING) {  // (asynchronous handles only)
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
      // The OVERLAPPED and buffer stay in use until the read has ended.
      done = ::GetOverlappedResult(handle, &overlapped, &received, TRUE);
    }
    const DWORD error = done == FALSE ? ::GetLastError() : ERROR_SUCCESS;
    if (const ended from_outside = withdraw(); from_outside != ended::no) {
      why = from_outside;  // (a synchronous handle: cancel() or the timer ended it)
    }
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

  // --- a ReadFile in flight on a synchronous handle
  //
  // A synchronous ReadFile blocks its thread until it ends, so what ends it
  // early comes from outside: cancel(), and the read's own timer, a thread
  // pool timer set to the call's deadline. Both end it with CancelIoEx on its
  // own OVERLAPPED (never CancelSynchronousIo, which would end whatever I/O
  // the thread is in by then). The OVERLAPPED lives on the reader's stack, so
  // a later read of the same thread may use the same address: everything
  // that cancels does so under lock_ while in_flight_ names the read, and the
  // reader clears in_flight_ under lock_ once its ReadFile has returned, then
  // disarms the timer and waits for its callback (WaitForThreadpoolTimer-
  // Callbacks). So no cancellation outlives its read. The reader announces
  // its ReadFile just before it enters it: a CancelIoEx that comes in
  // between finds nothing (ERROR_NOT_FOUND), and the timer tries again a
  // millisecond later, until the reader is inside or has returned (or, for a
  // cancel() that resume() took back, no more).

  // Before a ReadFile: makes it reachable by cancel() and, on a synchronous
  // handle with a deadline of the call's own, arms the timer. False if a
  // cancel() came first.
  bool announce(HANDLE handle, OVERLAPPED& overlapped, const deadline& until) noexcept {
    if (kind_ != handle_kind::synchronous) {
      return !cancelled_.load();  // (cancel() sets the event the read waits on)
    }
    ::AcquireSRWLockExclusive(&lock_);
    const bool go = !cancelled_.load();
    if (go) {
      in_flight_ = &overlapped;
      in_flight_handle_ = handle;
      in_flight_until_ = &until;
      ended_by_ = ended::no;
      if (until.is_finite()) {
        arm_locked(until.remaining_ms());
      }
    }
    ::ReleaseSRWLockExclusive(&lock_);
    return go;
  }

  // After the ReadFile has returned: nothing can cancel it any more. Says
  // what cancelled it, if anything did: cancel() or the deadline.
  ended withdraw() noexcept {
    if (kind_ != handle_kind::synchronous) {
      return ended::no;
    }
    ::AcquireSRWLockExclusive(&lock_);
    in_flight_ = nullptr;
    in_flight_until_ = nullptr;
    const bool armed = std::exchange(armed_, false);
    const ended by = ended_by_;
    ::ReleaseSRWLockExclusive(&lock_);
    if (armed) {
      ::SetThreadpoolTimer(timer_, nullptr, 0, 0);
      ::WaitForThreadpoolTimerCallbacks(timer_, TRUE);
    }
    return by;
  }

  // Sets the timer to fire in `ms` milliseconds (under lock_).
  void arm_locked(DWORD ms) noexcept {
    set_timer(timer_, ms);
    armed_ = true;
  }

  // Cancels the ReadFile in flight, if any, for `reason` (under lock_); if
  // it has not entered ReadFile yet, tries again in a millisecond.
  void end_in_flight_locked(ended reason) noexcept {
    if (in_flight_ == nullptr || ended_by_ != ended::no) {
      return;
    }
    if (::CancelIoEx(in_flight_handle_, in_flight_) != FALSE) {
      ended_by_ = reason;
    } else if (::GetLastError() == ERROR_NOT_FOUND) {
      arm_locked(1);
    }
  }

  // The timer: a cancel() to retry, or the call's deadline. A retry that
  // resume() took back ends nothing; a timer that fired before the deadline
  // by the steady clock is set again for the rest.
  void expire() noexcept {
    ::AcquireSRWLockExclusive(&lock_);
    if (in_flight_ != nullptr) {
      if (cancelled_.load()) {
        end_in_flight_locked(ended::cancel);
      } else if (in_flight_until_->passed()) {
        end_in_flight_locked(ended::deadline);
      } else if (in_flight_until_->is_finite()) {
        arm_locked(in_flight_until_->remaining_ms());
      }
    }
    ::ReleaseSRWLockExclusive(&lock_);
  }

  static void CALLBACK on_timer(PTP_CALLBACK_INSTANCE, void* context, PTP_TIMER) noexcept {
    static_cast<read_state*>(context)->expire();
  }

  void close_cancel_event() noexcept {
    if (HANDLE event = cancel_event_.exchange(nullptr)) {
      const DWORD saved = ::GetLastError();
      ::CloseHandle(event);
      ::SetLastError(saved);
    }
  }

  handle_kind kind_ = handle_kind::synchronous;
  unique_handle read_event_;                   // the reader's OVERLAPPED event
  std::atomic<HANDLE> cancel_event_{nullptr};  // set by cancel(): ends a wait or a pause
  std::atomic<bool> cancelled_{false};         // between cancel() and resume()
  SRWLOCK control_lock_ = SRWLOCK_INIT;        // orders cancel() and resume()
  std::atomic<bool> reading_{false};           // a read call is in progress
  size_hints hints_;                           // recent message sizes, decaying
  DWORD max_size_ = 0;                         // the slot's maximum message size (0: any)
  async_binding* binding_ = nullptr;           // the handle's completion port binding
  // A synchronous handle's ReadFile in flight, and what ends it:
  PTP_TIMER timer_ = nullptr;  // this object's (made by the first read on a synchronous handle)
  SRWLOCK lock_ = SRWLOCK_INIT;
  // Under lock_:
  OVERLAPPED* in_flight_ = nullptr;  // the ReadFile in flight
  HANDLE in_flight_handle_ = nullptr;
  const deadline* in_flight_until_ = nullptr;  // its call's deadline
  bool armed_ = false;                         // the timer may fire during this ReadFile
  ended ended_by_ = ended::no;                 // what cancelled this ReadFile
};

// --- a buffer kept across asynchronous reads ------------------------------------------------

/// The buffer an asynchronous reader keeps for its one outstanding ReadFile:
/// it grows to the size of a message that did not fit (GetMailslotInfo; the
/// message stays queued meanwhile), and gives the memory back after a message
/// of more than 1 MiB. Never throws: an allocation that fails is
/// ERROR_NOT_ENOUGH_MEMORY, and the message stays queued.
class kept_buffer {
 public:
  // 4 KiB: most messages fit (a message that leaves the computer is 424
  // bytes at most), and a process that listens on thousands of slots keeps
  // one such buffer per slot. A larger message costs one GetMailslotInfo,
  // and the buffer keeps its size afterwards (up to kept_at_most).
  static constexpr std::size_t usual_size = std::size_t{4} << 10U;
  static constexpr std::size_t kept_at_most = std::size_t{1} << 20U;

  [[nodiscard]] char* data() noexcept { return data_.get(); }
  [[nodiscard]] DWORD size() const noexcept { return static_cast<DWORD>(size_); }

  /// The slot's maximum message size (0: any): the buffer's usual size is
  /// never more (see first_offer()).
  void limit(DWORD max_size) noexcept { max_size_ = max_size; }

  /// Makes the buffer (usual_size, or the slot's maximum), at the start of a
  /// listening: the end of the last one freed it (free()).
  bool prepare(std::error_code& ec) noexcept { return allocate(usual(), ec); }

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
      (void)allocate(usual(), ignored);
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

  [[nodiscard]] std::size_t usual() const noexcept {
    return first_offer(usual_size, usual_size, max_size_);
  }

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  DWORD max_size_ = 0;
};

}  // namespace mailslot::detail

#endif
