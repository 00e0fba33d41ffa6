# Cxx2GoGenerate.cmake — generate the bindings of cxx2go schemas at build time.
#
#   find_package(cxx2go CONFIG REQUIRED)   # or add_subdirectory / FetchContent of cxx2go: both define it
#
#   add_executable(app main.cc)
#   cxx2go_generate(TARGET app
#     SCHEMAS shop.c2g [more.c2g ...]        # relative paths are relative to CMAKE_CURRENT_SOURCE_DIR
#     [CPP_OUT <dir>]                        # default ${CMAKE_CURRENT_BINARY_DIR}/cxx2go_gen
#     [GO_OUT <dir>]                         # also write the Go bindings: --go_out=<dir>
#     [GO_OPTS <opt> ...])                   # each passed as --go_opt=<opt>, e.g. module=example.com/app
#
# For each schema STEM.c2g, the compiler (cxx2go::compiler) writes <CPP_OUT>/STEM.c2g.h and STEM.c2g.cc,
# again whenever the schema or the compiler changes. The .cc files are added to <target>'s sources, and
# <target> gets CPP_OUT as an include directory and links cxx2go::headers (both PUBLIC). Relative CPP_OUT
# and GO_OUT are relative to CMAKE_CURRENT_BINARY_DIR.
#
# With GO_OUT, a second command writes the Go bindings, in a custom target <target>_go_bindings (part of
# the default build). The compiler runs in CMAKE_CURRENT_SOURCE_DIR and is given the schema's path relative
# to it when the schema is below it (what --go_opt=paths=source_relative places the files by). Where under
# GO_OUT the Go file lands depends on the schema's go_package and on GO_OPTS, so the command's output is a
# stamp file; make whatever builds the Go code depend on the target, e.g. for a C++ program's Go side:
#   add_dependencies(my_go_go_build app_go_bindings)   # my_go from cxx2go_add_go_c_archive(my_go ...)
include_guard(GLOBAL)

