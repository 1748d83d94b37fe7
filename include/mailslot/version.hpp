#ifndef MAILSLOT_VERSION_HPP
#define MAILSLOT_VERSION_HPP

/// @file
/// The library's version. (The one place it lives: CMakeLists.txt reads
/// these lines.)

/// The major version: changes break compatibility.
#define MAILSLOT_VERSION_MAJOR 0
/// The minor version: additions that keep compatibility.
#define MAILSLOT_VERSION_MINOR 1
/// The patch version: corrections.
#define MAILSLOT_VERSION_PATCH 0

/// The version as one number: major * 10000 + minor * 100 + patch.
#define MAILSLOT_VERSION \
  (MAILSLOT_VERSION_MAJOR * 10000 + MAILSLOT_VERSION_MINOR * 100 + MAILSLOT_VERSION_PATCH)

#endif
