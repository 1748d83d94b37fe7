// Must not compile: mailslots are a desktop API, absent from Store apps; the
// expected #error says so.
#include <winapifamily.h>
#undef WINAPI_FAMILY
#define WINAPI_FAMILY WINAPI_FAMILY_PC_APP
#include <mailslot/mailslot.hpp>
