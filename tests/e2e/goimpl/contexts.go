package goimpl

// Why a call's context ended, as each side sees it (issue 11, bugs 2 and 4): GoSide.wait_context and
// friends record what a Go handler's ctx.Err() said, and the checks below ask CppSide what a C++
// implementation's Context::cause() said.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
)

// contextRecords holds what the wait_context handlers recorded, by tag.
type contextRecords struct {
	mu      sync.Mutex
	byTag   map[string][]string
	arrived chan struct{} // closed and replaced on every record
}

var goRecords = contextRecords{byTag: map[string][]string{}, arrived: make(chan struct{})}

func (r *contextRecords) add(tag, what string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byTag[tag] = append(r.byTag[tag], what)
	close(r.arrived)
	r.arrived = make(chan struct{})
}

// take waits until count records exist under tag (at most 10 s, or until ctx ends) and removes and
// returns up to count of them; with a count of 0, every record, at once.
func (r *contextRecords) take(ctx context.Context, tag string, count uint32) []string {
	timeout := time.NewTimer(promptly)
	defer timeout.Stop()
	for {
		r.mu.Lock()
		got := r.byTag[tag]
		if count == 0 || len(got) >= int(count) || ctx.Err() != nil {
			n := len(got)
			if count != 0 {
				n = min(n, int(count))
			}
			out := append([]string(nil), got[:n]...)
			r.byTag[tag] = got[n:]
			r.mu.Unlock()
			return out
		}
		arrived := r.arrived
		r.mu.Unlock()
		select {
		case <-arrived:
		case <-timeout.C:
			ctx = canceledContext
		case <-ctx.Done():
		}
	}
}

var canceledContext = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

// waitContext waits until ctx ends (at most CheckTimeout) and records why under tag.
func waitContext(ctx context.Context, tag string) error {
	goRecords.add(tag+"#started", "")
	watchdog := time.NewTimer(CheckTimeout)
	defer watchdog.Stop()
	select {
	case <-ctx.Done():
		goRecords.add(tag, ctx.Err().Error())
		return ctx.Err()
	case <-watchdog.C:
		goRecords.add(tag, "watchdog: the context did not end")
		return cxx2go.Errorf(cxx2go.Internal, "watchdog: the context did not end")
	}
}

// WaitContext waits until ctx ends and records ctx.Err()'s text under tag.
func (g *GoSide) WaitContext(ctx context.Context, tag string) error { return waitContext(ctx, tag) }

// WaitContextOneway is WaitContext as a oneway call.
func (g *GoSide) WaitContextOneway(ctx context.Context, tag string) { _ = waitContext(ctx, tag) }

// ContextEnds returns up to count records made under tag, waiting for them at most 10 s.
func (g *GoSide) ContextEnds(ctx context.Context, tag string, count uint32) ([]string, error) {
	return goRecords.take(ctx, tag, count), nil
}

// contextRepeats is how often the checks below repeat a call that ends at its deadline: before the fix,
// the handler of an asynchronous call read context.Canceled in about 19 of 20.
const contextRepeats = 20

// expectAll fails unless got holds want exactly n times.
func expectAll(what string, got []string, n int, want string) error {
	if len(got) != n {
		return fmt.Errorf("%s: %d record(s) of %d: %q", what, len(got), n, got)
	}
	for i, g := range got {
		if g != want {
			return fmt.Errorf("%s: call %d of %d saw %q, want %q (all: %q)", what, i+1, n, g, want, got)
		}
	}
	return nil
}

// checkCauseDeadline: Go calls CppSide.wait_context with a 20 ms timeout, contextRepeats times at once.
// Each Go caller gets DeadlineExceeded, and each C++ implementation's Context::cause() says
// deadline_exceeded, never cancelled.
func checkCauseDeadline(ctx context.Context) error {
	const tag = "go→c++ deadline"
	errs := make([]error, contextRepeats)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
			defer cancel()
			errs[i] = cpp.WaitContext(cctx, tag)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if !errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("WaitContext #%d: want context.DeadlineExceeded, got %v", i, err)
		}
	}
	// A call whose context expired before the implementation ran never reached it: once every
	// implementation has returned, count those that did.
	if err := waitIncomingDrained(ctx); err != nil {
		return err
	}
	started, err := cpp.ContextEnds(ctx, tag+"#started", 0)
	if err != nil {
		return fmt.Errorf("ContextEnds(started): %w", err)
	}
	got, err := cpp.ContextEnds(ctx, tag, 0)
	if err != nil {
		return fmt.Errorf("ContextEnds: %w", err)
	}
	if len(started) == 0 {
		return errors.New("no call reached C++")
	}
	return expectAll("C++ Context::cause()", got, len(started), "deadline_exceeded")
}

