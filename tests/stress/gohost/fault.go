package gohost

/*
#include "fault_hooks.h"
*/
import "C"

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
	stress "github.com/cxx2go/cxx2go/tests/gen/stress"
)

// ---- allocation failure (fault_cpp.cc) ----

// ArmAllocFailure makes the n-th C++ allocation from now fail with std::bad_alloc (n > 0), on any thread.
func ArmAllocFailure(n int64) { C.fault_alloc_arm(C.int64_t(n)) }

// DisarmAllocFailure stops injecting and reports whether a failure was injected since ArmAllocFailure.
func DisarmAllocFailure() bool { return C.fault_alloc_disarm() != 0 }

// SweepCppAllocations runs the C++ → Go allocation sweep of kind (fault_hooks.h): points is the number of
// allocations of one call, failed how many calls failed with ResourceExhausted, thrown how many threw
// std::bad_alloc to their C++ caller.
func SweepCppAllocations(kind int) (points int64, failed, thrown uint64, err error) {
	var p C.int64_t
	var f, t C.uint64_t
	var msg [512]C.char
	if C.fault_alloc_sweep_cpp(C.int32_t(kind), &p, &f, &t, &msg[0], C.int32_t(len(msg))) != 0 {
		return 0, 0, 0, fmt.Errorf("%s", C.GoString(&msg[0]))
	}
	return int64(p), uint64(f), uint64(t), nil
}

// ---- stalled peers ----

// goWorkStarted counts GoWork.work handlers entered (every mode).
var goWorkStarted atomic.Uint64

// GoWorkStarted returns how many GoWork.work handlers have started.
func GoWorkStarted() uint64 { return goWorkStarted.Load() }

// stallGate blocks GoWork.work mode 6 until opened.
type stallGate struct {
	mu      sync.Mutex
	open    chan struct{} // closed while the gate is open
	waiting atomic.Int64
}

var goStall = &stallGate{open: make(chan struct{})}

func (g *stallGate) wait() {
	g.mu.Lock()
	ch := g.open
	g.mu.Unlock()
	g.waiting.Add(1)
	defer g.waiting.Add(-1)
	<-ch
}

// GoStalled returns how many Go handlers wait at the gate.
func GoStalled() int64 { return goStall.waiting.Load() }

// SetGoGate opens (releasing every stalled handler) or closes the Go stall gate.
func SetGoGate(open bool) {
	goStall.mu.Lock()
	defer goStall.mu.Unlock()
	select {
	case <-goStall.open:
		if !open {
			goStall.open = make(chan struct{})
		}
	default:
		if open {
			close(goStall.open)
		}
	}
}

// CppStalled returns how many C++ implementations (synchronous and asynchronous) wait at the C++ gate.
func CppStalled() int64 { return int64(C.fault_cpp_stalled()) }

// SetCppGate opens (answering every stalled implementation) or closes the C++ stall gate.
func SetCppGate(open bool) {
	if open {
		C.fault_cpp_gate(1)
	} else {
		C.fault_cpp_gate(0)
	}
}

// RegisterGoWork registers the Go implementation of stress.GoWork (again, after UnregisterGoWork).
func RegisterGoWork() error { return stress.RegisterGoWork(goWork{}) }

// RegisterCppWork and UnregisterCppWork register and unregister the C++ implementation of stress.CppWork.
func RegisterCppWork() error   { return codeErr(C.fault_register_cpp_work(), "register_service") }
func UnregisterCppWork() error { return codeErr(C.fault_unregister_cpp_work(), "unregister_service") }

func codeErr(code C.int32_t, what string) error {
	if cxx2go.Code(code) == cxx2go.OK {
		return nil
	}
	return &cxx2go.Error{Code: cxx2go.Code(code), Message: what}
}

// CppWorkStarted returns how many CppWork.work implementations have started.
func CppWorkStarted() uint64 { return uint64(C.fault_cpp_work_started()) }

// GoCall is a C++ → Go call of GoWork.work that C++ keeps in flight.
type GoCall struct{ handle int64 }

// How a C++ → Go call of StartGoCall is made.
type How int32

const (
	Sync      How = 0 // synchronously, on a new C++ thread
	Async     How = 1 // a Future
	AsyncThen How = 2 // the Future of a then() continuation, which must run exactly once
)

// StartGoCall starts GoWork.work(x, mode) from C++. timeoutMicros < 0: no deadline.
func StartGoCall(how How, x int64, mode int32, timeoutMicros int64) GoCall {
	return GoCall{int64(C.fault_go_start(C.int32_t(how), C.int64_t(x), C.int32_t(mode), C.int64_t(timeoutMicros)))}
}

// Ready reports whether the call has its outcome.
func (c GoCall) Ready() bool { return C.fault_go_ready(C.int64_t(c.handle)) != 0 }

// Cancel cancels an asynchronous call's Future.
func (c GoCall) Cancel() { C.fault_go_cancel(C.int64_t(c.handle)) }

// Wait waits (at most 60 s) for the outcome: the value, or an error with its code. The continuation of
// an asynchronous call must have run exactly once.
func (c GoCall) Wait() (int64, error) {
	var v C.int64_t
	var runs C.int32_t
	var msg [256]C.char
	code := C.fault_go_wait(C.int64_t(c.handle), &v, &runs, &msg[0], C.int32_t(len(msg)))
	if code < 0 {
		return 0, fmt.Errorf("no outcome: %s", C.GoString(&msg[0]))
	}
	if runs != 1 {
		return 0, fmt.Errorf("the continuation ran %d times", runs)
	}
	if cxx2go.Code(code) != cxx2go.OK {
		return 0, &cxx2go.Error{Code: cxx2go.Code(code), Message: C.GoString(&msg[0])}
	}
	return int64(v), nil
}

// ---- negative controls of the containment matrix ----

// faultPanicNoRecover is a Go entry point without the recover that every cxx2go entry point has: its panic
// kills the process, whichever thread called it.
//
//export faultPanicNoRecover
func faultPanicNoRecover() { panic("unrecovered panic in a Go entry point") }

// UnwrappedThrowInt lets a C++ int exception escape into Go: the process must die.
func UnwrappedThrowInt() { C.fault_unwrapped_throw_int() }

// UnrecoveredPanic makes C++ call a Go entry point that panics without recovering, from a new C++ thread
// or from this (Go) thread: the process must die.
func UnrecoveredPanic(newThread bool) {
	n := C.int32_t(0)
	if newThread {
		n = 1
	}
	C.fault_call_unrecovered_panic(n)
}
