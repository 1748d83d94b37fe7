#ifndef MAILSLOT_DETAIL_PORT_BINDING_HPP
#define MAILSLOT_DETAIL_PORT_BINDING_HPP

// What an I/O completion port reader (mailslot/asio.hpp, mailslot/boost_asio.hpp)
// keeps of a server's handle, free of any Asio type: which execution context's
// port the handle is bound to, the reads outstanding through it (so that they
// can be cancelled one by one, all at once, or when the context goes), and the
// registry through which a context finds its bindings when it shuts down.
//
// Windows binds a handle to one completion port for the handle's life (and
// Wine cannot undo it either: FileReplaceCompletionInformation is not
// implemented), so the binding belongs to the handle: the server keeps it
// (read_state::bind) until the handle closes, whatever object reads it.

#include <mailslot/detail/read.hpp>
#include <mailslot/detail/windows.hpp>
#include <mailslot/error.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <system_error>
#include <utility>

namespace mailslot::detail {

class port_binding;

/// The bindings made for one execution context (its Asio service holds
/// one). When the context shuts down, every read outstanding through its
/// port is cancelled, so that the context's drain ends and no later message
/// is taken by a read whose handler will never run.
class port_registry {
 public:
  port_registry() noexcept = default;
  port_registry(const port_registry&) = delete;
  port_registry& operator=(const port_registry&) = delete;
  ~port_registry() { shutdown(); }

  /// The context is going: cancel what is outstanding, forget every binding.
  inline void shutdown() noexcept;

 private:
  friend class port_binding;
  // One lock for every registry: a binding may outlive its context, and
  // then must not reach for the registry's own lock.
  static SRWLOCK& lock() noexcept {
    static SRWLOCK instance = SRWLOCK_INIT;
    return instance;
  }
  port_binding* first_ = nullptr;
};

/// A handle's binding to the completion port of one execution context.
/// Kept alive by the server (until its handle closes), by each reader object
/// that adopted the server, and by each operation in progress.
class port_binding final : public async_binding {
 public:
  /// One outstanding read (a ReadFile with its OVERLAPPED), as cancel() sees
  /// it. Slots are reused: in steady state a read allocates none.
  struct read_slot {
    OVERLAPPED* overlapped = nullptr;  // while the ReadFile is outstanding
    bool cancelled = false;            // cancel() came for this read
    bool expired = false;              // its operation's deadline passed (expire())
    bool waited = false;               // its last ReadFile found no message waiting
    unsigned long serial = 0;          // which read it is (slots are reused)
    read_slot* next = nullptr;         // in the active or the free list
    read_slot* previous = nullptr;     // in the active list
  };

  /// The binding of `handle` to `context`'s port: the server's existing one
  /// (another reference), or a new one that the caller associates with the
  /// port and then commits. errc::already_bound if the handle is bound
  /// elsewhere (a thread pool reader, another context, or a context that no
  /// longer exists).
  static port_binding* find_or_make(read_state& reads, HANDLE handle, const void* context,
                                    bool& made, std::error_code& ec) noexcept {
    made = false;
    if (async_binding* existing = reads.binding()) {
      auto* bound = existing->is(&tag) ? static_cast<port_binding*>(existing) : nullptr;
      if (bound == nullptr || !bound->bound_to(context)) {
        ec = errc::already_bound;
        return nullptr;
      }
      bound->acquire();
      return bound;
    }
    auto* binding = new (std::nothrow) port_binding(handle, context);
    if (binding == nullptr) {
      ec = std::error_code(ERROR_NOT_ENOUGH_MEMORY, std::system_category());
      return nullptr;
    }
    made = true;
    return binding;
  }

  /// After the handle was associated with the port: the server keeps the
  /// binding, and the context's registry learns of it.
  void commit(read_state& reads, port_registry& registry) noexcept {
    acquire();  // the server's reference
    reads.bind(this);
    ::AcquireSRWLockExclusive(&port_registry::lock());
    registry_ = &registry;
    next_bound_ = registry.first_;
    if (next_bound_ != nullptr) {
      next_bound_->previous_bound_ = this;
    }
    registry.first_ = this;
    ::ReleaseSRWLockExclusive(&port_registry::lock());
  }

  void acquire() noexcept { references_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (references_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      delete this;
    }
  }

  /// The handle is closed (or the server gave it away): no read starts any
  /// more, and the server's reference goes.
  void unbind() noexcept override {
    detach();
    release();
  }

  /// The handle is about to be closed: nothing of this binding's touches it
  /// any more (the reads outstanding end when it closes).
  void closing() noexcept override { detach(); }

