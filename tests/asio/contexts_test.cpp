// Every execution context Asio offers on Windows, with standalone Asio and
// with Boost.Asio: an io_context run by one thread and by three, a
// thread_pool, and the system context; each used directly, through
// any_io_executor, and through a strand. On each: reads complete on the
// server's executor (or the handler's own), cancel() ends them, a server moves
// with its reads pending, and a context shut down or destroyed with reads
// pending never hangs and takes no message. (The system context lives as long
// as the program: its end is checked in a second run of this program,
// which leaves main with a read pending: main.cpp.)

#include "asio_support.hpp"  // (first: Asio before <windows.h>)

#include <asio/any_io_executor.hpp>
#include <asio/bind_allocator.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/bind_executor.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/strand.hpp>
#include <asio/system_executor.hpp>
#include <asio/thread_pool.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/system_executor.hpp>
#include <boost/asio/thread_pool.hpp>

#include <mailslot/mailslot.hpp>

#include <support/process.hpp>
#include <support/slot_kinds.hpp>
#include <support/watchdog.hpp>

#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdio>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using asio_tests::drain;
using asio_tests::windows_kind_slot;
using mailslot_test::must_finish;
using mailslot_test::nt_create_mailslot;
using mailslot_test::unique_slot_name;

namespace {

// What the tests need of each flavour of Asio.
#define MAILSLOT_TEST_FLAVOUR(flavour, net, library, code)                               \
  struct flavour {                                                                       \
    template <class Executor>                                                            \
    using server = library::basic_server<Executor>;                                      \
    using io_context = net::io_context;                                                  \
    using thread_pool = net::thread_pool;                                                \
    using system_executor = net::system_executor;                                        \
    using any_io_executor = net::any_io_executor;                                        \
    using error_code = code;                                                             \
    using work_guard = net::executor_work_guard<io_context::executor_type>;              \
    template <class Executor>                                                            \
    static auto strand(const Executor& executor) {                                       \
      return net::make_strand(executor);                                                 \
    }                                                                                    \
    template <class Executor, class Handler>                                             \
    static auto bind(const Executor& executor, Handler&& handler) {                      \
      return net::bind_executor(executor, std::forward<Handler>(handler));               \
    }                                                                                    \
    static error_code aborted() { return net::error::operation_aborted; }                \
    using cancellation_signal = net::cancellation_signal;                                \
    static constexpr auto terminal = net::cancellation_type::terminal;                   \
    template <class Token>                                                               \
    static auto with_slot(cancellation_signal& signal, Token&& token) {                  \
      return net::bind_cancellation_slot(signal.slot(), std::forward<Token>(token));     \
    }                                                                                    \
    template <class Allocator, class Token>                                              \
    static auto with_allocator(const Allocator& allocator, Token&& token) {              \
      return net::bind_allocator(allocator, std::forward<Token>(token));                 \
    }                                                                                    \
    static auto buffer(void* data, std::size_t size) { return net::buffer(data, size); } \
    template <class Executor, class Function>                                            \
    static void post(const Executor& executor, Function&& function) {                    \
      net::post(executor, std::forward<Function>(function));                             \
    }                                                                                    \
  }
MAILSLOT_TEST_FLAVOUR(standalone, ::asio, mailslot::asio, std::error_code);
MAILSLOT_TEST_FLAVOUR(boost_flavour, ::boost::asio, mailslot::boost_asio,
                      ::boost::system::error_code);
#undef MAILSLOT_TEST_FLAVOUR

// --- the contexts ---------------------------------------------------------------------------

// An io_context run by `Threads` threads of the test's.
template <class F, int Threads>
class io_context_run {
 public:
  io_context_run() : guard_(context_->get_executor()) {
    for (int i = 0; i < Threads; ++i) {
      threads_.emplace_back([this] { context_->run(); });
    }
  }
  io_context_run(const io_context_run&) = delete;
  io_context_run& operator=(const io_context_run&) = delete;
  ~io_context_run() { destroy(); }

