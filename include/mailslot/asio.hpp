#ifndef MAILSLOT_ASIO_HPP
#define MAILSLOT_ASIO_HPP

/// @file
/// mailslot::asio::server, a mailslot server read through standalone Asio.

/// @namespace mailslot::asio
/// A mailslot server read through standalone Asio (mailslot/asio.hpp).
/// mailslot::boost_asio (mailslot/boost_asio.hpp) is the same for
/// Boost.Asio: the same classes over `boost::asio`, reporting
/// `boost::system::error_code`.

// mailslot::asio::server: a mailslot server read through standalone Asio
// (https://think-async.com/Asio), with every completion token: callbacks,
// use_future, deferred, use_awaitable. Link the mailslot::asio CMake target.
// Include this header before <windows.h> and the other mailslot headers.
// For Boost.Asio, include <mailslot/boost_asio.hpp> instead
// (mailslot::boost_asio::server); both may be used in one program.

#include <mailslot/detail/asio_prelude.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/append.hpp>
#include <asio/associated_allocator.hpp>
#include <asio/async_result.hpp>
#include <asio/buffer.hpp>
#include <asio/cancellation_state.hpp>
#include <asio/cancellation_type.hpp>
#include <asio/compose.hpp>
#include <asio/error.hpp>
#include <asio/execution/context.hpp>
#include <asio/execution_context.hpp>
#include <asio/post.hpp>
#include <asio/query.hpp>
#include <asio/steady_timer.hpp>
#include <asio/windows/basic_stream_handle.hpp>
#include <asio/windows/overlapped_ptr.hpp>

#include <mailslot/detail/config.hpp>
#include <mailslot/detail/port_binding.hpp>
#include <mailslot/detail/read.hpp>
#include <mailslot/detail/windows.hpp>
#include <mailslot/error.hpp>
#include <mailslot/server.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#if !defined(ASIO_HAS_IOCP)
#  error "mailslot/asio.hpp needs Asio's I/O completion port backend (ASIO_DISABLE_IOCP is defined)"
#endif

#define MAILSLOT_DETAIL_ASIO ::asio
#define MAILSLOT_DETAIL_ASIO_NAMESPACE asio
#define MAILSLOT_DETAIL_ASIO_SYSTEM_ERROR std::system_error
#define MAILSLOT_DETAIL_ASIO_ERROR_CODE std::error_code
#include <mailslot/detail/asio_server.ipp>
#undef MAILSLOT_DETAIL_ASIO
#undef MAILSLOT_DETAIL_ASIO_NAMESPACE
#undef MAILSLOT_DETAIL_ASIO_ERROR_CODE
#undef MAILSLOT_DETAIL_ASIO_SYSTEM_ERROR

#endif