  /// GetMailslotInfo on the handle, under the lock that detach() takes, so
  /// that it never asks a handle that is closing; ERROR_INVALID_HANDLE once
  /// it is gone.
  bool info(DWORD* max_size, DWORD* next, DWORD* count, DWORD& error) const noexcept {
    ::AcquireSRWLockShared(&lock_);
    BOOL done = FALSE;
    error = ERROR_INVALID_HANDLE;
    if (handle_ != nullptr) {
      done = ::GetMailslotInfo(handle_, max_size, next, count, nullptr);
      error = done != FALSE ? ERROR_SUCCESS : ::GetLastError();
    }
    ::ReleaseSRWLockShared(&lock_);
    return done != FALSE;
  }

  /// The handle to read, or nullptr once it is closed.
  [[nodiscard]] HANDLE handle() const noexcept {
    ::AcquireSRWLockShared(&lock_);
    const HANDLE handle = handle_;
    ::ReleaseSRWLockShared(&lock_);
    return handle;
  }

  /// A slot for a read about to start; nullptr (and `ec`) if none could be
  /// allocated.
  read_slot* begin_read(std::error_code& ec) noexcept {
    ::AcquireSRWLockExclusive(&lock_);
    read_slot* slot = free_;
    if (slot != nullptr) {
      free_ = slot->next;
    }
    ::ReleaseSRWLockExclusive(&lock_);
    if (slot == nullptr) {
      slot = new (std::nothrow) read_slot;
      if (slot == nullptr) {
        ec = std::error_code(ERROR_NOT_ENOUGH_MEMORY, std::system_category());
        return nullptr;
      }
    }
    *slot = read_slot{};
    ::AcquireSRWLockExclusive(&lock_);
    slot->serial = ++serial_;
    slot->next = active_;
    if (active_ != nullptr) {
      active_->previous = slot;
    }
    active_ = slot;
    ::ReleaseSRWLockExclusive(&lock_);
    return slot;
  }

  /// Starts the read's ReadFile into `data` with `overlapped`, under the
  /// lock that cancel() and detach() take, so that neither can fall between
  /// the checks and the call: a read cancelled before it could start (between
  /// two ReadFiles of one operation) does not start (ERROR_OPERATION_ABORTED),
  /// nor one whose handle is going (ERROR_INVALID_HANDLE); one whose deadline
  /// has passed (expire()) starts, and is cancelled at once if it would wait,
  /// so that it takes a message already waiting and no other. Returns whether a
  /// completion will come through the port (classify_read(): the handle does
  /// not skip the port on success), with the error of a read that failed at
  /// once. (ReadFile on an asynchronous handle does not block.)
  [[nodiscard]] read_start start_read(read_slot& slot, OVERLAPPED* overlapped, void* data,
                                      DWORD size, DWORD& error) noexcept {
    ::AcquireSRWLockExclusive(&lock_);
    read_start outcome = read_start::failed;
    error = ERROR_SUCCESS;
    if (slot.cancelled) {
      error = ERROR_OPERATION_ABORTED;
    } else if (handle_ == nullptr) {
      error = ERROR_INVALID_HANDLE;
    } else {
      slot.overlapped = overlapped;
      const BOOL done = ::ReadFile(handle_, data, size, nullptr, overlapped);
      error = done != FALSE ? ERROR_SUCCESS : ::GetLastError();
      slot.waited = error == ERROR_IO_PENDING;
      outcome = classify_read(done, error, false);
      if (outcome != read_start::pending) {
        slot.overlapped = nullptr;
      } else if (slot.expired) {
        cancel_io_locked(slot);  // past its deadline: only a message already waiting
      }
    }
    ::ReleaseSRWLockExclusive(&lock_);
    return outcome;
  }

