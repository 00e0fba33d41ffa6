package main

// What the C++ host's fault-injection and containment scenarios need from Go (tests/stress/README.md,
// "The C++ host"): the Go stall gate of GoWork.work mode 6, registering and unregistering GoWork, Go → C++
// calls that the C++ program starts on goroutines and later cancels or waits for, and the negative
// controls that need Go frames under a C++ throw.

/*
#include <stdint.h>
*/
import "C"

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
	stress "github.com/cxx2go/cxx2go/tests/gen/stress"
)

// goWorkStarted counts GoWork.work handlers entered (every mode).
var goWorkStarted atomic.Uint64

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

// stress_go_gate opens (open != 0: releasing every stalled handler) or closes the Go stall gate.
//
//export stress_go_gate
func stress_go_gate(open C.int32_t) {
	goStall.mu.Lock()
	defer goStall.mu.Unlock()
	select {
	case <-goStall.open:
		if open == 0 {
			goStall.open = make(chan struct{})
		}
	default:
		if open != 0 {
			close(goStall.open)
		}
	}
}

// stress_go_stalled returns how many Go handlers wait at the gate.
//
//export stress_go_stalled
func stress_go_stalled() C.int64_t { return C.int64_t(goStall.waiting.Load()) }

// stress_go_work_started returns how many GoWork.work handlers have started.
//
//export stress_go_work_started
func stress_go_work_started() C.uint64_t { return C.uint64_t(goWorkStarted.Load()) }

// stress_go_register_gowork registers the Go implementation of GoWork (again): the status code.
//
//export stress_go_register_gowork
func stress_go_register_gowork() C.int32_t {
	return C.int32_t(cxx2go.CodeOf(stress.RegisterGoWork(goWork{})))
}

// stress_go_unregister_gowork unregisters it: the status code.
//
//export stress_go_unregister_gowork
func stress_go_unregister_gowork() C.int32_t {
	return C.int32_t(cxx2go.CodeOf(stress.UnregisterGoWork()))
}

// A Go → C++ call started by stress_go_start, running on a goroutine of its own.
type goCall struct {
	cancel context.CancelFunc
	done   chan struct{}
	v      int64
	err    error
}

var (
	callsMu    sync.Mutex
	calls      = map[int64]*goCall{}
	lastHandle int64
)

// Methods of stress_go_start.
const (
	methodWork      = 0 // CppWork.work(x, mode): the executor
	methodAsyncWork = 1 // CppWork.async_work(x, mode): a coroutine
	methodAffine    = 2 // AffineWork.thread_id(): answers x + 1 if the thread id is not 0
	methodInline    = 3 // CppWork.inline_work(x, mode): on the calling Go thread (@inline)
)

// stress_go_start starts a Go → C++ call on a new goroutine and returns its handle for stress_go_wait.
// timeout_us < 0: no deadline; 0: a deadline that passed a second ago; > 0: that many microseconds from
// now. The call's context can be cancelled with stress_go_cancel.
//
//export stress_go_start
func stress_go_start(method C.int32_t, x C.int64_t, mode C.int32_t, timeoutUs C.int64_t) C.int64_t {
	var ctx context.Context
	var cancel context.CancelFunc
	switch {
	case timeoutUs < 0:
		ctx, cancel = context.WithCancel(context.Background())
	case timeoutUs == 0:
		ctx, cancel = context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	default:
		ctx, cancel = context.WithTimeout(context.Background(), time.Duration(timeoutUs)*time.Microsecond)
	}
	c := &goCall{cancel: cancel, done: make(chan struct{})}
	callsMu.Lock()
	lastHandle++
	h := lastHandle
	calls[h] = c
	callsMu.Unlock()
	go func() {
		defer close(c.done)
		cpp := stress.NewCppWorkClient()
		switch method {
		case methodWork:
			c.v, c.err = cpp.Work(ctx, int64(x), int32(mode))
		case methodAsyncWork:
			c.v, c.err = cpp.AsyncWork(ctx, int64(x), int32(mode))
		case methodAffine:
			// The first successful call creates the service's thread.
			tid, err := stress.NewAffineWorkClient().ThreadID(ctx)
			switch {
			case err != nil:
				c.err = err
			case tid == 0:
				c.err = cxx2go.Errorf(cxx2go.Internal, "thread id 0")
			default:
				c.v = int64(x) + 1
			}
		case methodInline:
			c.v, c.err = cpp.InlineWork(ctx, int64(x), int32(mode))
		default:
			c.err = cxx2go.Errorf(cxx2go.InvalidArgument, "bad method %d", method)
		}
	}()
	return C.int64_t(h)
}