function(cxx2go_generate)
  set(keywords TARGET SCHEMAS CPP_OUT GO_OUT GO_OPTS)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "TARGET;CPP_OUT;GO_OUT" "SCHEMAS;GO_OPTS")
  # A misspelt keyword after SCHEMAS or GO_OPTS would be taken as one of their values: an argument in
  # capitals is none (schemas end in .c2g, Go options are lower case).
  foreach(value IN LISTS arg_UNPARSED_ARGUMENTS arg_SCHEMAS arg_GO_OPTS)
    if(value MATCHES "^[A-Z][A-Z0-9_]*$")
      list(APPEND arg_UNPARSED_ARGUMENTS "${value}")
    endif()
  endforeach()
  if(arg_UNPARSED_ARGUMENTS)
    list(REMOVE_DUPLICATES arg_UNPARSED_ARGUMENTS)
    list(JOIN keywords ", " known)
    message(FATAL_ERROR "cxx2go_generate: unknown keyword or argument(s) ${arg_UNPARSED_ARGUMENTS} "
                        "(keywords: ${known})")
  endif()
  if(NOT arg_TARGET)
    message(FATAL_ERROR "cxx2go_generate: TARGET <target> is required: the target the generated C++ is "
                        "compiled into")
  endif()
  if(NOT TARGET "${arg_TARGET}")
    message(FATAL_ERROR "cxx2go_generate: TARGET ${arg_TARGET} is not a target: call it after "
                        "add_executable/add_library(${arg_TARGET} ...)")
  endif()
  if(NOT arg_SCHEMAS)
    message(FATAL_ERROR "cxx2go_generate(TARGET ${arg_TARGET}): SCHEMAS <file.c2g>... is required")
  endif()
  if(arg_GO_OPTS AND NOT arg_GO_OUT)
    message(FATAL_ERROR "cxx2go_generate(TARGET ${arg_TARGET}): GO_OPTS needs GO_OUT")
  endif()
  if(NOT TARGET cxx2go::compiler OR NOT TARGET cxx2go::headers)
    message(FATAL_ERROR "cxx2go_generate: cxx2go::compiler or cxx2go::headers is not defined here: "
                        "find_package(cxx2go CONFIG REQUIRED) in this directory or a parent")
  endif()

  set(cpp_out "${arg_CPP_OUT}")
  if(NOT cpp_out)
    set(cpp_out "cxx2go_gen")
  endif()
  get_filename_component(cpp_out "${cpp_out}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  set(go_command)
  if(arg_GO_OUT)
    get_filename_component(go_out "${arg_GO_OUT}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
    set(go_command "--go_out=${go_out}")
    foreach(opt IN LISTS arg_GO_OPTS)
      list(APPEND go_command "--go_opt=${opt}")
    endforeach()
    set(stamp_dir "${CMAKE_CURRENT_BINARY_DIR}/cxx2go_stamps/${arg_TARGET}")
  endif()

  set(cpp_sources)
  set(go_stamps)
  foreach(schema IN LISTS arg_SCHEMAS)
    if(NOT schema MATCHES "\\.c2g$")
      message(FATAL_ERROR "cxx2go_generate(TARGET ${arg_TARGET}): schema '${schema}' does not end in .c2g")
    endif()
    get_filename_component(schema_path "${schema}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    get_filename_component(schema_name "${schema_path}" NAME)
    string(REGEX REPLACE "\\.c2g$" "" stem "${schema_name}")
    # As the compiler is given it: relative when below the source directory (see paths=source_relative).
    file(RELATIVE_PATH schema_arg "${CMAKE_CURRENT_SOURCE_DIR}" "${schema_path}")
    if(schema_arg MATCHES "^\\.\\./" OR IS_ABSOLUTE "${schema_arg}")
      set(schema_arg "${schema_path}")
    endif()

    set(header "${cpp_out}/${stem}.c2g.h")
    set(source "${cpp_out}/${stem}.c2g.cc")
    add_custom_command(
      OUTPUT "${header}" "${source}"
      COMMAND cxx2go::compiler "--cpp_out=${cpp_out}" "${schema_arg}"
      DEPENDS "${schema_path}" cxx2go::compiler
      WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
      COMMENT "cxx2go: C++ bindings of ${schema_name}"
      VERBATIM)
    list(APPEND cpp_sources "${header}" "${source}")

    if(arg_GO_OUT)
      set(stamp "${stamp_dir}/${stem}.c2g.go.stamp")
      add_custom_command(
        OUTPUT "${stamp}"
        COMMAND cxx2go::compiler ${go_command} "${schema_arg}"
        COMMAND "${CMAKE_COMMAND}" -E touch "${stamp}"
        DEPENDS "${schema_path}" cxx2go::compiler
        WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
        COMMENT "cxx2go: Go bindings of ${schema_name}"
        VERBATIM)
      list(APPEND go_stamps "${stamp}")
    endif()
  endforeach()

  target_sources("${arg_TARGET}" PRIVATE ${cpp_sources})
  target_include_directories("${arg_TARGET}" PUBLIC "${cpp_out}")
  target_link_libraries("${arg_TARGET}" PUBLIC cxx2go::headers)
  if(go_stamps)
    file(MAKE_DIRECTORY "${stamp_dir}")
    set(go_target "${arg_TARGET}_go_bindings")
    if(NOT TARGET "${go_target}")
      add_custom_target("${go_target}" ALL DEPENDS ${go_stamps})
    else()
      # Another call for the same target: <target>_go_bindings also waits for this call's schemas.
      get_property(calls TARGET "${go_target}" PROPERTY CXX2GO_GENERATE_CALLS)
      math(EXPR calls "${calls} + 1")
      set_property(TARGET "${go_target}" PROPERTY CXX2GO_GENERATE_CALLS "${calls}")
      add_custom_target("${go_target}_${calls}" DEPENDS ${go_stamps})
      add_dependencies("${go_target}" "${go_target}_${calls}")
    endif()
  endif()
endfunction()
