// The cgo transport: calls through the Go peer's entry points (abi.h), a cgo call each.
#pragma once

#include <optional>

#include "cxx2go/abi.h"

namespace cxx2go::detail {

// The Go peer (part of Core, core/core.h).
struct CgoPeer {
  cxx2go_go_entry_points go{};  // set before state becomes running, never changed while calls are possible
  std::optional<cxx2go_go_entry_points> installed_peer;
};

}  // namespace cxx2go::detail
