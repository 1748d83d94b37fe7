// Must not compile: the app partition alone (WINAPI_FAMILY_APP, the family
// every app family includes) lacks the desktop API too; the expected #error
// says so.
#include <winapifamily.h>
#undef WINAPI_FAMILY
#define WINAPI_FAMILY WINAPI_FAMILY_APP
#include <mailslot/mailslot.hpp>
