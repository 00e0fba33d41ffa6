# Cxx2GoVersion.cmake — reads the cxx2go version from runtime/cpp/include/cxx2go/version.h, the one place it
# is written, into CXX2GO_VERSION_MAJOR, CXX2GO_VERSION_MINOR, CXX2GO_VERSION_PATCH and CXX2GO_VERSION
# ("MAJOR.MINOR.PATCH"). Usable before project(): the root project takes its VERSION from here.
include_guard(DIRECTORY)

set(CXX2GO_VERSION_HEADER "${CMAKE_CURRENT_LIST_DIR}/../runtime/cpp/include/cxx2go/version.h")
get_filename_component(CXX2GO_VERSION_HEADER "${CXX2GO_VERSION_HEADER}" ABSOLUTE)
# Reconfigure when the version changes.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${CXX2GO_VERSION_HEADER}")

file(STRINGS "${CXX2GO_VERSION_HEADER}" cxx2go_version_lines REGEX "^#define CXX2GO_VERSION_[A-Z]+ ")
foreach(part MAJOR MINOR PATCH)
  if(NOT cxx2go_version_lines MATCHES "#define CXX2GO_VERSION_${part} ([0-9]+)")
    message(FATAL_ERROR "${CXX2GO_VERSION_HEADER}: no '#define CXX2GO_VERSION_${part} <number>'")
  endif()
  set(CXX2GO_VERSION_${part} "${CMAKE_MATCH_1}")
endforeach()
set(CXX2GO_VERSION "${CXX2GO_VERSION_MAJOR}.${CXX2GO_VERSION_MINOR}.${CXX2GO_VERSION_PATCH}")
if(NOT cxx2go_version_lines MATCHES "#define CXX2GO_VERSION_STRING \"([^\"]*)\"")
  message(FATAL_ERROR "${CXX2GO_VERSION_HEADER}: no '#define CXX2GO_VERSION_STRING \"...\"'")
endif()
if(NOT CMAKE_MATCH_1 STREQUAL CXX2GO_VERSION)
  message(FATAL_ERROR "${CXX2GO_VERSION_HEADER}: CXX2GO_VERSION_STRING is \"${CMAKE_MATCH_1}\", but "
                      "MAJOR.MINOR.PATCH say ${CXX2GO_VERSION}")
endif()
unset(cxx2go_version_lines)
