// mailslot: a command-line tool to listen on a mailslot and send to one.
//
//   mailslot listen NAME [--timeout MS] [--max-size N] [--count N] [--hex]
//   mailslot send NAME [MESSAGE... | -]
//
// listen creates the slot and prints each message as it arrives, as text
// (bytes that are not printable UTF-8 shown as \xNN) or, with --hex, as a hex
// dump. It stops after --count messages, when no message arrives within
// --timeout milliseconds, or on Ctrl+C / Ctrl+Break.
// The numbers are whole and decimal: --timeout 0 to 4294967294 (without it:
// wait forever), --max-size 0 (any size) to 4294967295, --count 0 to
// 4294967295.
// send writes each MESSAGE as one message; with "-", each line of standard
// input is one message. A message too large for the name (over 424 bytes to
// a name that leaves the computer) is refused before the slot is opened.
//
// Exit codes: 0 done, 1 other failure, 2 usage, 3 no such slot, 4 timeout,
// 5 invalid name, 6 message too large, 7 remote mailslots disabled,
// 8 name already taken, 130 interrupted.

#include <mailslot/mailslot.hpp>

#include "utf8_arguments.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

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

constexpr const char* usage_text =
    "usage: mailslot listen NAME [--timeout MS] [--max-size N] [--count N] [--hex]\n"
    "       mailslot send NAME [MESSAGE... | -]\n"
    "NAME is a mailslot name such as \\\\.\\mailslot\\app\\events\n";

int usage(const std::string& problem) {
  std::fprintf(stderr, "mailslot: %s\n%s", problem.c_str(), usage_text);
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
  const outcome o = ec == condition::not_found      ? outcome{no_such_slot, not_found_hint}
                    : ec == condition::timed_out    ? outcome{timed_out, ""}
                    : ec == condition::invalid_name ? outcome{invalid_name, ""}
                    : ec == condition::message_too_large
                        ? outcome{too_large, " (at most 424 bytes leave this computer)"}
                    : ec == condition::remote_mailslots_disabled
                        ? outcome{remote_disabled,
                                  " (Windows 11 24H2 disables remote mailslots; the group policy "
                                  "\"Enable remote mailslots\" turns them back on)"}
                    : ec == condition::already_exists
                        ? outcome{name_taken, " (another listener has it)"}
                        : outcome{failure, ""};
  std::fprintf(stderr, "mailslot: %s: %s%s\n", what.c_str(), ec.message().c_str(), o.hint);
  return o.code;
}

// The options that take a number, and the range each accepts.
struct numeric_option {
  std::string_view flag;
  const char* unit;
  std::uint64_t max;  // the least is 0 for each
};
constexpr numeric_option numeric_options[] = {
    // MAILSLOT_WAIT_FOREVER itself is the default (no --timeout).
    {"--timeout", "milliseconds", std::uint64_t{MAILSLOT_WAIT_FOREVER} - 1},
    {"--max-size", "bytes; 0: any size",
     (std::numeric_limits<decltype(mailslot::server_options::max_message_size)>::max)()},
    {"--count", "messages", (std::numeric_limits<unsigned long>::max)()},
};

// `text` as a number from 0 to `max`: decimal digits only, no sign or spaces.
std::optional<std::uint64_t> parse_number(std::string_view text, std::uint64_t max) {
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

// Whether `message`, the `number`th, fits what `slot` accepts; says why not
// if it does not.
bool fits(const mailslot::name& slot, const std::string& message, unsigned long number) {
  const std::optional<std::size_t> limit = mailslot::message_size_limit(slot);
  if (limit && message.size() > *limit) {
    std::fprintf(stderr,
                 "mailslot: message %lu is %zu bytes; at most %zu bytes go to %s (a name that "
                 "leaves this computer)\n",
                 number, message.size(), *limit, slot.string().c_str());
    return false;
  }
  return true;
}

bool is_printable_utf8(const std::string& message) {
  std::size_t i = 0;
  while (i < message.size()) {
    char32_t cp = 0;
    if (!mailslot::detail::decode_utf8(message, i, cp) || (cp < 0x20 && cp != U'\t') ||
        (cp >= 0x7F && cp <= 0x9F)) {
      return false;
    }
  }
  return true;
}

std::string escaped(const std::string& message) {
  if (is_printable_utf8(message)) {
    return message;
  }
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (const char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7F && byte != '\\') {
      out.push_back(c);
    } else {
      out += "\\x";
      out.push_back(digits[byte >> 4U]);
      out.push_back(digits[byte & 0xFU]);
    }
  }
  return out;
}

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
    listening->cancel();  // the blocked read returns errc::cancelled
  }
  return TRUE;
}

void set_listening(mailslot::server* server) {
  const std::lock_guard<std::mutex> lock(listening_lock);
  listening = server;
}

