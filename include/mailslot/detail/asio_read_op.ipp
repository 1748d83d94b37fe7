// The machinery of the Asio server (asio_server.ipp), written once for
// standalone Asio and Boost.Asio: binding a server's handle to a context's
// completion port, one read operation (a ReadFile with its OVERLAPPED, Asio's
// overlapped_ptr), its cancellation, and where its message goes. No include
// guard and no includes: asio_server.ipp includes it inside
// namespace mailslot::MAILSLOT_DETAIL_ASIO_NAMESPACE, with the macros it
// names defined.

namespace detail {

namespace net = MAILSLOT_DETAIL_ASIO;
using mailslot::detail::port_binding;
using mailslot::detail::port_registry;

inline error_code from_std(const std::error_code& ec) noexcept { return {ec}; }

inline error_code win32_error(DWORD code) noexcept {
  return {static_cast<int>(code), net::error::get_system_category()};
}

/// A library or Win32 error as this flavour reports it: Win32 codes in Asio's
/// system category, where Asio's own (operation_aborted, ...) are.
inline error_code to_flavour(const std::error_code& ec) noexcept {
  if (ec.category() == std::system_category()) {
    return win32_error(static_cast<DWORD>(ec.value()));
  }
  return from_std(ec);
}

inline bool is_win32(const error_code& ec, DWORD code) noexcept {
  return ec.value() == static_cast<int>(code) && ec.category() == net::error::get_system_category();
}

/// The service each execution context gets: the registry of the handles bound
/// to its port, whose reads it cancels when the context shuts down.
class port_service final : public net::execution_context::service {
 public:
  using key_type = port_service;
  static inline net::execution_context::id id;  // NOLINT(readability-identifier-naming)

  explicit port_service(net::execution_context& context)
      : net::execution_context::service(context) {}

  [[nodiscard]] port_registry& registry() noexcept { return registry_; }

 private:
  void shutdown() override { registry_.shutdown(); }

  port_registry registry_;
};

/// Binds `slot`'s handle to the completion port of `executor`'s context, or
/// finds it bound there already. The association is made through Asio's own
/// stream handle over a duplicate of the handle (CreateIoCompletionPort
/// binds the file object, which both handles share), which is closed again.
/// Never throws: what Asio allocates (its services, the registry) is made
/// first, and an allocation that fails there is ERROR_NOT_ENOUGH_MEMORY with
/// nothing bound.
template <class Executor>
port_binding* bind(const Executor& executor, mailslot::server& slot, std::error_code& ec) noexcept {
  ec.clear();
  if (!slot.is_open()) {
    ec = errc::not_open;
    return nullptr;
  }
  const HANDLE handle = slot.native_handle();
  if (mailslot::detail::query_handle_kind(handle) != mailslot::detail::handle_kind::asynchronous) {
    ec = errc::synchronous_handle;
    return nullptr;
  }
  net::execution_context& context = net::query(executor, net::execution::context);
  mailslot::detail::read_state& reads = mailslot::detail::server_access::state(slot);
  bool made = false;
  port_binding* binding = port_binding::find_or_make(reads, handle, &context, made, ec);
  if (!made) {
    return binding;
  }
  std::optional<net::windows::basic_stream_handle<Executor>> associate;
  port_registry* registry = nullptr;
#if MAILSLOT_HAS_EXCEPTIONS
  try {
#endif
    // Asio's completion port service first (the stream handle makes it), the
    // registry's after it: a context shuts its services down newest first,
    // so the reads are cancelled before Asio's service waits for them to end.
    associate.emplace(executor);
    registry = &net::use_service<port_service>(context).registry();
#if MAILSLOT_HAS_EXCEPTIONS
  } catch (...) {  // std::bad_alloc, most likely: nothing is bound yet
    ec = std::error_code(ERROR_NOT_ENOUGH_MEMORY, std::system_category());
    binding->release();
    return nullptr;
  }
#endif
  HANDLE duplicate = nullptr;
  const HANDLE process = ::GetCurrentProcess();
  if (::DuplicateHandle(process, handle, process, &duplicate, 0, FALSE, DUPLICATE_SAME_ACCESS) ==
      FALSE) {
    ec = mailslot::detail::last_error();
    binding->release();
    return nullptr;
  }
  error_code associated;
  associate->assign(duplicate, associated);
  if (associated) {
    ::CloseHandle(duplicate);
    // Bound to another port already (one this library did not make).
    ec = is_win32(associated, ERROR_INVALID_PARAMETER) ? make_error_code(errc::already_bound)
                                                       : std::error_code(associated);
    binding->release();
    return nullptr;
  }
  error_code ignored;
  associate->close(ignored);  // the duplicate only; the binding stays with the file object
  binding->commit(reads, *registry);
  return binding;
}

/// A reference to a binding, and the slot of the read an operation has in
/// progress through it. Move-only: it travels with the operation.
///
/// While a ReadFile is outstanding, the operation lives in the memory of
/// Asio's overlapped operation, whose OVERLAPPED the slot holds for cancel().
/// Asio moves the handler out of that memory before it frees it (the copy
/// every Asio operation makes before its upcall), and only once the ReadFile
/// has ended: so a move is where the slot lets go of the OVERLAPPED
/// (port_binding::ended). A cancellation that comes after that finds nothing
/// to reach, however soon another read reuses the memory.
class read_ticket {
 public:
  explicit read_ticket(port_binding* binding) noexcept : binding_(binding) {
    if (binding_ != nullptr) {
      binding_->acquire();
    }
  }
  read_ticket(read_ticket&& other) noexcept
      : binding_(std::exchange(other.binding_, nullptr)),
        slot_(std::exchange(other.slot_, nullptr)) {
    if (slot_ != nullptr) {
      binding_->ended(*slot_);
    }
  }
  read_ticket(const read_ticket&) = delete;
  read_ticket& operator=(const read_ticket&) = delete;
  read_ticket& operator=(read_ticket&&) = delete;
  ~read_ticket() { finish(); }

