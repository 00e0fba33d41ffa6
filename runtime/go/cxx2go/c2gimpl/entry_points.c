// The table of Go entry points handed to the C++ runtime (abi.h, cxx2go_go_entry_points). It is filled in
// C because the exported functions' C names are only declared in the generated _cgo_export.h.
#include "_cgo_export.h"

void cxx2go_go_fill_entry_points(cxx2go_go_entry_points* eps) {
  eps->abi_version = CXX2GO_ABI_VERSION;
  eps->invoke = cxx2go_go_invoke;
  eps->submit = cxx2go_go_submit;
  eps->cancel = cxx2go_go_cancel;
  eps->complete = cxx2go_go_complete;
  eps->ring_attach = cxx2go_go_ring_attach;
  eps->direct = cxx2go_go_direct;
}
