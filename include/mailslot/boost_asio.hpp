#ifndef MAILSLOT_BOOST_ASIO_HPP
#define MAILSLOT_BOOST_ASIO_HPP

/// @file
/// mailslot::boost_asio::server, a mailslot server read through Boost.Asio:
/// the classes of mailslot::asio (see there) over `boost::asio`.

// mailslot::boost_asio::server: a mailslot server read through Boost.Asio
// (tested with Boost 1.83), with every completion token: callbacks,
// use_future, deferred, use_awaitable. Link the mailslot::asio CMake target.
// Include this header before <windows.h> and the other mailslot headers.
// For standalone Asio, include <mailslot/asio.hpp> instead
// (mailslot::asio::server); both may be used in one program.

#include <mailslot/detail/asio_prelude.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/windows/basic_stream_handle.hpp>
#include <boost/asio/windows/overlapped_ptr.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

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

#if !defined(BOOST_ASIO_HAS_IOCP)
#  error \
      "mailslot/boost_asio.hpp needs Boost.Asio's I/O completion port backend (BOOST_ASIO_DISABLE_IOCP is defined)"
#endif

#define MAILSLOT_DETAIL_ASIO ::boost::asio
#define MAILSLOT_DETAIL_ASIO_NAMESPACE boost_asio
#define MAILSLOT_DETAIL_ASIO_SYSTEM_ERROR ::boost::system::system_error
#define MAILSLOT_DETAIL_ASIO_ERROR_CODE ::boost::system::error_code
#include <mailslot/detail/asio_server.ipp>
#undef MAILSLOT_DETAIL_ASIO
#undef MAILSLOT_DETAIL_ASIO_NAMESPACE
#undef MAILSLOT_DETAIL_ASIO_ERROR_CODE
#undef MAILSLOT_DETAIL_ASIO_SYSTEM_ERROR

#endif
