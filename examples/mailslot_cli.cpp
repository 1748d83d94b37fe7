// mailslot: a command-line tool to listen on a mailslot and send to one.
//
//   mailslot listen [options] NAME
//   mailslot send [options] NAME [MESSAGE... | -]
//   mailslot help [COMMAND]
//
// The help texts (cli/help.hpp) say what every option does and list the exit
// codes; the guide (docs/cli.md) shows them word for word.

#include <mailslot/mailslot.hpp>

#include "cli/format.hpp"
#include "cli/help.hpp"
#include "cli/options.hpp"
#include "utf8_arguments.hpp"

#include <fcntl.h>
#include <io.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

using mailslot_cli::command_line;
using mailslot_cli::option_spec;

enum exit_code : int {
  done = 0,
  failure = 1,
  usage_error = 2,
  no_such_slot = 3,
  timed_out = 4,
  invalid_name = 5,
  too_large = 6,
  remote_disabled = 7,
  name_taken = 8,
  interrupted = 130,
};

// A usage error: what is wrong, and where the help is.
int usage(const std::string& problem, const char* command = nullptr) {
  std::fprintf(stderr, "mailslot: %s\n(\"mailslot %s--help\" prints the usage)\n", problem.c_str(),
               command == nullptr ? "" : (std::string(command) + " ").c_str());
  return usage_error;
}

// The exit code and a hint for an error about the slot `slot`, by what the
// error means rather than its value.
int report(const std::string& what, const std::error_code& ec, const mailslot::name& slot) {
  using mailslot::condition;
  struct outcome {
    int code;
    const char* hint;
  };
  // A name that leaves the computer is not found when nothing answers for it
  // on the network: no listener is involved.
  const char* const not_found_hint =
      slot.is_local() ? " (is a listener running?)"
                      : " (the name leaves this computer: remote mailslots are disabled, or the "
                        "destination cannot be reached)";
  const outcome o =
      ec == condition::not_found      ? outcome{no_such_slot, not_found_hint}
      : ec == condition::timed_out    ? outcome{timed_out, ""}
      : ec == condition::invalid_name ? outcome{invalid_name, ""}
      : ec == condition::message_too_large
          ? outcome{too_large, slot.is_local() ? " (larger than the slot's --max-size)"
                                               : " (at most 424 bytes leave this computer)"}
      : ec == condition::remote_mailslots_disabled
          ? outcome{remote_disabled,
                    " (Windows 11 24H2 disables remote mailslots; the group policy "
                    "\"Enable remote mailslots\" turns them back on)"}
      : ec == condition::already_exists ? outcome{name_taken, " (another listener has it)"}
                                        : outcome{failure, ""};
  std::fprintf(stderr, "mailslot: %s: %s%s\n", what.c_str(), ec.message().c_str(), o.hint);
  return o.code;
}

// The name in `text`, or the exit code for an invalid one (said on stderr).
std::optional<mailslot::name> parse_name(const std::string& text, int& code) {
  std::error_code ec;
  auto name = mailslot::name::parse(text, ec);
  if (ec) {
    std::fprintf(stderr, "mailslot: %s\n", mailslot::name::explain(text).c_str());
    code = invalid_name;
    return std::nullopt;
  }
  return name;
}

// A number option's value, from 0 to `max`; the usage error otherwise.
std::optional<std::uint64_t> number(const command_line& line, std::string_view option,
                                    std::uint64_t max, const char* unit, int& code) {
  const std::optional<std::string> text = line.value(option);
  if (!text) {
    return std::nullopt;
  }
  const auto value = mailslot_cli::parse_number(*text, max);
  if (!value) {
    code = usage(std::string(option) + " needs a number from 0 to " + std::to_string(max) + " (" +
                     unit + "), not \"" + *text + "\"",
                 "listen");
  }
  return value;
}

std::string plural(std::uint64_t count, const char* one, const char* more) {
  return std::to_string(count) + " " + (count == 1 ? one : more);
}

// --- listen ------------------------------------------------------------------------------------

// What the console control handler (another thread) may touch: a flag, and
// the listening server, under a lock so that the server outlives any cancel().
std::atomic<bool> interrupt_requested{false};
std::mutex listening_lock;
mailslot::server* listening = nullptr;