  auto executor() { return context_->get_executor(); }
  // Stops the context with whatever is pending, and joins its threads.
  void stop() {
    guard_.reset();
    context_->stop();
    for (auto& thread : threads_) {
      thread.join();
    }
    threads_.clear();
  }
  void destroy() {
    if (context_) {
      stop();
      context_.reset();
    }
  }

 private:
  std::optional<typename F::io_context> context_{std::in_place};
  std::optional<typename F::work_guard> guard_;
  std::vector<std::thread> threads_;
};
template <class F>
using io_context_1 = io_context_run<F, 1>;
template <class F>
using io_context_3 = io_context_run<F, 3>;

// A thread_pool of two threads.
template <class F>
class thread_pool_run {
 public:
  auto executor() { return context_->get_executor(); }
  void stop() {
    context_->stop();
    context_->join();
  }
  void destroy() {
    if (context_) {
      stop();
      context_.reset();
    }
  }
  ~thread_pool_run() { destroy(); }

 private:
  std::optional<typename F::thread_pool> context_{std::in_place, 2};
};

// The system context: it ends with the program.
template <class F>
class system_run {
 public:
  auto executor() { return typename F::system_executor(); }
};

// --- how the server's executor is made from the context's ---------------------------------

// (An executor that refers to its context's services, as a strand does, must
// not outlive the context: Asio's rule, and so the server's.)
struct direct {
  static constexpr bool outlives_context = true;
  template <class F, class Executor>
  static Executor wrap(const Executor& executor) {
    return executor;
  }
};
struct polymorphic {
  static constexpr bool outlives_context = true;
  template <class F, class Executor>
  static typename F::any_io_executor wrap(const Executor& executor) {
    return typename F::any_io_executor(executor);
  }
};
struct stranded {
  static constexpr bool outlives_context = false;
  template <class F, class Executor>
  static auto wrap(const Executor& executor) {
    return F::strand(executor);
  }
};

template <class F, template <class> class Context, class Wrap>
struct on {
  using flavour = F;
  using context = Context<F>;
  using executor = decltype(Wrap::template wrap<F>(std::declval<context&>().executor()));
  using server = typename F::template server<executor>;
  static constexpr bool outlives_context = Wrap::outlives_context;
  static executor make_executor(context& c) { return Wrap::template wrap<F>(c.executor()); }
};

// The matrix (names for the test report).
#define MAILSLOT_TEST_ON(flavour, prefix)                                     \
  using prefix##_io_context_1 = on<flavour, io_context_1, direct>;            \
  using prefix##_io_context_1_any = on<flavour, io_context_1, polymorphic>;   \
  using prefix##_io_context_1_strand = on<flavour, io_context_1, stranded>;   \
  using prefix##_io_context_3 = on<flavour, io_context_3, direct>;            \
  using prefix##_io_context_3_any = on<flavour, io_context_3, polymorphic>;   \
  using prefix##_io_context_3_strand = on<flavour, io_context_3, stranded>;   \
  using prefix##_thread_pool = on<flavour, thread_pool_run, direct>;          \
  using prefix##_thread_pool_any = on<flavour, thread_pool_run, polymorphic>; \
  using prefix##_thread_pool_strand = on<flavour, thread_pool_run, stranded>; \
  using prefix##_system = on<flavour, system_run, direct>;                    \
  using prefix##_system_any = on<flavour, system_run, polymorphic>;           \
  using prefix##_system_strand = on<flavour, system_run, stranded>
MAILSLOT_TEST_ON(standalone, asio);
MAILSLOT_TEST_ON(boost_flavour, boost);
#undef MAILSLOT_TEST_ON

#define MAILSLOT_TEST_CONTEXTS_OF(prefix)                                             \
  prefix##_io_context_1, prefix##_io_context_1_any, prefix##_io_context_1_strand,     \
      prefix##_io_context_3, prefix##_io_context_3_any, prefix##_io_context_3_strand, \
      prefix##_thread_pool, prefix##_thread_pool_any, prefix##_thread_pool_strand,    \
      prefix##_system, prefix##_system_any, prefix##_system_strand
// The contexts a program can end (the system context ends with the program).
#define MAILSLOT_TEST_ENDING_CONTEXTS_OF(prefix)                                      \
  prefix##_io_context_1, prefix##_io_context_1_any, prefix##_io_context_1_strand,     \
      prefix##_io_context_3, prefix##_io_context_3_any, prefix##_io_context_3_strand, \
      prefix##_thread_pool, prefix##_thread_pool_any, prefix##_thread_pool_strand

#define MAILSLOT_TEST_CONTEXTS MAILSLOT_TEST_CONTEXTS_OF(asio), MAILSLOT_TEST_CONTEXTS_OF(boost)
#define MAILSLOT_TEST_ENDING_CONTEXTS \
  MAILSLOT_TEST_ENDING_CONTEXTS_OF(asio), MAILSLOT_TEST_ENDING_CONTEXTS_OF(boost)
#define MAILSLOT_TEST_FLAVOURS standalone, boost_flavour

// --- what the handlers saw ------------------------------------------------------------------

template <class ErrorCode>
class outcomes {
 public:
  void add(std::size_t read, const ErrorCode& ec, std::string message, bool on_executor) {
    const std::lock_guard<std::mutex> hold(mutex_);
    results_.push_back({read, ec, std::move(message), on_executor});
    changed_.notify_all();
  }
  // Waits up to 10 s for `count` results.
  bool wait_for(std::size_t count) {
    std::unique_lock<std::mutex> hold(mutex_);
    return changed_.wait_for(hold, 10s, [&] { return results_.size() >= count; });
  }
  [[nodiscard]] std::size_t size() {
    const std::lock_guard<std::mutex> hold(mutex_);
    return results_.size();
  }
  struct result {
    std::size_t read;
    ErrorCode ec;
    std::string message;
    bool on_executor;
  };
  std::vector<result> take() {
    const std::lock_guard<std::mutex> hold(mutex_);
    return results_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<result> results_;
};

// Whether the calling thread runs inside `executor`, where the executor can
// tell (any_io_executor and the system executor cannot: then true).
template <class Executor, class = void>
struct can_tell : std::false_type {};
template <class Executor>
struct can_tell<Executor,
                std::void_t<decltype(std::declval<const Executor&>().running_in_this_thread())>>
    : std::true_type {};
template <class Executor>
bool inside(const Executor& executor) {
  if constexpr (can_tell<Executor>::value) {
    return executor.running_in_this_thread();
  } else {
    return true;
  }
}

// A read's handler: records what it got, and whether it ran inside
// `executor`. (Named types, one per executor, rather than lambdas, one per
// setup: the setups that share an executor type share the instantiations.)
template <class Executor, class ErrorCode>
struct recorder {
  outcomes<ErrorCode>* into;
  std::size_t read;
  Executor executor;
  void operator()(const ErrorCode& ec, std::string message) const {
    into->add(read, ec, std::move(message), inside(executor));
  }
};

// Starts `count` reads on `slot`, numbered from `first`; each handler records
// whether it ran inside the server's executor.
template <class Setup>
void start_reads(typename Setup::server& slot, outcomes<typename Setup::flavour::error_code>& into,
                 std::size_t first, std::size_t count) {
  using handler = recorder<typename Setup::executor, typename Setup::flavour::error_code>;
  for (std::size_t i = first; i < first + count; ++i) {
    slot.async_read(handler{&into, i, slot.get_executor()});
  }
}

}  // namespace

TEMPLATE_TEST_CASE("on every execution context, asio reads complete on the server's executor",
                   "[asio][context]", MAILSLOT_TEST_CONTEXTS) {
  using S = TestType;
  using F = typename S::flavour;
  typename S::context context;
  const std::string name = unique_slot_name("asio-context-read");
  typename S::server slot(S::make_executor(context), windows_kind_slot(name));
  outcomes<typename F::error_code> seen;
  start_reads<S>(slot, seen, 0, 2);
  mailslot::client writer = mailslot::client::open(name);
  writer.write("first");
  writer.write("second");
  REQUIRE(seen.wait_for(2));
  for (const auto& result : seen.take()) {
    CHECK_FALSE(result.ec);
    CHECK(result.message == (result.read == 0 ? "first" : "second"));  // issued order
    CHECK(result.on_executor);
  }

  // A handler's own executor is honoured: a strand of its own.
  const auto own = F::strand(context.executor());
  outcomes<typename F::error_code> on_own;
  slot.async_read(F::bind(own, recorder<decltype(own), typename F::error_code>{&on_own, 2, own}));
  writer.write("third");
  REQUIRE(on_own.wait_for(1));
  const auto result = on_own.take().front();
  CHECK_FALSE(result.ec);
  CHECK(result.message == "third");
  CHECK(result.on_executor);
}

// A timed read's handler, as recorder: "(none)" when no message came in time.
template <class Executor, class ErrorCode>
struct try_recorder {
  outcomes<ErrorCode>* into;
  std::size_t read;
  Executor executor;
  void operator()(const ErrorCode& ec, std::optional<std::string> message) const {
    into->add(read, ec, message ? std::move(*message) : std::string("(none)"), inside(executor));
  }
};

TEMPLATE_TEST_CASE(
    "on every execution context, async_try_read completes on the server's executor, with the "
    "message or with none",
    "[asio][context][deadline]", MAILSLOT_TEST_CONTEXTS) {
  using S = TestType;
  using F = typename S::flavour;
  using handler = try_recorder<typename S::executor, typename F::error_code>;
  typename S::context context;
  const std::string name = unique_slot_name("asio-context-try");
  typename S::server slot(S::make_executor(context), windows_kind_slot(name));
  mailslot::client writer = mailslot::client::open(name);
  outcomes<typename F::error_code> seen;

  slot.async_try_read(20ms, handler{&seen, 0, slot.get_executor()});
  REQUIRE(seen.wait_for(1));
  writer.write("waiting");
  slot.async_try_read(0ms, handler{&seen, 1, slot.get_executor()});
  REQUIRE(seen.wait_for(2));
  slot.async_try_read(10s, handler{&seen, 2, slot.get_executor()});
  std::this_thread::sleep_for(20ms);
  writer.write("in time");
  REQUIRE(seen.wait_for(3));
  const auto results = seen.take();
  const std::vector<std::string> expected = {"(none)", "waiting", "in time"};
  for (const auto& result : results) {
    CHECK_FALSE(result.ec);
    CHECK(result.message == expected.at(result.read));
    CHECK(result.on_executor);
  }
}

TEMPLATE_TEST_CASE(
    "on every execution context, cancel() ends the pending reads and later ones go on",
    "[asio][context]", MAILSLOT_TEST_CONTEXTS) {
  using S = TestType;
  using F = typename S::flavour;
  typename S::context context;
  const std::string name = unique_slot_name("asio-context-cancel");
  typename S::server slot(S::make_executor(context), windows_kind_slot(name));
  outcomes<typename F::error_code> seen;
  start_reads<S>(slot, seen, 0, 3);
  std::this_thread::sleep_for(20ms);  // (the reads have started, or start cancelled)
  slot.cancel();
  REQUIRE(seen.wait_for(3));
  for (const auto& result : seen.take()) {
    CHECK(result.ec == F::aborted());
    CHECK(result.on_executor);
  }
  start_reads<S>(slot, seen, 3, 1);
  mailslot::client::open(name).write("after");
  REQUIRE(seen.wait_for(4));
  const auto last = seen.take().back();
  CHECK_FALSE(last.ec);
  CHECK(last.message == "after");
}

TEMPLATE_TEST_CASE("on every execution context, a server moved with reads pending keeps them",
                   "[asio][context]", MAILSLOT_TEST_CONTEXTS) {
  using S = TestType;
  using F = typename S::flavour;
  typename S::context context;
  const std::string name = unique_slot_name("asio-context-move");
  std::optional<typename S::server> first(std::in_place, S::make_executor(context),
                                          windows_kind_slot(name));
  outcomes<typename F::error_code> seen;
  start_reads<S>(*first, seen, 0, 2);
  typename S::server moved(std::move(*first));
  CHECK_FALSE(first->is_open());
  first.reset();  // the moved-from server goes: nothing of the reads with it
  mailslot::client writer = mailslot::client::open(name);
  writer.write("one");
  writer.write("two");
  REQUIRE(seen.wait_for(2));
  for (const auto& result : seen.take()) {
    CHECK_FALSE(result.ec);
    CHECK(result.message == (result.read == 0 ? "one" : "two"));
  }
  start_reads<S>(moved, seen, 2, 1);
  writer.write("three");
  REQUIRE(seen.wait_for(3));
  CHECK(seen.take().back().message == "three");
}

TEMPLATE_TEST_CASE(
    "on every execution context, ending it with reads pending never hangs and takes "
    "no message",
    "[asio][context][lifetime]", MAILSLOT_TEST_ENDING_CONTEXTS) {
  using S = TestType;
  using F = typename S::flavour;
  {
    const std::string name = unique_slot_name("asio-context-end");
    outcomes<typename F::error_code> seen;
    std::optional<typename S::context> context(std::in_place);
    std::optional<typename S::server> slot(std::in_place, S::make_executor(*context),
                                           windows_kind_slot(name));
    start_reads<S>(*slot, seen, 0, 3);
    std::this_thread::sleep_for(20ms);

    mailslot::client writer = mailslot::client::open(name);
    mailslot::server plain;
    SECTION("stopped, then the server released and destroyed, then the context destroyed") {
      must_finish("stopping the context with reads pending", 30s, [&] { context->stop(); });
      plain = slot->release();  // cancels the reads; their handlers never run
      slot.reset();
      writer.write("kept");
      writer.write("also kept");
      must_finish("destroying the context after its server", 30s, [&] { context.reset(); });
    }
    if constexpr (S::outlives_context) {
      SECTION("destroyed at once, the server still open") {
        must_finish("destroying the context with reads pending", 30s, [&] { context.reset(); });
        // The reads were cancelled, not left to take messages for handlers
        // that will never run.
        writer.write("kept");
        writer.write("also kept");
        plain = slot->release();
        slot.reset();
      }
    }
    CHECK(seen.size() == 0);
    CHECK(drain(plain) == std::vector<std::string>{"kept", "also kept"});
  }
}

TEMPLATE_TEST_CASE(
    "on every execution context, a server destroyed with reads pending, then the "
    "context, never hangs",
    "[asio][context][lifetime]", MAILSLOT_TEST_CONTEXTS) {
  using S = TestType;
  using F = typename S::flavour;
  const std::string name = unique_slot_name("asio-context-server-end");
  outcomes<typename F::error_code> seen;
  std::optional<typename S::context> context(std::in_place);
  std::optional<typename S::server> slot(std::in_place, S::make_executor(*context),
                                         windows_kind_slot(name));
  start_reads<S>(*slot, seen, 0, 3);
  std::this_thread::sleep_for(20ms);
  slot.reset();  // cancels and closes; the handlers run on the context, aborted
  REQUIRE(seen.wait_for(3));
  for (const auto& result : seen.take()) {
    CHECK(result.ec == F::aborted());
  }
  must_finish("ending the context after its server", 30s, [&] { context.reset(); });
  CHECK(mailslot::server::create(name).is_open());  // every handle is closed
}

// The program's second use (main.cpp): leave main with an Asio server's read
// pending on the system context, the server still alive. The system context
// ends with the program (a static object), and its end must cancel the read,
// not wait for it. Prints "leaving main with a read pending" and returns 0;
// the program hangs if the context's end waits for the read.
namespace {

// Leaves a read pending through flavour F's server on `executor`.
template <class F, class Executor>
void leave_pending(const Executor& executor, const char* name) {
  mailslot::server_options options;
  options.creation = mailslot::creation::nt_create_mailslot_file;
  // Never destroyed: the server outlives main, as in a program that exits
  // while a reader is still listening.
  auto* slot =
      new typename F::template server<Executor>(executor, mailslot::server::create(name, options));
  slot->async_read([](const auto&, std::string) {
    std::puts("a handler ran");  // (none may: no message is written)
  });
}

template <class F>
void leave_pending_on_system_context(const std::string& wrap, const char* name) {
  const typename F::system_executor system;
  if (wrap == "any") {
    leave_pending<F>(typename F::any_io_executor(system), name);
  } else if (wrap == "strand") {
    leave_pending<F>(F::strand(system), name);
  } else {
    leave_pending<F>(system, name);
  }
}

}  // namespace

namespace asio_tests {

int leave_main_with_read_pending(const std::string& flavour, const std::string& wrap,
                                 const char* name) {
  if (flavour == "boost") {
    leave_pending_on_system_context<::boost_flavour>(wrap, name);
  } else {
    leave_pending_on_system_context<::standalone>(wrap, name);
  }
  std::puts("leaving main with a read pending");
  std::fflush(stdout);
  return 0;
}

}  // namespace asio_tests

TEST_CASE("a read pending on the system context does not hang the program's end",
          "[asio][context][lifetime]") {
  for (const wchar_t* flavour : {L"asio", L"boost"}) {
    for (const wchar_t* wrap : {L"direct", L"any", L"strand"}) {
      const std::string name = unique_slot_name("asio-system-exit");
      // This program again, in the mode main.cpp gives it.
      mailslot_test::captured_process program(L"mailslot_asio_tests.exe",
                                              {L"--leave-main-with-read-pending", flavour, wrap,
                                               std::wstring(name.begin(), name.end())});
      REQUIRE(program.started());
      const int code = program.wait();  // ended by force after 30 s (0xDEAD)
      INFO(program.output());
      CHECK(code == 0);
      CHECK(program.output().find("leaving main with a read pending") != std::string::npos);
      // The program's end closed the slot, and took no message first.
      CHECK(mailslot::server::create(name).is_open());
    }
  }
}

namespace {

// One block of memory that two handlers' allocators share, so that a test can
// make a second operation take exactly the memory the first one gave back.
struct arena {
  alignas(std::max_align_t) unsigned char block[16384];
  std::atomic<bool> in_use{false};
};

// An allocator that serves from the arena: `first_only`, the first allocation
// it makes and none after (those come from the heap); otherwise whenever the
// arena is free.
struct arena_policy {
  arena* memory;
  bool first_only;
  std::atomic<int> made{0};
};

template <class T>
struct arena_allocator {
  using value_type = T;
  arena_policy* policy;
  explicit arena_allocator(arena_policy* p) noexcept : policy(p) {}
  template <class U>
  arena_allocator(const arena_allocator<U>& other) noexcept : policy(other.policy) {}
  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    const bool first = policy->made++ == 0;
    if ((first || !policy->first_only) && bytes <= sizeof(policy->memory->block) &&
        !policy->memory->in_use.exchange(true)) {
      return reinterpret_cast<T*>(policy->memory->block);
    }
    return static_cast<T*>(::operator new(bytes));
  }
  void deallocate(T* p, std::size_t) noexcept {
    if (reinterpret_cast<unsigned char*>(p) == policy->memory->block) {
      policy->memory->in_use = false;
    } else {
      ::operator delete(p);
    }
  }
  template <class U>
  bool operator==(const arena_allocator<U>& other) const noexcept {
    return policy == other.policy;
  }
  template <class U>
  bool operator!=(const arena_allocator<U>& other) const noexcept {
    return policy != other.policy;
  }
};

template <class Predicate>
bool eventually(Predicate predicate) {
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > give_up) {
      return false;
    }
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

}  // namespace