  [[nodiscard]] port_binding* binding() const noexcept { return binding_; }
  [[nodiscard]] port_binding::read_slot* slot() const noexcept { return slot_; }

  /// The handle to read, or nullptr (errc::not_open).
  [[nodiscard]] HANDLE handle() const noexcept {
    return binding_ == nullptr ? nullptr : binding_->handle();
  }

  bool take_slot(std::error_code& ec) noexcept {
    if (slot_ == nullptr) {
      slot_ = binding_->begin_read(ec);
    }
    return slot_ != nullptr;
  }

  /// Cancels the read as cancel() does (the operation's own cancellation,
  /// when no cancel_handler was there to do it).
  void cancel() const noexcept {
    if (slot_ != nullptr) {
      binding_->cancel(*slot_, slot_->serial);
    }
  }

  /// The operation is over (before its handler is called).
  void finish() noexcept {
    if (slot_ != nullptr) {
      binding_->end_read(std::exchange(slot_, nullptr));
    }
    if (binding_ != nullptr) {
      std::exchange(binding_, nullptr)->release();
    }
  }

 private:
  port_binding* binding_ = nullptr;
  port_binding::read_slot* slot_ = nullptr;
};

/// One read of one slot, as something that ends it from outside sees it: a
/// reference to the binding (what comes after the operation is gone
/// reaches nothing) and which read the slot held (slots are reused).
class read_target {
 public:
  read_target(port_binding* binding, port_binding::read_slot* slot) noexcept
      : binding_(binding), slot_(slot), serial_(slot->serial) {
    binding_->acquire();
  }
  read_target(read_target&& other) noexcept
      : binding_(std::exchange(other.binding_, nullptr)), slot_(other.slot_),
        serial_(other.serial_) {}
  read_target(const read_target&) = delete;
  read_target& operator=(const read_target&) = delete;
  read_target& operator=(read_target&&) = delete;
  ~read_target() {
    if (binding_ != nullptr) {
      binding_->release();
    }
  }

  void cancel() const noexcept {
    if (binding_ != nullptr) {
      binding_->cancel(*slot_, serial_);
    }
  }
  void expire() const noexcept {
    if (binding_ != nullptr) {
      binding_->expire(*slot_, serial_);
    }
  }

