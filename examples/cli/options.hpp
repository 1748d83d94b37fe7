// The mailslot tool's command line: options anywhere among the operands,
// `--name value` and `--name=value`, `--` to end the options, and decimal
// numbers with a range each. Portable, so the tests check it natively too.

#ifndef MAILSLOT_EXAMPLES_CLI_OPTIONS_HPP
#define MAILSLOT_EXAMPLES_CLI_OPTIONS_HPP

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace mailslot_cli {

/// One option a command takes.
struct option_spec {
  std::string_view name;        // "--count"
  std::string_view alias;       // another spelling ("--timeout"), or empty
  std::string_view short_name;  // "-0", or empty
  bool takes_value = false;
};

/// A command line, parsed: the operands in order, and the options given,
/// each under its first name, in order (a repeated one appears again).
struct command_line {
  std::vector<std::string> operands;
  std::size_t literal_from = static_cast<std::size_t>(-1);  // operands after "--" start here
  std::vector<std::pair<std::string_view, std::string>> options;
  std::string error;  // why the line is not usable (empty: it is)

  [[nodiscard]] bool has(std::string_view name) const {
    for (const auto& option : options) {
      if (option.first == name) {
        return true;
      }
    }
    return false;
  }
  /// The value given last for `name`.
  [[nodiscard]] std::optional<std::string> value(std::string_view name) const {
    std::optional<std::string> found;
    for (const auto& option : options) {
      if (option.first == name) {
        found = option.second;
      }
    }
    return found;
  }
  /// Every value given for `name`, in order.
  [[nodiscard]] std::vector<std::string> values(std::string_view name) const {
    std::vector<std::string> found;
    for (const auto& option : options) {
      if (option.first == name) {
        found.push_back(option.second);
      }
    }
    return found;
  }
};

/// Parses `args` against `specs`. An argument that starts with `-` is an
/// option, except `-` alone (an operand: standard input) and everything after
/// `--`. A value comes as the next argument or after `=`.
template <std::size_t N>
command_line parse_command_line(const std::vector<std::string>& args,
                                const option_spec (&specs)[N]) {
  command_line line;
  bool options_ended = false;
  for (std::size_t i = 0; i < args.size() && line.error.empty(); ++i) {
    const std::string& arg = args[i];
    if (options_ended || arg == "-" || arg.empty() || arg[0] != '-') {
      line.operands.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_ended = true;
      line.literal_from = line.operands.size();
      continue;
    }
    const std::size_t equals = arg.rfind("--", 0) == 0 ? arg.find('=') : std::string::npos;
    const std::string_view given = std::string_view(arg).substr(0, equals);
    const option_spec* spec = nullptr;
    for (const option_spec& s : specs) {
      if (given == s.name || (!s.alias.empty() && given == s.alias) ||
          (!s.short_name.empty() && given == s.short_name)) {
        spec = &s;
      }
    }
    if (spec == nullptr) {
      line.error = "unknown option " + std::string(given);
    } else if (!spec->takes_value && equals != std::string::npos) {
      line.error = std::string(given) + " takes no value";
    } else if (!spec->takes_value) {
      line.options.emplace_back(spec->name, std::string());
    } else if (equals != std::string::npos && equals + 1 < arg.size()) {
      line.options.emplace_back(spec->name, arg.substr(equals + 1));
    } else if (equals != std::string::npos) {
      line.error = std::string(given) + " needs a value";
    } else if (i + 1 < args.size()) {
      line.options.emplace_back(spec->name, args[++i]);
    } else {
      line.error = std::string(given) + " needs a value";
    }
  }
  return line;
}

/// `text` as a number from 0 to `max`: decimal digits only, no sign or
/// spaces.
inline std::optional<std::uint64_t> parse_number(std::string_view text, std::uint64_t max) {
  std::uint64_t value = 0;
  const char* const end = text.data() + text.size();
  if (text.empty() || text.front() < '0' || text.front() > '9') {
    return std::nullopt;
  }
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || stop != end || value > max) {
    return std::nullopt;
  }
  return value;
}

}  // namespace mailslot_cli

#endif
