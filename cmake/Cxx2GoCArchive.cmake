# Cxx2GoCArchive.cmake — link Go code into a C++ program ("C++ host"): build a Go main package with
# `go build -buildmode=c-archive` and link the archive like any static library.
#
#   find_package(cxx2go CONFIG REQUIRED)  # or add_subdirectory/FetchContent of cxx2go (docs/cmake.md); or
#   include(Cxx2GoCArchive)               # with this directory in CMAKE_MODULE_PATH
#
#   cxx2go_add_go_c_archive(my_go
#     PACKAGE ./cmd/my_go_side                      # a Go `package main` (import path or ./dir)
#     OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/libmy_go.a
#     WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}       # where `go build` runs: inside the Go module
#     [GOEXPERIMENT cgocheck2]                      # build the Go side with GOEXPERIMENT=<value>
#     [RACE]                                        # build the Go side with the race detector (-race)
#     [GO_FLAGS -trimpath ...]                      # more `go build` flags
#     [CGO_FLAGS -fsanitize=thread ...]             # added to CGO_CFLAGS, CGO_CXXFLAGS and CGO_LDFLAGS
#     [GO_EXECUTABLE /usr/local/go/bin/go])         # default: CXX2GO_GO_EXECUTABLE, else `go` on PATH
#
#   add_executable(app main.cc)
#   target_link_libraries(app PRIVATE my_go)
#
# What it creates:
#   <name>            an IMPORTED STATIC library: the archive, with pthread and libdl as link dependencies
#                     and the directory of the header `go build` writes (<OUTPUT minus .a>.h, declaring
#                     the //export functions of the main package) as its include directory. Linking it
#                     builds it first.
#   <name>_go_build   the custom target that runs `go build`. It runs on every build of something that
#                     links <name>, because only the go command knows whether the Go side is up to date
#                     (its build cache makes an unchanged rebuild a quick relink); the archive is replaced
#                     only when its contents change, so an unchanged Go side does not relink the program.
#
# One Go runtime per process: link at most one c-archive into a program (golang/go#20639). A process that
# contains Go gets the cxx2go C++ runtime from the Go runtime package (docs/design.md), so a program that
# links this archive must NOT also link the cxx2go_runtime CMake library: link cxx2go_headers instead.
#
# The go command keys its build cache on the files of each package's directory and the files it embeds,
# so keep the C and C++ a cgo package compiles in its own directory (the cxx2go runtime package embeds the
# C++ runtime it compiles from runtime/cpp for this reason).
#
# RACE: the archive then contains the Go race detector's runtime (ThreadSanitizer-based, for Go code
# only). Programs linking it are linked with -no-pie: that runtime maps its shadow memory at fixed
# addresses and fails at start-up ("ThreadSanitizer failed to allocate ... (errno: 12)") when a PIE
# program is loaded where the shadow goes. The program must not itself be built with -fsanitize=thread.
# Set GORACE=halt_on_error=1 when running it to make the first race fatal.
#
# CGO_FLAGS: flags for every C and C++ file cgo compiles into the archive (the cxx2go C++ runtime included,
# and cgo's own libcgo) and for cgo's link checks. A program built with a C/C++ sanitizer passes the same
# -fsanitize flag here so that the C++ the Go side contains is instrumented like the rest: with
# -fsanitize=thread, libcgo also tells ThreadSanitizer how cgo calls synchronize (the Go code itself stays
# uninstrumented: that is what RACE is for, and the two cannot share a process).

# Included once per build (the guard is GLOBAL), possibly from several directories: so nothing below
# depends on variables or directory-scoped targets of the including directory.
include_guard(GLOBAL)

set(CXX2GO_GO_EXECUTABLE "" CACHE FILEPATH "The go command used to build Go c-archives (default: go on PATH)")

function(cxx2go_add_go_c_archive name)
  find_package(Threads REQUIRED)
  set(build_script "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/Cxx2GoCArchiveBuild.cmake")
  cmake_parse_arguments(PARSE_ARGV 1 arg "RACE" "PACKAGE;OUTPUT;WORKING_DIRECTORY;GOEXPERIMENT;GO_EXECUTABLE"
                        "GO_FLAGS;CGO_FLAGS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "cxx2go_add_go_c_archive(${name}): unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_PACKAGE OR NOT arg_OUTPUT)
    message(FATAL_ERROR "cxx2go_add_go_c_archive(${name}): PACKAGE and OUTPUT are required")
  endif()
  if(NOT arg_OUTPUT MATCHES "\\.a$")
    message(FATAL_ERROR "cxx2go_add_go_c_archive(${name}): OUTPUT must end in .a, not ${arg_OUTPUT}")
  endif()
  if(NOT IS_ABSOLUTE "${arg_OUTPUT}")
    set(arg_OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/${arg_OUTPUT}")
  endif()
  if(NOT arg_WORKING_DIRECTORY)
    set(arg_WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}")
  endif()

  set(go "${arg_GO_EXECUTABLE}")
  if(NOT go)
    set(go "${CXX2GO_GO_EXECUTABLE}")
  endif()
  if(NOT go)
    find_program(CXX2GO_GO_ON_PATH go REQUIRED)
    set(go "${CXX2GO_GO_ON_PATH}")
  endif()

  string(REGEX REPLACE "\\.a$" ".h" header "${arg_OUTPUT}")
  get_filename_component(output_dir "${arg_OUTPUT}" DIRECTORY)
  file(MAKE_DIRECTORY "${output_dir}")

  set(race 0)
  if(arg_RACE)
    set(race 1)
  endif()
  # Lists travel to the script as "|"-separated strings (";" would split the -D argument).
  string(REPLACE ";" "|" go_flags "${arg_GO_FLAGS}")
  string(REPLACE ";" "|" cgo_flags "${arg_CGO_FLAGS}")

  add_custom_target(${name}_go_build
    COMMAND "${CMAKE_COMMAND}"
            "-DGO=${go}"
            "-DPACKAGE=${arg_PACKAGE}"
            "-DOUTPUT=${arg_OUTPUT}"
            "-DGOEXPERIMENT=${arg_GOEXPERIMENT}"
            "-DRACE=${race}"
            "-DGO_FLAGS=${go_flags}"
            "-DCGO_FLAGS=${cgo_flags}"
            -P "${build_script}"
    WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}"
    BYPRODUCTS "${arg_OUTPUT}" "${header}"
    COMMENT "go build -buildmode=c-archive ${arg_PACKAGE} -> ${arg_OUTPUT}"
    VERBATIM
    USES_TERMINAL)

  add_library(${name} STATIC IMPORTED GLOBAL)
  set_target_properties(${name} PROPERTIES
    IMPORTED_LOCATION "${arg_OUTPUT}"
    INTERFACE_INCLUDE_DIRECTORIES "${output_dir}"
    # Flags, not Threads::Threads: <name> is GLOBAL, and an imported Threads::Threads exists only in the
    # directories that looked for it.
    INTERFACE_LINK_LIBRARIES "${CMAKE_THREAD_LIBS_INIT};${CMAKE_DL_LIBS}")
  if(arg_RACE)
    set_property(TARGET ${name} APPEND PROPERTY INTERFACE_LINK_OPTIONS -no-pie)
  endif()
  add_dependencies(${name} ${name}_go_build)
endfunction()
