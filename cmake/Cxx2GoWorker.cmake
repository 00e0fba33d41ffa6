# Cxx2GoWorker.cmake — build the worker process of isolated cpp services (docs/isolation.md).
#
#   cxx2go_add_worker(<name>
#     SCHEMAS kv.c2g [...]                     # the services' schemas: their C++ bindings are generated
#     SOURCES leveldb_store.cc [...]           # the services' implementations
#     FACTORIES examples::kv::make_store [...] # C++ functions that each make one implementation (the
#                                              # factories of `--go_opt=cgo` packages have this form)
#     [LIBRARIES leveldb ...]                  # what the implementations link
#     [EXECUTOR_THREADS n])                    # the runtime's executor threads (default: the runtime's)
#
# makes the executable <name>: the implementations, their bindings, the C++ runtime without Go
# (cxx2go::runtime) and a main that registers what each factory makes and calls cxx2go::run_worker(). When
# the cxx2go build has them, the worker also gets crash reports with function names and file:line
# (cxx2go::symbolizer) and the seccomp sandbox its host may ask for (cxx2go::seccomp). Point the host at it:
# cxx2go.Options{Isolate: map[string]cxx2go.Worker{"kv.Store": {Path: ".../<name>"}}}, or
# CXX2GO_ISOLATE=kv.Store=.../<name>. A program with a main of its own links cxx2go::runtime (and the
# optional parts) and calls cxx2go::run_worker() itself.
include_guard(GLOBAL)
include("${CMAKE_CURRENT_LIST_DIR}/Cxx2GoGenerate.cmake")
set(_cxx2go_worker_main_in "${CMAKE_CURRENT_LIST_DIR}/cxx2go_worker_main.cc.in")

function(cxx2go_add_worker name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "EXECUTOR_THREADS" "SCHEMAS;SOURCES;FACTORIES;LIBRARIES")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "cxx2go_add_worker(${name}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_SCHEMAS OR NOT arg_FACTORIES)
    message(FATAL_ERROR "cxx2go_add_worker(${name}): SCHEMAS and FACTORIES are required")
  endif()
  set(includes "")
  foreach(schema IN LISTS arg_SCHEMAS)
    get_filename_component(stem "${schema}" NAME_WE)
    string(APPEND includes "#include \"${stem}.c2g.h\"\n")
  endforeach()
  set(registrations "")
  foreach(factory IN LISTS arg_FACTORIES)
    string(APPEND registrations "  if (!register_made(\"${factory}()\", [] { return ${factory}(); })) return 1;\n")
  endforeach()
  set(threads "${arg_EXECUTOR_THREADS}")
  if(NOT threads)
    set(threads 0)
  endif()
  set(seccomp 0)
  if(TARGET cxx2go::seccomp)
    set(seccomp 1)
  endif()
  set(symbolizer 0)
  if(TARGET cxx2go::symbolizer)
    set(symbolizer 1)
  endif()
  set(main "${CMAKE_CURRENT_BINARY_DIR}/${name}_main.cc")
  configure_file("${_cxx2go_worker_main_in}" "${main}" @ONLY)
  add_executable(${name} "${main}" ${arg_SOURCES})
  set_target_properties(${name} PROPERTIES CXX_EXTENSIONS OFF)
  cxx2go_generate(TARGET ${name} SCHEMAS ${arg_SCHEMAS})
  target_link_libraries(${name} PRIVATE cxx2go::runtime ${arg_LIBRARIES})
  if(seccomp)
    target_link_libraries(${name} PRIVATE cxx2go::seccomp)
  endif()
  if(symbolizer)
    target_link_libraries(${name} PRIVATE cxx2go::symbolizer)
  endif()
endfunction()
