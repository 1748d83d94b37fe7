// The Asio server, written once for standalone Asio and Boost.Asio. No
// include guard: mailslot/asio.hpp and mailslot/boost_asio.hpp each include
// it once, with
//   MAILSLOT_DETAIL_ASIO             the Asio namespace (::asio or ::boost::asio)
//   MAILSLOT_DETAIL_ASIO_NAMESPACE   the namespace it defines in mailslot (asio or boost_asio)
//   MAILSLOT_DETAIL_ASIO_ERROR_CODE  that Asio's error_code
//   MAILSLOT_DETAIL_ASIO_SYSTEM_ERROR  the exception it throws with one
// and undefine them afterwards.

namespace mailslot::MAILSLOT_DETAIL_ASIO_NAMESPACE {

/// The error code this flavour of Asio reports. Library errors
/// (mailslot::errc) and Win32 errors arrive in it; compare a library error
/// as `ec == std::error_code(mailslot::errc::not_open)` or with
/// `mailslot::condition`.
using error_code = MAILSLOT_DETAIL_ASIO_ERROR_CODE;

#include <mailslot/detail/asio_read_op.ipp>  // (the operation machinery)

/// A mailslot server read through an Asio execution context: each message
/// arrives whole, exactly sized, through the context's I/O completion port,
/// and completes an Asio operation, so callbacks, futures, `deferred` and
/// C++20 coroutines (`use_awaitable`) all read it.
///
///   mailslot::asio::server slot(io, mailslot::server::create(name));
///   std::string message = co_await slot.async_read(asio::use_awaitable);
///
/// The server adopts a mailslot::server whose handle is asynchronous (the
/// one Windows' CreateMailslotW makes, or server_options::creation =
/// creation::nt_create_mailslot_file anywhere; Wine's CreateMailslotW makes a
/// synchronous one, refused with errc::synchronous_handle) and binds that handle to the context's port for
/// the handle's life: a handle read here cannot later be read by a
/// thread_pool_reader or through another context (errc::already_bound); it
/// can be given back (release()) and adopted again on the same context.
///
/// Every read is one ReadFile with its own OVERLAPPED; messages are never
/// joined or split. Each completes through the context's port, also one that
/// finds its message waiting: its handler never runs inside the initiating
/// function, and the kernel's completion packet is the cheapest way to defer
/// it (a read completed at once and then posted to the port costs a
/// PostQueuedCompletionStatus more; the benchmark measures both). A batch
/// read (async_read_some_messages()) completes once, and takes the messages
/// waiting behind its first without a packet each. Several reads may be outstanding; Windows hands messages
/// to their ReadFiles in the order those were issued (a read that grew its
/// container issues a new one, behind the others, and so does a read that
/// the slot's timeout ended: see below), and their handlers may run in any
/// order on a context run by several threads.
///
/// A read waits until a message comes or the read is cancelled, as Asio's
/// reads do: the slot's read timeout does not end it, and no read changes
/// that timeout (it is the slot's, shared by every handle to it). A ReadFile
/// that the timeout ends is started again, no sooner than 10 ms after the one
/// before started (a timer on the read's executor waits out the rest): a
/// slot whose timeout is 0 or a few milliseconds costs an idle read at most
/// 100 ReadFiles a second, and a message may wait up to 10 ms more before it
/// is read (under Wine; Windows rounds timer waits up to its tick, 15.6 ms by
/// default). A slot timeout of 10 ms or more (`wait_forever` is best) waits in
/// the kernel, with no re-reading. For a read with a time limit, use
/// async_try_read(), which completes with the message or with none, never
/// loses one.
///
/// Cancellation: per operation through its cancellation slot (terminal,
/// partial and total alike: a cancelled read has taken nothing), or all at
/// once with cancel(). A cancelled read completes with
/// `asio::error::operation_aborted`; one whose message arrived first
/// completes with the message. When the context shuts down (is destroyed)
/// with reads outstanding, they are cancelled, so that messages written
/// afterwards stay queued; a message that a read had already taken when the
/// context stopped running is delivered if the context runs again, and is
/// dropped with its handler, as Asio drops any handler, if the context is
/// destroyed instead. To keep every message, cancel and run the context
/// until the reads are done.
///
/// Thread safety: as Asio's I/O objects, distinct objects may be used
/// concurrently; one object only from one thread (or strand) at a time.
/// The object may outlive its context if its executor may (an io_context's
/// or a thread_pool's executor may; a strand may not, by Asio's rules:
/// destroy the server first); it can then only be closed, released or
/// destroyed. Ending a context (stop() and destruction, of an io_context, a
/// thread_pool or the system context at the program's end) with reads
/// outstanding never waits for them: they are cancelled first.
template <class Executor = detail::net::any_io_executor>
class basic_server {
 public:
  /// The executor the server's operations complete on by default.
  using executor_type = Executor;