 private:
  port_binding* binding_;
  port_binding::read_slot* slot_;
  unsigned long serial_;
};

/// What a read's cancellation slot holds.
class cancel_handler {
 public:
  cancel_handler(port_binding* binding, port_binding::read_slot* slot) noexcept
      : target_(binding, slot) {}
  void operator()(net::cancellation_type type) const noexcept {
    if (type != net::cancellation_type::none) {
      target_.cancel();
    }
  }

 private:
  read_target target_;
};

/// What a timed read's deadline timer calls: a wait that was cancelled (the
/// operation completed first) ends nothing. Its wait is allocated with the
/// operation's handler's associated allocator.
template <class Allocator>
class deadline_handler {
 public:
  using allocator_type = Allocator;
  deadline_handler(port_binding* binding, port_binding::read_slot* slot,
                   const Allocator& allocator) noexcept
      : target_(binding, slot), allocator_(allocator) {}
  void operator()(const error_code& ec) const noexcept {
    if (!ec) {
      target_.expire();
    }
  }
  [[nodiscard]] allocator_type get_allocator() const noexcept { return allocator_; }

 private:
  read_target target_;
  Allocator allocator_;
};

/// Resizes a container a read will fill; an allocation that fails is
/// ERROR_NOT_ENOUGH_MEMORY (nothing was read).
template <class Container>
bool resize(Container& message, std::size_t size, std::error_code& ec) noexcept {
#if MAILSLOT_HAS_EXCEPTIONS
  try {
    message.resize(size);
  } catch (...) {  // std::bad_alloc, std::length_error: nothing was read
    ec = std::error_code(ERROR_NOT_ENOUGH_MEMORY, std::system_category());
    return false;
  }
#else
  message.resize(size);
  (void)ec;
#endif
  return true;
}

/// Gives back the capacity a message of half of it does not need.
template <class Container>
void trim(Container& message) noexcept {
#if MAILSLOT_HAS_EXCEPTIONS
  try {
    message.shrink_to_fit();
  } catch (...) {  // NOLINT(bugprone-empty-catch): the message is whole either way
  }
#else
  message.shrink_to_fit();
#endif
}

/// Where a read puts its message: the caller's buffer (a message that does
/// not fit is an error, and stays queued), ...
class buffer_sink {
 public:
  using result_type = std::size_t;
  static constexpr bool grows = false;
  static constexpr bool batches = false;

  explicit buffer_sink(net::mutable_buffer buffer) noexcept : buffer_(buffer) {}
  bool offer(port_binding&, void*& data, std::size_t& size, std::error_code&) noexcept {
    data = buffer_.data();
    size = buffer_.size();
    return true;
  }
  bool grow(std::size_t, std::error_code&) noexcept { return false; }
  result_type take(port_binding&, std::size_t received) noexcept { return received; }
  static void failed() noexcept {}
  static result_type empty() noexcept { return 0; }

 private:
  net::mutable_buffer buffer_;
};

/// ... or a container of its own, sized to the message: offered about what
/// recent messages needed; a message that does not fit stays queued while
/// the container grows to its size (GetMailslotInfo), and is read again. It
/// never grows past the slot's maximum message size: a larger message fails
/// with errc::message_too_large and stays queued.
/// The container is boxed: the operation moves while its ReadFile is
/// outstanding, and a short std::string keeps its bytes inside itself.
template <class Container>
class container_sink {
 public:
  using result_type = Container;
  static constexpr bool grows = true;
  static constexpr bool batches = false;

  bool offer(port_binding& binding, void*& data, std::size_t& size, std::error_code& ec) noexcept {
    if (!message_ && !allocate(binding, ec)) {
      return false;
    }
    data = message_->data();
    size = message_->size();
    return true;
  }

  /// The next message needs `next` bytes.
  bool grow(std::size_t next, std::error_code& ec) noexcept {
    if (next <= message_->size()) {
      return true;  // (another reader took it; read what comes next)
    }
    message_->clear();  // nothing to keep: growing copies nothing
    return resize(*message_, next, ec);
  }

  result_type take(port_binding& binding, std::size_t received) noexcept {
    binding.hints().learn(received);
    message_->resize(received);  // shrinking: no allocation, cannot throw
    if (received * 2 < message_->capacity()) {
      trim(*message_);
    }
    return std::move(*message_);
  }
  static void failed() noexcept {}
  static result_type empty() noexcept { return Container(); }

