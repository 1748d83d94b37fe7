// mailslot: a command-line tool to listen on a mailslot and send to one.
//
//   mailslot listen NAME [--timeout MS] [--max-size N] [--count N] [--hex]
//   mailslot send NAME [MESSAGE... | -]
//
// listen creates the slot and prints each message as it arrives, as text
// (bytes that are not printable UTF-8 shown as \xNN) or, with --hex, as a hex
// dump. It stops after --count messages, when no message arrives within
// --timeout milliseconds, or on Ctrl+C / Ctrl+Break.
// send writes each MESSAGE as one message; with "-", each line of standard
// input is one message.
//
// Exit codes: 0 done, 1 other failure, 2 usage, 3 no such slot, 4 timeout,
// 5 invalid name, 6 message too large, 7 remote mailslots disabled,
// 8 name already taken, 130 interrupted.

#include <mailslot/mailslot.hpp>

#include "utf8_arguments.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
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

// The exit code and a hint for an error, by what it means rather than its value.
int report(const std::string& what, const std::error_code& ec) {
  using mailslot::condition;
  struct outcome {
    int code;
    const char* hint;
  };
  const outcome o = ec == condition::not_found ? outcome{no_such_slot, " (is a listener running?)"}
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

std::optional<unsigned long> parse_number(std::string_view text) {
  if (text.empty() || text.size() > 10) {
    return std::nullopt;
  }
  unsigned long value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + static_cast<unsigned long>(c - '0');
  }
  return value;
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
    if (flag != "--timeout" && flag != "--max-size" && flag != "--count") {
      return usage("unknown option " + flag);
    }
    const auto value = i + 1 < args.size() ? parse_number(args[i + 1]) : std::nullopt;
    if (!value) {
      return usage(flag + " needs a number");
    }
    ++i;
    if (flag == "--timeout") {
      options.read_timeout = std::chrono::milliseconds(*value);
    } else if (flag == "--max-size") {
      options.max_message_size = static_cast<std::uint32_t>(*value);
    } else {
      count = *value;
    }
  }

  std::error_code ec;
  const auto name = mailslot::name::parse(args[0], ec);
  if (ec) {
    std::fprintf(stderr, "mailslot: %s\n", mailslot::name::explain(args[0]).c_str());
    return invalid_name;
  }
  // The handler goes in first, so that a Ctrl+C at any moment from here on
  // ends the program cleanly.
  ::SetConsoleCtrlHandler(on_console_signal, TRUE);
  auto server = mailslot::server::create(name, options, ec);
  if (ec) {
    return report("cannot listen on " + name.string(), ec);
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
                      ec);
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
  auto client = mailslot::client::open(name, ec);
  if (ec) {
    return report("cannot open " + name.string(), ec);
  }
  unsigned long sent = 0;
  const auto send_one = [&](const std::string& message) {
    client.write(message, ec);
    if (!ec) {
      ++sent;
    }
    return !ec;
  };
  bool ok = true;
  if (args.size() == 2 && args[1] == "-") {
    std::string line;
    while (ok && std::getline(std::cin, line)) {
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      ok = send_one(line);
    }
  } else {
    for (std::size_t i = 1; ok && i < args.size(); ++i) {
      ok = send_one(args[i]);
    }
  }
  if (!ok) {
    return report("cannot send message " + std::to_string(sent + 1) + " to " + name.string(), ec);
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