  /// The same server type on another executor.
  template <class OtherExecutor>
  struct rebind_executor {
    /// The rebound type.
    using other = basic_server<OtherExecutor>;
  };

  /// A server that reads nothing yet (see assign()).
  /// \param executor  the executor its operations complete on by default
  explicit basic_server(const executor_type& executor) noexcept : executor_(executor) {}

  /// A server that reads nothing yet, on `context`'s executor.
  /// \param context  the execution context (an `io_context`, ...)
  template <class ExecutionContext,
            std::enable_if_t<std::is_convertible_v<ExecutionContext&,
                                                   detail::net::execution_context&>,
                             int> = 0>
  explicit basic_server(ExecutionContext& context) : executor_(context.get_executor()) {}

#if MAILSLOT_HAS_EXCEPTIONS
  /// Adopts `slot` (see assign()); throws std::system_error.
  /// \param executor  the executor its operations complete on by default
  /// \param slot      an open server with an asynchronous handle
  /// \throws std::system_error  with the error assign() reports
  basic_server(const executor_type& executor, mailslot::server slot) : executor_(executor) {
    assign(std::move(slot));
  }

  /// Adopts `slot` on `context`'s executor (see assign()); throws std::system_error.
  /// \param context  the execution context (an `io_context`, ...)
  /// \param slot     an open server with an asynchronous handle
  /// \throws std::system_error  with the error assign() reports
  template <class ExecutionContext,
            std::enable_if_t<std::is_convertible_v<ExecutionContext&,
                                                   detail::net::execution_context&>,
                             int> = 0>
  basic_server(ExecutionContext& context, mailslot::server slot) : executor_(context.get_executor()) {
    assign(std::move(slot));
  }
#endif

  basic_server(const basic_server&) = delete;
  basic_server& operator=(const basic_server&) = delete;

  /// Takes `other`'s slot and outstanding reads; `other` is left not open.
  /// \param other  the server to move from
  basic_server(basic_server&& other) noexcept
      : executor_(other.executor_),
        slot_(std::move(other.slot_)),
        binding_(std::exchange(other.binding_, nullptr)) {}

  /// Closes this server (see close()), then takes `other`'s slot.
  /// \param other  the server to move from
  /// \return `*this`
  basic_server& operator=(basic_server&& other) noexcept {
    if (this != &other) {
      std::error_code ignored;
      close(ignored);
      executor_ = other.executor_;
      slot_ = std::move(other.slot_);
      binding_ = std::exchange(other.binding_, nullptr);
    }
    return *this;
  }

  /// Cancels the outstanding reads and closes the slot (see close()).
  ~basic_server() {
    std::error_code ignored;
    close(ignored);
  }

  /// The executor the server's operations complete on by default.
  /// \return a copy of the executor
  [[nodiscard]] executor_type get_executor() const noexcept { return executor_; }

  /// Adopts `slot` and binds its handle to the context's completion port
  /// (CreateIoCompletionPort, once for the handle's life). A server already
  /// open is closed first. On failure `slot` is left with the caller.
  /// \param slot  an open server with an asynchronous handle
  /// \param ec    cleared on success; otherwise errc::not_open,
  ///              errc::synchronous_handle, errc::already_bound (the handle
  ///              is bound to a thread pool reader, another context, or a
  ///              context that no longer exists), or the Win32 error
  void assign(mailslot::server&& slot, std::error_code& ec) noexcept {
    std::error_code ignored;
    close(ignored);
    binding_ = detail::bind(executor_, slot, ec);
    if (!ec) {
      slot_ = std::move(slot);
    }
  }

#if MAILSLOT_HAS_EXCEPTIONS
  /// assign(); throws std::system_error naming the slot.
  /// @param slot  the server to read through this context (left with the
  ///              caller on failure)
  /// @throws std::system_error  with the error the std::error_code form reports
  void assign(mailslot::server&& slot) {
    std::error_code ec;
    assign(std::move(slot), ec);
    // NOLINTNEXTLINE(bugprone-use-after-move): on failure assign() leaves `slot` with the caller
    mailslot::detail::throw_if(ec, "read mailslot through asio", slot.name().string());
  }
#endif

