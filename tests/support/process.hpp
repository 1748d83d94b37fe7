#ifndef MAILSLOT_TESTS_SUPPORT_PROCESS_HPP
#define MAILSLOT_TESTS_SUPPORT_PROCESS_HPP

// Runs tests/windows/helper (mailslot_test_helper.exe, built next to the test
// programs) as a second process.

#include <windows.h>

#include <string>
#include <vector>

namespace mailslot_test {

/// The directory of the running program, with a trailing backslash.
inline std::wstring program_directory() {
  std::wstring path(MAX_PATH, L'\0');
  const DWORD length = ::GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size()));
  path.resize(length);
  return path.substr(0, path.find_last_of(L"\\/") + 1);
}

/// A started helper process; waits for it and closes it on destruction.
class helper_process {
 public:
  /// Starts the helper with `arguments` (each quoted); `inherit` passes the
  /// parent's inheritable handles to it.
  helper_process(const std::vector<std::wstring>& arguments, bool inherit) {
    const std::wstring program = program_directory() + L"mailslot_test_helper.exe";
    std::wstring command = L"\"" + program + L"\"";
    for (const auto& argument : arguments) {
      command += L" \"" + argument + L"\"";
    }
    STARTUPINFOW startup{};
    startup.cb = sizeof(startup);
    PROCESS_INFORMATION info{};
    if (::CreateProcessW(program.c_str(), command.data(), nullptr, nullptr, inherit ? TRUE : FALSE, 0,
                         nullptr, nullptr, &startup, &info) != FALSE) {
      process_ = info.hProcess;
      ::CloseHandle(info.hThread);
    }
  }
  helper_process(const helper_process&) = delete;
  helper_process& operator=(const helper_process&) = delete;
  ~helper_process() {
    if (process_ != nullptr) {
      ::WaitForSingleObject(process_, 30000);
      ::CloseHandle(process_);
    }
  }

  [[nodiscard]] bool started() const { return process_ != nullptr; }
  [[nodiscard]] HANDLE handle() const { return process_; }

  /// Waits for the helper to end (up to 30 s) and returns its exit code, or
  /// -1 if it did not start or end.
  int wait() {
    if (process_ == nullptr || ::WaitForSingleObject(process_, 30000) != WAIT_OBJECT_0) {
      return -1;
    }
    DWORD code = 0;
    ::GetExitCodeProcess(process_, &code);
    return static_cast<int>(code);
  }

 private:
  HANDLE process_ = nullptr;
};

}  // namespace mailslot_test

#endif
