// The versions the compiler stamps into generated code, read from the runtime's own headers so that
// they are written down once: the release (cxx2go/version.h, printed by --version and named in
// generated headers) and the runtime ABI that generated code is written against (cxx2go/abi.h; the Go
// runtime exports it as SupportPackageIsVersion<N>, the C++ headers as CXX2GO_ABI_VERSION). The
// compiler is built from the same tree as the runtime, hence the relative paths.
#pragma once

#include <string>
#include <string_view>

#include "../../runtime/cpp/include/cxx2go/abi.h"
#include "../../runtime/cpp/include/cxx2go/version.h"

namespace cxx2go::compiler {

inline constexpr std::string_view kVersion = CXX2GO_VERSION_STRING;
inline constexpr int kRuntimeAbiVersion = CXX2GO_ABI_VERSION;

// The Go runtime's constant that generated Go references: only a runtime of the same ABI defines it.
inline std::string go_support_package_constant() {
  return "SupportPackageIsVersion" + std::to_string(kRuntimeAbiVersion);
}

}  // namespace cxx2go::compiler
