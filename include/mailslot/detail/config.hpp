#ifndef MAILSLOT_DETAIL_CONFIG_HPP
#define MAILSLOT_DETAIL_CONFIG_HPP

// MAILSLOT_HAS_EXCEPTIONS: 1 when the throwing overloads are available. Builds
// without exceptions (-fno-exceptions, MSVC without /EHsc) keep the
// std::error_code overloads only.
#ifndef MAILSLOT_HAS_EXCEPTIONS
#  if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#    define MAILSLOT_HAS_EXCEPTIONS 1
#  else
#    define MAILSLOT_HAS_EXCEPTIONS 0
#  endif
#endif

#endif
