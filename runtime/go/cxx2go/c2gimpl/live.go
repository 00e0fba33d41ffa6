package c2gimpl

import "sync/atomic"

// Live counts the calls the Go runtime has in flight. Both fields are zero once every call has finished;
// tests (tests/stress) check this after storms of cancelled calls, next to the C++ runtime's
// cxx2go::live_counts().
type Live struct {
	// PendingCppCalls: Go → C++ calls registered for an asynchronous answer that has neither arrived nor
	// been given up on (a caller whose context ended deregisters its call at once).
	PendingCppCalls int64
	// RunningHandlers: Go handlers of C++ → Go calls (synchronous, asynchronous and oneway) that have not
	// finished. An asynchronous call counts until its completion has been delivered to C++.
	RunningHandlers int64
}

var livePending, liveHandlers atomic.Int64

// LiveCounts returns the Go runtime's calls in flight right now.
func LiveCounts() Live {
	return Live{PendingCppCalls: livePending.Load(), RunningHandlers: liveHandlers.Load()}
}
