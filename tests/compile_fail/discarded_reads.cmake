# Builds compile_fail/discarded_reads.cpp (an object that must draw the
# [[nodiscard]] diagnostic) and checks that the compiler flagged exactly the
# lines marked "nodiscard": each discarded read whose result matters, and no
# other. Arguments: -DBINARY_DIR= -DTARGET= -DSOURCE= -DCONFIG=
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BINARY_DIR}" --target "${TARGET}"
                        --config "${CONFIG}"
                OUTPUT_VARIABLE output ERROR_VARIABLE output RESULT_VARIABLE result)
file(STRINGS "${SOURCE}" lines)
set(expected)
set(number 0)
foreach(line IN LISTS lines)
  math(EXPR number "${number} + 1")
  if(line MATCHES "// nodiscard$")
    list(APPEND expected ${number})
  endif()
endforeach()
# GCC and Clang: "discarded_reads.cpp:LINE:COLUMN: error: ignoring return value ...
# nodiscard" (-Werror); MSVC: "discarded_reads.cpp(LINE): warning C4834" (or error).
set(flagged)
string(REPLACE "\n" ";" output_lines "${output}")
foreach(line IN LISTS output_lines)
  if(line MATCHES "discarded_reads\\.cpp:([0-9]+):[0-9]+: (error|warning): .*(nodiscard|unused-result)")
    list(APPEND flagged ${CMAKE_MATCH_1})
  elseif(line MATCHES "discarded_reads\\.cpp\\(([0-9]+)\\): (error|warning) C4834")
    list(APPEND flagged ${CMAKE_MATCH_1})
  endif()
endforeach()
list(REMOVE_DUPLICATES flagged)
list(SORT flagged COMPARE NATURAL)
list(SORT expected COMPARE NATURAL)
if(result EQUAL 0)
  message(FATAL_ERROR "discarded_reads.cpp compiled without an error: [[nodiscard]] is not enforced\n${output}")
endif()
if(NOT flagged STREQUAL expected)
  message(FATAL_ERROR "the discarded reads flagged (lines ${flagged}) are not the ones marked nodiscard (lines ${expected})\n${output}")
endif()
list(LENGTH expected count)
message(STATUS "all ${count} discarded reads marked nodiscard were flagged, and no other")
