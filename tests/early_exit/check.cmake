# Runs the tests of tests/early_exit (TESTS, a build directory) through ctest
# with MAILSLOT_TEST_END_EARLY set, so that their programs end early, with
# exit code 0, where they are written to. Fails unless ctest reports exactly
# the tests of ENDING_EARLY failed, each for having ended early, and those of
# PASSING passed (the same programs, with nothing ending them early: the
# check that fails the others does not fail every test).
#   cmake -DCTEST=... -DTESTS=... -DWORK=... -DCONFIG=... -DPASSING=a|b -DENDING_EARLY=c|d
#         -P check.cmake
# (WORK: a directory of its own for that ctest run, whose test file includes
# TESTS; ctest's records of the build's own run are left alone.)
cmake_policy(VERSION 3.21)  # (a script run with -P starts with no policy set)
string(REPLACE "|" ";" PASSING "${PASSING}")
string(REPLACE "|" ";" ENDING_EARLY "${ENDING_EARLY}")
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
file(WRITE "${WORK}/CTestTestfile.cmake" "subdirs([==[${TESTS}]==])\n")
set(ENV{MAILSLOT_TEST_END_EARLY} 1)
execute_process(COMMAND "${CTEST}" --test-dir "${WORK}" -C "${CONFIG}" -LE early_exit_check
                        --output-on-failure --timeout 120 -j 4
                RESULT_VARIABLE _result OUTPUT_VARIABLE _output ERROR_VARIABLE _output)
message("ctest of ${TESTS}, with MAILSLOT_TEST_END_EARLY=1 (exit code ${_result}):\n${_output}")

function(regex_quote var text)
  string(REGEX REPLACE "([][+.*()^$?|\\\\])" "\\\\\\1" _quoted "${text}")
  set(${var} "${_quoted}" PARENT_SCOPE)
endfunction()
set(_problems)
foreach(_name IN LISTS PASSING)
  regex_quote(_quoted "${_name}")
  if(NOT _output MATCHES "Test +#[0-9]+: ${_quoted} [.]* *Passed")
    list(APPEND _problems "\"${_name}\" did not pass: it ran to its end")
  endif()
endforeach()
foreach(_name IN LISTS ENDING_EARLY)
  regex_quote(_quoted "${_name}")
  if(NOT _output MATCHES "Test +#[0-9]+: ${_quoted} [.]*[*]+Failed")
    list(APPEND _problems "\"${_name}\" did not fail, though its program ended early")
  endif()
endforeach()
# Each failed for having ended early, with exit code 0 (the wrapper's verdict,
# and the program's own word that it ended there), not for another reason.
list(LENGTH ENDING_EARLY _expected)
foreach(_said IN ITEMS "run_to_end: exited with 0 but ended early"
                       "ending the process early on purpose")
  string(REGEX MATCHALL "${_said}" _found "${_output}")
  list(LENGTH _found _count)
  if(NOT _count EQUAL _expected)
    list(APPEND _problems "\"${_said}\" said ${_count} times, not once per test that ended early (${_expected})")
  endif()
endforeach()
if(_problems OR _result EQUAL 0)
  list(JOIN _problems "\n  " _problems)
  message(FATAL_ERROR "A test program that ended early with exit code 0 was not failed as it "
                      "should be (ctest's exit code: ${_result}):\n  ${_problems}")
endif()
list(LENGTH PASSING _passed)
message(STATUS "ctest failed the ${_expected} tests whose programs ended early with exit code 0, "
               "each for that reason, and passed the ${_passed} others")
