#ifndef MAILSLOT_VERSION_HPP
#define MAILSLOT_VERSION_HPP

// The one place the version lives; CMakeLists.txt reads these lines.
#define MAILSLOT_VERSION_MAJOR 0
#define MAILSLOT_VERSION_MINOR 1
#define MAILSLOT_VERSION_PATCH 0

/// The version as one number: major * 10000 + minor * 100 + patch.
#define MAILSLOT_VERSION \
  (MAILSLOT_VERSION_MAJOR * 10000 + MAILSLOT_VERSION_MINOR * 100 + MAILSLOT_VERSION_PATCH)

#endif