BOOL WINAPI on_console_signal(DWORD signal) {
  if (signal != CTRL_C_EVENT && signal != CTRL_BREAK_EVENT) {
    return FALSE;
  }
  interrupt_requested = true;
  const std::lock_guard<std::mutex> lock(listening_lock);
  if (listening != nullptr) {
    listening->stop_reading();  // the waiting read returns errc::cancelled
  }
  return TRUE;
}

void set_listening(mailslot::server* server) {
  const std::lock_guard<std::mutex> lock(listening_lock);
  listening = server;
}

// The current time as 100 ns ticks since 1601 (UTC).
std::uint64_t now_ticks() {
  FILETIME now{};
  ::GetSystemTimePreciseAsFileTime(&now);
  return (static_cast<std::uint64_t>(now.dwHighDateTime) << 32U) | now.dwLowDateTime;
}

enum class output { text, hex, json, raw };

void print_hex(const std::string& message) {
  for (std::size_t offset = 0; offset < message.size(); offset += 16) {
    std::printf("  %08zx ", offset);
    std::string text;
    for (std::size_t i = offset; i < offset + 16; ++i) {
      if (i < message.size()) {
        const auto byte = static_cast<unsigned char>(message[i]);
        std::printf(" %02x", byte);
        text.push_back(byte >= 0x20 && byte < 0x7F ? static_cast<char>(byte) : '.');
      } else {
        std::printf("   ");
      }
    }
    std::printf("  %s\n", text.c_str());
  }
}

// Prints the `index`th message, arrived at `ticks`, as `how` says. False if
// standard output no longer takes it (a pipe whose reader has gone).
bool print_message(output how, bool timestamps, std::uint64_t index, std::uint64_t ticks,
                   const std::string& message) {
  switch (how) {
    case output::raw: {
      const auto size = static_cast<std::uint32_t>(message.size());
      const unsigned char prefix[4] = {
          static_cast<unsigned char>(size & 0xFFU), static_cast<unsigned char>(size >> 8U & 0xFFU),
          static_cast<unsigned char>(size >> 16U & 0xFFU), static_cast<unsigned char>(size >> 24U)};
      std::fwrite(prefix, 1, sizeof prefix, stdout);
      std::fwrite(message.data(), 1, message.size(), stdout);
      break;
    }
    case output::json: {
      const bool text = mailslot_cli::is_utf8(message);
      std::printf(
          "{\"index\":%llu,\"time\":\"%s\",\"size\":%zu,\"encoding\":\"%s\",\"data\":\"%s\"}\n",
          static_cast<unsigned long long>(index), mailslot_cli::utc_time(ticks).c_str(),
          message.size(), text ? "utf8" : "base64",
          (text ? mailslot_cli::json_string(message) : mailslot_cli::base64_encode(message))
              .c_str());
      break;
    }
    case output::text:
    case output::hex: {
      if (timestamps) {
        std::printf("%s ", mailslot_cli::utc_time(ticks).c_str());
      }
      const std::string size = plural(message.size(), "byte", "bytes");
      if (message.empty()) {
        std::printf("[%llu] %s\n", static_cast<unsigned long long>(index), size.c_str());
      } else if (how == output::hex) {
        std::printf("[%llu] %s:\n", static_cast<unsigned long long>(index), size.c_str());
        print_hex(message);
      } else {
        std::printf("[%llu] %s: %s\n", static_cast<unsigned long long>(index), size.c_str(),
                    mailslot_cli::escape_text(message).c_str());
      }
      break;
    }
  }
  return std::fflush(stdout) == 0 && std::ferror(stdout) == 0;
}

constexpr option_spec listen_options[] = {
    {"--count", "", "", true},    {"--idle-timeout", "--timeout", "", true},
    {"--duration", "", "", true}, {"--max-size", "", "", true},
    {"--hex", "", "", false},     {"--json", "", "", false},
    {"--raw", "", "", false},     {"--timestamps", "", "", false},
    {"--quiet", "", "-q", false}, {"--help", "", "-h", false},
};

