#ifndef MAILSLOT_TESTS_MODEL_SEQUENCE_HPP
#define MAILSLOT_TESTS_MODEL_SEQUENCE_HPP

// A sequence of operations: what one run does, generated from a seed, printed
// as one line that parses back (the counter-example a failure prints, and the
// form of the fixed regression sequences).

#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace mailslot_model {

/// Who reads the slot.
enum class reader_kind : unsigned char {
  sync,  // mailslot::server's own reads, on reading threads
  pool,  // mailslot::thread_pool_reader
  asio,  // mailslot::asio::server on an io_context or a thread_pool
};

inline const char* to_string(reader_kind kind) {
  switch (kind) {
    case reader_kind::sync:
      return "sync";
    case reader_kind::pool:
      return "pool";
    case reader_kind::asio:
      return "asio";
  }
  return "?";
}

// Every operation; which ones a reader kind uses is in generate(). Arguments
// a, b, c are small numbers whose meaning is the operation's (see the worlds
// in model_test.cpp).
#define MAILSLOT_MODEL_OPS(X)                                              \
  X(write)           /* a writer, b size class, c size within the class */ \
  X(burst)           /* a writer, b count, c sizes */                      \
  X(pause)           /* a milliseconds */                                  \
  X(read)            /* a server, b form */                                \
  X(try_read)        /* a server, b form, c timeout class */               \
  X(cancel)          /* a server */                                        \
  X(resume)          /* a server */                                        \
  X(timeout)         /* a server, b timeout class */                       \
  X(release_adopt)   /* a server */                                        \
  X(dup_open)        /* a second server on a duplicated handle */          \
  X(dup_close)       /* */                                                 \
  X(recreate)        /* close the slot and create it again */              \
  X(checkpoint)      /* quiesce and count */                               \
  X(start)           /* a reader, b server, c slow callback */             \
  X(stop)            /* a reader */                                        \
  X(stop_inside)     /* a reader: its next callback stops it */            \
  X(destroy)         /* a reader */                                        \
  X(move)            /* a reader (or the asio server), b how */            \
  X(async_read)      /* b form, c with a cancellation slot */              \
  X(cancel_one)      /* a which outstanding read, b cancellation type */   \
  X(cancel_all)      /* */                                                 \
  X(close)           /* */                                                 \
  X(context_stop)    /* */                                                 \
  X(context_restart) /* */                                                 \
  X(context_destroy) /* a order: 0 context first, 1 server first */

enum class op : unsigned char {
#define MAILSLOT_MODEL_ENUM(name) name,
  MAILSLOT_MODEL_OPS(MAILSLOT_MODEL_ENUM)
#undef MAILSLOT_MODEL_ENUM
};

inline const char* to_string(op what) {
  static const char* const names[] = {
#define MAILSLOT_MODEL_NAME(name) #name,
      MAILSLOT_MODEL_OPS(MAILSLOT_MODEL_NAME)
#undef MAILSLOT_MODEL_NAME
  };
  return names[static_cast<unsigned>(what)];
}

struct step {
  op what = op::pause;
  int a = 0;
  int b = 0;
  int c = 0;
};

/// One run: its settings and its steps.
struct sequence {
  reader_kind kind = reader_kind::sync;
  bool windows_handle = true;  // NtCreateMailslotFile's (asynchronous) or CreateMailslotW's
  int max_class = 0;           // the slot's maximum message size, see max_message_size()
  int context = 0;             // asio: 0 io_context, 1 io_context on 2 threads, 2 thread_pool
  int writers = 1;
  std::vector<step> steps;
};

/// The slot's maximum message size for a class (0: any).
inline std::uint32_t max_message_size(int max_class) {
  constexpr std::uint32_t sizes[] = {0, 424, 4100, 65540};
  return sizes[max_class & 3];
}

/// A field of the one-line form: digits only (no sign), within an int.
inline bool parse_number(std::string_view text, int& value) {
  if (text.empty() || text.size() > 9) {
    return false;
  }
  value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
    value = value * 10 + (c - '0');
  }
  return true;
}

/// The one-line form: `sync nt max0 ctx0 w2: write 0 1 5; read 0 2 0; ...`.
inline std::string to_text(const sequence& s) {
  std::ostringstream out;
  out << to_string(s.kind) << (s.windows_handle ? " nt" : " cm") << " max" << s.max_class << " ctx"
      << s.context << " w" << s.writers << ":";
  const char* separator = " ";
  for (const auto& one : s.steps) {
    out << separator << to_string(one.what) << ' ' << one.a << ' ' << one.b << ' ' << one.c;
    separator = "; ";
  }
  return out.str();
}

