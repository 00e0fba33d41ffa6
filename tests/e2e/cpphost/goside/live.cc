// cxx2go::live_counts() for goimpl.LiveCounts: the C++ runtime is in this archive (compiled into the Go
// runtime package), so this file includes only its headers.
#include <cstdint>

#include "cxx2go/runtime.h"

extern "C" void e2e_cpp_live_counts(uint64_t* outgoing, uint64_t* incoming) {
  const cxx2go::LiveCounts c = cxx2go::live_counts();
  *outgoing = c.outgoing_calls;
  *incoming = c.incoming_calls;
}
