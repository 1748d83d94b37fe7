#ifndef MAILSLOT_MAILSLOT_HPP
#define MAILSLOT_MAILSLOT_HPP

/// @file
/// The library's core: the version, errors, names and accounts, and on
/// Windows the server and the client (the thread pool reader has a header of
/// its own: `<mailslot/thread_pool_reader.hpp>`). On other platforms only the
/// portable parts (version, errors, names, accounts, buffers) are available.
///
/// Where to start:
/// - mailslot::server creates `\\.\mailslot\[path\]name` and reads whole
///   messages from it (`<mailslot/server.hpp>`).
/// - mailslot::client opens a slot by name, on this computer, another one or
///   every computer of a domain, and writes messages to it
///   (`<mailslot/client.hpp>`).
/// - mailslot::name is a validated name: its grammar, how names compare, and
///   mailslot::message_size_limit() (`<mailslot/name.hpp>`).
/// - mailslot::errc and mailslot::condition say what went wrong and what it
///   means (`<mailslot/error.hpp>`).
/// - mailslot::mutable_buffer, made by mailslot::buffer(), is the caller's
///   memory a read puts a message in (`<mailslot/buffer.hpp>`).
/// - mailslot::thread_pool_reader delivers a server's messages on the
///   Windows thread pool (`<mailslot/thread_pool_reader.hpp>`).
///
/// `#include <mailslot/mailslot.hpp>` includes all of these but the thread
/// pool reader, which is included on its own. Apart, with the
/// `mailslot::asio` CMake target: mailslot::asio::server reads a server
/// through standalone Asio (`<mailslot/asio.hpp>`), and
/// `mailslot::boost_asio::server` through Boost.Asio
/// (`<mailslot/boost_asio.hpp>`).
///
/// Every operation that can fail comes twice: `op(args..., std::error_code& ec)`
/// reports the error in `ec` (cleared on success), and `op(args...)` throws
/// `std::system_error` naming the operation and the slot. Without exceptions
/// (#MAILSLOT_HAS_EXCEPTIONS is 0) only the first form exists.
///
/// Running out of memory is a failure like the others: an error_code form
/// reports it (ERROR_NOT_ENOUGH_MEMORY on Windows, std::errc::not_enough_memory
/// elsewhere; mailslot::condition::not_enough_memory matches both) and never
/// throws std::bad_alloc, and the throwing form throws std::system_error for
/// it (std::bad_alloc only if even that error's message cannot be made). A
/// read that runs out of memory leaves its message queued; the thread pool
/// reader and the Asio servers report it the same way.

/// @namespace mailslot
/// The library. Its internals live in mailslot::detail, which is not part of
/// the API.

#include <mailslot/account.hpp>
#include <mailslot/buffer.hpp>
#include <mailslot/error.hpp>
#include <mailslot/name.hpp>
#include <mailslot/version.hpp>

#if defined(_WIN32)
#  include <mailslot/client.hpp>
#  include <mailslot/server.hpp>
#endif

#endif
