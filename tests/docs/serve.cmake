# Runs SERVER and, beside it, CLIENT until CLIENT exits 0 (the server may not
# have made its slot yet); then SERVER must exit 0 by itself. Both under
# EMULATOR (a list, maybe empty).
#   cmake -DEMULATOR=... -DSERVER=... -DCLIENT=... -P serve.cmake
# (execute_process runs its commands side by side, the first one's output
# piped to the second: the first is this script's client loop, and the
# server's output, the last, is shown.)
if(DEFINED CLIENT_LOOP)
  foreach(_attempt RANGE 100)
    execute_process(COMMAND ${EMULATOR} "${CLIENT}" RESULT_VARIABLE _result)
    if(_result EQUAL 0)
      return()
    endif()
    execute_process(COMMAND "${CMAKE_COMMAND}" -E sleep 0.1)
  endforeach()
  message(FATAL_ERROR "${CLIENT} did not succeed in 100 attempts (last: ${_result})")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" "-DCLIENT_LOOP=1" "-DEMULATOR=${EMULATOR}"
                        "-DCLIENT=${CLIENT}" -P "${CMAKE_CURRENT_LIST_FILE}"
                COMMAND ${EMULATOR} "${SERVER}"
                RESULTS_VARIABLE _results OUTPUT_VARIABLE _printed TIMEOUT 100)
list(GET _results 0 _client)
list(GET _results 1 _server)
message(STATUS "the server printed: ${_printed}")
if(NOT _server EQUAL 0 OR NOT _client EQUAL 0)
  message(FATAL_ERROR "server: ${_server}, client loop: ${_client}")
endif()
message(STATUS "the server served its client; both exited 0")