 private:
  static constexpr std::size_t max_offer = std::size_t{64} << 10U;

  bool allocate(port_binding& binding, std::error_code& ec) noexcept {
    message_.reset(new (std::nothrow) Container());
    if (!message_) {
      ec = std::error_code(ERROR_NOT_ENOUGH_MEMORY, std::system_category());
      return false;
    }
    return resize(*message_,
                  mailslot::detail::first_offer(binding.hints().owned(), max_offer, binding.max_size()),
                  ec);
  }

  std::unique_ptr<Container> message_;
};

/// ... or a container of the caller's, reused: offered what recent messages
/// needed, within what it can hold already (see
/// mailslot::server::read(Container&)), grown for a message
/// that does not fit (it stays queued meanwhile), left holding exactly the
/// message, or empty on failure. The caller keeps it where it is until the
/// operation completes.
template <class Container>
class reused_sink {
 public:
  using result_type = std::size_t;
  static constexpr bool grows = true;
  static constexpr bool batches = false;

  explicit reused_sink(Container& message) noexcept : message_(&message) {}

  bool offer(port_binding& binding, void*& data, std::size_t& size, std::error_code& ec) noexcept {
    if (!offered_) {
      offered_ = true;
      // (Recent messages' size within its capacity, as the server's reads:
      // every byte offered past its size is zero-filled first.)
      const std::size_t wanted = (std::max)(
          message_->size(),
          (std::min)((std::min)(message_->capacity(), binding.hints().kept()), max_offer));
      if (!resize(*message_, mailslot::detail::first_offer(wanted, wanted, binding.max_size()),
                  ec)) {
        return false;
      }
    }
    data = message_->data();
    size = message_->size();
    return true;
  }

  bool grow(std::size_t next, std::error_code& ec) noexcept {
    if (next <= message_->size()) {
      return true;  // (another reader took it; read what comes next)
    }
    message_->clear();  // nothing to keep: growing copies nothing
    return resize(*message_, next, ec);
  }

  result_type take(port_binding& binding, std::size_t received) noexcept {
    binding.hints().learn(received);
    message_->resize(received);  // shrinking: no allocation, cannot throw
    return received;
  }
  void failed() noexcept { message_->clear(); }
  static result_type empty() noexcept { return 0; }

 private:
  static constexpr std::size_t max_offer = std::size_t{64} << 10U;

  Container* message_;
  bool offered_ = false;
};

/// ... or a list of the caller's messages (std::vector<std::string>, ...),
/// for async_read_some_messages(): its first element is read as a reused
/// container is (reused_sink, through the port), and the messages already
/// waiting behind that one, up to `max` in all, are taken as soon as it has
/// completed, each with a ReadFile that queues no packet
/// (port_binding::read_waiting()). The list ends up holding exactly the
/// messages read, in their order; elements past them are removed. Whatever
/// stops the taking (nothing waiting, the handle going, a message larger
/// than the slot's maximum, memory) leaves the rest
/// queued for the next operation, which reports the error if there is one.
template <class Messages>
class batch_sink {
 public:
  using result_type = std::size_t;
  static constexpr bool grows = true;
  static constexpr bool batches = true;
  using message_type = typename Messages::value_type;

  batch_sink(Messages& messages, std::size_t max) noexcept : messages_(&messages), max_(max) {}

  bool offer(port_binding& binding, void*& data, std::size_t& size, std::error_code& ec) noexcept {
    if (!first_) {
      if (max_ == 0) {
        ec = std::make_error_code(std::errc::invalid_argument);
        return false;
      }
      if (messages_->size() == 0 && !resize(*messages_, 1, ec)) {
        return false;
      }
      first_.emplace((*messages_)[0]);
    }
    return first_->offer(binding, data, size, ec);
  }

  bool grow(std::size_t next, std::error_code& ec) noexcept { return first_->grow(next, ec); }

  /// The read that took the first message (its slot, and whether its
  /// ReadFile had to wait: see take()).
  void first_read(const port_binding::read_slot& slot, bool waited) noexcept {
    slot_ = &slot;
    first_waited_ = waited;
  }

