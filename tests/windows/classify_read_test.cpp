// The one rule by which both asynchronous readers tell what a ReadFile on a
// handle bound to a completion port led to (detail::classify_read).

#include <mailslot/detail/read.hpp>

#include <catch2/catch_test_macros.hpp>

using mailslot::detail::classify_read;
using mailslot::detail::read_start;

TEST_CASE("a ReadFile's outcome: which come through the completion port", "[read][port]") {
  // Pending: the packet comes.
  CHECK(classify_read(FALSE, ERROR_IO_PENDING, false) == read_start::pending);
  CHECK(classify_read(FALSE, ERROR_IO_PENDING, true) == read_start::pending);
  // A warning status (STATUS_BUFFER_OVERFLOW): not an error, so a packet is
  // queued, whatever the skip mode (it covers success only).
  CHECK(classify_read(FALSE, ERROR_MORE_DATA, false) == read_start::pending);
  CHECK(classify_read(FALSE, ERROR_MORE_DATA, true) == read_start::pending);
  // Success at once: a packet, unless the handle skips the port on success.
  CHECK(classify_read(TRUE, ERROR_SUCCESS, false) == read_start::pending);
  CHECK(classify_read(TRUE, ERROR_SUCCESS, true) == read_start::completed);
  // Errors at once: no packet.
  for (const DWORD error :
       {DWORD{ERROR_INSUFFICIENT_BUFFER}, DWORD{ERROR_SEM_TIMEOUT}, DWORD{ERROR_ACCESS_DENIED},
        DWORD{ERROR_INVALID_HANDLE}, DWORD{ERROR_OPERATION_ABORTED}}) {
    CHECK(classify_read(FALSE, error, false) == read_start::failed);
    CHECK(classify_read(FALSE, error, true) == read_start::failed);
  }
}