  /// Whether the server has a slot to read.
  /// \return true if it has
  [[nodiscard]] bool is_open() const noexcept { return slot_.is_open(); }

  /// The adopted mailslot::server: for info(), name(), set_read_timeout(),
  /// and for synchronous reads, which wait on an event of their own and
  /// never take a message through the port. Close, release or move the
  /// asio server, not this one.
  /// \return the adopted server (not open when this one is not)
  [[nodiscard]] mailslot::server& next_layer() noexcept { return slot_; }
  /// The adopted mailslot::server.
  /// \return the adopted server (not open when this one is not)
  [[nodiscard]] const mailslot::server& next_layer() const noexcept { return slot_; }

  /// Reads the next message into `buffer` (ReadFile). Completes with
  /// `(error_code, std::size_t bytes)`. A message larger than the buffer is
  /// not read: the operation fails with ERROR_INSUFFICIENT_BUFFER
  /// (mailslot::condition::buffer_too_small) and the message stays queued.
  /// The buffer must stay valid until the operation completes.
  /// \param buffer  where the message goes
  /// \param token   the completion token (a handler, `use_future`,
  ///                `deferred`, `use_awaitable`, ...)
  /// \return what the token makes of the operation
  template <class CompletionToken = detail::net::default_completion_token_t<executor_type>>
  auto async_read(detail::net::mutable_buffer buffer,
                  CompletionToken&& token = detail::net::default_completion_token_t<executor_type>()) {
    return start<void(error_code, std::size_t)>(detail::buffer_sink(buffer),
                                                 std::forward<CompletionToken>(token));
  }

  /// Reads the next message into `message`, a container the caller reuses
  /// (std::string, std::vector<std::byte>, ...), which ends up holding
  /// exactly the message; see mailslot::server::read(Container&). Completes
  /// with `(error_code, std::size_t bytes)`. In steady state a message costs
  /// one ReadFile and no allocation; a message larger than the container
  /// stays queued while it grows. On failure `message` is empty. It must
  /// stay valid, and untouched, until the operation completes.
  /// \tparam Container  as for mailslot::server::read(Container&)
  /// \param message  the container that receives the message
  /// \param token    the completion token
  /// \return what the token makes of the operation
  template <class Container,
            class CompletionToken = detail::net::default_completion_token_t<executor_type>,
            mailslot::detail::if_byte_container<Container> = 0>
  auto async_read(Container& message,
                  CompletionToken&& token = detail::net::default_completion_token_t<executor_type>()) {
    return start<void(error_code, std::size_t)>(detail::reused_sink<Container>(message),
                                                std::forward<CompletionToken>(token));
  }

  /// Reads the next message into a new `Message` of exactly its size:
  /// `std::string message = co_await slot.async_read(asio::use_awaitable);`,
  /// or `slot.async_read<std::vector<std::byte>>(token)`. Completes with
  /// `(error_code, Message)`; nothing is lost when the container has to grow
  /// (the message stays queued meanwhile), or when an allocation fails
  /// (ERROR_NOT_ENOUGH_MEMORY).
  /// \tparam Message  std::string (the default), std::vector<std::byte>, or
  ///                  any container mailslot::server::read(Container&) takes
  /// \param token  the completion token
  /// \return what the token makes of the operation
  template <class Message = std::string,
            class CompletionToken = detail::net::default_completion_token_t<executor_type>,
            mailslot::detail::if_byte_container<Message> = 0>
  auto async_read(CompletionToken&& token = detail::net::default_completion_token_t<executor_type>()) {
    return start<void(error_code, Message)>(detail::container_sink<Message>(),
                                            std::forward<CompletionToken>(token));
  }

