// Every read form, on both kinds of handle, with each Win32 call and each
// allocation of create + open + writes + reads of 0 B, 16 B, 8 KiB and 2 MiB
// failing in turn (tests/fault/explore.hpp).

#include <fault/scenarios.hpp>

#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>

#include <cstddef>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

using namespace mailslot_fault;

namespace {

// What a read form keeps across the reads of one run.
struct kept {
  std::vector<char> buffer = std::vector<char>((std::size_t{2} << 20U) + 1);
  std::string text;
  std::vector<std::byte> bytes;
  unsigned turn = 0;  // (the try_read form alternates its timeouts)
};

// A read form: reads one message into `out`; false if it reported an error
// (remembered in `r`) or found no message although one was queued.
using read_form = bool (*)(run& r, mailslot::server& server, kept& k, std::string& out);

bool found(run& r, bool message) {
  if (!message) {
    r.violation("a try_ read found no message although one was queued");
  }
  return message;
}

void take(std::string& out, const char* data, std::size_t size) {
  const outside guard;
  out.assign(data, size);
}

void take(std::string& out, const std::vector<std::byte>& bytes) {
  take(out, reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

struct form {
  const char* name;
  read_form read;
};

const form buffer_forms[] = {
    {"read(buffer)",
     [](run& r, mailslot::server& s, kept& k, std::string& out) {
       std::error_code ec;
       const std::size_t size = s.read(mailslot::buffer(k.buffer.data(), k.buffer.size()), ec);
       if (!r.ok("read(buffer)", ec)) {
         return false;
       }
       take(out, k.buffer.data(), size);
       return true;
     }},
    {"try_read(buffer, 0 ms) and (buffer, 1 s)",
     [](run& r, mailslot::server& s, kept& k, std::string& out) {
       // (alternating: the first, third, ... message with no wait)
       std::error_code ec;
       const auto size = s.try_read(mailslot::buffer(k.buffer.data(), k.buffer.size()),
                                    ++k.turn % 2 != 0 ? 0ms : 1s, ec);
       if (!r.ok("try_read(buffer)", ec) || !found(r, size.has_value())) {
         return false;
       }
       take(out, k.buffer.data(), *size);
       return true;
     }},
};

const form container_forms[] = {
    {"read(kept std::string)",
     [](run& r, mailslot::server& s, kept& k, std::string& out) {
       std::error_code ec;
       (void)s.read(k.text, ec);
       if (!r.ok("read(std::string&)", ec)) {
         return false;
       }
       take(out, k.text.data(), k.text.size());
       return true;
     }},
    {"try_read(kept std::vector<std::byte>, 1 s)",
     [](run& r, mailslot::server& s, kept& k, std::string& out) {
       std::error_code ec;
       const auto size = s.try_read(k.bytes, 1s, ec);
       if (!r.ok("try_read(std::vector<std::byte>&)", ec) || !found(r, size.has_value())) {
         return false;
       }
       take(out, k.bytes);
       return true;
     }},
};

const form owned_forms[] = {
    {"read<std::string>",
     [](run& r, mailslot::server& s, kept&, std::string& out) {
       std::error_code ec;
       out = s.read(ec);
       return r.ok("read<std::string>", ec);
     }},
    {"read<std::vector<std::byte>>",
     [](run& r, mailslot::server& s, kept&, std::string& out) {
       std::error_code ec;
       const std::vector<std::byte> message = s.template read<std::vector<std::byte>>(ec);
       if (!r.ok("read<std::vector<std::byte>>", ec)) {
         return false;
       }
       take(out, message);
       return true;
     }},
};

const form try_owned_forms[] = {
    {"try_read<std::string>(0 ms)",
     [](run& r, mailslot::server& s, kept&, std::string& out) {
       std::error_code ec;
       auto message = s.try_read(0ms, ec);
       if (!r.ok("try_read<std::string>", ec) || !found(r, message.has_value())) {
         return false;
       }
       out = std::move(*message);
       return true;
     }},
    {"try_read<std::vector<std::byte>>(1 s)",
     [](run& r, mailslot::server& s, kept&, std::string& out) {
       std::error_code ec;
       const auto message = s.template try_read<std::vector<std::byte>>(1s, ec);
       if (!r.ok("try_read<std::vector<std::byte>>", ec) || !found(r, message.has_value())) {
         return false;
       }
       take(out, *message);
       return true;
     }},
};

const form throwing_forms[] = {
    {"read<std::string>() (throwing)",
     [](run& r, mailslot::server& s, kept&, std::string& out) {
       return r.attempt("read<std::string>()", [&] { out = s.read(); });
     }},
    {"try_read(kept std::string, 1 s) (throwing)",
     [](run& r, mailslot::server& s, kept& k, std::string& out) {
       std::optional<std::size_t> size;
       if (!r.attempt("try_read(std::string&)", [&] { size = s.try_read(k.text, 1s); }) ||
           !found(r, size.has_value())) {
         return false;
       }
       take(out, k.text.data(), k.text.size());
       return true;
     }},
};

// create + open + four writes + four reads with `how`.
template <class Kind>
class read_scenario : public slot_scenario<Kind> {
 public:
  explicit read_scenario(const form& how)
      : slot_scenario<Kind>("fault-read"),
        how_(how.read),
        throwing_(std::string_view(how.name).find("throwing") != std::string_view::npos) {}

  void act(run& r) {
    if (!throwing_) {
      r.forbid_exceptions();  // (creating, opening, writing and reading: error_code forms)
    }
    if (!this->create(r) || !this->open(r)) {
      return;
    }
    for (const std::string& message : messages()) {
      if (!this->write(r, message)) {
        return;
      }
    }
    for (std::size_t i = 0; i < this->written_.size(); ++i) {
      std::string out;
      if (!how_(r, this->server_, kept_, out)) {
        return;
      }
      this->keep(std::move(out));
    }
  }

 private:
  read_form how_;
  bool throwing_;
  kept kept_;
};

// Reads that wait: each message is written by another thread after the
// read has started (the pending ReadFile, its wait, its deadline), and a
// try_ read whose time runs out with nothing queued.
template <class Kind>
class waiting_scenario : public slot_scenario<Kind> {
 public:
  waiting_scenario() : slot_scenario<Kind>("fault-wait") {}

  void act(run& r) {
    r.forbid_exceptions();  // (error_code forms only)
    mailslot::server& server = this->server_;
    if (!this->create(r) || !this->open(r)) {
      return;
    }
    std::error_code ec;
    server.set_read_timeout(slot_timeout, ec);  // (as it was: the check afterwards expects it)
    if (!r.ok("set_read_timeout", ec)) {
      return;
    }
    // (Each read is given its message 30 ms after it starts.)
    if (!read_while_written(r, "while read<std::string> waits", [&](std::error_code& e) {
          return std::optional<std::string>(server.read(e));
        })) {
      return;
    }
    const auto nothing = server.try_read(30ms, ec);
    if (!r.ok("try_read<std::string> with nothing queued", ec)) {
      return;
    }
    r.expect(!nothing.has_value(), "a try_read<std::string> with nothing queued found a message");
    (void)read_while_written(r, "while try_read<std::string> waits",
                             [&](std::error_code& e) { return server.try_read(1s, e); });
  }

 private:
  // Reads with `read` (returning the message, or nothing if none came in
  // time) while another thread writes `message`.
  template <class Read>
  bool read_while_written(run& r, const char* message, Read read) {
    std::error_code write_error;
    std::thread writer;
    {
      const outside guard;
      writer = std::thread([&] {
        std::this_thread::sleep_for(30ms);
        this->client_.write(message, write_error);
      });
    }
    std::error_code ec;
    std::optional<std::string> received;
    try {
      received = read(ec);
    } catch (const std::bad_alloc&) {
      ec = std::make_error_code(std::errc::not_enough_memory);
      r.violation("std::bad_alloc out of an error_code form (they report it)");
    }
    {
      const outside guard;
      writer.join();
      if (!write_error) {
        this->written_.emplace_back(message);
      }
    }
    if (!ec && received) {
      this->keep(std::move(*received));
    }
    if (!r.ok("write", write_error) || !r.ok("read", ec)) {
      return false;
    }
    r.expect(received.has_value(), "a read found no message although one came in time");
    return received.has_value();
  }
};

template <class Kind, std::size_t N>
void explore_forms(const form (&forms)[N]) {
  for (const form& f : forms) {
    explore_and_check(std::string(f.name) + " - " + Kind::id,
                      [&] { return read_scenario<Kind>(f); },
                      {"CreateFileW", "CreateEventW", "WriteFile", "ReadFile"});
  }
}

}  // namespace

#define MAILSLOT_FAULT_KINDS mailslot_fault::server_create, mailslot_fault::nt_create_mailslot

TEMPLATE_TEST_CASE("every failure survived: reads into a buffer", "[fault]", MAILSLOT_FAULT_KINDS) {
  explore_forms<TestType>(buffer_forms);
}

TEMPLATE_TEST_CASE("every failure survived: reads into kept containers", "[fault]",
                   MAILSLOT_FAULT_KINDS) {
  explore_forms<TestType>(container_forms);
}

TEMPLATE_TEST_CASE("every failure survived: read<std::string> and read<std::vector<std::byte>>",
                   "[fault]", MAILSLOT_FAULT_KINDS) {
  explore_forms<TestType>(owned_forms);
}

TEMPLATE_TEST_CASE(
    "every failure survived: try_read<std::string> and try_read<std::vector<std::byte>>", "[fault]",
    MAILSLOT_FAULT_KINDS) {
  explore_forms<TestType>(try_owned_forms);
}

TEMPLATE_TEST_CASE("every failure survived: the throwing reads", "[fault]", MAILSLOT_FAULT_KINDS) {
  explore_forms<TestType>(throwing_forms);
}

TEMPLATE_TEST_CASE("every failure survived: reads that wait for their message", "[fault]",
                   MAILSLOT_FAULT_KINDS) {
  std::vector<std::string> reached{"SetMailslotInfo", "WriteFile", "ReadFile"};
  if (TestType::asynchronous) {
    reached.emplace_back("WaitForMultipleObjects");  // (the pending read's wait)
  } else {
    reached.emplace_back("CreateThreadpoolTimer");  // (what ends a try_read's blocked ReadFile)
  }
  explore_and_check(
      std::string("reads that wait - ") + TestType::id, [] { return waiting_scenario<TestType>(); },
      reached);
}
