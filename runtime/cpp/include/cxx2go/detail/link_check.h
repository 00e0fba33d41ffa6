// cxx2go/detail/link_check.h — makes the linker check that a program has exactly one C++ runtime, of the
// version of these headers.
//
// The C++ runtime defines the symbol below (runtime.cc); every translation unit that includes
// cxx2go/cxx2go.h references it. So a program links only if it has a runtime whose version and ABI are
// the headers', and the linker names the symbol when it does not:
//  - "undefined reference to `cxx2go_runtime_v<major>_<minor>_<patch>_abi<N>_linked_once'": no runtime,
//    usually because a C++ program does not link its Go c-archive (the runtime lives in the Go runtime
//    package), or one of another version (headers from one cxx2go release, the Go module from another);
//  - "multiple definition of `cxx2go_runtime_v…_linked_once'": two copies of the runtime.
#pragma once

#include "cxx2go/abi.h"
#include "cxx2go/version.h"

#define CXX2GO_DETAIL_LINK_CHECK_NAME_(major, minor, patch, abi) \
  cxx2go_runtime_v##major##_##minor##_##patch##_abi##abi##_linked_once
#define CXX2GO_DETAIL_LINK_CHECK_NAME(major, minor, patch, abi) \
  CXX2GO_DETAIL_LINK_CHECK_NAME_(major, minor, patch, abi)
#define CXX2GO_DETAIL_LINK_CHECK                                                                 \
  CXX2GO_DETAIL_LINK_CHECK_NAME(CXX2GO_VERSION_MAJOR, CXX2GO_VERSION_MINOR, CXX2GO_VERSION_PATCH, \
                                CXX2GO_ABI_VERSION)

extern "C" const int CXX2GO_DETAIL_LINK_CHECK;

namespace cxx2go::detail {
// Internal and kept (`used`): each translation unit emits its own reference, whether or not it calls the
// runtime, so that the check cannot be optimized away.
[[gnu::used]] static const int* const link_check = &CXX2GO_DETAIL_LINK_CHECK;
}  // namespace cxx2go::detail
