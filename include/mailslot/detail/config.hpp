#ifndef MAILSLOT_DETAIL_CONFIG_HPP
#define MAILSLOT_DETAIL_CONFIG_HPP

/// @file
/// The library's configuration macros. Every public header includes this one.

/// @def MAILSLOT_HAS_EXCEPTIONS
/// 1 when the throwing overloads are available. Builds without exceptions
/// (-fno-exceptions, MSVC without /EHsc) keep the std::error_code overloads
/// only.
#ifndef MAILSLOT_HAS_EXCEPTIONS
#  if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#    define MAILSLOT_HAS_EXCEPTIONS 1
#  else
#    define MAILSLOT_HAS_EXCEPTIONS 0
#  endif
#endif

/// @def MAILSLOT_HAS_SPAN
/// 1 when std::span is available (C++20), which adds std::span overloads of
/// the reads and writes.
#if defined(__has_include)
#  if __has_include(<version>)
#    include <version>
#  endif
#endif
#ifndef MAILSLOT_HAS_SPAN
#  if defined(__cpp_lib_span) && __cpp_lib_span >= 202002L
#    define MAILSLOT_HAS_SPAN 1
#  else
#    define MAILSLOT_HAS_SPAN 0
#  endif
#endif

/// @def MAILSLOT_HAS_THREE_WAY_COMPARISON
/// 1 when `<=>` and `<compare>` are available (C++20): mailslot::name then
/// has operator<=> (a std::weak_ordering) besides its other comparisons.
#ifndef MAILSLOT_HAS_THREE_WAY_COMPARISON
#  if defined(__cpp_lib_three_way_comparison) && __cpp_lib_three_way_comparison >= 201907L
#    define MAILSLOT_HAS_THREE_WAY_COMPARISON 1
#  else
#    define MAILSLOT_HAS_THREE_WAY_COMPARISON 0
#  endif
#endif

/// @def MAILSLOT_ASSERT(condition, message)
/// Checks a precondition the library can detect but not recover from (a
/// server closed while another thread reads from it). By default it is
/// assert(), so NDEBUG turns it off; define it before including the library
/// to route it elsewhere.
#ifndef MAILSLOT_ASSERT
#  include <cassert>
#  define MAILSLOT_ASSERT(condition, message) assert((condition) && (message))
#endif

#endif
