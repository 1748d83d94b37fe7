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

namespace mailslot {

// The same values as constants: what a program that imports the module (which
// cannot export macros) reads, and what if constexpr can test.

/// #MAILSLOT_VERSION_MAJOR as a constant.
inline constexpr int version_major = MAILSLOT_VERSION_MAJOR;
/// #MAILSLOT_VERSION_MINOR as a constant.
inline constexpr int version_minor = MAILSLOT_VERSION_MINOR;
/// #MAILSLOT_VERSION_PATCH as a constant.
inline constexpr int version_patch = MAILSLOT_VERSION_PATCH;
/// #MAILSLOT_VERSION (major * 10000 + minor * 100 + patch) as a constant.
inline constexpr int version = MAILSLOT_VERSION;

}  // namespace mailslot

#endif