int listen(const std::vector<std::string>& args) {
  const command_line line = mailslot_cli::parse_command_line(args, listen_options);
  if (line.error.empty() && line.has("--help")) {
    std::printf("%s", mailslot_cli::listen_help);
    return done;
  }
  if (!line.error.empty()) {
    return usage(line.error, "listen");
  }
  if (line.operands.size() != 1) {
    return usage(line.operands.empty() ? "listen needs a NAME"
                                       : "listen takes one NAME, not " +
                                             std::to_string(line.operands.size()) + " operands",
                 "listen");
  }
  int code = done;
  constexpr std::uint64_t most_ms = std::uint64_t{MAILSLOT_WAIT_FOREVER} - 1;
  const auto count =
      number(line, "--count", (std::numeric_limits<std::uint32_t>::max)(), "messages", code);
  const auto idle = number(line, "--idle-timeout", most_ms, "milliseconds", code);
  const auto duration = number(line, "--duration", most_ms, "milliseconds", code);
  const auto max_size = number(line, "--max-size", (std::numeric_limits<std::uint32_t>::max)(),
                               "bytes; 0: any size", code);
  if (code != done) {
    return code;
  }
  int modes = 0;
  output how = output::text;
  for (const auto& [flag, mode] :
       {std::pair{"--hex", output::hex}, std::pair{"--json", output::json},
        std::pair{"--raw", output::raw}}) {
    if (line.has(flag)) {
      how = mode;
      ++modes;
    }
  }
  if (modes > 1) {
    return usage("--hex, --json and --raw choose one output: give one of them", "listen");
  }
  const bool timestamps = line.has("--timestamps");
  if (timestamps && (how == output::json || how == output::raw)) {
    return usage("--timestamps is for the text and hex output (--json has a time of its own)",
                 "listen");
  }
  const auto name = parse_name(line.operands[0], code);
  if (!name) {
    return code;
  }
  if (how == output::raw) {
    (void)::_setmode(::_fileno(stdout), _O_BINARY);
  }

  // The handler goes in first, so that a Ctrl+C at any moment from here on
  // ends the program cleanly; and Ctrl+C on, even if this program was started
  // with it ignored (a parent that ignored it, or a new process group).
  ::SetConsoleCtrlHandler(nullptr, FALSE);
  ::SetConsoleCtrlHandler(on_console_signal, TRUE);
  mailslot::server_options options;  // (the slot's read timeout: forever)
  options.max_message_size = static_cast<std::uint32_t>(max_size.value_or(0));
  std::error_code ec;
  auto server = mailslot::server::create(*name, options, ec);
  if (ec) {
    return report("cannot listen on " + name->string(), ec, *name);
  }
  set_listening(&server);
  if (interrupt_requested) {
    server.stop_reading();  // Ctrl+C came before the handler could see the server
  }
  const bool quiet = line.has("--quiet");
  if (!quiet) {
    std::fprintf(stderr, "mailslot: listening on %s\n", name->string().c_str());
  }

  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  const std::optional<clock::time_point> end =
      duration ? std::optional<clock::time_point>(start + std::chrono::milliseconds(*duration))
               : std::nullopt;
  std::uint64_t received = 0;
  std::string why;
  int result = done;
  while (!count || received < *count) {
    // Each wait is the shorter of the idle timeout and what is left of the
    // duration; the slot itself waits forever, so the read waits in one
    // ReadFile (server::try_read).
    auto wait = mailslot::wait_forever;
    if (idle) {
      wait = std::chrono::milliseconds(*idle);
    }
    if (end) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*end - clock::now());
      wait = (std::min)(wait, (std::max)(left, std::chrono::milliseconds(0)));
    }
    std::optional<std::string> message = server.try_read(wait, ec);
    if (ec == mailslot::errc::cancelled) {
      why = "interrupted";
      result = interrupted;
      break;
    }
    if (ec == mailslot::condition::message_too_large) {
      std::error_code ignored;
      const auto next = server.info(ignored).next_message_size;
      std::fprintf(stderr,
                   "mailslot: a message of %s is larger than --max-size %llu; it stays unread\n",
                   next ? plural(*next, "byte", "bytes").c_str() : "more bytes",
                   static_cast<unsigned long long>(max_size.value_or(0)));
      result = too_large;
      break;
    }
    if (ec) {
      result = report("cannot read from " + name->string(), ec, *name);
      break;
    }
    if (!message) {  // the time ran out: what was asked for arrived, or not
      why = end && clock::now() >= *end
                ? std::to_string(*duration) + " ms passed"
                : "no message for " + std::to_string(idle.value_or(0)) + " ms";
      result = count || received == 0 ? timed_out : done;
      break;
    }
    if (!print_message(how, timestamps, ++received, now_ticks(), *message)) {
      std::fprintf(stderr, "mailslot: standard output is closed: message %llu could not be shown\n",
                   static_cast<unsigned long long>(received));
      result = failure;
      break;
    }
  }
  set_listening(nullptr);
  if (!quiet) {
    std::fprintf(stderr, "mailslot: %s received%s%s\n",
                 plural(received, "message", "messages").c_str(), why.empty() ? "" : "; ",
                 why.c_str());
  }
  return result;
}

