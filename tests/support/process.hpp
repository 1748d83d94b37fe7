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
    if (::CreateProcessW(program.c_str(), command.data(), nullptr, nullptr, inherit ? TRUE : FALSE,
                         0, nullptr, nullptr, &startup, &info) != FALSE) {
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

/// A program of the project (an example, the command-line tool) started with
/// its standard output and standard error captured (each on its own pipe)
/// and an optional standard input.
class captured_process {
 public:
  /// Starts `program` (a file name in program_directory()) with `arguments`.
  captured_process(const std::wstring& program, const std::vector<std::wstring>& arguments,
                   const std::string& input = {}, DWORD flags = 0) {
    SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    HANDLE out_read = nullptr;
    HANDLE out_write = nullptr;
    HANDLE err_read = nullptr;
    HANDLE err_write = nullptr;
    HANDLE in_read = nullptr;
    HANDLE in_write = nullptr;
    if (::CreatePipe(&out_read, &out_write, &inherit, 1U << 20U) == FALSE ||
        ::CreatePipe(&err_read, &err_write, &inherit, 1U << 20U) == FALSE ||
        ::CreatePipe(&in_read, &in_write, &inherit, 1U << 20U) == FALSE) {
      return;
    }
    ::SetHandleInformation(out_read, HANDLE_FLAG_INHERIT, 0);
    ::SetHandleInformation(err_read, HANDLE_FLAG_INHERIT, 0);
    ::SetHandleInformation(in_write, HANDLE_FLAG_INHERIT, 0);
    DWORD written = 0;
    if (!input.empty()) {
      ::WriteFile(in_write, input.data(), static_cast<DWORD>(input.size()), &written, nullptr);
    }
    ::CloseHandle(in_write);  // the program sees the end of its input

    const std::wstring path = program_directory() + program;
    std::wstring command = L"\"" + path + L"\"";
    for (const auto& argument : arguments) {
      command += L" \"" + argument + L"\"";
    }
    STARTUPINFOW startup{};
    startup.cb = sizeof(startup);
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = in_read;
    startup.hStdOutput = out_write;
    startup.hStdError = err_write;
    PROCESS_INFORMATION info{};
    if (::CreateProcessW(path.c_str(), command.data(), nullptr, nullptr, TRUE, flags, nullptr,
                         nullptr, &startup, &info) != FALSE) {
      process_ = info.hProcess;
      id_ = info.dwProcessId;
      ::CloseHandle(info.hThread);
    }
    ::CloseHandle(in_read);
    ::CloseHandle(out_write);  // only the program holds the write ends now
    ::CloseHandle(err_write);
    output_pipe_ = out_read;
    error_pipe_ = err_read;
  }
  captured_process(const captured_process&) = delete;
  captured_process& operator=(const captured_process&) = delete;
  ~captured_process() {
    (void)wait();
    for (HANDLE pipe : {output_pipe_, error_pipe_}) {
      if (pipe != nullptr) {
        ::CloseHandle(pipe);
      }
    }
  }

  [[nodiscard]] bool started() const { return process_ != nullptr; }
  [[nodiscard]] DWORD id() const { return id_; }

  /// Reads the output to its end, waits for the program (up to 30 s) and
  /// returns its exit code, or -1 if it did not start or end.
  int wait() {
    if (process_ == nullptr) {
      return -1;
    }
    // A program that has not ended in 30 s is ended, so that reading its
    // output to the end cannot block the tests.
    if (::WaitForSingleObject(process_, 30000) != WAIT_OBJECT_0) {
      ::TerminateProcess(process_, 0xDEAD);
    }
    const auto drain = [](HANDLE pipe, std::string& into) {
      char chunk[4096];
      DWORD got = 0;
      while (pipe != nullptr && ::ReadFile(pipe, chunk, sizeof chunk, &got, nullptr) != FALSE &&
             got != 0) {
        into.append(chunk, got);
      }
    };
    drain(output_pipe_, output_);
    drain(error_pipe_, error_);
    if (::WaitForSingleObject(process_, 30000) != WAIT_OBJECT_0) {
      return -1;
    }
    DWORD code = 0;
    ::GetExitCodeProcess(process_, &code);
    ::CloseHandle(process_);
    process_ = nullptr;
    exit_code_ = static_cast<int>(code);
    return exit_code_;
  }

  /// Everything the program wrote (after wait()): its standard error, then
  /// its standard output, with "\r\n" as "\n".
  [[nodiscard]] std::string output() const { return text(error_) + text(output_); }
  /// What the program wrote to standard output, byte for byte.
  [[nodiscard]] const std::string& standard_output() const { return output_; }
  /// What the program wrote to standard output, with "\r\n" as "\n".
  [[nodiscard]] std::string output_text() const { return text(output_); }
  /// What the program wrote to standard error, with "\r\n" as "\n".
  [[nodiscard]] std::string error_text() const { return text(error_); }
  [[nodiscard]] int exit_code() const { return exit_code_; }

 private:
  static std::string text(const std::string& bytes) {
    std::string lines;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      if (bytes[i] != '\r' || i + 1 >= bytes.size() || bytes[i + 1] != '\n') {
        lines.push_back(bytes[i]);
      }
    }
    return lines;
  }

  HANDLE process_ = nullptr;
  HANDLE output_pipe_ = nullptr;
  HANDLE error_pipe_ = nullptr;
  DWORD id_ = 0;
  std::string output_;
  std::string error_;
  int exit_code_ = -1;
};

}  // namespace mailslot_test

#endif
