# Fails unless PAGE (docs/wine.md) shows each of FILES (paths under
# tests/walkthrough) word for word: the walkthrough in the guide is the code
# the tests build.
#   cmake -DPAGE=... -DDIR=... -DFILES=a;b -P page_check.cmake
file(READ "${PAGE}" _page)
foreach(_file IN LISTS FILES)
  file(READ "${DIR}/${_file}" _text)
  string(FIND "${_page}" "${_text}" _at)
  if(_at EQUAL -1)
    message(FATAL_ERROR "${PAGE} does not show tests/walkthrough/${_file} as it is")
  endif()
endforeach()
message(STATUS "${PAGE} shows the walkthrough's files as they are")
