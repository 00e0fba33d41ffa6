// Package gohost is the Go host of the stress tests (tests/stress): a Go process that compiles the C++
// side (the generated C++ of tests/schemas/stress.c2g and stress_cpp.cc) through cgo. Its test
// (stress_test.go) runs each scenario in a process of its own.
package gohost

/*
#cgo CXXFLAGS: -std=c++20 -O2 -Wall -Wextra -Werror -I${SRCDIR}/../../../runtime/cpp/include -I${SRCDIR}/../../gen/stress/cpp
#cgo LDFLAGS: -lstdc++
#include <stdlib.h>
#include "hooks.h"
*/
import "C"

import (
	"context"
	"fmt"
	"runtime"
	"syscall"
	"time"

	_ "github.com/cxx2go/cxx2go/runtime/cpp" // the runtime headers our C++ includes: rebuild when they change
	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
	_ "github.com/cxx2go/cxx2go/tests" // the C++ we include from tests/: rebuild when it changes
	stress "github.com/cxx2go/cxx2go/tests/gen/stress"
)

// Outcomes of a batch of calls; every call lands in exactly one of OK, Cancelled, Deadline, Bad.
type Outcomes struct {
	Calls, OK, Cancelled, Deadline, Bad uint64
	ThenExpected, ThenRan               uint64
	FirstBad                            string
}

func (o Outcomes) String() string {
	return fmt.Sprintf("%d calls: %d ok, %d cancelled, %d deadline, %d bad; then: %d/%d",
		o.Calls, o.OK, o.Cancelled, o.Deadline, o.Bad, o.ThenRan, o.ThenExpected)
}

// Check returns an error unless every call is accounted for exactly once and none is bad.
func (o Outcomes) Check() error {
	if o.Bad != 0 {
		return fmt.Errorf("%v; first: %s", o, o.FirstBad)
	}
	if o.OK+o.Cancelled+o.Deadline != o.Calls {
		return fmt.Errorf("%v: outcomes do not add up to the calls", o)
	}
	if o.ThenRan != o.ThenExpected {
		return fmt.Errorf("%v: continuations ran %d times for %d futures", o, o.ThenRan, o.ThenExpected)
	}
	return nil
}

func outcomes(c *C.stress_outcomes) Outcomes {
	return Outcomes{uint64(c.calls), uint64(c.ok), uint64(c.cancelled), uint64(c.deadline), uint64(c.bad),
		uint64(c.then_expected), uint64(c.then_ran), C.GoString(&c.first_bad[0])}
}

// panicValue is what GoWork.work mode 9 panics with: neither a string nor an error.
type panicValue struct{ X int64 }

// goWork is the Go implementation of stress.GoWork.
type goWork struct{}

