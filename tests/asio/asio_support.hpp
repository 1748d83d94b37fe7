#ifndef MAILSLOT_TESTS_ASIO_ASIO_SUPPORT_HPP
#define MAILSLOT_TESTS_ASIO_ASIO_SUPPORT_HPP

// What the Asio tests share: each flavour of Asio as the tests use it
// (standalone Asio and Boost.Asio), Windows-kind slots, running a context
// until something happened, and draining a slot.

#include <mailslot/asio.hpp>        // (Asio before <windows.h>)
#include <mailslot/boost_asio.hpp>  // both in one program

#include <asio/bind_cancellation_slot.hpp>
#include <asio/bind_executor.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/deferred.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <asio/use_future.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#if defined(__cpp_impl_coroutine)
#  include <asio/awaitable.hpp>
#  include <asio/co_spawn.hpp>
#  include <asio/detached.hpp>
#  include <asio/use_awaitable.hpp>
#  include <boost/asio/awaitable.hpp>
#  include <boost/asio/co_spawn.hpp>
#  include <boost/asio/detached.hpp>
#  include <boost/asio/use_awaitable.hpp>
#endif

#include <mailslot/mailslot.hpp>
#include <mailslot/thread_pool_reader.hpp>

#include <support/slot_kinds.hpp>

#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <vector>

namespace asio_tests {

using namespace std::chrono_literals;
using mailslot_test::nt_create_mailslot;
using mailslot_test::unique_slot_name;
using mailslot_test::with_timeout;

// What the tests need of each flavour of Asio.
struct standalone {
  using io_context = ::asio::io_context;
  using steady_timer = ::asio::steady_timer;
  using server = mailslot::asio::server;
  using error_code = std::error_code;
  using cancellation_signal = ::asio::cancellation_signal;
  using cancellation_type = ::asio::cancellation_type;
  static constexpr const auto& use_future = ::asio::use_future;
  static constexpr const auto& deferred = ::asio::deferred;
  static ::asio::mutable_buffer buffer(void* data, std::size_t size) {
    return ::asio::buffer(data, size);
  }
  template <class Token>
  static auto with_slot(cancellation_signal& signal, Token&& token) {
    return ::asio::bind_cancellation_slot(signal.slot(), std::forward<Token>(token));
  }
  static error_code aborted() { return ::asio::error::operation_aborted; }
  template <class Handler>
  static void post(io_context& io, Handler&& handler) {
    ::asio::post(io, std::forward<Handler>(handler));
  }
  static auto make_strand(io_context& io) { return ::asio::make_strand(io); }
  template <class Executor, class Handler>
  static auto bind_executor(const Executor& executor, Handler&& handler) {
    return ::asio::bind_executor(executor, std::forward<Handler>(handler));
  }
  template <class Executor, class Handler>
  static void post_to(const Executor& executor, Handler&& handler) {
    ::asio::post(executor, std::forward<Handler>(handler));
  }
#if defined(__cpp_impl_coroutine)
  template <class T>
  using awaitable = ::asio::awaitable<T>;
  static constexpr const auto& use_awaitable = ::asio::use_awaitable;
  template <class Awaitable, class Token>
  static void co_spawn(io_context& io, Awaitable&& work, Token&& token) {
    ::asio::co_spawn(io, std::forward<Awaitable>(work), std::forward<Token>(token));
  }
#endif
};

struct boost_flavour {
  using io_context = ::boost::asio::io_context;
  using steady_timer = ::boost::asio::steady_timer;
  using server = mailslot::boost_asio::server;
  using error_code = ::boost::system::error_code;
  using cancellation_signal = ::boost::asio::cancellation_signal;
  using cancellation_type = ::boost::asio::cancellation_type;
  static constexpr const auto& use_future = ::boost::asio::use_future;
  static constexpr const auto& deferred = ::boost::asio::deferred;
  static ::boost::asio::mutable_buffer buffer(void* data, std::size_t size) {
    return ::boost::asio::buffer(data, size);
  }
  template <class Token>
  static auto with_slot(cancellation_signal& signal, Token&& token) {
    return ::boost::asio::bind_cancellation_slot(signal.slot(), std::forward<Token>(token));
  }
  static error_code aborted() { return ::boost::asio::error::operation_aborted; }
  template <class Handler>
  static void post(io_context& io, Handler&& handler) {
    ::boost::asio::post(io, std::forward<Handler>(handler));
  }
  static auto make_strand(io_context& io) { return ::boost::asio::make_strand(io); }
  template <class Executor, class Handler>
  static auto bind_executor(const Executor& executor, Handler&& handler) {
    return ::boost::asio::bind_executor(executor, std::forward<Handler>(handler));
  }
  template <class Executor, class Handler>
  static void post_to(const Executor& executor, Handler&& handler) {
    ::boost::asio::post(executor, std::forward<Handler>(handler));
  }
#if defined(__cpp_impl_coroutine)
  template <class T>
  using awaitable = ::boost::asio::awaitable<T>;
  static constexpr const auto& use_awaitable = ::boost::asio::use_awaitable;
  template <class Awaitable, class Token>
  static void co_spawn(io_context& io, Awaitable&& work, Token&& token) {
    ::boost::asio::co_spawn(io, std::forward<Awaitable>(work), std::forward<Token>(token));
  }
#endif
};

// A Windows-kind slot for a fresh name, waiting forever unless told.
inline mailslot::server windows_kind_slot(
    const std::string& name, std::chrono::milliseconds timeout = mailslot::wait_forever) {
  return nt_create_mailslot::create(name, with_timeout(timeout));
}

inline std::string pattern(std::size_t size, unsigned seed) {
  std::string text(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    text[i] = static_cast<char>('a' + (i * 7 + seed) % 26);
  }
  return text;
}

// Runs `io` until `done` or 10 s have passed (a hang fails the test, not the run).
template <class IoContext, class Done>
void run_until(IoContext& io, Done done) {
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (!done() && std::chrono::steady_clock::now() < give_up) {
    io.run_one_for(50ms);
  }
  REQUIRE(done());
}

// One async_read<std::string> on `slot`, with `io` run until it completes: the
// message, or "error".
template <class Server, class IoContext>
std::string read_one(Server& slot, IoContext& io) {
  std::optional<std::string> message;
  slot.async_read([&](const auto& ec, std::string m) { message = ec ? "error" : m; });
  run_until(io, [&] { return message.has_value(); });
  return *message;
}

// A container of bytes that runs `on_resize` before each resize: one that
// throws there stands for a container of a fixed capacity, past it.
struct fragile_bytes {
  using value_type = char;
  std::string held;
  std::function<void()> on_resize;
  char* data() noexcept { return held.data(); }
  [[nodiscard]] std::size_t size() const noexcept { return held.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return held.capacity(); }
  void resize(std::size_t size) {
    if (on_resize) {
      on_resize();
    }
    held.resize(size);
  }
  void clear() noexcept { held.clear(); }
};

// on_resize for a fragile_bytes: throws at the resize numbered `at` (1: the
// first offer), counting from now.
inline std::function<void()> throw_at_resize(int at) {
  return [at, count = 0]() mutable {
    if (++count == at) {
      throw std::length_error("fragile_bytes");
    }
  };
}

// The messages still queued in `slot`, read synchronously.
inline std::vector<std::string> drain(mailslot::server& slot) {
  std::vector<std::string> messages;
  while (auto message = slot.try_read(0ms)) {
    messages.push_back(*message);
  }
  return messages;
}

}  // namespace asio_tests

#endif
