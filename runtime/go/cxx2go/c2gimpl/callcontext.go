package c2gimpl

import (
	"context"
	"sync"
	"time"
)

// callContext is the context of the Go handler of an asynchronous C++ → Go call. It ends when the C++
// caller cancels the call (by id: asyncCalls), when the call's deadline passes, when the runtime stops
// (asyncCalls.cancelAll), or when the handler has returned.
//
// It replaces context.WithCancel(rootCtx): that registered each call as a child of the one root context
// (its mutex, a map insert and a delete per call, shared by every call in flight) and allocated the done
// channel of every call. At 1,024 calls in flight over the rings, creating and cancelling those contexts
// was ~14 % of the process's CPU. Here nothing is shared between calls, and the done channel is made only
// if somebody asks for it (most handlers never do).
//
// It implements AfterFunc, so that contexts derived from it with the context package (WithCancel,
// WithTimeout, context.AfterFunc) follow it without a goroutine each, as they would a context of the
// standard library.
type callContext struct {
	deadline time.Time       // zero: none
	values   context.Context // what Value answers from (the method's labels, …); nil: nothing

	mu     sync.Mutex
	done   chan struct{} // made on the first Done or at the end; closed at the end
	err    error         // non-nil once ended
	timer  *time.Timer   // the deadline's, stopped at the end
	afters map[*callAfterFunc]struct{}
}

// servedCallKey is the key of the servedCall a handler's context carries when it serves a worker process's
// synchronous call: the handler's calls back into that worker are nested in it (isolatedService.transportFor).
type servedCallKey struct{}

type servedCall struct {
	t  *ringTransport
	id uint64
}

type callAfterFunc struct{ f func() }

// closedDone is the done channel of a context that ended before anybody asked for it.
var closedDone = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// newCallContext returns the context of a call with the given deadline (Unix nanoseconds, 0: none), whose
// values are those of `values` (nil: none).
func newCallContext(deadlineUnixNanos int64, values context.Context) *callContext {
	c := &callContext{values: values}
	if deadlineUnixNanos != 0 {
		c.deadline = time.Unix(0, deadlineUnixNanos)
		d := time.Until(c.deadline)
		if d <= 0 {
			c.end(context.DeadlineExceeded)
		} else {
			c.mu.Lock()
			c.timer = time.AfterFunc(d, func() { c.end(context.DeadlineExceeded) })
			c.mu.Unlock()
		}
	}
	return c
}

func (c *callContext) Deadline() (time.Time, bool) { return c.deadline, !c.deadline.IsZero() }

func (c *callContext) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
	}
	return c.done
}

func (c *callContext) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Value: a handler's context carries no values (it used to derive from context.Background()).
func (c *callContext) Value(key any) any {
	if c.values == nil {
		return nil
	}
	return c.values.Value(key)
}

func (c *callContext) String() string { return "cxx2go.callContext" }

// AfterFunc arranges to call f on its own goroutine once c ends, like context.AfterFunc; stop unregisters
// it and reports whether that kept f from being started. The context package uses it (the afterFuncer
// interface) to propagate cancellation to contexts derived from c.
func (c *callContext) AfterFunc(f func()) (stop func() bool) {
	a := &callAfterFunc{f: f}
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		go f()
		return func() bool { return false }
	}
	if c.afters == nil {
		c.afters = make(map[*callAfterFunc]struct{})
	}
	c.afters[a] = struct{}{}
	c.mu.Unlock()
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if _, ok := c.afters[a]; !ok {
			return false
		}
		delete(c.afters, a)
		return true
	}
}

// end ends c with err (context.Canceled or context.DeadlineExceeded); only the first end counts.
func (c *callContext) end(err error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = err
	if c.done == nil {
		c.done = closedDone
	} else {
		close(c.done)
	}
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	afters := c.afters
	c.afters = nil
	c.mu.Unlock()
	for a := range afters {
		go a.f()
	}
}

// callContexts is the table of the contexts of running asynchronous C++ → Go calls, by call id.
type callContexts struct {
	idTable[*callContext]
	root context.Context // cancelled when the runtime stops, before cancelAll
}

// asyncCalls holds the contexts of the running asynchronous C++ → Go calls.
var asyncCalls = callContexts{root: rootCtx}

// add lists c under id. A call added once the runtime is stopping starts cancelled: cancelAll runs after
// t.root is cancelled and takes each shard's lock, so a call either is listed before cancelAll reaches
// its shard or sees t.root cancelled here.
func (t *callContexts) add(id uint64, c *callContext) {
	s := t.shard(id)
	s.mu.Lock()
	stopped := t.root.Err() != nil
	if !stopped {
		if s.m == nil {
			s.m = make(map[uint64]*callContext)
		}
		s.m[id] = c
	}
	s.mu.Unlock()
	if stopped {
		c.end(context.Canceled)
	}
}

// cancel cancels call id if it is running: at the C++ caller's request, which is the deadline's once the
// deadline has passed (C++ leaves the deadline to Go, but a caller that cancels a call at or after its
// deadline, e.g. because its own caller's deadline passed, cancels it for the same reason).
func (t *callContexts) cancel(id uint64) {
	if c, ok := t.Load(id); ok {
		c.end(c.cancelCause())
	}
}

// cancelCause is why a cancellation from C++ ends c: context.DeadlineExceeded at or after c's deadline
// (the same wall-clock instant C++ has), context.Canceled before it.
func (c *callContext) cancelCause() error {
	if !c.deadline.IsZero() && !time.Now().Before(c.deadline) {
		return context.DeadlineExceeded
	}
	return context.Canceled
}

// cancelAll cancels every running call; after t.root is cancelled (see add).
func (t *callContexts) cancelAll() {
	t.Range(func(_ uint64, c *callContext) { c.end(context.Canceled) })
}