// --- send --------------------------------------------------------------------------------------

constexpr option_spec send_options[] = {
    {"--file", "", "", true},    {"--hex", "", "", false},     {"--base64", "", "", false},
    {"--null", "", "-0", false}, {"--quiet", "", "-q", false}, {"--help", "", "-h", false},
};

// Standard input to its end, as bytes.
std::string read_standard_input() {
  (void)::_setmode(::_fileno(stdin), _O_BINARY);
  std::string all;
  char chunk[65536];
  std::size_t got = 0;
  while ((got = std::fread(chunk, 1, sizeof chunk, stdin)) != 0) {
    all.append(chunk, got);
  }
  return all;
}

// `input` split into records: at each `separator`, the separator not kept;
// one that ends the input ends the last record. Lines lose a "\r" before
// their "\n" too.
std::vector<std::string> split_records(const std::string& input, char separator) {
  std::vector<std::string> records;
  std::size_t from = 0;
  while (from < input.size()) {
    std::size_t stop = input.find(separator, from);
    if (stop == std::string::npos) {
      stop = input.size();
    }
    std::string record = input.substr(from, stop - from);
    if (separator == '\n' && !record.empty() && record.back() == '\r') {
      record.pop_back();
    }
    records.push_back(std::move(record));
    from = stop + 1;
  }
  return records;
}

// A file's bytes; empty (with `why`) if it cannot be read.
std::optional<std::string> read_file(const std::string& path, std::string& why) {
  std::wstring wide;
  (void)mailslot::detail::utf8_to_wide(path, wide);
  const DWORD attributes = ::GetFileAttributesW(wide.c_str());
  if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY) != 0) {
    why = "it is a directory";
    return std::nullopt;
  }
  const HANDLE file = ::CreateFileW(wide.c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr,
                                    OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) {
    why = std::system_category().message(static_cast<int>(::GetLastError()));
    return std::nullopt;
  }
  std::string bytes;
  char chunk[65536];
  DWORD got = 0;
  BOOL ok = TRUE;
  while ((ok = ::ReadFile(file, chunk, sizeof chunk, &got, nullptr)) != FALSE && got != 0) {
    bytes.append(chunk, got);
  }
  const DWORD error = ::GetLastError();
  ::CloseHandle(file);
  if (ok == FALSE) {
    why = std::system_category().message(static_cast<int>(error));
    return std::nullopt;
  }
  return bytes;
}

