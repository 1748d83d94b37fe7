// The Asio tests (asio_test.cpp) for Boost.Asio alone: the test program is
// built from one unit per flavour, which compile in parallel.
#define MAILSLOT_TEST_ASIO_FLAVOURS boost_flavour
#define MAILSLOT_TEST_ASIO_SHARED_CASES 0
#include "asio_test.cpp"  // NOLINT(bugprone-suspicious-include)
