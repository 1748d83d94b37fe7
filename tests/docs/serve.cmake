# Runs SERVER and, beside it, CLIENT until CLIENT exits 0 (the server may not
# have made its slot yet); then SERVER must exit 0 by itself. Both under
# EMULATOR (a list, maybe empty). Each must also have run to its end: an exit
# code of 0 is not enough (tests/support/run_to_end.cmake says why), so the
# output of each must match END (what the programs print when their main
# returns, tests/support/main_returned.cpp; empty: the exit codes alone).
#   cmake -DEMULATOR=... -DSERVER=... -DCLIENT=... -DEND=... -P serve.cmake
# (execute_process runs its commands side by side, the first one's output
# piped to the second: the first is this script's client loop, and the
# server's output, the last, is shown.)
if(DEFINED CLIENT_LOOP)
  foreach(_attempt RANGE 100)
    execute_process(COMMAND ${EMULATOR} "${CLIENT}" RESULT_VARIABLE _result
                    OUTPUT_VARIABLE _output ERROR_VARIABLE _output)
    if(_result EQUAL 0)
      if(NOT "${END}" STREQUAL "" AND NOT _output MATCHES "${END}")
        message(FATAL_ERROR "${CLIENT} exited with 0 but ended early (it never printed "
                            "\"${END}\"):\n${_output}")
      endif()
      return()
    endif()
    execute_process(COMMAND "${CMAKE_COMMAND}" -E sleep 0.1)
  endforeach()
  message(FATAL_ERROR "${CLIENT} did not succeed in 100 attempts (last: ${_result})")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" "-DCLIENT_LOOP=1" "-DEMULATOR=${EMULATOR}"
                        "-DCLIENT=${CLIENT}" "-DEND=${END}" -P "${CMAKE_CURRENT_LIST_FILE}"
                COMMAND ${EMULATOR} "${SERVER}"
                RESULTS_VARIABLE _results OUTPUT_VARIABLE _printed TIMEOUT 100)
list(GET _results 0 _client)
list(GET _results 1 _server)
message(STATUS "the server printed: ${_printed}")
if(NOT _server EQUAL 0 OR NOT _client EQUAL 0)
  message(FATAL_ERROR "server: ${_server}, client loop: ${_client}")
endif()
if(NOT "${END}" STREQUAL "" AND NOT _printed MATCHES "${END}")
  message(FATAL_ERROR "${SERVER} exited with 0 but ended early (it never printed \"${END}\")")
endif()
message(STATUS "the server served its client; both ran to their end and exited 0")
