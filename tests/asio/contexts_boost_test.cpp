// The execution context tests (contexts_test.cpp) for Boost.Asio alone:
// the test program is built from one unit per flavour, which compile in
// parallel.
#define MAILSLOT_TEST_CONTEXTS_FLAVOUR 2
#include "contexts_test.cpp"  // NOLINT(bugprone-suspicious-include)
