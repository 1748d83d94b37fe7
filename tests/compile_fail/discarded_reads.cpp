// Must warn: a read whose result says whether, or how much, arrived is
// [[nodiscard]]. Each line marked "nodiscard" discards one and must draw the
// compiler's diagnostic there; unmarked lines discard what repeats what the
// caller already holds (the container read's size), and must not.
// (tests/compile_fail/discarded_reads.cmake checks both.)
#include <mailslot/mailslot.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <system_error>
#include <vector>

void discard_every_read(mailslot::server& server) {
  std::error_code ec;
  char buffer[16];
  std::string kept;
  const auto t = std::chrono::milliseconds(0);
  server.read(mailslot::buffer(buffer), ec);         // nodiscard
  server.read(mailslot::buffer(buffer));             // nodiscard
  server.read(ec);                                   // nodiscard
  server.read();                                     // nodiscard
  server.read<std::vector<std::byte>>(ec);           // nodiscard
  server.try_read(mailslot::buffer(buffer), t, ec);  // nodiscard
  server.try_read(mailslot::buffer(buffer));         // nodiscard
  server.try_read(kept, t, ec);                      // nodiscard
  server.try_read(kept);                             // nodiscard
  server.try_read(t, ec);                            // nodiscard
  server.try_read();                                 // nodiscard
  server.try_read<std::vector<std::byte>>(t);        // nodiscard
  server.read(kept, ec);
  server.read(kept);
}