int listen(const std::vector<std::string>& args) {
  if (args.empty()) {
    return usage("listen needs a NAME");
  }
  mailslot::server_options options;
  std::optional<unsigned long> count;
  bool hex = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "--hex") {
      hex = true;
      continue;
    }
    const auto* option = std::find_if(std::begin(numeric_options), std::end(numeric_options),
                                      [&](const numeric_option& o) { return o.flag == flag; });
    if (option == std::end(numeric_options)) {
      return usage("unknown option " + flag);
    }
    const auto value = i + 1 < args.size() ? parse_number(args[i + 1], option->max) : std::nullopt;
    if (!value) {
      return usage(flag + " needs a number from 0 to " + std::to_string(option->max) + " (" +
                   option->unit + ")" +
                   (i + 1 < args.size() ? ", not \"" + args[i + 1] + "\"" : std::string()));
    }
    ++i;
    if (flag == "--timeout") {
      options.read_timeout = std::chrono::milliseconds(*value);
    } else if (flag == "--max-size") {
      options.max_message_size = static_cast<std::uint32_t>(*value);
    } else {
      count = static_cast<unsigned long>(*value);
    }
  }

  std::error_code ec;
  const auto name = mailslot::name::parse(args[0], ec);
  if (ec) {
    std::fprintf(stderr, "mailslot: %s\n", mailslot::name::explain(args[0]).c_str());
    return invalid_name;
  }
  // The handler goes in first, so that a Ctrl+C at any moment from here on
  // ends the program cleanly; and Ctrl+C on, even if this program was started
  // with it ignored (a parent that ignored it, or a new process group).
  ::SetConsoleCtrlHandler(nullptr, FALSE);
  ::SetConsoleCtrlHandler(on_console_signal, TRUE);
  auto server = mailslot::server::create(name, options, ec);
  if (ec) {
    return report("cannot listen on " + name.string(), ec, name);
  }
  set_listening(&server);
  if (interrupt_requested) {
    server.cancel();  // Ctrl+C came before the handler could see the server
  }
  std::printf("listening on %s\n", name.string().c_str());
  std::fflush(stdout);

  int result = done;
  for (unsigned long received = 0; !count || received < *count; ++received) {
    const std::string message = server.read_string(ec);
    if (ec == mailslot::errc::cancelled) {
      std::fprintf(stderr, "mailslot: interrupted after %lu message(s)\n", received);
      result = interrupted;
      break;
    }
    if (ec) {
      result = report(ec == mailslot::condition::timed_out
                          ? "no message on " + name.string() + " within the timeout"
                          : "cannot read from " + name.string(),
                      ec, name);
      break;
    }
    if (hex) {
      std::printf("[%lu] %zu bytes:\n", received + 1, message.size());
      print_hex(message);
    } else {
      std::printf("[%lu] %zu bytes: %s\n", received + 1, message.size(), escaped(message).c_str());
    }
    std::fflush(stdout);
  }
  set_listening(nullptr);
  return result;
}

int send(const std::vector<std::string>& args) {
  if (args.empty()) {
    return usage("send needs a NAME");
  }
  std::error_code ec;
  const auto name = mailslot::name::parse(args[0], ec);
  if (ec) {
    std::fprintf(stderr, "mailslot: %s\n", mailslot::name::explain(args[0]).c_str());
    return invalid_name;
  }
  // Messages too large for the destination are refused before the slot is
  // opened: all of the arguments up front; each line of standard input as it
  // comes, the slot being opened once the first one is ready.
  const bool from_input = args.size() == 2 && args[1] == "-";
  for (std::size_t i = 1; !from_input && i < args.size(); ++i) {
    if (!fits(name, args[i], static_cast<unsigned long>(i))) {
      return too_large;
    }
  }
  mailslot::client client;
  const auto open = [&] {
    if (!client) {
      client = mailslot::client::open(name, ec);
    }
    return client.is_open();
  };
  unsigned long sent = 0;
  const auto send_one = [&](const std::string& message) {
    client.write(message, ec);
    if (!ec) {
      ++sent;
    }
    return !ec;
  };
  bool ok = true;
  if (from_input) {
    std::string line;
    while (ok && std::getline(std::cin, line)) {
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      if (!fits(name, line, sent + 1)) {
        return too_large;
      }
      ok = open() && send_one(line);
    }
  }
  ok = ok && open();  // also when there is nothing to send: the slot must exist
  for (std::size_t i = 1; ok && !from_input && i < args.size(); ++i) {
    ok = send_one(args[i]);
  }
  if (!ok) {
    return report(client
                      ? "cannot send message " + std::to_string(sent + 1) + " to " + name.string()
                      : "cannot open " + name.string(),
                  ec, name);
  }
  std::printf("sent %lu message(s) to %s\n", sent, name.string().c_str());
  return done;
}

}  // namespace

int main() {
  ::SetConsoleOutputCP(CP_UTF8);
  ::SetConsoleCP(CP_UTF8);
  const std::vector<std::string> args = utf8_arguments();
  if (args.empty()) {
    return usage("no command");
  }
  if (args[0] == "--help" || args[0] == "-h") {
    std::printf("%s", usage_text);
    return done;
  }
  if (args[0] == "--version") {
    std::printf("mailslot %d.%d.%d\n", MAILSLOT_VERSION_MAJOR, MAILSLOT_VERSION_MINOR,
                MAILSLOT_VERSION_PATCH);
    return done;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "listen") {
    return listen(rest);
  }
  if (args[0] == "send") {
    return send(rest);
  }
  return usage("unknown command " + args[0]);
}