// checkCauseCancel: Go cancels calls to CppSide.wait_context that C++ is serving (no deadline, and one
// with a deadline far away): Context::cause() says cancelled.
func checkCauseCancel(ctx context.Context) error {
	const tag = "go→c++ cancel"
	for i := range 4 {
		cctx, cancel := context.WithCancel(ctx)
		if i%2 == 1 {
			cctx, cancel = context.WithTimeout(ctx, time.Hour)
		}
		done := make(chan error, 1)
		go func() { done <- cpp.WaitContext(cctx, tag) }()
		if started, err := cpp.ContextEnds(ctx, tag+"#started", 1); err != nil || len(started) != 1 {
			cancel()
			return fmt.Errorf("call %d did not start: %v, %v", i, started, err)
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			return fmt.Errorf("WaitContext #%d: want context.Canceled, got %v", i, err)
		}
		got, err := cpp.ContextEnds(ctx, tag, 1)
		if err != nil {
			return fmt.Errorf("ContextEnds: %w", err)
		}
		if err := expectAll("C++ Context::cause()", got, 1, "cancelled"); err != nil {
			return err
		}
	}
	return waitIncomingDrained(ctx)
}

// checkNestedStop: Go → C++ → Go, cancelled at the top. Go calls CppSide.relay_wait, whose C++
// implementation calls GoSide.wait_context with CallOptions::from(its context), in the synchronous or
// the _async form. Cancelling the Go caller's context cancels the innermost handler's ctx
// (context.Canceled), the middle C++ call answers cancelled, and no call stays alive.
func checkNestedStop(useAsync bool) func(context.Context) error {
	return func(ctx context.Context) error {
		tag := fmt.Sprintf("nested stop async=%v", useAsync)
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- cpp.RelayWait(cctx, tag, useAsync) }()
		if started := goRecords.take(ctx, tag+"#started", 1); len(started) != 1 {
			return errors.New("the innermost call did not reach Go")
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			return fmt.Errorf("RelayWait: want context.Canceled, got %v", err)
		}
		if err := expectAll("the innermost handler's ctx.Err()", goRecords.take(ctx, tag, 1), 1, "context canceled"); err != nil {
			return err
		}
		relay, err := cpp.ContextEnds(ctx, tag+"#relay", 1)
		if err != nil {
			return fmt.Errorf("ContextEnds(relay): %w", err)
		}
		if err := expectAll("the middle C++ call's answer", relay, 1, "cancelled"); err != nil {
			return err
		}
		return waitIncomingDrained(ctx)
	}
}

// checkNestedExpiry: Go → C++ → Go with a 20 ms deadline at the top, repeated: the innermost handler's
// ctx ends with context.DeadlineExceeded, and the middle C++ call answers deadline_exceeded.
func checkNestedExpiry(useAsync bool) func(context.Context) error {
	return func(ctx context.Context) error {
		tag := fmt.Sprintf("nested expiry async=%v", useAsync)
		for i := range contextRepeats {
			cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
			err := cpp.RelayWait(cctx, tag, useAsync)
			cancel()
			if !errors.Is(err, context.DeadlineExceeded) {
				return fmt.Errorf("RelayWait #%d: want context.DeadlineExceeded, got %v", i, err)
			}
		}
		// The top call returns at its deadline; the calls below end on their own. Once the C++ ones have
		// returned, count the innermost calls that reached Go (a deadline may pass before a call gets that
		// far), and wait for each to record its end: an _async middle call returns when its future
		// resolves, which may be before Go's handler has seen its context end.
		if err := waitIncomingDrained(ctx); err != nil {
			return err
		}
		started := goRecords.take(ctx, tag+"#started", 0)
		if len(started) == 0 {
			return errors.New("no innermost call reached Go")
		}
		ends := goRecords.take(ctx, tag, uint32(len(started)))
		if err := expectAll("the innermost handler's ctx.Err()", ends, len(started), "context deadline exceeded"); err != nil {
			return err
		}
		relay, err := cpp.ContextEnds(ctx, tag+"#relay", 0)
		if err != nil {
			return fmt.Errorf("ContextEnds(relay): %w", err)
		}
		return expectAll("the middle C++ call's answer", relay, len(relay), "deadline_exceeded")
	}
}

// checkReentrySaturated: more concurrent Go → C++ → Go → C++ chains than the C++ runtime has executor
// threads. Each C++ implementation calls Go synchronously with CallOptions::from(its context), so with a
// stop token; the Go handler calls back into C++. The nested call runs on the waiting executor thread
// itself (the handler stays on the caller's thread), so no chain waits for a free thread.
func checkReentrySaturated(ctx context.Context) error {
	const chains = 16
	errs := make([]error, chains)
	var wg sync.WaitGroup
	for i := range chains {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := cpp.CallGo(ctx, int64(i))
			if err == nil && got != 2*int64(i) {
				err = fmt.Errorf("got %d, want %d", got, 2*i)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("CallGo(%d): %w", i, err)
		}
	}
	return waitIncomingDrained(ctx)
}
