# ctest unit.every-suite-registered: the test suites that unit_tests holds
# (--gtest_list_tests) against SUITES, the comma-separated list that
# tests/CMakeLists.txt found in the sources and gave a ctest entry each.
execute_process(COMMAND ${UNIT_TESTS} --gtest_list_tests
  OUTPUT_VARIABLE _listing RESULT_VARIABLE _status)
if(NOT _status EQUAL 0)
  message(FATAL_ERROR "unit_tests --gtest_list_tests failed (${_status})")
endif()
string(REPLACE "," ";" _registered "${SUITES}")
string(REGEX MATCHALL "(^|\n)[A-Za-z0-9_/]+\\." _heads "${_listing}")
set(_missing)
foreach(_head ${_heads})
  string(REGEX REPLACE "^\n?([A-Za-z0-9_/]+)\\.$" "\\1" _suite "${_head}")
  # A TEST_P suite is listed as Prefix/Suite.
  string(REGEX REPLACE "^.*/" "" _suite "${_suite}")
  list(FIND _registered ${_suite} _index)
  if(_index EQUAL -1)
    list(APPEND _missing ${_suite})
  endif()
endforeach()
list(LENGTH _heads _n)
if(_missing)
  message(FATAL_ERROR "test suites without a ctest entry: ${_missing} "
    "(tests/CMakeLists.txt reads TEST(Suite, ...) at the start of a line)")
endif()
message(STATUS "all ${_n} test suites of unit_tests have a ctest entry")
