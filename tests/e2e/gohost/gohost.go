// Package gohost is the Go host of the end-to-end tests: a Go process that compiles the C++ side (the
// generated C++ of the e2e schema and tests/e2e/cppimpl) through cgo. Its test (gohost_test.go) runs both
// batteries and the life-cycle scenarios. The C++ runtime comes from the Go runtime package, so the C++
// here includes only headers.
package gohost

/*
#cgo CXXFLAGS: -std=c++20 -Wall -Wextra -Werror -I${SRCDIR}/../../../runtime/cpp/include -I${SRCDIR}/../../gen/e2e/cpp
#cgo LDFLAGS: -lstdc++
#include <stdlib.h>
#include "hooks.h"
*/
import "C"

import (
	"strings"
	"unsafe"

	_ "github.com/cxx2go/cxx2go/runtime/cpp" // the runtime headers our C++ includes: rebuild when they change
	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
	_ "github.com/cxx2go/cxx2go/tests" // the C++ we include from tests/: rebuild when it changes
)

func codeErr(code C.int32_t, what string) error {
	if cxx2go.Code(code) == cxx2go.OK {
		return nil
	}
	return cxx2go.Errorf(cxx2go.Code(code), "%s", what)
}

// RegisterCppServices registers the C++ implementations of e2e.CppSide and e2e.Affine.
func RegisterCppServices() error {
	return codeErr(C.e2e_register_cpp_services(), "registering the C++ services")
}

// UnregisterCppService unregisters the C++ service name ("e2e.Affine").
func UnregisterCppService(name string) error {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	return codeErr(C.e2e_unregister_cpp_service(cname), "unregistering "+name)
}

// CppCheckNames returns the names of the C++ battery's checks.
func CppCheckNames() []string {
	p := C.e2e_cpp_check_names()
	if p == nil {
		return nil
	}
	defer C.free(unsafe.Pointer(p))
	return strings.Fields(C.GoString(p))
}

// LiveCounts returns cxx2go::live_counts(): C++ → Go calls, Go → C++ calls and call records alive.
func LiveCounts() (outgoing, incoming, records uint64) {
	var o, i, r C.uint64_t
	C.e2e_live_counts(&o, &i, &r)
	return uint64(o), uint64(i), uint64(r)
}

// ActiveSleeps returns how many CppSide.sleep calls are sleeping.
func ActiveSleeps() int { return int(C.e2e_active_sleeps()) }

// CallGoDeadline calls GoSide.deadline() from C++ and returns its result and status code.
func CallGoDeadline() (int64, cxx2go.Code) {
	var out C.int64_t
	code := C.e2e_call_go_deadline(&out)
	return int64(out), cxx2go.Code(code)
}

// StartGoSleep starts GoSide.sleep_async(60 s) from C++; FinishGoSleep waits up to 10 s for its future and
// returns its status code (-2: not resolved in time).
func StartGoSleep() { C.e2e_start_go_sleep() }

// FinishGoSleep: see StartGoSleep.
func FinishGoSleep() cxx2go.Code { return cxx2go.Code(C.e2e_finish_go_sleep()) }