  /// Takes a message that is already waiting, for the operation of `slot`,
  /// whose read has just ended with one: a ReadFile into `data` whose
  /// OVERLAPPED event has its low-order bit set, so that no packet goes to
  /// the port (the reader completes it here). A ReadFile that would wait is
  /// cancelled at once; one that took a message meanwhile delivers it. Under
  /// the lock, as start_read(), it does not start once the operation is
  /// cancelled (cancel(), release(), close(): ERROR_OPERATION_ABORTED), on
  /// a handle that is going (ERROR_INVALID_HANDLE), or while another read of
  /// the binding is outstanding (ERROR_BUSY): that one was issued after this
  /// operation's first and may hold a message queued before the one this
  /// would take, and its handler must not see a later message first.
  /// Returns whether it took a message (`received` bytes); otherwise `error`
  /// says why not. Waits only for a cancelled ReadFile to end.
  bool read_waiting(const read_slot& slot, void* data, DWORD size, DWORD& received,
                    DWORD& error) noexcept {
    received = 0;
    const HANDLE event = take_event(error);
    if (event == nullptr) {
      return false;
    }
    OVERLAPPED overlapped{};
    // NOLINTNEXTLINE(performance-no-int-to-ptr): the documented tagging (no completion packet)
    overlapped.hEvent = reinterpret_cast<HANDLE>(reinterpret_cast<std::uintptr_t>(event) | 1U);
    HANDLE handle = nullptr;
    BOOL done = FALSE;
    ::AcquireSRWLockExclusive(&lock_);
    if (slot.cancelled) {
      error = ERROR_OPERATION_ABORTED;
    } else if (handle_ == nullptr) {
      error = ERROR_INVALID_HANDLE;
    } else if (active_ != &slot || slot.next != nullptr) {
      error = ERROR_BUSY;
    } else {
      handle = handle_;
      done = ::ReadFile(handle, data, size, nullptr, &overlapped);
      error = done != FALSE ? ERROR_SUCCESS : ::GetLastError();
      if (error == ERROR_IO_PENDING) {
        ::CancelIoEx(handle, &overlapped);  // only what is waiting already
      }
    }
    ::ReleaseSRWLockExclusive(&lock_);
    if (handle != nullptr && (done != FALSE || error == ERROR_IO_PENDING)) {
      // (Waits on the event, not on the handle, which may be closing: the
      // cancelled ReadFile ends either way.)
      done = ::GetOverlappedResult(handle, &overlapped, &received, TRUE);
      error = done != FALSE ? ERROR_SUCCESS : ::GetLastError();
    }
    give_event(event);
    return done != FALSE;
  }

  /// The handle is about to close: no read starts on it any more, and
  /// cancel() no longer touches it.
  void detach() noexcept {
    ::AcquireSRWLockExclusive(&lock_);
    handle_ = nullptr;
    ::ReleaseSRWLockExclusive(&lock_);
  }

  /// The ReadFile has ended (its completion is being handled, or it failed
  /// at once): cancel() no longer reaches for its OVERLAPPED.
  void ended(read_slot& slot) noexcept {
    ::AcquireSRWLockExclusive(&lock_);
    slot.overlapped = nullptr;
    ::ReleaseSRWLockExclusive(&lock_);
  }

  /// True if cancel() came for this read.
  [[nodiscard]] bool cancelled(const read_slot& slot) const noexcept {
    ::AcquireSRWLockShared(&lock_);
    const bool result = slot.cancelled;
    ::ReleaseSRWLockShared(&lock_);
    return result;
  }

  /// True if the read's last ReadFile found no message waiting (it pended).
  [[nodiscard]] bool waited(const read_slot& slot) const noexcept {
    ::AcquireSRWLockShared(&lock_);
    const bool result = slot.waited;
    ::ReleaseSRWLockShared(&lock_);
    return result;
  }

  /// True if the read's operation reached its deadline (expire()).
  [[nodiscard]] bool expired(const read_slot& slot) const noexcept {
    ::AcquireSRWLockShared(&lock_);
    const bool result = slot.expired;
    ::ReleaseSRWLockShared(&lock_);
    return result;
  }

  /// The operation is over: its slot goes back to the free list.
  void end_read(read_slot* slot) noexcept {
    ::AcquireSRWLockExclusive(&lock_);
    unlink(slot);
    slot->serial = 0;
    slot->next = free_;
    free_ = slot;
    ::ReleaseSRWLockExclusive(&lock_);
  }

  /// Cancels one read (`serial`: the read the slot held when the
  /// cancellation was set up; a later one is left alone): its ReadFile in
  /// progress (CancelIoEx with its own OVERLAPPED, so no other read of the
  /// handle is touched), or the next one it would start.
  void cancel(read_slot& slot, unsigned long serial) noexcept {
    ::AcquireSRWLockExclusive(&lock_);
    if (slot.serial == serial) {
      cancel_locked(slot);
    }
    ::ReleaseSRWLockExclusive(&lock_);
  }

  /// The deadline of one read's operation has passed (`serial` as for
  /// cancel()): its ReadFile in progress is cancelled as cancel() does, and
  /// one it starts afterwards takes only a message already waiting (see
  /// start_read()); the operation then completes with no message, unless a
  /// ReadFile took one first.
  void expire(read_slot& slot, unsigned long serial) noexcept {
    ::AcquireSRWLockExclusive(&lock_);
    if (slot.serial == serial) {
      slot.expired = true;
      cancel_io_locked(slot);
    }
    ::ReleaseSRWLockExclusive(&lock_);
  }

