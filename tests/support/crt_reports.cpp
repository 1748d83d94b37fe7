// Every Windows test program links this: with MSVC, the C runtime's reports
// (assertions, abort(), invalid parameters, the debug heap's) go to stderr
// rather than to a modal dialog, which on a CI runner would wait, with no one
// to press a button, until the test's timeout. (The MinGW-w64 runtimes show
// no such dialog.)

#if defined(_MSC_VER)

#  include <crtdbg.h>
#  include <stdlib.h>

#  include <windows.h>

namespace {

struct crt_reports_to_stderr {
  crt_reports_to_stderr() noexcept {
    // abort(): its message still printed, no Windows Error Reporting dialog.
    (void)::_set_abort_behavior(0, _CALL_REPORTFAULT);
    // Release builds' runtime errors.
    (void)::_set_error_mode(_OUT_TO_STDERR);
    // Debug builds' reports (_CrtDbgReport: "Debug Error!", assertions).
    // (Both calls compile to nothing without _DEBUG.)
    (void)_CrtSetReportMode(_CRT_WARN, _CRTDBG_MODE_FILE | _CRTDBG_MODE_DEBUG);
    (void)_CrtSetReportFile(_CRT_WARN, _CRTDBG_FILE_STDERR);
    (void)_CrtSetReportMode(_CRT_ERROR, _CRTDBG_MODE_FILE | _CRTDBG_MODE_DEBUG);
    (void)_CrtSetReportFile(_CRT_ERROR, _CRTDBG_FILE_STDERR);
    (void)_CrtSetReportMode(_CRT_ASSERT, _CRTDBG_MODE_FILE | _CRTDBG_MODE_DEBUG);
    (void)_CrtSetReportFile(_CRT_ASSERT, _CRTDBG_FILE_STDERR);
    // A crash: no "stopped working" dialog either.
    (void)::SetErrorMode(::GetErrorMode() | SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
  }
};

const crt_reports_to_stderr crt_reports_to_stderr_at_start;

}  // namespace

#endif
