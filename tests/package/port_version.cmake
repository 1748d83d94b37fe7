# cmake -DPORT=<vcpkg.json> -DVERSION=<version> -P port_version.cmake
# Fails unless the vcpkg port carries the project's version (the one in
# include/mailslot/version.hpp; the Conan recipe reads it from there itself).
file(READ "${PORT}" _json)
string(JSON _version GET "${_json}" version)
if(NOT _version STREQUAL VERSION)
  message(FATAL_ERROR "${PORT} says version ${_version}; the project is ${VERSION}")
endif()
message(STATUS "vcpkg port version ${_version}")
