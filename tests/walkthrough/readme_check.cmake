# Fails unless README.md shows each of FILES (paths under tests/walkthrough)
# word for word: the walkthrough in the README is the code the tests build.
#   cmake -DREADME=... -DDIR=... -DFILES=a;b -P readme_check.cmake
file(READ "${README}" _readme)
foreach(_file IN LISTS FILES)
  file(READ "${DIR}/${_file}" _text)
  string(FIND "${_readme}" "${_text}" _at)
  if(_at EQUAL -1)
    message(FATAL_ERROR "README.md does not show tests/walkthrough/${_file} as it is")
  endif()
endforeach()
message(STATUS "README.md shows the walkthrough's files as they are")