  result_type take(port_binding& binding, std::size_t received) noexcept {
    first_->take(binding, received);
    // A first read that found its message waiting may have a long queue
    // behind it: read on until `max`, or until a ReadFile would wait (it is
    // cancelled at once). One that had to wait found the queue empty, and
    // at most what came meanwhile is there: GetMailslotInfo, cheap for a
    // short queue, says how many, and no ReadFile has to wait (a wait
    // cancelled costs a few Wine server calls and a wake-up more, added to
    // the message's latency).
    std::size_t most = max_;
    if (first_waited_ && max_ > 1) {
      DWORD count = 0;
      DWORD error = ERROR_SUCCESS;
      if (!binding.info(nullptr, nullptr, &count, error)) {
        count = 0;  // (the next read reports what is wrong)
      }
      most = 1 + (std::min)(static_cast<std::size_t>(count), max_ - 1);
    }
    std::size_t count = 1;
    while (count < most && take_waiting(binding, count)) {
      ++count;
    }
    shrink(count);
    return count;
  }

  void failed() noexcept { shrink(0); }
  static result_type empty() noexcept { return 0; }

 private:
  static constexpr std::size_t max_offer = std::size_t{64} << 10U;

  // Reads a message already waiting into element `index` (made if the list
  // is shorter); false when there is none, or it cannot be taken now.
  bool take_waiting(port_binding& binding, std::size_t index) noexcept {
    std::error_code ec;
    if (messages_->size() <= index && !resize(*messages_, index + 1, ec)) {
      return false;
    }
    message_type& message = (*messages_)[index];
    // Offered what recent messages needed, as reused_sink offers a kept
    // container (their largest of the last 32 to 64, within what the element
    // holds), and at least what a new container is offered (the recent
    // sizes, decaying): a message that does not fit costs a GetMailslotInfo,
    // which Wine pays for by counting the queue.
    const std::size_t wanted = (std::max)(
        message.size(),
        (std::min)((std::max)((std::min)(message.capacity(), binding.hints().kept()),
                              binding.hints().owned()),
                   max_offer));
    if (!resize(message, mailslot::detail::first_offer(wanted, wanted, binding.max_size()), ec)) {
      return false;
    }
    for (bool grown = false;; grown = true) {
      DWORD received = 0;
      DWORD error = ERROR_SUCCESS;
      const auto capacity = static_cast<DWORD>((std::min)(message.size(), std::size_t{MAXDWORD}));
      if (binding.read_waiting(*slot_, message.data(), capacity, received, error)) {
        binding.hints().learn(received);
        message.resize(received);  // shrinking: no allocation, cannot throw
        return true;
      }
      if (grown || error != ERROR_INSUFFICIENT_BUFFER || !fit(binding, message)) {
        return false;
      }
    }
  }

  // The waiting message did not fit: grow to its size (it stays queued),
  // never past the slot's maximum.
  static bool fit(port_binding& binding, message_type& message) noexcept {
    DWORD max_size = 0;
    DWORD next = 0;
    DWORD error = ERROR_SUCCESS;
    std::error_code ec;
    if (!binding.info(&max_size, &next, nullptr, error) || next == MAILSLOT_NO_MESSAGE ||
        mailslot::detail::exceeds_maximum(next, max_size, ec)) {
      return false;
    }
    if (next <= message.size()) {
      return true;
    }
    message.clear();  // nothing to keep: growing copies nothing
    return resize(message, next, ec);
  }

  // Leaves the list holding `count` messages (shrinking cannot throw).
  void shrink(std::size_t count) noexcept {
    if (messages_->size() > count) {
      messages_->resize(count);
    }
  }

