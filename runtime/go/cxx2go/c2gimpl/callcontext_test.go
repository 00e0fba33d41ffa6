package c2gimpl

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func TestCallContextEndsOnceWithTheFirstError(t *testing.T) {
	c := newCallContext(0, nil)
	if _, ok := c.Deadline(); ok {
		t.Fatal("a call without a deadline reports one")
	}
	done := c.Done()
	if c.Err() != nil || isClosed(done) {
		t.Fatal("a new call context has already ended")
	}
	if c.Done() != done {
		t.Fatal("Done returned a different channel the second time")
	}
	c.end(context.Canceled)
	c.end(context.DeadlineExceeded)
	if !isClosed(done) || !errors.Is(c.Err(), context.Canceled) {
		t.Fatalf("after end: done closed %v, err %v; want closed and the first error", isClosed(done), c.Err())
	}
	if !errors.Is(context.Cause(c), context.Canceled) {
		t.Fatalf("context.Cause = %v", context.Cause(c))
	}
	if c.Value("any key") != nil {
		t.Fatal("a handler's context carries a value")
	}
	// Ended before anybody asked for Done: a closed channel all the same.
	late := newCallContext(0, nil)
	late.end(context.Canceled)
	if !isClosed(late.Done()) {
		t.Fatal("Done of a context that ended first is not closed")
	}
}

func TestCallContextDeadline(t *testing.T) {
	want := time.Now().Add(20 * time.Millisecond)
	c := newCallContext(want.UnixNano(), nil)
	if d, ok := c.Deadline(); !ok || !d.Equal(time.Unix(0, want.UnixNano())) {
		t.Fatalf("Deadline = %v, %v; want %v", d, ok, want)
	}
	select {
	case <-c.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the deadline passed and the context did not end")
	}
	if !errors.Is(c.Err(), context.DeadlineExceeded) {
		t.Fatalf("Err = %v, want DeadlineExceeded", c.Err())
	}
	if time.Now().Before(want) {
		t.Fatal("the context ended before its deadline")
	}
	past := newCallContext(time.Now().Add(-time.Second).UnixNano(), nil)
	if !errors.Is(past.Err(), context.DeadlineExceeded) || !isClosed(past.Done()) {
		t.Fatalf("a deadline in the past: Err = %v", past.Err())
	}
	// Ending first stops the timer: the error stays Canceled.
	early := newCallContext(time.Now().Add(5*time.Millisecond).UnixNano(), nil)
	early.end(context.Canceled)
	time.Sleep(20 * time.Millisecond)
	if !errors.Is(early.Err(), context.Canceled) {
		t.Fatalf("Err = %v after the deadline of an ended context, want Canceled", early.Err())
	}
}

// Contexts derived with the context package follow a call context, without a goroutine each (it is an
// afterFuncer, like the standard library's contexts).
func TestCallContextPropagatesToDerivedContexts(t *testing.T) {
	c := newCallContext(0, nil)
	before := runtime.NumGoroutine()
	const n = 200
	var derived [n]context.Context
	var cancels [n]context.CancelFunc
	for i := range derived {
		derived[i], cancels[i] = context.WithCancel(c)
	}
	if g := runtime.NumGoroutine(); g > before+n/10 {
		t.Fatalf("%d contexts derived from a call context started %d goroutines", n, g-before)
	}
	cancels[0]() // a derived context cancelled on its own leaves the parent alone
	if c.Err() != nil {
		t.Fatal("cancelling a derived context ended its parent")
	}
	var ran atomic.Int32
	stopped := context.AfterFunc(c, func() { ran.Add(1) })
	kept := context.AfterFunc(c, func() { ran.Add(10) })
	if !stopped() {
		t.Fatal("stop of an AfterFunc before the end reported false")
	}
	c.end(context.Canceled)
	for i := 1; i < n; i++ {
		select {
		case <-derived[i].Done():
		case <-time.After(10 * time.Second):
			t.Fatalf("derived context %d did not end with its parent", i)
		}
		if !errors.Is(derived[i].Err(), context.Canceled) {
			t.Fatalf("derived context %d: Err = %v", i, derived[i].Err())
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for ran.Load() != 10 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if ran.Load() != 10 {
		t.Fatalf("AfterFunc functions: got %d, want only the one not stopped (10)", ran.Load())
	}
	if kept() {
		t.Fatal("stop after the function started reported true")
	}
	// Registered after the end: runs at once.
	after := make(chan struct{})
	context.AfterFunc(c, func() { close(after) })
	select {
	case <-after:
	case <-time.After(10 * time.Second):
		t.Fatal("AfterFunc on an ended context never ran")
	}
}

// cancel reaches a listed call; cancelAll every listed call; a call listed after the stop starts ended.
func TestCallContextsCancelAndStop(t *testing.T) {
	root, stop := context.WithCancel(context.Background())
	tab := callContexts{root: root}
	a, b, other := newCallContext(0, nil), newCallContext(0, nil), newCallContext(0, nil)
	tab.add(1, a)
	tab.add(2, b)
	tab.add(3, other)
	tab.cancel(1)
	tab.cancel(99) // not listed: nothing happens
	if !errors.Is(a.Err(), context.Canceled) || b.Err() != nil {
		t.Fatalf("cancel(1): a %v, b %v", a.Err(), b.Err())
	}
	if c, ok := tab.LoadAndDelete(3); !ok || c != other {
		t.Fatal("LoadAndDelete(3) did not return the listed context")
	}
	stop()
	tab.cancelAll()
	if !errors.Is(b.Err(), context.Canceled) {
		t.Fatal("cancelAll left a listed call running")
	}
	if other.Err() != nil {
		t.Fatal("cancelAll reached a call no longer listed")
	}
	late := newCallContext(0, nil)
	tab.add(4, late)
	if !errors.Is(late.Err(), context.Canceled) {
		t.Fatal("a call listed after the stop did not start cancelled")
	}
	if _, ok := tab.Load(4); ok {
		t.Fatal("a call listed after the stop stays in the table")
	}
}

// A cancellation from C++ that arrives at or after the call's deadline ends the context as the deadline,
// whether or not Go's own deadline timer has fired yet.
func TestCallContextsCancelAtTheDeadlineIsTheDeadline(t *testing.T) {
	tab := callContexts{root: context.Background()}
	// Built by hand: newCallContext would end a context whose deadline has passed at once.
	expired := &callContext{deadline: time.Now().Add(-time.Millisecond)}
	running := newCallContext(time.Now().Add(time.Hour).UnixNano(), nil)
	plain := newCallContext(0, nil)
	tab.add(1, expired)
	tab.add(2, running)
	tab.add(3, plain)
	for id := uint64(1); id <= 3; id++ {
		tab.cancel(id)
	}
	if !errors.Is(expired.Err(), context.DeadlineExceeded) {
		t.Errorf("cancelled after its deadline: %v, want context.DeadlineExceeded", expired.Err())
	}
	if !errors.Is(running.Err(), context.Canceled) {
		t.Errorf("cancelled before its deadline: %v, want context.Canceled", running.Err())
	}
	if !errors.Is(plain.Err(), context.Canceled) {
		t.Errorf("cancelled without a deadline: %v, want context.Canceled", plain.Err())
	}
}