  /// Reads the next message and every message already waiting behind it,
  /// up to `max` in all, into `messages`, a list the caller reuses
  /// (std::vector<std::string>, std::vector<std::vector<std::byte>>, ...).
  /// Completes once, with `(error_code, std::size_t count)`: `messages`
  /// then holds exactly `count` messages (1 to `max`), in the order they
  /// were queued, each exactly sized; the elements past them are removed.
  ///
  ///   std::vector<std::string> batch;
  ///   std::size_t n = co_await slot.async_read_some_messages(64, batch, asio::use_awaitable);
  ///
  /// The first message is read as async_read(Container&, token) reads one,
  /// into `messages[0]`: it may wait, it completes through the context's
  /// port, and cancellation ends it as any read. The messages queued behind
  /// it are then taken at once, on the thread that runs its completion, each
  /// by a ReadFile that queues no completion packet (its OVERLAPPED's event
  /// has the low-order bit set): a burst costs one packet per operation, not
  /// one per message. After a first read that had to wait, the messages
  /// GetMailslotInfo counts then are taken; after one that found its message
  /// waiting (a queue that may be long, which Wine's GetMailslotInfo would
  /// walk), ReadFiles go on until one would wait, and that one is cancelled
  /// at once. Taking stops at `max` (which also bounds how long the
  /// completion keeps its thread); when another read of this server is
  /// outstanding (it may hold a message queued before the next one, and
  /// messages reach reads in the order the reads were issued); when the
  /// operation is cancelled, or the server released or closed, meanwhile;
  /// and before anything that would fail (a message larger than the slot's
  /// maximum, memory). The rest stays queued for the next read, which
  /// reports a failure. A message the operation took is delivered with the
  /// others (it is lost only as any completed read's is: with its handler,
  /// when the context is destroyed before running it). The elements the
  /// list already holds are reused: while messages keep about the same
  /// sizes, a message costs one ReadFile and no allocation; a new element
  /// is offered about what recent messages needed. On failure (nothing was read) `messages`
  /// is empty. It must stay valid, and untouched, until the operation
  /// completes.
  /// \tparam Messages  a list of byte containers, as for
  ///                   mailslot::server::read(Container&): sized, resizable
  ///                   and indexable (std::vector, std::deque)
  /// \param max       how many messages at most: 1 or more, or the
  ///                  operation fails with std::errc::invalid_argument (and
  ///                  `messages` is emptied)
  /// \param messages  the list that receives them
  /// \param token     the completion token
  /// \return what the token makes of the operation
  template <class Messages,
            class CompletionToken = detail::net::default_completion_token_t<executor_type>,
            mailslot::detail::if_message_list<Messages> = 0>
  auto async_read_some_messages(std::size_t max, Messages& messages,
                                CompletionToken&& token =
                                    detail::net::default_completion_token_t<executor_type>()) {
    return start<void(error_code, std::size_t)>(detail::batch_sink<Messages>(messages, max),
                                                std::forward<CompletionToken>(token));
  }

  /// Reads the next message into `buffer` if one comes within `timeout`,
  /// as mailslot::server::try_read() does for a synchronous read. Completes
  /// with `(error_code, std::optional<std::size_t> bytes)`: the message's
  /// size, or, with no error, an empty optional when none came in time;
  /// never both, and a message that came is never dropped. A timeout of 0
  /// takes a message already waiting; `mailslot::wait_forever` has no
  /// deadline. Otherwise as async_read(buffer, token); cancellation
  /// (through the operation's slot or cancel()) completes it with
  /// `asio::error::operation_aborted`.
  ///
  /// The deadline is a timer on the server's (the operation's I/O)
  /// executor, its wait allocated with the handler's associated allocator,
  /// which ends the
  /// read's ReadFile when it expires: a message the ReadFile took first is
  /// delivered, and a message already waiting at the deadline is still
  /// taken (a ReadFile started after it returns at once with one). This is
  /// the read to use for a time limit: racing async_read against a timer
  /// (the awaitable operators' `||`, or `wait_for_one` while discarding the
  /// read's result) drops a message whenever the read completes with one
  /// after the timer has won.
  /// \param buffer   where the message goes; valid until the operation completes
  /// \param timeout  how long to wait: 0, up to 2^32 - 2 ms, or
  ///                 `mailslot::wait_forever`; another is
  ///                 errc::invalid_timeout
  /// \param token    the completion token
  /// \return what the token makes of the operation
  template <class CompletionToken = detail::net::default_completion_token_t<executor_type>>
  auto async_try_read(detail::net::mutable_buffer buffer, std::chrono::milliseconds timeout,
                      CompletionToken&& token =
                          detail::net::default_completion_token_t<executor_type>()) {
    return start<void(error_code, std::optional<std::size_t>), true>(
        detail::buffer_sink(buffer), std::forward<CompletionToken>(token), timeout);
  }

