package c2gimpl

/*
#include "cxx2go/abi.h"
*/
import "C"

import (
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// Options configures Start.
type Options struct {
	// ExecutorThreads is the number of threads of the shared C++ executor ("cxx2go-N") that runs cpp
	// service implementations; 0 means max(2, number of CPUs).
	ExecutorThreads int
	// SpinBeforePark is how long a thread waiting for work or for an answer polls before it sleeps:
	// the C++ executor's threads after a task (one per executor at a time), and a goroutine waiting for a
	// Go → C++ call answered on the executor. Waking a sleeping thread costs tens of microseconds on a
	// virtual machine; polling costs the CPU it runs on, for at most this long per wait. 0 means the
	// default, which is to never spin (the C++ kDefaultSpinBeforePark says why), negative never spin.
	// Try e.g. 50µs on a machine with idle cores.
	SpinBeforePark time.Duration
	// Metrics turns on the per-method metrics (Metrics; docs/debugging.md), as SetMetricsEnabled(true)
	// does at any time. The environment variable CXX2GO_METRICS=1 turns them on too.
	Metrics bool
	// StuckCallThreshold turns on the stuck-call watchdog (docs/debugging.md, "Live calls"): each call in
	// flight older than this is reported once on stderr, with its method and the thread running it.
	// 0: off (unless the environment variable CXX2GO_STUCK_CALL_MS sets it). LiveCalls lists them at any time.
	StuckCallThreshold time.Duration
	// Isolate runs the C++ implementations of these cpp services, by full name ("package.Service"), in
	// worker processes of their own (docs/isolation.md); their clients do not change. The environment
	// variable CXX2GO_ISOLATE=package.Service=/path/to/worker,… adds to it.
	Isolate map[string]Worker
}

// startMu serializes Start; startingFromGo tells cxx2go_go_attach, which C++ start calls, that a Go host
// is starting (and started its isolated services), not a C++ host.
var (
	startMu        sync.Mutex
	startingFromGo atomic.Bool
)

// Start starts the runtime of the process (there is one, held by the C++ side) in a Go host. Calls in
// either direction fail with NotStarted before Start and with Stopped after Stop. Starting twice fails.
//
// First it registers the C++ implementations of packages generated with `cxx2go --go_opt=cgo`, calling
// their C++ factories (e.g. shop::make_pricer()); if one fails (it throws, returns null, or registering
// fails) Start returns that error, naming the service and the factory, and starts nothing.
func Start(opts Options) error {
	startMu.Lock()
	defer startMu.Unlock()
	if err := registerCppImplementations(); err != nil {
		return err
	}
	n := min(max(opts.ExecutorThreads, 0), math.MaxInt32)
	spin, goSpin := int64(-1), int64(spinWaitDefault) // -1: the C++ default
	switch {
	case opts.SpinBeforePark > 0:
		spin, goSpin = int64(opts.SpinBeforePark), int64(opts.SpinBeforePark)
	case opts.SpinBeforePark < 0:
		spin, goSpin = 0, 0
	}
	if opts.Metrics {
		SetMetricsEnabled(true)
	}
	stuck := max(opts.StuckCallThreshold, 0)
	// Checked before the workers start: the C++ runtime's start would refuse too, but only after them.
	if state := C.cxx2go_cpp_state(); state != 0 {
		code := Stopped
		if state == 1 {
			code = FailedPrecondition
		}
		return &Error{Code: code, Message: "cannot start the runtime: " + lifecycleReason(code)}
	}
	if err := startIsolation(opts.Isolate); err != nil {
		return err
	}
	startingFromGo.Store(true) // the isolated services are started: C++'s attach must not start them again
	code := Code(C.cxx2go_cpp_start(C.int32_t(n), C.int64_t(spin), C.int64_t(stuck)))
	startingFromGo.Store(false)
	if code != OK {
		stopIsolation()
		return &Error{Code: code, Message: "cannot start the runtime: " + lifecycleReason(code)}
	}
	spinWait.Store(goSpin)
	return nil
}

// Stop stops the runtime: new calls are rejected, calls in flight in both directions are cancelled,
// queued ones fail with Stopped, and Stop waits (bounded) for running ones to complete. A stopped
// runtime cannot be started again.
func Stop() error {
	if C.cxx2go_cpp_state() == 1 {
		stopIsolation()
	}
	if code := Code(C.cxx2go_cpp_stop()); code != OK {
		return &Error{Code: code, Message: "cannot stop the runtime: " + lifecycleReason(code)}
	}
	return nil
}

func lifecycleReason(code Code) string {
	switch code {
	case FailedPrecondition:
		return "it is already running"
	case NotStarted:
		return "it was not started"
	case Stopped:
		return "it is stopping or stopped, and cannot be restarted"
	}
	return "see stderr"
}