  Messages* messages_;
  std::size_t max_;
  std::optional<reused_sink<message_type>> first_;
  const port_binding::read_slot* slot_ = nullptr;  // the first read's, while the operation runs
  bool first_waited_ = false;
};

/// One read operation: a ReadFile with its own OVERLAPPED (Asio's
/// overlapped_ptr, completed through the context's port), started again
/// when a container has grown, ended by the operation's cancellation slot
/// or the server's cancel() with CancelIoEx on that OVERLAPPED only. A read
/// whose message completed while it was being cancelled delivers the
/// message: no message is ever taken and dropped.
///
/// The slot's read timeout does not end the operation: a ReadFile it ends is
/// started again, no sooner than reread_interval after the one before
/// started (a timer on the operation's executor waits out the rest), so
/// that a short slot timeout costs at most 100 ReadFiles a second while
/// idle. The operation's cancellation slot ends such a pause at once; the
/// server's cancel() and close() reach it when it ends, within
/// reread_interval (they touch no Asio object of an operation they do not
/// run on).
///
/// A timed operation (Timed, async_try_read) also has a deadline: a second
/// timer on the operation's executor, whose handler ends the ReadFile in
/// progress as a cancellation does (port_binding::expire()), marked as the
/// deadline's. A ReadFile that the deadline ended completes the operation
/// with no message and no error; one that took its message first completes
/// it with the message. After the deadline, a ReadFile is still started
/// (after a pause, or for a message that needed a larger container), and
/// cancelled at once if it would wait: a message already waiting is taken,
/// and none is lost.
template <class Sink, bool Timed = false>
class read_op {
 public:
  /// What the operation completes with, after its error_code: a timed
  /// operation's is empty when no message came in time.
  using result_type = std::conditional_t<Timed, std::optional<typename Sink::result_type>,
                                         typename Sink::result_type>;

  read_op(port_binding* binding, Sink sink,
          std::chrono::milliseconds timeout = mailslot::detail::forever) noexcept
      : ticket_(binding), sink_(std::move(sink)), timeout_(timeout) {}

  /// Starts the operation (async_compose calls it first).
  template <class Self>
  void operator()(Self& self) {
    // A cancelled read has taken nothing, so every kind of cancellation
    // (terminal, partial, total) is honoured, not only async_compose's
    // default terminal one.
    self.reset_cancellation_state(net::enable_total_cancellation());
    if constexpr (Timed) {
      DWORD ignored = 0;
      if (!mailslot::detail::to_win32_timeout(timeout_, ignored)) {
        net::post(net::append(std::move(self), to_flavour(errc::invalid_timeout), std::size_t{0}));
        return;
      }
      if (timeout_ != mailslot::detail::forever) {
        deadline_ = std::chrono::steady_clock::now() + timeout_;
      }
    }
    start(self);
  }

  /// A ReadFile ended (through the port, or posted there when it failed at
  /// once).
  template <class Self>
  void operator()(Self& self, error_code ec, std::size_t received) {
    self.get_cancellation_state().slot().clear();
    port_binding* binding = ticket_.binding();
    port_binding::read_slot* slot = ticket_.slot();
    if (binding != nullptr && slot != nullptr) {
      binding->ended(*slot);
    }
    if (!ec) {
      if constexpr (Sink::batches) {
        sink_.first_read(*slot, binding->waited(*slot));
      }
      result_type message(sink_.take(*binding, received));
      finish();
      self.complete(ec, std::move(message));
      return;
    }
    if (is_win32(ec, ERROR_SEM_TIMEOUT) && slot != nullptr && !binding->cancelled(*slot)) {
      // The slot's timeout: read again, unless the deadline ended this read.
      if (!(Timed && binding->expired(*slot))) {
        pause(self);
        return;
      }
      ec = win32_error(ERROR_OPERATION_ABORTED);
    }
    if (Sink::grows && slot != nullptr &&
        (is_win32(ec, ERROR_INSUFFICIENT_BUFFER) || is_win32(ec, ERROR_MORE_DATA))) {
      if (binding->cancelled(*slot)) {
        ec = win32_error(ERROR_OPERATION_ABORTED);  // the message stays queued
      } else {
        std::error_code grown;
        if (grow(grown)) {
          start(self);
          return;
        }
        ec = to_flavour(grown);
      }
    }
    fail(self, ec);
  }

  /// The pause after a ReadFile that the slot's timeout ended has ended
  /// (the timer's completion), or was cancelled through the operation's
  /// cancellation slot.
  template <class Self>
  void operator()(Self& self, error_code ec) {
    if (ec || self.get_cancellation_state().cancelled() != net::cancellation_type::none) {
      ticket_.cancel();  // (the caller's cancellation, before any deadline)
      fail(self, win32_error(ERROR_OPERATION_ABORTED));
      return;
    }
    start(self);  // (which ends the operation if cancel() or close() came meanwhile)
  }

 private:
  static constexpr auto no_deadline = (std::chrono::steady_clock::time_point::max)();

