// The examples' command-line arguments as UTF-8. On Windows main()'s argv is
// in the ANSI code page, which turns most characters a mailslot name may hold
// into '?'; the wide command line keeps them.

#ifndef MAILSLOT_EXAMPLES_UTF8_ARGUMENTS_HPP
#define MAILSLOT_EXAMPLES_UTF8_ARGUMENTS_HPP

#include <mailslot/mailslot.hpp>

#include <shellapi.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// The arguments after the program's name, from the wide command line
/// (CommandLineToArgvW), converted to UTF-8.
inline std::vector<std::string> utf8_arguments() {
  std::vector<std::string> args;
  int count = 0;
  LPWSTR* wide = ::CommandLineToArgvW(::GetCommandLineW(), &count);
  for (int i = 1; wide != nullptr && i < count; ++i) {
    std::string arg;
    mailslot::detail::wide_to_utf8(std::wstring_view(wide[i]), arg);
    args.push_back(std::move(arg));
  }
  ::LocalFree(wide);
  return args;
}

#endif
