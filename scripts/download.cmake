# Downloads URL into FILE (scripts/npm_package.sh, where there is no curl).
#   cmake -DURL=... -DFILE=... -P download.cmake
file(DOWNLOAD "${URL}" "${FILE}" STATUS status)
list(GET status 0 code)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "cannot download ${URL}: ${status}")
endif()
