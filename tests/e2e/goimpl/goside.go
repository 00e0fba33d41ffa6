// Package goimpl is the Go half of the end-to-end tests: the Go implementation of e2e.GoSide (called
// from C++) and the Go battery (checks that call the C++ implementation of e2e.CppSide from Go).
//
// Both test hosts use it: tests/e2e/gohost (a Go test binary that compiles the C++ side through cgo) and
// tests/e2e/cpphost (a C++ GoogleTest binary that links the Go side as a c-archive).
package goimpl

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
	e2e "github.com/cxx2go/cxx2go/tests/gen/e2e"
)

// GoSide implements e2e.GoSide.
type GoSide struct {
	cpp *e2e.CppSideClient

	mu      sync.Mutex
	notes   []string      // notifications received and not yet returned by Notifications
	arrived chan struct{} // closed and replaced whenever a notification arrives
}

var _ e2e.GoSide = (*GoSide)(nil)

// NewGoSide returns a GoSide with no notifications.
func NewGoSide() *GoSide {
	return &GoSide{cpp: e2e.NewCppSideClient(), arrived: make(chan struct{})}
}

// Register registers a new GoSide as the process's implementation of e2e.GoSide.
func Register() error { return e2e.RegisterGoSide(NewGoSide()) }

// RunChecks runs the Go battery's checks whose names contain filter.
func (g *GoSide) RunChecks(ctx context.Context, filter string) ([]e2e.CheckResult, error) {
	return RunChecks(ctx, filter), nil
}

// Echo returns its argument.
func (g *GoSide) Echo(_ context.Context, value e2e.Everything) (e2e.Everything, error) {
	return value, nil
}

// Concat renders its view arguments with ConcatFormat. blob, numbers and doubles are borrowed from C++:
// they are only read before returning.
func (g *GoSide) Concat(_ context.Context, text string, blob []byte, numbers []int32, doubles []float64) (string, error) {
	return ConcatFormat(text, blob, numbers, doubles), nil
}

// Fail returns an error with the given code and message.
func (g *GoSide) Fail(_ context.Context, code int32, message string) error {
	return cxx2go.Errorf(cxx2go.Code(code), "%s", message)
}

// DirectAdd is a + b (@direct).
func (g *GoSide) DirectAdd(_ context.Context, a, b int64) (int64, error) { return a + b, nil }

// DirectSizes is DirectSizesOf's total (@direct).
func (g *GoSide) DirectSizes(_ context.Context, text string, blob []byte, numbers []int32, names []string) (uint64, error) {
	return DirectSizesOf(text, blob, numbers, names), nil
}

// DirectDigest is DirectDigestOf (@direct).
func (g *GoSide) DirectDigest(_ context.Context, r e2e.DirectRecord, salt uint8) (uint64, error) {
	return DirectDigestOf(r, salt), nil
}

// FailDirect is Fail (@direct).
func (g *GoSide) FailDirect(ctx context.Context, code int32, message string) error {
	return g.Fail(ctx, code, message)
}

// DirectSizesOf is what CppSide.direct_sizes and GoSide.direct_sizes answer: the bytes of text, blob,
// numbers (4 per element) and names.
func DirectSizesOf(text string, blob []byte, numbers []int32, names []string) uint64 {
	n := len(text) + len(blob) + 4*len(numbers)
	for _, name := range names {
		n += len(name)
	}
	return uint64(n)
}

// Panic panics with message.
func (g *GoSide) Panic(_ context.Context, message string) error {
	panic(message)
}

// Sleep sleeps for millis milliseconds. It returns false if ctx was cancelled first, and
// context.DeadlineExceeded (Code deadline_exceeded for C++) if ctx's deadline passed first: the C++
// caller's own deadline timer fires at that same moment, and both must tell the caller the same thing
// whichever comes first.
func (g *GoSide) Sleep(ctx context.Context, millis int64) (bool, error) {
	t := time.NewTimer(time.Duration(millis) * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return true, nil
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return false, ctx.Err()
		}
		return false, nil
	}
}

// CallCpp calls CppSide.twice(value) while serving a call from C++.
func (g *GoSide) CallCpp(ctx context.Context, value int64) (int64, error) {
	r, err := g.cpp.Twice(ctx, value)
	if err != nil {
		return 0, fmt.Errorf("GoSide.CallCpp: CppSide.twice: %w", err)
	}
	return r, nil
}

// Notify records text for Notifications.
func (g *GoSide) Notify(_ context.Context, text string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.notes = append(g.notes, text)
	close(g.arrived)
	g.arrived = make(chan struct{})
}

// Notifications waits until count notifications arrived (at most 5 s, or until ctx ends) and returns up
// to count of them, in arrival order, removing them.
func (g *GoSide) Notifications(ctx context.Context, count uint32) ([]string, error) {
	timeout := time.NewTimer(5 * time.Second)
	defer timeout.Stop()
	for {
		g.mu.Lock()
		if n := len(g.notes); n >= int(count) {
			out := append([]string(nil), g.notes[:count]...)
			g.notes = g.notes[count:]
			g.mu.Unlock()
			return out, nil
		}
		arrived := g.arrived
		g.mu.Unlock()
		select {
		case <-arrived:
		case <-timeout.C:
			return g.takeAll(), nil
		case <-ctx.Done():
			return g.takeAll(), nil
		}
	}
}

func (g *GoSide) takeAll() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := g.notes
	g.notes = nil
	return out
}

// Deadline returns the deadline of ctx in Unix nanoseconds, 0 if it has none.
func (g *GoSide) Deadline(ctx context.Context) (int64, error) {
	if d, ok := ctx.Deadline(); ok {
		return d.UnixNano(), nil
	}
	return 0, nil
}
