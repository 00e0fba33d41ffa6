package cxx2go

/*
#include "cxx2go/abi.h"
*/
import "C"

import "math"

// Options configures Start.
type Options struct {
	// ExecutorThreads is the number of threads of the shared C++ executor ("cxx2go-N") that runs cpp
	// service implementations; 0 means max(2, number of CPUs).
	ExecutorThreads int
}

// Start starts the runtime of the process (there is one, held by the C++ side) in a Go host. Calls in
// either direction fail with NotStarted before Start and with Stopped after Stop. Starting twice fails.
func Start(opts Options) error {
	n := min(max(opts.ExecutorThreads, 0), math.MaxInt32)
	if code := Code(C.cxx2go_cpp_start(C.int32_t(n))); code != OK {
		return &Error{Code: code, Message: "cannot start the runtime: " + lifecycleReason(code)}
	}
	return nil
}

// Stop stops the runtime: new calls are rejected, calls in flight in both directions are cancelled,
// queued ones fail with Stopped, and Stop waits (bounded) for running ones to complete. A stopped
// runtime cannot be started again.
func Stop() error {
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
