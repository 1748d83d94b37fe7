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
