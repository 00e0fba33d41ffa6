# The build step of cxx2go_add_go_c_archive (Cxx2GoCArchive.cmake), run as `cmake -P` in the Go module:
#   -DGO=<go command> -DPACKAGE=<main package> -DOUTPUT=<.a> [-DGOEXPERIMENT=<value>] [-DRACE=1]
#   [-DGO_FLAGS=<a|b|…>] [-DCGO_FLAGS=<a|b|…>]
# Builds into a temporary file, then replaces OUTPUT (and its header) only if the contents changed.
cmake_minimum_required(VERSION 3.22)

foreach(required GO PACKAGE OUTPUT)
  if(NOT ${required})
    message(FATAL_ERROR "Cxx2GoCArchiveBuild: ${required} is not set")
  endif()
endforeach()

string(REPLACE "|" ";" go_flags "${GO_FLAGS}")
string(REPLACE "|" " " cgo_flags "${CGO_FLAGS}")

if(cgo_flags)
  foreach(var CGO_CFLAGS CGO_CXXFLAGS CGO_LDFLAGS)
    if(DEFINED ENV{${var}})
      set(ENV{${var}} "$ENV{${var}} ${cgo_flags}")
    elseif(var STREQUAL "CGO_LDFLAGS")
      set(ENV{${var}} "${cgo_flags}")
    else()
      set(ENV{${var}} "-O2 -g ${cgo_flags}")  # the go command's default, plus ours
    endif()
  endforeach()
endif()

if(GOEXPERIMENT)
  set(ENV{GOEXPERIMENT} "${GOEXPERIMENT}")
endif()
set(ENV{CGO_ENABLED} 1)

set(race_flag)
if(RACE)
  set(race_flag -race)
endif()

string(REGEX REPLACE "\\.a$" "" stem "${OUTPUT}")
set(tmp "${stem}.tmp.a")
execute_process(
  COMMAND "${GO}" build -buildmode=c-archive ${race_flag} ${go_flags} -o "${tmp}" "${PACKAGE}"
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  file(REMOVE "${tmp}" "${stem}.tmp.h")
  message(FATAL_ERROR "go build -buildmode=c-archive ${PACKAGE} failed (${result})")
endif()

file(COPY_FILE "${tmp}" "${OUTPUT}" ONLY_IF_DIFFERENT)
if(EXISTS "${stem}.tmp.h")
  file(COPY_FILE "${stem}.tmp.h" "${stem}.h" ONLY_IF_DIFFERENT)
endif()
file(REMOVE "${tmp}" "${stem}.tmp.h")
