# Runs one golden diagnostics case: `cxx2go --check CASE.c2g` must exit with status 1 and print exactly
# CASE.expected on stderr (and nothing on stdout).
#   cmake -DCXX2GO=path/to/cxx2go -DCASE=tests/diagnostics/name -P run_diagnostics_case.cmake
# With the environment variable CXX2GO_UPDATE_GOLDENS=1 it rewrites CASE.expected instead; review the
# diff before committing it.
execute_process(
  COMMAND "${CXX2GO}" --check "${CASE}.c2g"
  RESULT_VARIABLE status
  OUTPUT_VARIABLE stdout
  ERROR_VARIABLE stderr)

if("$ENV{CXX2GO_UPDATE_GOLDENS}" STREQUAL "1")
  file(WRITE "${CASE}.expected" "${stderr}")
  return()
endif()

file(READ "${CASE}.expected" expected)
if(NOT status EQUAL 1)
  message(FATAL_ERROR "${CASE}.c2g: expected exit status 1, got ${status}\nstderr:\n${stderr}")
endif()
if(NOT stdout STREQUAL "")
  message(FATAL_ERROR "${CASE}.c2g: expected nothing on stdout, got:\n${stdout}")
endif()
if(NOT stderr STREQUAL expected)
  message(FATAL_ERROR "${CASE}.c2g: stderr differs from ${CASE}.expected\n--- expected\n${expected}--- actual\n${stderr}")
endif()