inline bool parse(std::string_view text, sequence& s) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return false;
  }
  std::istringstream head{std::string(text.substr(0, colon))};
  std::string kind;
  std::string handle;
  std::string max;
  std::string context;
  std::string writers;
  if (!(head >> kind >> handle >> max >> context >> writers)) {
    return false;
  }
  bool known = false;
  for (auto k : {reader_kind::sync, reader_kind::pool, reader_kind::asio}) {
    if (kind == to_string(k)) {
      s.kind = k;
      known = true;
    }
  }
  if (!known || (handle != "nt" && handle != "cm") || max.rfind("max", 0) != 0 ||
      context.rfind("ctx", 0) != 0 || writers.rfind('w', 0) != 0) {
    return false;
  }
  s.windows_handle = handle == "nt";
  if (!parse_number(std::string_view(max).substr(3), s.max_class) ||
      !parse_number(std::string_view(context).substr(3), s.context) ||
      !parse_number(std::string_view(writers).substr(1), s.writers) || s.max_class > 3 ||
      s.context > 2 || s.writers < 1 || s.writers > 3) {
    return false;
  }
  s.steps.clear();
  std::string rest(text.substr(colon + 1));
  std::istringstream steps(rest);
  std::string item;
  while (std::getline(steps, item, ';')) {
    std::istringstream fields(item);
    std::string name;
    step one;
    if (!(fields >> name)) {
      continue;
    }
    std::string a;
    std::string b;
    std::string c;
    std::string extra;
    if (!(fields >> a >> b >> c) || (fields >> extra) || !parse_number(a, one.a) ||
        !parse_number(b, one.b) || !parse_number(c, one.c)) {
      return false;
    }
    bool found = false;
    for (unsigned i = 0; i <= static_cast<unsigned>(op::context_destroy); ++i) {
      if (name == to_string(static_cast<op>(i))) {
        one.what = static_cast<op>(i);
        found = true;
      }
    }
    if (!found) {
      return false;
    }
    s.steps.push_back(one);
  }
  return true;
}

/// A random sequence for `kind` from `seed`.
inline sequence generate(reader_kind kind, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  auto below = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  sequence s;
  s.kind = kind;
  s.windows_handle = kind != reader_kind::sync || below(2) == 0;
  s.max_class = below(4);
  s.context = below(3);
  s.writers = 1 + below(3);
  struct choice {
    op what;
    int weight;
  };
  std::vector<choice> choices = {{op::write, 10},  {op::burst, 3},      {op::pause, 2},
                                 {op::timeout, 2}, {op::checkpoint, 1}, {op::recreate, 1}};
  switch (kind) {
    case reader_kind::sync:
      choices.insert(choices.end(), {{op::read, 6},
                                     {op::try_read, 6},
                                     {op::cancel, 2},
                                     {op::resume, 2},
                                     {op::release_adopt, 1},
                                     {op::dup_open, 1},
                                     {op::dup_close, 1}});
      break;
    case reader_kind::pool:
      choices.insert(choices.end(), {{op::start, 6},
                                     {op::stop, 3},
                                     {op::stop_inside, 2},
                                     {op::destroy, 2},
                                     {op::move, 2},
                                     {op::try_read, 2},
                                     {op::release_adopt, 1},
                                     {op::dup_open, 1},
                                     {op::dup_close, 1}});
      break;
    case reader_kind::asio:
      choices.insert(choices.end(), {{op::async_read, 10},
                                     {op::cancel_one, 3},
                                     {op::cancel_all, 2},
                                     {op::try_read, 2},
                                     {op::close, 1},
                                     {op::move, 2},
                                     {op::release_adopt, 1},
                                     {op::context_stop, 1},
                                     {op::context_restart, 2},
                                     {op::context_destroy, 1}});
      break;
  }
  int total = 0;
  for (const auto& c : choices) {
    total += c.weight;
  }
  const int length = 10 + below(50);
  for (int i = 0; i < length; ++i) {
    int pick = below(total);
    step one;
    for (const auto& c : choices) {
      if (pick < c.weight) {
        one.what = c.what;
        break;
      }
      pick -= c.weight;
    }
    one.a = below(8);
    one.b = below(8);
    one.c = below(1 << 15);
    s.steps.push_back(one);
  }
  return s;
}

}  // namespace mailslot_model

#endif