TEMPLATE_TEST_CASE("a timed read's deadline is allocated with the handler's associated allocator",
                   "[asio][deadline]", MAILSLOT_TEST_FLAVOURS) {
  // The same read, with and without a deadline: the deadline's wait is one
  // allocation more, and it goes through the handler's allocator too.
  using F = TestType;
  io_context_run<F, 1> context;
  const std::string name = unique_slot_name("asio-deadline-allocator");
  typename F::template server<typename F::io_context::executor_type> slot(context.executor(),
                                                                          windows_kind_slot(name));
  arena memory;
  arena_policy untimed{&memory, false};
  arena_policy timed{&memory, false};
  std::array<char, 16> buffer{};
  outcomes<typename F::error_code> seen;
  mailslot::client::open(name).write("waiting");
  slot.async_read(F::buffer(buffer.data(), buffer.size()),
                  F::with_allocator(arena_allocator<void>(&untimed),
                                    [&](const typename F::error_code& ec, std::size_t size) {
                                      seen.add(0, ec, std::string(buffer.data(), size), true);
                                    }));
  REQUIRE(seen.wait_for(1));
  slot.async_try_read(
      F::buffer(buffer.data(), buffer.size()), 30ms,
      F::with_allocator(arena_allocator<void>(&timed),
                        [&](const typename F::error_code& ec, std::optional<std::size_t> size) {
                          seen.add(1, ec, size ? "message" : "none", true);
                        }));
  REQUIRE(seen.wait_for(2));
  const auto results = seen.take();
  CHECK(results[0].message == "waiting");
  CHECK(results[1].message == "none");
  CHECK_FALSE(results[1].ec);
  INFO("untimed " << untimed.made.load() << " allocations, timed " << timed.made.load());
  CHECK(untimed.made.load() >= 1);
  CHECK(timed.made.load() == untimed.made.load() + 1);
}

