# The build step of bench_go_program (bench/CMakeLists.txt), run as `cmake -P`:
#   -DGO=<go command> -DGOWORK=<go.work> -DPACKAGE=<main package> -DOUTPUT=<executable>
#   [-DLINK_INPUTS=<file|file|…>]
# The executable counterpart of cmake/Cxx2GoCArchiveBuild.cmake.
#
# LINK_INPUTS are libraries that cgo LDFLAGS name (built by CMake). The go command does not see those
# either, and would keep a program linked with an old one; it links again when the program is missing.
cmake_minimum_required(VERSION 3.22)

foreach(required GO GOWORK PACKAGE OUTPUT)
  if(NOT ${required})
    message(FATAL_ERROR "go_build.cmake: ${required} is not set")
  endif()
endforeach()

string(REPLACE "|" ";" link_inputs "${LINK_INPUTS}")
foreach(input IN LISTS link_inputs)
  if(EXISTS "${OUTPUT}" AND "${input}" IS_NEWER_THAN "${OUTPUT}")
    file(REMOVE "${OUTPUT}")
  endif()
endforeach()

set(ENV{GOWORK} "${GOWORK}")
set(ENV{CGO_ENABLED} 1)
execute_process(COMMAND "${GO}" build -o "${OUTPUT}" "${PACKAGE}" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "go build ${PACKAGE} failed (${result})")
endif()
