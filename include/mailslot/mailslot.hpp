#ifndef MAILSLOT_MAILSLOT_HPP
#define MAILSLOT_MAILSLOT_HPP

// Everything of the library. On platforms other than Windows only the
// portable parts (version, errors, names, accounts) are available.

#include <mailslot/account.hpp>
#include <mailslot/error.hpp>
#include <mailslot/name.hpp>
#include <mailslot/version.hpp>

#if defined(_WIN32)
#  include <mailslot/client.hpp>
#  include <mailslot/server.hpp>
#endif

#endif