  /// Cancels every read in progress through this binding.
  void cancel_all() noexcept {
    ::AcquireSRWLockExclusive(&lock_);
    for (read_slot* slot = active_; slot != nullptr; slot = slot->next) {
      cancel_locked(*slot);
    }
    ::ReleaseSRWLockExclusive(&lock_);
  }

  /// The slot's maximum message size (0: any), for the first offer of an
  /// owned read (see first_offer()).
  [[nodiscard]] DWORD max_size() const noexcept { return max_size_; }

  /// Recent message sizes, for the first offer of a container read.
  [[nodiscard]] size_hints& hints() noexcept { return hints_; }

 private:
  friend class port_registry;
  static constexpr char tag = 0;  // what is(&tag) recognises

  port_binding(HANDLE handle, const void* context) noexcept
      : async_binding(&tag), handle_(handle), context_(context), max_size_(slot_maximum(handle)) {}
  ~port_binding() {
    ::AcquireSRWLockExclusive(&port_registry::lock());
    if (registry_ != nullptr) {
      unregister_locked();
    }
    ::ReleaseSRWLockExclusive(&port_registry::lock());
    while (free_ != nullptr) {
      delete std::exchange(free_, free_->next);
    }
    if (HANDLE event = spare_event_.exchange(nullptr)) {
      ::CloseHandle(event);
    }
    // (No read is active: each holds a reference.)
  }

  [[nodiscard]] bool bound_to(const void* context) const noexcept {
    ::AcquireSRWLockShared(&lock_);
    const bool same = context_ != nullptr && context_ == context;
    ::ReleaseSRWLockShared(&lock_);
    return same;
  }

  // The event of a read_waiting(): the one kept from the last, or a new one.
  // Operations on a context run by several threads may read at once; each
  // takes its own, and the binding keeps one.
  HANDLE take_event(DWORD& error) noexcept {
    HANDLE event = spare_event_.exchange(nullptr);
    if (event == nullptr) {
      event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
      if (event == nullptr) {
        error = ::GetLastError();
      }
    }
    return event;
  }
  void give_event(HANDLE event) noexcept {
    if (HANDLE other = spare_event_.exchange(event)) {
      ::CloseHandle(other);
    }
  }

  void cancel_locked(read_slot& slot) noexcept {
    slot.cancelled = true;
    cancel_io_locked(slot);
  }

  void cancel_io_locked(const read_slot& slot) noexcept {
    if (slot.overlapped != nullptr && handle_ != nullptr) {
      ::CancelIoEx(handle_, slot.overlapped);  // may have completed meanwhile: then it is delivered
    }
  }

  void unlink(read_slot* slot) noexcept {
    if (slot->previous != nullptr) {
      slot->previous->next = slot->next;
    } else {
      active_ = slot->next;
    }
    if (slot->next != nullptr) {
      slot->next->previous = slot->previous;
    }
  }

  // Under the registry lock.
  void unregister_locked() noexcept {
    if (previous_bound_ != nullptr) {
      previous_bound_->next_bound_ = next_bound_;
    } else {
      registry_->first_ = next_bound_;
    }
    if (next_bound_ != nullptr) {
      next_bound_->previous_bound_ = previous_bound_;
    }
    registry_ = nullptr;
    next_bound_ = previous_bound_ = nullptr;
  }

  // The context is going (under the registry lock): its port with it. The
  // handle stays bound to that dead port, so no context can bind it again.
  void context_gone() noexcept {
    ::AcquireSRWLockExclusive(&lock_);
    context_ = nullptr;
    for (read_slot* slot = active_; slot != nullptr; slot = slot->next) {
      cancel_locked(*slot);
    }
    ::ReleaseSRWLockExclusive(&lock_);
    unregister_locked();
  }

  std::atomic<long> references_{1};  // the creator's
  mutable SRWLOCK lock_ = SRWLOCK_INIT;
  // Under lock_:
  HANDLE handle_;
  const void* context_;  // the execution context whose port it is; nullptr once it is gone
  read_slot* active_ = nullptr;
  read_slot* free_ = nullptr;
  unsigned long serial_ = 0;
  // Under the registry lock:
  port_registry* registry_ = nullptr;
  port_binding* next_bound_ = nullptr;
  port_binding* previous_bound_ = nullptr;

  size_hints hints_;
  std::atomic<HANDLE> spare_event_{nullptr};  // read_waiting()'s, kept between reads
  const DWORD max_size_;                      // the slot's maximum message size (0: any)
};

inline void port_registry::shutdown() noexcept {
  ::AcquireSRWLockExclusive(&lock());
  while (first_ != nullptr) {
    first_->context_gone();
  }
  ::ReleaseSRWLockExclusive(&lock());
}

}  // namespace mailslot::detail

#endif
