// Must not compile: the library needs Windows Vista (CancelIoEx); the
// expected #error names the fix.
#define _WIN32_WINNT 0x0501
#include <mailslot/mailslot.hpp>