  /// async_try_read() into a container the caller reuses (see
  /// async_read(Container&, token)). Completes with
  /// `(error_code, std::optional<std::size_t> bytes)`; `message` is empty
  /// when no message came.
  /// \tparam Container  as for mailslot::server::read(Container&)
  /// \param message  the container that receives the message
  /// \param timeout  as for async_try_read(buffer, timeout, token)
  /// \param token    the completion token
  /// \return what the token makes of the operation
  template <class Container,
            class CompletionToken = detail::net::default_completion_token_t<executor_type>,
            mailslot::detail::if_byte_container<Container> = 0>
  auto async_try_read(Container& message, std::chrono::milliseconds timeout,
                      CompletionToken&& token =
                          detail::net::default_completion_token_t<executor_type>()) {
    return start<void(error_code, std::optional<std::size_t>), true>(
        detail::reused_sink<Container>(message), std::forward<CompletionToken>(token), timeout);
  }

  /// async_try_read() into a new `Message` of exactly the message's size:
  /// `if (auto message = co_await slot.async_try_read(100ms, asio::use_awaitable))`.
  /// Completes with `(error_code, std::optional<Message>)`.
  /// \tparam Message  std::string (the default), std::vector<std::byte>, ...
  /// \param timeout  as for async_try_read(buffer, timeout, token)
  /// \param token    the completion token
  /// \return what the token makes of the operation
  template <class Message = std::string,
            class CompletionToken = detail::net::default_completion_token_t<executor_type>,
            mailslot::detail::if_byte_container<Message> = 0>
  auto async_try_read(std::chrono::milliseconds timeout,
                      CompletionToken&& token =
                          detail::net::default_completion_token_t<executor_type>()) {
    return start<void(error_code, std::optional<Message>), true>(
        detail::container_sink<Message>(), std::forward<CompletionToken>(token), timeout);
  }

  /// Cancels every outstanding read of this server (CancelIoEx on each
  /// read's own OVERLAPPED); they complete with
  /// `asio::error::operation_aborted`, or with the message that arrived
  /// first. Reads started afterwards are not affected. A read pausing
  /// between two ReadFiles of a short slot timeout (see the class) ends when
  /// its pause does, within 10 ms (a timer tick on Windows); its own
  /// cancellation slot ends it at once.
  void cancel() noexcept {
    if (binding_ != nullptr) {
      binding_->cancel_all();
    }
  }

  /// Cancels the outstanding reads, then closes the slot (CloseHandle; the
  /// handle's binding ends with it). The reads complete afterwards, through
  /// the context. Final: the server is not open afterwards, even on error.
  /// \param ec  cleared on success; otherwise the Win32 error of CloseHandle
  void close(std::error_code& ec) noexcept {
    ec.clear();
    cancel();
    if (binding_ != nullptr) {
      binding_->detach();  // no read may start on the handle while it closes
    }
    if (slot_.is_open()) {
      slot_.close(ec);
    }
    drop_binding();
  }

#if MAILSLOT_HAS_EXCEPTIONS
  /// close(); throws std::system_error (closed either way: the slot is
  /// closed by mailslot::server::close(), which copies nothing first).
  void close() {
    cancel();
    if (binding_ != nullptr) {
      binding_->detach();
    }
    mailslot::server closing = std::move(slot_);
    drop_binding();  // (the slot's own reference ends the binding when it closes)
    closing.close();
  }
#endif

  /// Cancels the outstanding reads and gives the slot back; this server is
  /// not open afterwards. The handle stays bound to this context's port (as
  /// Windows has it): read it synchronously (its reads wait on an event of
  /// their own, never on the port), or adopt it again on this context. Code
  /// that reads its native handle with an OVERLAPPED must set the low-order
  /// bit of the OVERLAPPED's hEvent, or the completion goes to this
  /// context's port, where Asio takes the OVERLAPPED for one of its
  /// operations and crashes (see mailslot::server::release()).
  /// \return the slot
  [[nodiscard]] mailslot::server release() noexcept {
    cancel();
    drop_binding();
    return std::move(slot_);
  }

 private:
  template <class Signature, bool Timed = false, class Sink, class CompletionToken>
  auto start(Sink sink, CompletionToken&& token,
             std::chrono::milliseconds timeout = mailslot::detail::forever) {
    return detail::net::async_compose<CompletionToken, Signature>(
        detail::read_op<Sink, Timed>(binding_, std::move(sink), timeout), token, executor_);
  }

  void drop_binding() noexcept {
    if (binding_ != nullptr) {
      std::exchange(binding_, nullptr)->release();
    }
  }

  executor_type executor_;
  mailslot::server slot_;
  detail::port_binding* binding_ = nullptr;  // this object's reference
};

/// A server on Asio's polymorphic I/O executor.
using server = basic_server<>;

}  // namespace mailslot::MAILSLOT_DETAIL_ASIO_NAMESPACE