  // The slot's timeout ended the last ReadFile: read again once
  // reread_interval has passed since it started (at once if it has), or
  // at the deadline if that comes first.
  template <class Self>
  void pause(Self& self) {
    if (const HANDLE handle = ticket_.handle()) {
      pace_.ended_early(handle);
    }
    DWORD wait = pace_.wait_ms();
    if (Timed && wait != 0 && deadline_ != no_deadline) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(
          deadline_ - std::chrono::steady_clock::now());
      wait = left.count() <= 0 ? 0 : (std::min)(wait, static_cast<DWORD>(left.count()));
    }
    if (wait == 0) {
      start(self);
      return;
    }
    if (!timer_) {
      std::error_code made;
      timer_ = new_timer(self.get_io_executor(), made);
      if (!timer_) {
        fail(self, to_flavour(made));  // (nothing was taken)
        return;
      }
    }
    timer_->expires_after(std::chrono::milliseconds(wait));
    net::steady_timer& timer = *timer_;  // (on the heap: it stays put while the operation moves)
    timer.async_wait(std::move(self));
  }

  template <class Self>
  void start(Self& self) {
    std::error_code ec;
    const HANDLE handle = ticket_.handle();
    void* data = nullptr;
    std::size_t size = 0;
    if (handle == nullptr) {
      ec = errc::not_open;
    } else if (ticket_.take_slot(ec) && sink_.offer(*ticket_.binding(), data, size, ec)) {
      if (deadline_passed()) {  // (this read takes only a message already waiting)
        ticket_.binding()->expire(*ticket_.slot(), ticket_.slot()->serial);
      } else {
        (void)arm_deadline(self, ec);
      }
    }
    port_binding* binding = ticket_.binding();
    port_binding::read_slot* slot = ticket_.slot();
    if (!ec) {
      auto cancellation = self.get_cancellation_state().slot();
      if (cancellation.is_connected()) {
        cancellation.template emplace<cancel_handler>(binding, slot);
      }
    }
    if (ec) {  // completes through the executor, never inside the initiating call
      net::post(net::append(std::move(self), to_flavour(ec), std::size_t{0}));
      return;
    }
    // From here the operation lives in the OVERLAPPED's handler: touch only
    // the locals. (Only Win32 codes go through the port, which keeps an
    // error's category and value, not a library error_code as Boost holds it.)
    const auto executor = self.get_io_executor();
    net::windows::overlapped_ptr read(executor, std::move(self));
    // A message is at most 2^32 - 1 bytes; a larger buffer is not needed.
    const auto capacity = static_cast<DWORD>((std::min)(size, std::size_t{MAXDWORD}));
    DWORD error = ERROR_SUCCESS;
    if (binding->start_read(*slot, read.get(), data, capacity, error) !=
        mailslot::detail::read_start::pending) {
      read.complete(win32_error(error), 0);  // no packet comes for an immediate failure
      return;
    }
    read.release();  // the packet comes, also for an immediate success
  }

  // True once a timed operation's deadline has passed: the handler of its
  // timer may not have run yet (a busy context), and a ReadFile started now
  // must not wait for it.
  [[nodiscard]] bool deadline_passed() const noexcept {
    if constexpr (Timed) {
      return deadline_ != no_deadline && std::chrono::steady_clock::now() >= deadline_;
    } else {
      return false;
    }
  }

  // A timed operation's deadline timer, set once, before its first ReadFile
  // (which it ends when it comes, or the first ReadFile after it).
  template <class Self>
  bool arm_deadline(Self& self, std::error_code& ec) noexcept {
    if constexpr (Timed) {
      if (deadline_ == no_deadline || deadline_timer_) {
        return true;
      }
      deadline_timer_ = new_timer(self.get_io_executor(), ec);
      using allocator = net::associated_allocator_t<Self>;
      return deadline_timer_ && attempt(ec, [&] {
               deadline_timer_->expires_at(deadline_);
               deadline_timer_->async_wait(deadline_handler<allocator>(
                   ticket_.binding(), ticket_.slot(), net::get_associated_allocator(self)));
             });
    } else {
      (void)self;
      (void)ec;
      return true;
    }
  }

