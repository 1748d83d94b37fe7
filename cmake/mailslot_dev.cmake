# Settings for the project's own tests and examples; never applied to consumers.

# All of the project's programs in one directory, so that tests find the
# examples and helpers next to themselves.
if(NOT CMAKE_RUNTIME_OUTPUT_DIRECTORY)
  set(CMAKE_RUNTIME_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/bin")
endif()

# Warnings are errors in the project's own builds.
add_library(mailslot_project_options INTERFACE)
if(MSVC)
  target_compile_options(mailslot_project_options INTERFACE /W4 /WX /permissive- /utf-8)
else()
  target_compile_options(mailslot_project_options INTERFACE
    -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Werror)
endif()

# Cross builds run their programs under Wine; refuse a Wine that is not faithful.
if(CMAKE_CROSSCOMPILING AND WIN32 AND CMAKE_CROSSCOMPILING_EMULATOR)
  list(GET CMAKE_CROSSCOMPILING_EMULATOR 0 _mailslot_emulator)
  get_filename_component(_mailslot_emulator_name "${_mailslot_emulator}" NAME)
  if(_mailslot_emulator_name STREQUAL "wine-exec.sh")
    execute_process(COMMAND "${_mailslot_emulator}" --check
      RESULT_VARIABLE _mailslot_wine_result
      OUTPUT_VARIABLE _mailslot_wine_version OUTPUT_STRIP_TRAILING_WHITESPACE
      ERROR_VARIABLE _mailslot_wine_error ERROR_STRIP_TRAILING_WHITESPACE)
    if(NOT _mailslot_wine_result EQUAL 0)
      message(FATAL_ERROR "Cannot run the Windows tests under Wine:\n${_mailslot_wine_error}")
    endif()
    message(STATUS "Windows programs run under ${_mailslot_wine_version}")
  endif()
endif()

# Asio and Boost for the Asio integration's tests and example: only their
# headers are put on the include path (links in the build tree), never the
# whole folder they sit in, so that a cross build does not see the build
# machine's own C library headers. On Windows the folder itself goes on the
# include path: making a link there needs administrator rights or Developer
# Mode, and vcpkg's include folder (the Windows workflow's) holds packages'
# headers only.
if(WIN32)
  set(MAILSLOT_ASIO_HEADERS "/usr/include" CACHE PATH
      "Folder holding asio.hpp, asio/ and boost/ (for the Asio integration's tests)")
  option(MAILSLOT_REQUIRE_ASIO "Fail when the Asio integration's tests cannot be built" OFF)
  if(EXISTS "${MAILSLOT_ASIO_HEADERS}/asio.hpp" AND EXISTS "${MAILSLOT_ASIO_HEADERS}/boost/asio.hpp")
    if(CMAKE_HOST_WIN32)
      set(_mailslot_asio_headers "${MAILSLOT_ASIO_HEADERS}")
    else()
      set(_mailslot_asio_headers "${PROJECT_BINARY_DIR}/asio_headers")
      file(MAKE_DIRECTORY "${_mailslot_asio_headers}")
      foreach(_entry IN ITEMS asio.hpp asio boost)
        file(CREATE_LINK "${MAILSLOT_ASIO_HEADERS}/${_entry}" "${_mailslot_asio_headers}/${_entry}"
             SYMBOLIC)
      endforeach()
    endif()
    add_library(mailslot_dev_asio INTERFACE)
    target_include_directories(mailslot_dev_asio SYSTEM INTERFACE "${_mailslot_asio_headers}")
    target_compile_definitions(mailslot_dev_asio INTERFACE ASIO_NO_DEPRECATED
                                                           BOOST_ASIO_NO_DEPRECATED)
    if(MSVC)
      # Boost's headers would otherwise ask MSVC's linker for Boost libraries
      # (auto-linking); the integration needs none.
      target_compile_definitions(mailslot_dev_asio INTERFACE BOOST_ALL_NO_LIB)
    endif()
    target_link_libraries(mailslot_dev_asio INTERFACE mailslot::asio)
  elseif(MAILSLOT_REQUIRE_ASIO)
    message(FATAL_ERROR "Asio and Boost headers not found in ${MAILSLOT_ASIO_HEADERS} "
                        "(install libasio-dev and libboost-dev, or set MAILSLOT_ASIO_HEADERS)")
  else()
    message(STATUS "Asio or Boost headers not found in ${MAILSLOT_ASIO_HEADERS}: "
                   "the Asio tests and example are skipped")
  endif()
endif()
