// make_slot: create a mailslot that waits forever with default security, then
// let a child process write to it through an inherited handle.
//
//   make_slot               the parent: creates the slot, starts the child
//   make_slot --child H     the child: writes one message through handle H
//
// The parent opens a client handle, makes it inheritable and starts itself
// with bInheritHandles; the child adopts the handle by its value.

#include <mailslot/mailslot.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>

namespace {

int child(const char* handle_text) {
  const auto value = static_cast<std::uintptr_t>(std::strtoull(handle_text, nullptr, 10));
  auto client = mailslot::client::adopt(reinterpret_cast<HANDLE>(value),
                                        mailslot::name::local(R"(examples\make_slot)"));
  std::error_code ec;
  client.write("hello from child process " + std::to_string(::GetCurrentProcessId()), ec);
  if (ec) {
    std::fprintf(stderr, "child: write through the inherited handle failed: %s\n",
                 ec.message().c_str());
    return 1;
  }
  return 0;
}

int parent() {
  // Defaults: read_timeout = wait_forever, no security descriptor.
  std::error_code ec;
  auto server = mailslot::server::create(mailslot::name::local(R"(examples\make_slot)"), {}, ec);
  if (ec) {
    std::fprintf(stderr, "cannot create the mailslot: %s\n", ec.message().c_str());
    return 1;
  }
  const auto info = server.info();
  std::printf("created %s (read timeout: %s, default security)\n", server.name().string().c_str(),
              info.read_timeout == mailslot::wait_forever ? "forever" : "limited");

  auto client = mailslot::client::open(server.name(), ec);
  if (!ec) {
    client.set_inheritable(true, ec);
  }
  if (ec) {
    std::fprintf(stderr, "cannot prepare the handle for the child: %s\n", ec.message().c_str());
    return 1;
  }

  wchar_t self[MAX_PATH];
  ::GetModuleFileNameW(nullptr, self, MAX_PATH);
  std::wstring command = L"\"" + std::wstring(self) + L"\" --child " +
                         std::to_wstring(reinterpret_cast<std::uintptr_t>(client.native_handle()));
  STARTUPINFOW startup{};
  startup.cb = sizeof(startup);
  PROCESS_INFORMATION process{};
  if (::CreateProcessW(self, command.data(), nullptr, nullptr, TRUE, 0, nullptr, nullptr, &startup,
                       &process) == FALSE) {
    std::fprintf(stderr, "cannot start the child: error %lu\n", ::GetLastError());
    return 1;
  }
  ::WaitForSingleObject(process.hProcess, INFINITE);
  DWORD child_exit = 0;
  ::GetExitCodeProcess(process.hProcess, &child_exit);
  ::CloseHandle(process.hThread);
  ::CloseHandle(process.hProcess);
  std::printf("child exited with %lu\n", child_exit);

  const std::string message = server.read(ec);  // waits forever, but it is already here
  if (ec) {
    std::fprintf(stderr, "read failed: %s\n", ec.message().c_str());
    return 1;
  }
  std::printf("received: %s\n", message.c_str());
  return child_exit == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--child") == 0) {
    return child(argv[2]);
  }
  return parent();
}