func (goWork) Work(ctx context.Context, x int64, mode int32) (int64, error) {
	goWorkStarted.Add(1)
	switch mode {
	case 0:
		return x + 1, nil
	case 1:
		for i := 0; i < 3; i++ {
			runtime.Gosched()
		}
		return x + 1, nil
	case 2:
		<-ctx.Done()
		return 0, ctx.Err()
	case 6: // stalls: ignores ctx until the test opens the gate (fault.go)
		goStall.wait()
		return x + 1, nil
	case 7: // answers with a value once ctx has ended: the answer races the caller's deadline
		<-ctx.Done()
		return x + 1, nil
	case 8: // panics with an error value (fault_test.go, containment matrix)
		panic(fmt.Errorf("stress error %d", x))
	case 9: // panics with a value of a struct type
		panic(panicValue{x})
	case 3:
		t := time.NewTimer(time.Duration(x) * time.Microsecond)
		defer t.Stop()
		select {
		case <-t.C:
			return x + 1, nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	return 0, cxx2go.Errorf(cxx2go.InvalidArgument, "bad mode %d", mode)
}

func (goWork) Panic(_ context.Context, message string) error { panic(message) }

func (goWork) ThreadID(context.Context) (uint64, error) { return uint64(syscall.Gettid()), nil }

// Register registers the Go implementation of GoWork and the C++ implementations of CppWork and AffineWork.
func Register() error {
	if err := stress.RegisterGoWork(goWork{}); err != nil {
		return err
	}
	if code := cxx2go.Code(C.stress_register_cpp()); code != cxx2go.OK {
		return cxx2go.Errorf(code, "registering the C++ services")
	}
	return nil
}

// CppLiveCounts returns cxx2go::live_counts().
func CppLiveCounts() (outgoing, incoming, records uint64) {
	var o, i, r C.uint64_t
	C.stress_live_counts(&o, &i, &r)
	return uint64(o), uint64(i), uint64(r)
}

// CppStorm: see stress_cpp_storm in hooks.h.
func CppStorm(calls, seed uint64, threads int) Outcomes {
	var out C.stress_outcomes
	C.stress_cpp_storm(C.uint64_t(calls), C.uint64_t(seed), C.int32_t(threads), &out)
	return outcomes(&out)
}

// ThreadChurn: see stress_thread_churn.
func ThreadChurn(total uint64, batch int) Outcomes {
	var out C.stress_outcomes
	C.stress_thread_churn(C.uint64_t(total), C.int32_t(batch), &out)
	return outcomes(&out)
}

// CallThreadID calls GoWork.thread_id from C++ on the calling thread.
func CallThreadID() (caller, handler uint64, code cxx2go.Code) {
	var c, h C.uint64_t
	code = cxx2go.Code(C.stress_call_thread_id(&c, &h))
	return uint64(c), uint64(h), code
}

// CppMixed: see stress_cpp_mixed.
func CppMixed(calls uint64, threads int) Outcomes {
	var out C.stress_outcomes
	C.stress_cpp_mixed(C.uint64_t(calls), C.int32_t(threads), &out)
	return outcomes(&out)
}

// EINTRCounts returns how often CppWork.block saw (and retried) EINTR from nanosleep and from read.
func EINTRCounts() (nanosleep, read uint64) {
	var n, r C.uint64_t
	C.stress_eintr_counts(&n, &r)
	return uint64(n), uint64(r)
}

// CallResult is what a C++ caller observed: status codes and a message.
type CallResult struct {
	SyncCode, AsyncCode cxx2go.Code
	AsyncReady          bool
	Message             string
}

// StaticCtorResult returns what the calls of stress_cpp.cc's static constructor observed.
func StaticCtorResult() CallResult {
	var s, a, ready C.int32_t
	var msg [256]C.char
	C.stress_static_ctor_result(&s, &a, &ready, &msg[0], C.int32_t(len(msg)))
	return CallResult{cxx2go.Code(s), cxx2go.Code(a), ready != 0, C.GoString(&msg[0])}
}

// ForkChildCall forks; the child calls GoWork.work and reports what it observed.
func ForkChildCall() (CallResult, int, error) {
	var s, a, ready, status C.int32_t
	var msg [256]C.char
	if C.stress_fork_child_call(&s, &a, &ready, &status, &msg[0], C.int32_t(len(msg))) != 0 {
		return CallResult{}, int(status), fmt.Errorf("fork: %s", C.GoString(&msg[0]))
	}
	return CallResult{cxx2go.Code(s), cxx2go.Code(a), ready != 0, C.GoString(&msg[0])}, int(status), nil
}

// PanicRAII: see stress_panic_raii.
func PanicRAII(freshThread, async bool) (code cxx2go.Code, alive, made int64, msg string) {
	var a, m C.int64_t
	var buf [256]C.char
	b := func(v bool) C.int32_t {
		if v {
			return 1
		}
		return 0
	}
	code = cxx2go.Code(C.stress_panic_raii(b(freshThread), b(async), &a, &m, &buf[0], C.int32_t(len(buf))))
	return code, int64(a), int64(m), C.GoString(&buf[0])
}

// UnwrappedThrow lets a C++ exception escape into Go: the process must die (negative control).
func UnwrappedThrow() { C.stress_unwrapped_throw() }

// SigEntry is one signal's disposition.
type SigEntry struct {
	Valid          bool
	Handler, Flags uint64
}

// SigactionTable returns the dispositions of signals 1..64 (index sig-1).
func SigactionTable() [64]SigEntry {
	var h, f [64]C.uint64_t
	var v [64]C.int32_t
	C.stress_sigaction_table(&h[0], &f[0], &v[0])
	var out [64]SigEntry
	for i := range out {
		out[i] = SigEntry{v[i] != 0, uint64(h[i]), uint64(f[i])}
	}
	return out
}

// ToggleUSR2Handler installs or restores a chaining SA_ONSTACK handler of SIGUSR2 (the audit's control).
func ToggleUSR2Handler(install bool) {
	if install {
		C.stress_toggle_usr2_handler(1)
	} else {
		C.stress_toggle_usr2_handler(0)
	}
}
