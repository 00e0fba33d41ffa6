# The build step of cxx2go_add_go_c_archive (Cxx2GoCArchive.cmake), run as `cmake -P` in the Go module:
#   -DGO=<go command> -DPACKAGE=<main package> -DOUTPUT=<.a> [-DGOEXPERIMENT=<value>] [-DRACE=1]
#   [-DGO_FLAGS=<a|b|…>] [-DCGO_SOURCES=<dir|dir|…>] [-DCGO_FLAGS=<a|b|…>]
# Builds into a temporary file, then replaces OUTPUT (and its header) only if the contents changed.
cmake_minimum_required(VERSION 3.22)

foreach(required GO PACKAGE OUTPUT)
  if(NOT ${required})
    message(FATAL_ERROR "Cxx2GoCArchiveBuild: ${required} is not set")
  endif()
endforeach()

string(REPLACE "|" ";" go_flags "${GO_FLAGS}")
string(REPLACE "|" ";" cgo_sources "${CGO_SOURCES}")
string(REPLACE "|" " " cgo_flags "${CGO_FLAGS}")

# Key the go command's cache on C/C++ files that cgo packages include from outside their directory.
if(cgo_sources)
  set(files)
  foreach(dir IN LISTS cgo_sources)
    file(GLOB_RECURSE found LIST_DIRECTORIES false "${dir}/*.h" "${dir}/*.hh" "${dir}/*.hpp" "${dir}/*.c"
         "${dir}/*.cc" "${dir}/*.cpp")
    list(APPEND files ${found})
  endforeach()
  list(SORT files)
  set(digests "")
  foreach(f IN LISTS files)
    file(SHA256 "${f}" digest)
    string(APPEND digests "${f} ${digest}\n")
  endforeach()
  string(SHA256 sources_hash "${digests}")
  string(SUBSTRING "${sources_hash}" 0 16 sources_hash)
  # CGO_CXXFLAGS is part of the cache key of every package with C++ files, and only of those: the cgo
  # packages of the standard library are not rebuilt. A hash already in the environment (scripts/run-e2e.sh
  # sets one) is replaced: defining the macro twice would be a -Werror error.
  if(DEFINED ENV{CGO_CXXFLAGS})
    set(flags "$ENV{CGO_CXXFLAGS}")
    string(REGEX REPLACE " *-DCXX2GO_CGO_SOURCES_HASH=[^ ]*" "" flags "${flags}")
  else()
    set(flags "-O2 -g")  # the go command's default
  endif()
  set(ENV{CGO_CXXFLAGS} "${flags} -DCXX2GO_CGO_SOURCES_HASH=${sources_hash}")
endif()

# After the hash above, so that a CGO_CXXFLAGS set here still carries it.
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
