# Runs a test's program; passes only if the program ran to its end: it exits
# 0 and its output matches END, a regular expression for what it prints last
# (tests/CMakeLists.txt: Catch2's programs print the line of
# support/run_end_listener.cpp, other programs of the project "main returned
# 0", support/main_returned.cpp). An exit code of 0 alone proves nothing: a
# program that calls exit(0) halfway exits 0, and under Wine so can one whose
# main thread Ctrl+Break's SIGQUIT ended in mid-run.
#
#   cmake -DEND=<regex> [-DSKIPPED=<code>] -P run_to_end.cmake -- <program> [<arg>...]
#
# - The output is shown as it comes, not at the end: a program that hangs
#   until ctest's timeout still shows how far it got.
# - END empty: the exit code alone counts (a toolchain where no program can
#   report its end).
# - A listing (an argument starting with --list-, as when ctest asks a Catch2
#   program for its test cases) runs no test: its exit code alone counts.
# - SKIPPED: the exit code that means "skipped" (Catch2's 4, every test case
#   skipped); then the script prints "run_to_end: skipped", for the test's
#   SKIP_REGULAR_EXPRESSION.
cmake_policy(VERSION 3.21)  # (a script run with -P starts with no policy set)
set(_command)
set(_listing OFF)
set(_after_separator OFF)
math(EXPR _last "${CMAKE_ARGC} - 1")
foreach(_index RANGE ${_last})
  set(_argument "${CMAKE_ARGV${_index}}")
  if(_after_separator)
    if(_argument MATCHES "^--list-")
      set(_listing ON)
    endif()
    # (A ; inside an argument must stay in it, not split it in two.)
    string(REPLACE ";" "\\;" _argument "${_argument}")
    list(APPEND _command "${_argument}")
  elseif(_argument STREQUAL "--")
    set(_after_separator ON)
  endif()
endforeach()
if(NOT _command)
  message(FATAL_ERROR "usage: cmake -DEND=<regex> -P run_to_end.cmake -- <program> [<arg>...]")
endif()

execute_process(COMMAND ${_command}
                RESULT_VARIABLE _result
                OUTPUT_VARIABLE _output ERROR_VARIABLE _output
                ECHO_OUTPUT_VARIABLE ECHO_ERROR_VARIABLE)
list(JOIN _command " " _shown)
if(DEFINED SKIPPED AND NOT SKIPPED STREQUAL "" AND _result STREQUAL SKIPPED)
  message("run_to_end: skipped (exit code ${_result}): ${_shown}")
  return()
endif()
if(NOT _result STREQUAL "0")
  message(FATAL_ERROR "run_to_end: failed (exit code ${_result}): ${_shown}")
endif()
if(_listing OR "${END}" STREQUAL "")
  return()
endif()
if(NOT _output MATCHES "${END}")
  message(FATAL_ERROR "run_to_end: exited with 0 but ended early, without printing what it "
                      "prints at its end (\"${END}\"): ${_shown}")
endif()
