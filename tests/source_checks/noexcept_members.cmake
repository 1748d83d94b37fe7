# The library's classes hold no standard container as a data member, except
# those listed here, each in a class that promises no noexcept default
# constructor or move. In the MS STL's debug builds (_ITERATOR_DEBUG_LEVEL 2)
# every std::basic_string and std::vector constructor allocates, its noexcept
# default and move constructors included: a noexcept constructor or move of a
# class holding one would end the program when that allocation fails.
# (Data members are the names that end in "_"; tests/windows/allocation_test.cpp
# checks the promises of the classes themselves at run time.)
#   cmake -DINCLUDE=<include dir> -P noexcept_members.cmake
set(_allowed
  # copied, never moved (its move is not noexcept: checked by a static_assert)
  "mailslot/account.hpp: std::string sid_")
cmake_minimum_required(VERSION 3.25)
if(NOT INCLUDE)
  message(FATAL_ERROR "INCLUDE: the library's include folder")
endif()
file(GLOB_RECURSE _files RELATIVE "${INCLUDE}" "${INCLUDE}/mailslot/*.hpp" "${INCLUDE}/mailslot/*.ipp")
set(_containers "std::(basic_string|string|wstring|u8string|u16string|u32string|vector|deque|list|forward_list|map|multimap|set|multiset|unordered_map|unordered_multimap|unordered_set|unordered_multiset)")
set(_problems)
set(_seen)
foreach(_file IN LISTS _files)
  file(READ "${INCLUDE}/${_file}" _text)
  string(REGEX REPLACE "//[^\n]*" "" _text "${_text}")
  string(REPLACE ";" "$" _text "${_text}")  # (a ";" would split the matches below)
  string(REGEX MATCHALL "\n[ \t]+(${_containers}[^$(){}\n]*|string_type)[ \t]+[A-Za-z][A-Za-z0-9_]*_[ \t]*(=[^$\n]*|{[^$\n]*})?[$]"
         _members "${_text}")
  foreach(_member IN LISTS _members)
    string(STRIP "${_member}" _member)
    string(REGEX REPLACE "[ \t]*(=[^$]*|{[^$]*})?[$]$" "" _member "${_member}")
    string(REGEX REPLACE "[ \t]+" " " _member "${_member}")
    set(_entry "${_file}: ${_member}")
    list(APPEND _seen "${_entry}")
    if(NOT _entry IN_LIST _allowed)
      list(APPEND _problems "${_entry}")
    endif()
  endforeach()
endforeach()
list(LENGTH _files _count)
if(_count EQUAL 0)
  message(FATAL_ERROR "no headers found in ${INCLUDE}/mailslot")
endif()
if(_problems)
  list(JOIN _problems "\n  " _text)
  message(FATAL_ERROR "standard containers held by the library's classes (they allocate in "
                      "the MS STL's noexcept constructors of its debug builds; hold them out "
                      "of line, or list the member here if its class promises no noexcept "
                      "construction or move):\n  ${_text}")
endif()
message(STATUS "${_count} headers; the standard containers they hold: ${_seen}")
