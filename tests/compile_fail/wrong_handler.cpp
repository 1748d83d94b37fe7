// Must not compile: a thread_pool_reader handler that cannot be called with
// (const std::error_code&, std::string_view); the static_assert says how the
// reader calls it.
#include <mailslot/thread_pool_reader.hpp>

#include <string>
#include <system_error>

void start_with_a_handler_of_another_shape(mailslot::server& slot) {
  mailslot::thread_pool_reader reader;
  std::error_code ec;
  reader.start(slot, [](const std::string& message) { (void)message; }, ec);
}
