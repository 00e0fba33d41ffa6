# The build step of cxx2go_example_go_program (examples/CMakeLists.txt), run as `cmake -P`:
#   -DGO=<go command> -DGOWORK=<go.work> -DPACKAGE=<main package> -DOUTPUT=<executable>
#   [-DCGO_SOURCES=<dir|dir|…>] [-DLINK_INPUTS=<file|file|…>]
# The executable counterpart of cmake/Cxx2GoCArchiveBuild.cmake, with the same remedy for cgo packages
# that #include C/C++ sources from outside their own directory, as the cxx2go runtime package does with
# runtime/cpp/src: the go command's cache does not see those files, so a hash of them goes into
# CGO_CFLAGS/CGO_CXXFLAGS, which it does see.
#
# LINK_INPUTS are libraries that cgo LDFLAGS name (built by CMake). The go command does not see those
# either, and would keep a program linked with an old one; it links again when the program is missing.
cmake_minimum_required(VERSION 3.22)

foreach(required GO GOWORK PACKAGE OUTPUT)
  if(NOT ${required})
    message(FATAL_ERROR "go_build.cmake: ${required} is not set")
  endif()
endforeach()

string(REPLACE "|" ";" cgo_sources "${CGO_SOURCES}")
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
  foreach(var CGO_CFLAGS CGO_CXXFLAGS)
    if(DEFINED ENV{${var}})
      set(flags "$ENV{${var}}")
    else()
      set(flags "-O2 -g")  # the go command's default
    endif()
    set(ENV{${var}} "${flags} -DCXX2GO_CGO_SOURCES_HASH=${sources_hash}")
  endforeach()
endif()

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
