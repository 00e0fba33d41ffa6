# Cxx2GoOptions.cmake — the build options shared by the root project and the two projects that also build
# standalone (compiler/, runtime/cpp/). Whichever of them is configured first defines them, so their
# defaults follow whether that project is the top-level one: a developer's build of this repository gets
# -Werror, tests and examples; a project that pulls cxx2go in (add_subdirectory, FetchContent) gets none of
# them, and needs no GoogleTest.
include_guard(GLOBAL)

option(CXX2GO_WERROR "Treat compiler warnings in cxx2go's own code as errors" ${PROJECT_IS_TOP_LEVEL})
option(CXX2GO_BUILD_TESTS "Build and register cxx2go's tests (needs GoogleTest)" ${PROJECT_IS_TOP_LEVEL})
option(CXX2GO_BUILD_EXAMPLES "Configure the examples of `make demo` (built by `ninja examples`)"
       ${PROJECT_IS_TOP_LEVEL})

# The warnings of every target cxx2go compiles for itself.
set(CXX2GO_WARNINGS -Wall -Wextra -Wpedantic)
# GCC 12 reports the memcpy that `"literal" + std::string(...)` inlines at -O2 and above as overlapping
# (-Wrestrict, GCC bug 105329): a false positive on an idiom the compiler and its tests use throughout,
# which made -Werror Release builds fail.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
   AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND CXX2GO_WARNINGS -Wno-restrict)
endif()
if(CXX2GO_WERROR)
  list(APPEND CXX2GO_WARNINGS -Werror)
endif()