int send(const std::vector<std::string>& args) {
  const command_line line = mailslot_cli::parse_command_line(args, send_options);
  if (line.error.empty() && line.has("--help")) {
    std::printf("%s", mailslot_cli::send_help);
    return done;
  }
  if (!line.error.empty()) {
    return usage(line.error, "send");
  }
  if (line.operands.empty()) {
    return usage("send needs a NAME", "send");
  }
  const bool hex = line.has("--hex");
  const bool base64 = line.has("--base64");
  if (hex && base64) {
    return usage("--hex and --base64 choose one encoding: give one of them", "send");
  }
  const std::vector<std::string> texts(line.operands.begin() + 1, line.operands.end());
  const std::vector<std::string> files = line.values("--file");
  // "-" is standard input, unless it comes after "--" (then it is the text).
  const auto stdin_marker = [&](std::size_t text) {
    return texts[text] == "-" && text + 1 < line.literal_from;
  };
  const bool from_input = texts.size() == 1 && stdin_marker(0);
  if (from_input && !files.empty()) {
    return usage("- (standard input) is the only source of messages: no --file with it", "send");
  }
  for (std::size_t i = 0; !from_input && i < texts.size(); ++i) {
    if (stdin_marker(i)) {
      return usage("- (standard input) is the only MESSAGE when given (the text -: after --)",
                   "send");
    }
  }
  for (const std::string& path : files) {
    if (path == "-") {
      return usage("--file - : standard input is the MESSAGE -, not a file", "send");
    }
  }
  if (line.has("--null") && !from_input) {
    return usage("-0 splits standard input: give - as the MESSAGE", "send");
  }
  int code = done;
  const auto name = parse_name(line.operands[0], code);
  if (!name) {
    return code;
  }

  // Every message, decoded and checked, before anything is written.
  std::vector<std::string> messages;
  const std::vector<std::string> given =
      from_input ? split_records(read_standard_input(), line.has("--null") ? '\0' : '\n') : texts;
  for (std::size_t i = 0; i < given.size(); ++i) {
    std::string why;
    std::optional<std::string> bytes = hex      ? mailslot_cli::hex_decode(given[i], why)
                                       : base64 ? mailslot_cli::base64_decode(given[i], why)
                                                : std::optional<std::string>(given[i]);
    if (!bytes) {
      return usage("message " + std::to_string(i + 1) + ": " + why, "send");
    }
    messages.push_back(std::move(*bytes));
  }
  for (const std::string& path : files) {
    std::string why;
    std::optional<std::string> bytes = read_file(path, why);
    if (!bytes) {
      std::fprintf(stderr, "mailslot: cannot read %s: %s\n", path.c_str(), why.c_str());
      return failure;
    }
    messages.push_back(std::move(*bytes));
  }
  const std::optional<std::size_t> limit = mailslot::message_size_limit(*name);
  const std::size_t most = limit.value_or(std::size_t{MAXDWORD});
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (messages[i].size() > most) {
      std::fprintf(stderr, "mailslot: message %zu is %zu bytes; at most %zu bytes go to %s%s\n",
                   i + 1, messages[i].size(), most, name->string().c_str(),
                   limit ? " (a name that leaves this computer); nothing was written"
                         : "; nothing was written");
      return too_large;
    }
  }

  std::error_code ec;
  auto client = mailslot::client::open(*name, ec);  // (also with no message: the slot must exist)
  if (ec) {
    return report("cannot open " + name->string(), ec, *name);
  }
  std::size_t written = 0;
  for (const std::string& message : messages) {
    client.write(message, ec);
    if (ec) {
      std::fprintf(stderr, "mailslot: %s written to %s before the failure\n",
                   plural(written, "message", "messages").c_str(), name->string().c_str());
      return report("cannot write message " + std::to_string(written + 1) + " to " + name->string(),
                    ec, *name);
    }
    ++written;
  }
  if (!line.has("--quiet")) {
    std::fprintf(stderr, "mailslot: %s written to %s\n",
                 plural(written, "message", "messages").c_str(), name->string().c_str());
  }
  return done;
}

// --- help --------------------------------------------------------------------------------------

int help(const std::vector<std::string>& args) {
  if (args.empty() || (args.size() == 1 && args[0] == "help")) {
    std::printf("%s", mailslot_cli::general_help);
    return done;
  }
  if (args.size() == 1 && args[0] == "listen") {
    std::printf("%s", mailslot_cli::listen_help);
    return done;
  }
  if (args.size() == 1 && args[0] == "send") {
    std::printf("%s", mailslot_cli::send_help);
    return done;
  }
  return usage("help knows listen and send, not " + args[0]);
}

}  // namespace

int main() {
  ::SetConsoleOutputCP(CP_UTF8);
  ::SetConsoleCP(CP_UTF8);
  const std::vector<std::string> args = utf8_arguments();
  if (args.empty()) {
    return usage("no command");
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    return help(rest);
  }
  if (args[0] == "--version") {
    std::printf("mailslot %d.%d.%d\n", MAILSLOT_VERSION_MAJOR, MAILSLOT_VERSION_MINOR,
                MAILSLOT_VERSION_PATCH);
    return done;
  }
  if (args[0] == "listen") {
    return listen(rest);
  }
  if (args[0] == "send") {
    return send(rest);
  }
  if (!args[0].empty() && args[0][0] == '-') {
    return usage("the command comes first: mailslot listen|send [options] NAME ..., not " +
                 args[0]);
  }
  return usage("unknown command " + args[0]);
}
