// A program that uses the library through `import mailslot;` alone: no
// header of the library, of the standard library or of Windows. Everything
// it touches is exported by the module or reachable through it (member
// functions of the types it returns). The exit code is the result: 0 when
// every check holds, otherwise the number of the first that failed.

import mailslot;

namespace {

int round_trip() {
  const auto name = mailslot::name::local("module-test\\import-only");
  mailslot::server_options options;
  options.max_message_size = 4096;
  auto server = mailslot::server::create(name, options);
  auto client = mailslot::client::open(name);
  client.write("hello");
  client.write("");
  if (server.info().message_count != 2) {
    return 2;
  }
  const auto first = server.read();
  if (first.compare("hello") != 0) {
    return 3;
  }
  if (!server.read().empty()) {
    return 4;
  }
  // An empty slot: the try_ form, which waits only for a message already
  // there, says "nothing".
  if (server.try_read().has_value()) {
    return 5;
  }
  return 0;
}

int errors() {
  // The throwing form: mailslot::error, with the library's code.
  try {
    (void)mailslot::client::open(mailslot::name::local("module-test\\nobody-listens"));
    return 10;
  } catch (const mailslot::error& e) {
    if (e.code().value() != 2) {  // ERROR_FILE_NOT_FOUND, in the system category
      return 11;
    }
  }
  mailslot::server closed;
  try {
    (void)closed.read();
    return 12;
  } catch (const mailslot::error& e) {
    const auto expected = mailslot::make_error_code(mailslot::errc::not_open);
    if (e.code().value() != expected.value() ||
        &e.code().category() != &mailslot::error_category()) {
      return 13;
    }
  }
  if (mailslot::name::explain("not a mailslot name").empty()) {
    return 14;
  }
  return 0;
}

// Every class's swap is a hidden friend, found by argument-dependent lookup
// (the module exports no namespace-scope swap); names order as Windows
// compares them, with <=> too.
int swaps_and_order() {
  auto server = mailslot::server::create(mailslot::name::local("module-test\\swap"));
  mailslot::server other;
  swap(server, other);
  if (server.is_open() || !other.is_open()) {
    return 20;
  }
  auto client = mailslot::client::open(other.name());
  mailslot::client none;
  swap(client, none);
  if (client.is_open() || !none.is_open()) {
    return 21;
  }
  mailslot::thread_pool_reader a;
  mailslot::thread_pool_reader b;
  swap(a, b);
  if (a.is_running() || b.is_running()) {
    return 22;
  }
  const auto lower = mailslot::name::local("module-test\\a");
  const auto upper = mailslot::name::local("MODULE-TEST\\A");
  const auto later = mailslot::name::local("module-test\\b");
  if ((lower <=> upper) != 0 || !(lower < later) || !(later >= upper) || lower != upper) {
    return 23;
  }
  return 0;
}

}  // namespace

int main() {
  static_assert(mailslot::version == mailslot::version_major * 10000 +
                                         mailslot::version_minor * 100 + mailslot::version_patch);
  static_assert(mailslot::max_remote_message_size == 424);
  if (const int failed = round_trip(); failed != 0) {
    return failed;
  }
  if (const int failed = errors(); failed != 0) {
    return failed;
  }
  return swaps_and_order();
}