  // A timer on the operation's executor, or nullptr and `ec` if it could not
  // be made (its memory, or the timer service's, and the thread Asio starts
  // for a context's first timer).
  template <class IoExecutor>
  static std::unique_ptr<net::steady_timer> new_timer(const IoExecutor& executor,
                                                      std::error_code& ec) noexcept {
    std::unique_ptr<net::steady_timer> timer;
    if (attempt(ec, [&] { timer.reset(new (std::nothrow) net::steady_timer(executor)); }) &&
        !timer) {
      ec = std::error_code(ERROR_NOT_ENOUGH_MEMORY, std::system_category());
    }
    return timer;
  }

  // Runs `body`, which may throw what Asio throws (its error, or
  // std::bad_alloc: ERROR_NOT_ENOUGH_MEMORY); false and `ec` if it did.
  template <class Body>
  static bool attempt(std::error_code& ec, Body&& body) noexcept {
#if MAILSLOT_HAS_EXCEPTIONS
    try {
      body();
    } catch (const MAILSLOT_DETAIL_ASIO_SYSTEM_ERROR& failure) {
      ec = std::error_code(failure.code());
      return false;
    } catch (...) {  // std::bad_alloc
      ec = std::error_code(ERROR_NOT_ENOUGH_MEMORY, std::system_category());
      return false;
    }
#else
    body();
    (void)ec;
#endif
    return true;
  }

  // The next message did not fit: grow to its size, never past the slot's
  // maximum (mailslot::detail::exceeds_maximum); it stays queued.
  bool grow(std::error_code& ec) noexcept {
    DWORD max_size = 0;
    DWORD next = 0;
    DWORD error = ERROR_SUCCESS;
    port_binding* binding = ticket_.binding();
    if (binding == nullptr || binding->handle() == nullptr) {
      ec = errc::not_open;
      return false;
    }
    if (!binding->info(&max_size, &next, nullptr, error)) {
      ec = std::error_code(static_cast<int>(error), std::system_category());  // (see fail())
      return false;
    }
    if (mailslot::detail::exceeds_maximum(next, max_size, ec)) {
      return false;
    }
    return next == MAILSLOT_NO_MESSAGE || sink_.grow(next, ec);
  }

  // A read that cancel() reached ends as cancelled, whatever else went wrong
  // meanwhile: close() cancels before it closes, and a read that was growing
  // (or starting again) then finds the handle gone. One whose handle went
  // otherwise (the adopted server closed under it: its ReadFile ended with
  // ERROR_HANDLES_CLOSED or ERROR_OPERATION_ABORTED, or a ReadFile or
  // GetMailslotInfo found no handle) ends as errc::not_open, as a read
  // started then does, deadline or not. One that its deadline ended
  // completes with no message and no error.
  template <class Self>
  void fail(Self& self, error_code ec) {
    port_binding* binding = ticket_.binding();
    port_binding::read_slot* slot = ticket_.slot();
    if (slot != nullptr && binding->cancelled(*slot)) {
      ec = win32_error(ERROR_OPERATION_ABORTED);
    } else if (binding != nullptr && binding->handle() == nullptr) {
      ec = from_std(make_error_code(errc::not_open));  // (before the deadline: it is news)
    } else if (Timed && slot != nullptr && binding->expired(*slot) &&
               is_win32(ec, ERROR_OPERATION_ABORTED)) {
      ec = error_code();  // no message in time
    }
    finish();
    sink_.failed();
    self.complete(ec, empty());
  }

  // The operation is over (before its handler is called).
  void finish() noexcept {
    ticket_.finish();
    if constexpr (Timed) {
      deadline_timer_.reset();  // (its wait, if still pending, ends with operation_aborted)
    }
  }

  static result_type empty() noexcept {
    if constexpr (Timed) {
      return result_type();
    } else {
      return Sink::empty();
    }
  }

  read_ticket ticket_;
  Sink sink_;
  mailslot::detail::reread_pace pace_;
  std::unique_ptr<net::steady_timer> timer_;  // the pause's, made by the first pause
  std::chrono::milliseconds timeout_;
  std::chrono::steady_clock::time_point deadline_ = no_deadline;
  std::unique_ptr<net::steady_timer> deadline_timer_;  // a timed operation's
};

}  // namespace detail
