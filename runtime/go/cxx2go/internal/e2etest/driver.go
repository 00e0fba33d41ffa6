// Package e2etest tests the cxx2go runtime end to end in a Go host, without running the schema
// compiler: the bindings of tiny.c2g (tiny.c2g.go, tiny.c2g.h, tiny.c2g.cc) are generated and checked in
// (scripts/check-goldens.sh keeps them current), the C++ side is compiled into this package by cgo, and
// the Go test drives both directions (e2e_test.go).
//
// Test files cannot use cgo, so this file wraps the C entry points of the C++ side (driver.h).
package e2etest

/*
#cgo CXXFLAGS: -std=c++20 -Wall -Wextra -Werror -I${SRCDIR}/../../../../cpp/include
#cgo LDFLAGS: -lstdc++
#include <stdlib.h>
#include "driver.h"
*/
import "C"

import (
	"time"
	"unsafe"

	_ "github.com/cxx2go/cxx2go/runtime/cpp" // the runtime headers our C++ includes: rebuild when they change
	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
)

// Outcome is what a call made by C++ code to Go returned.
type Outcome struct {
	Code    cxx2go.Code
	Text    string // the string result, or the error message
	Value   int64  // the integer result
	Elapsed time.Duration
}

func outcome(o C.tiny_outcome) Outcome {
	out := Outcome{Code: cxx2go.Code(o.code), Value: int64(o.value), Elapsed: time.Duration(o.elapsed_ms) * time.Millisecond}
	if o.text != nil {
		out.Text = C.GoStringN(o.text, C.int(o.text_len))
		C.free(unsafe.Pointer(o.text))
	}
	return out
}

func mode(async bool) C.int32_t {
	if async {
		return C.TINY_ASYNC
	}
	return C.TINY_SYNC
}

// RegisterCppSvc registers the C++ implementation of tiny.CppSvc.
func RegisterCppSvc() cxx2go.Code { return cxx2go.Code(C.tiny_register_cpp_svc()) }

// UnregisterCppSvc unregisters it.
func UnregisterCppSvc() cxx2go.Code { return cxx2go.Code(C.tiny_unregister_cpp_svc()) }

// CppCallsGoEcho makes C++ code call GoSvc.echo(s), on a thread C++ created.
func CppCallsGoEcho(s string, async bool) Outcome {
	// s is Go memory passed as a direct argument: C++ copies it before the call returns.
	return outcome(C.tiny_go_echo((*C.char)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s)), mode(async)))
}

// CppCallsGoAdd makes C++ code call GoSvc.add(a, b).
func CppCallsGoAdd(a, b int64, async bool) Outcome {
	return outcome(C.tiny_go_add(C.int64_t(a), C.int64_t(b), mode(async)))
}

// CppCallsGoDirectAdd makes C++ code call the @direct GoSvc.direct_add(a, b), with a timeout if > 0.
func CppCallsGoDirectAdd(a, b int64, timeout time.Duration) Outcome {
	return outcome(C.tiny_go_direct_add(C.int64_t(a), C.int64_t(b), C.int64_t(timeout.Milliseconds())))
}

// CppCallsGoDirectMove makes C++ code call the @direct GoSvc.direct_move; the text is "x y quadrant on_axis".
func CppCallsGoDirectMove(p Point, dx float64) Outcome {
	onAxis := 0
	if p.OnAxis {
		onAxis = 1
	}
	return outcome(C.tiny_go_direct_move(C.double(p.X), C.float(p.Y), C.int32_t(p.Quadrant), C.int32_t(onAxis), C.double(dx)))
}

// CppCallsGoDirectLen makes C++ code call the @direct GoSvc.direct_len(s, {"a", "", "xyz"}, {1, 2}).
func CppCallsGoDirectLen(s string) Outcome {
	return outcome(C.tiny_go_direct_len((*C.char)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s))))
}

// CppCallsGoDirectFail makes C++ code call the @direct GoSvc.direct_fail(code).
func CppCallsGoDirectFail(code int32) Outcome { return outcome(C.tiny_go_direct_fail(C.int32_t(code))) }

// CppCallsGoFail makes C++ code call GoSvc.fail(code).
func CppCallsGoFail(code int32, async bool) Outcome {
	return outcome(C.tiny_go_fail(C.int32_t(code), mode(async)))
}

// CppCallsGoSlow makes C++ code call GoSvc.slow(ms) with an optional timeout, and (async only) cancel the
// Future after cancelAfter.
func CppCallsGoSlow(ms int64, timeout, cancelAfter time.Duration, async bool) Outcome {
	return outcome(C.tiny_go_slow(C.int64_t(ms), C.int64_t(timeout.Milliseconds()), C.int64_t(cancelAfter.Milliseconds()), mode(async)))
}

// CppCallsUnknownGoMethod makes C++ code call a method id Go does not know.
func CppCallsUnknownGoMethod() Outcome { return outcome(C.tiny_go_unknown()) }

// BenchCppCallsGoAdd makes C++ code call GoSvc.add n times from one C++ thread and returns the time taken.
func BenchCppCallsGoAdd(n int, async bool) time.Duration {
	return time.Duration(C.tiny_bench_go_add(C.int64_t(n), mode(async)))
}

// LiveCounts returns the runtime's live calls and records (cxx2go::live_counts()).
func LiveCounts() (outgoing, incoming, records uint64) {
	var o, i, r C.uint64_t
	C.tiny_live_counts(&o, &i, &r)
	return uint64(o), uint64(i), uint64(r)
}

// CppSlowCancelled returns how many CppSvc.slow calls saw their stop token fire.
func CppSlowCancelled() int64 { return int64(C.tiny_cpp_slow_cancelled()) }

// LastInlineThread returns the thread on which CppSvc.inline_add last ran.
func LastInlineThread() int64 { return int64(C.tiny_last_inline_thread()) }

// RawAdd is direct_add's work over plain cgo (benchmarks).
func RawAdd(a, b int64) int64 { return int64(C.tiny_raw_add(C.int64_t(a), C.int64_t(b))) }

// ThreadIdentity returns the calling thread's identity (pthread_self).
func ThreadIdentity() int64 { return int64(C.tiny_thread_identity()) }
