package c2gimpl

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// The whole life of the process's one runtime, seen from Go: the steps depend on each other, so they are
// one test. The e2e tests (internal/e2etest) cover calls through a running runtime.
func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	m := NewMethod(0x1234_5678_9abc_def0, "test.Nowhere.call", 0)
	call := func() error {
		args := GetEncoder()
		defer args.Release()
		args.I32(7)
		r, err := CallCpp(ctx, m, args, []View{StringView("x")})
		if err == nil {
			r.Release()
		}
		return err
	}

	if err := call(); CodeOf(err) != NotStarted {
		t.Fatalf("before Start: %v", err)
	}
	if err := CallCppOneway(m, nil, nil); CodeOf(err) != NotStarted {
		t.Fatalf("oneway before Start: %v", err)
	}
	if err := Stop(); CodeOf(err) != NotStarted {
		t.Fatalf("Stop before Start: %v", err)
	}

	if err := Start(Options{ExecutorThreads: 2}); err != nil {
		t.Fatal(err)
	}
	if err := Start(Options{}); CodeOf(err) != FailedPrecondition {
		t.Fatalf("second Start: %v", err)
	}
	// Running, but nothing implements the method.
	err := call()
	var e *Error
	if !errors.As(err, &e) || e.Code != UnknownMethod || !strings.Contains(e.Message, "test.Nowhere.call") ||
		!strings.Contains(e.Message, "different schema version") {
		t.Fatalf("unknown method: %v", err)
	}
	// A context that already ended fails without crossing.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := CallCpp(cancelled, m, GetEncoder(), nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}

	if err := Stop(); err != nil {
		t.Fatal(err)
	}
	if err := call(); CodeOf(err) != Stopped {
		t.Fatalf("after Stop: %v", err)
	}
	if err := Stop(); CodeOf(err) != Stopped {
		t.Fatalf("second Stop: %v", err)
	}
	if err := Start(Options{}); CodeOf(err) != Stopped {
		t.Fatalf("Start after Stop: %v", err)
	}
	// Stopping the C++ runtime cancelled the root of every Go handler's context.
	if rootCtx.Err() == nil {
		t.Fatal("Go handler contexts were not cancelled by Stop")
	}
}
