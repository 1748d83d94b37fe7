# Downloads URL into FILE (scripts/docs.sh, where curl is missing).
#   cmake -DURL=... -DFILE=... -P download.cmake
file(DOWNLOAD "${URL}" "${FILE}" STATUS status)
list(GET status 0 code)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "cannot download ${URL}: ${status}")
endif()
