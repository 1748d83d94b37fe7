// The library as a C++20 module: `import mailslot;`.
//
// One implementation: the headers are parsed once, in the global module
// fragment, and the module exports their names with using-declarations.
// What a module cannot export are macros; the version is also available as
// constants (mailslot::version_major and the others), and the configuration
// macros (MAILSLOT_ASSERT, MAILSLOT_HAS_EXCEPTIONS, MAILSLOT_HAS_SPAN) take
// the values they have when the module is built (the README's "C++20
// module").
//
// The Asio integration is not part of it: it stays header-only
// (<mailslot/asio.hpp>), because it must be included before <windows.h> and
// be built with the program's own Asio configuration.

module;

#include <mailslot/mailslot.hpp>
#if defined(_WIN32)
#  include <mailslot/thread_pool_reader.hpp>
#endif

export module mailslot;

export namespace mailslot {

// <mailslot/version.hpp>
using mailslot::version;
using mailslot::version_major;
using mailslot::version_minor;
using mailslot::version_patch;

// <mailslot/error.hpp>
using mailslot::condition;
using mailslot::condition_category;
using mailslot::errc;
using mailslot::error;
using mailslot::error_category;
using mailslot::make_error_code;
using mailslot::make_error_condition;

// <mailslot/name.hpp>
using mailslot::max_name_length;
using mailslot::max_remote_message_size;
using mailslot::max_remote_name_and_message_size;
using mailslot::message_size_limit;
using mailslot::name;
using mailslot::scope;

// <mailslot/account.hpp>
using mailslot::account;

// <mailslot/buffer.hpp>
using mailslot::buffer;
using mailslot::mutable_buffer;

#if defined(_WIN32)
// <mailslot/server.hpp>
using mailslot::check_security_descriptor;
using mailslot::creation;
using mailslot::server;
using mailslot::server_info;
using mailslot::server_options;
using mailslot::wait_forever;

// <mailslot/client.hpp>
using mailslot::client;
using mailslot::client_options;

// <mailslot/thread_pool_reader.hpp>
using mailslot::thread_pool_reader;
#endif

}  // namespace mailslot