func findCall(h C.int64_t) *goCall {
	callsMu.Lock()
	defer callsMu.Unlock()
	return calls[int64(h)]
}

// stress_go_cancel cancels the call's context.
//
//export stress_go_cancel
func stress_go_cancel(h C.int64_t) {
	if c := findCall(h); c != nil {
		c.cancel()
	}
}

// stress_go_ready returns 1 if the call has returned.
//
//export stress_go_ready
func stress_go_ready(h C.int64_t) C.int32_t {
	if c := findCall(h); c != nil {
		select {
		case <-c.done:
			return 1
		default:
		}
	}
	return 0
}

// stress_go_wait waits (at most 60 s: then returns -1) for the call to return and frees its handle: the
// status code, *v the value, msg the error's message (cxx2go.Error.Message, without the code).
//
//export stress_go_wait
func stress_go_wait(h C.int64_t, v *C.int64_t, msg *C.char, capacity C.int32_t) C.int32_t {
	c := findCall(h)
	if c == nil {
		copyMessage("no such handle", msg, capacity)
		return -1
	}
	select {
	case <-c.done:
	case <-time.After(60 * time.Second):
		copyMessage("no outcome after 60 s", msg, capacity)
		return -1
	}
	callsMu.Lock()
	delete(calls, int64(h))
	callsMu.Unlock()
	c.cancel()
	*v = C.int64_t(c.v)
	text := ""
	var e *cxx2go.Error
	if errors.As(c.err, &e) {
		text = e.Message
	} else if c.err != nil {
		text = c.err.Error()
	}
	copyMessage(text, msg, capacity)
	return C.int32_t(cxx2go.CodeOf(c.err))
}

func copyMessage(s string, msg *C.char, capacity C.int32_t) {
	if msg == nil || capacity <= 0 {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(msg)), int(capacity))
	n := copy(b[:len(b)-1], s)
	b[n] = 0
}

// ---- negative controls ----

// The C++ functions the controls call from Go (C function pointers, set by the C++ program: goside must
// not reference symbols that only the final program defines).
var controls [3]uintptr

// stress_go_set_controls gives Go the C++ functions of the negative controls: one throwing a
// std::exception subclass out of extern "C", one throwing an int, one calling a Go export that panics
// without recovering.
//
//export stress_go_set_controls
func stress_go_set_controls(throwStd, throwInt, unrecoveredPanic C.uintptr_t) {
	controls = [3]uintptr{uintptr(throwStd), uintptr(throwInt), uintptr(unrecoveredPanic)}
}

// stress_go_control calls control `which` (the order of stress_go_set_controls) from Go, through cgo: an
// exception thrown there meets Go's frames, a panic there is on a Go thread. The process must die.
//
//export stress_go_control
func stress_go_control(which C.int32_t) {
	callControl(controls[which])
}

// faultPanicNoRecover is a Go entry point without the recover that every cxx2go entry point has: its panic
// kills the process, whichever thread called it (fault_cpp.cc calls it).
//
//export faultPanicNoRecover
func faultPanicNoRecover() { panic("unrecovered panic in a Go entry point") }

// stress_go_race_enabled returns 1 if this Go side is built with the race detector.
//
//export stress_go_race_enabled
func stress_go_race_enabled() C.int32_t {
	if raceEnabled {
		return 1
	}
	return 0
}

// raced is written by two goroutines without synchronisation (stress_go_data_race).
var raced int64

// stress_go_data_race is the race build's negative control: a data race the detector must report (with
// GORACE=halt_on_error=1 the process then exits with status 66), showing that a race in the C++ host's Go
// side would be seen.
//
//export stress_go_data_race
func stress_go_data_race() {
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 1000; j++ {
				raced++
			}
		}()
	}
	wg.Wait()
}
