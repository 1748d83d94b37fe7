// Must not compile: <windows.h> (without WIN32_LEAN_AND_MEAN) brings
// <winsock.h>, after which Asio cannot include <winsock2.h>. The library's
// own #error says what to do instead of Asio's.
#include <windows.h>

#include <mailslot/asio.hpp>

int main() { return 0; }