TEMPLATE_TEST_CASE("a cancellation that comes after its read completed never reaches a later read",
                   "[asio][cancel]", MAILSLOT_TEST_FLAVOURS) {
  // Read A completes, its handler waits behind a busy strand, and read B
  // takes the very memory A's operation (its OVERLAPPED) gave back; then A's
  // cancellation is emitted. It must not cancel B's ReadFile.
  using F = TestType;
  io_context_run<F, 2> context;
  const std::string name = unique_slot_name("asio-late-cancel");
  typename F::template server<typename F::io_context::executor_type> slot(context.executor(),
                                                                          windows_kind_slot(name));
  mailslot::client writer = mailslot::client::open(name);
  const auto strand = F::strand(context.executor());
  std::atomic<bool> strand_busy{true};
  std::atomic<bool> strand_entered{false};
  F::post(strand, [&] {
    strand_entered = true;
    while (strand_busy) {
      std::this_thread::sleep_for(1ms);
    }
  });
  REQUIRE(eventually([&] { return strand_entered.load(); }));

  arena memory;
  arena_policy a_policy{&memory, true};
  arena_policy b_policy{&memory, false};
  typename F::cancellation_signal a_cancel;
  outcomes<typename F::error_code> seen;
  slot.async_read(F::with_slot(
      a_cancel,
      F::bind(strand, F::with_allocator(arena_allocator<void>(&a_policy),
                                        [&](const typename F::error_code& ec, std::string m) {
                                          seen.add(0, ec, std::move(m), true);
                                        }))));
  REQUIRE(memory.in_use);  // A's operation lives in the arena
  writer.write("for a");
  // A's ReadFile completed: its operation's memory is given back before its
  // handler is run (on the strand, still busy).
  REQUIRE(eventually([&] { return !memory.in_use.load(); }));
  slot.async_read(F::with_allocator(arena_allocator<void>(&b_policy),
                                    [&](const typename F::error_code& ec, std::string m) {
                                      seen.add(1, ec, std::move(m), true);
                                    }));
  REQUIRE(memory.in_use);  // B's operation took the same memory
  a_cancel.emit(F::terminal);
  strand_busy = false;
  writer.write("for b");
  REQUIRE(seen.wait_for(2));
  for (const auto& result : seen.take()) {
    INFO("read " << result.read);
    CHECK_FALSE(result.ec);
    CHECK(result.message == (result.read == 0 ? "for a" : "for b"));
  }
}
