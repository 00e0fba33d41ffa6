package gohost_test

// Fault injection (tests/stress/README.md, "Fault injection"): allocation failure in the C++ runtime, stalled
// peers, deadlines expiring in every phase of a call, services unregistered and the runtime stopped with
// calls in flight. Each scenario runs in a process of its own under the watchdog of stress_test.go.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
	stress "github.com/cxx2go/cxx2go/tests/gen/stress"
	"github.com/cxx2go/cxx2go/tests/stress/gohost"
)

func init() {
	scenarios["alloc_fail"] = scenarioAllocFail
	scenarios["stalled"] = scenarioStalled
	scenarios["stop_stalled"] = scenarioStopStalled
	scenarios["deadline_phases"] = scenarioDeadlinePhases
	scenarios["unregister"] = scenarioUnregister
}

func TestAllocationFailure(t *testing.T)    { runScenarioTest(t, "alloc_fail") }
func TestStalledPeer(t *testing.T)          { runScenarioTest(t, "stalled") }
func TestStopWithStalledCalls(t *testing.T) { runScenarioTest(t, "stop_stalled") }
func TestDeadlinePhases(t *testing.T)       { runScenarioTest(t, "deadline_phases") }
func TestUnregisterInFlight(t *testing.T)   { runScenarioTest(t, "unregister") }

// stalls are released by the test; outcomes are awaited for at most this long (a watchdog, not a
// measurement: a correct runtime answers in microseconds to milliseconds).
const outcomeBound = 60 * time.Second

// waitUntil polls cond until it holds, or fails after outcomeBound.
func waitUntil(what string, cond func() bool) error {
	deadline := time.Now().Add(outcomeBound)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("still waiting after %v for %s", outcomeBound, what)
		}
		time.Sleep(time.Millisecond)
	}
	return nil
}

// goResult is the outcome of a Go → C++ call made on its own goroutine.
type goResult struct {
	v   int64
	err error
}

func goCall(f func() (int64, error)) <-chan goResult {
	ch := make(chan goResult, 1)
	go func() {
		v, err := f()
		ch <- goResult{v, err}
	}()
	return ch
}

func await(what string, ch <-chan goResult) (goResult, error) {
	select {
	case r := <-ch:
		return r, nil
	case <-time.After(outcomeBound):
		return goResult{}, fmt.Errorf("%s: no outcome after %v", what, outcomeBound)
	}
}

// wantValue checks a successful outcome with value want.
func wantValue(what string, v int64, err error, want int64) error {
	if err != nil || v != want {
		return fmt.Errorf("%s: want %d, got %d, %v", what, want, v, err)
	}
	return nil
}

// checkGoCall waits for a C++ → Go call and checks its code (OK: and value want).
func checkGoCall(what string, c gohost.GoCall, code cxx2go.Code, want int64) error {
	v, err := c.Wait()
	if code == cxx2go.OK {
		return wantValue(what, v, err, want)
	}
	return wantCode(what, err, code)
}

func withTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

// ---- allocation failure ----

// queuePositions is how many positions of the executor's queue each allocation failure point is tried at.
const queuePositions = 8

// scenarioAllocFail fails each allocation of one call in turn, in every direction: the call must fail
// with ResourceExhausted (or, for a C++ caller, the client call may throw std::bad_alloc before sending),
// leave nothing alive, and the next call must work.
func scenarioAllocFail() error {
	if err := start(2); err != nil {
		return err
	}
	for kind, name := range []string{"sync", "async", "async with a deadline", "async through then()"} {
		points, failed, thrown, err := gohost.SweepCppAllocations(kind)
		if err != nil {
			return err
		}
		fmt.Printf("alloc: C++ → Go %-24s %3d allocations failed in turn: %3d calls resource_exhausted, %3d threw "+
			"std::bad_alloc to the caller, the rest unaffected\n", name+":", points, failed, thrown)
	}
	cpp := stress.NewCppWorkClient()
	affine := stress.NewAffineWorkClient()
	cases := []struct {
		name string
		call func(x int64) (int64, error) // must return x + 1
	}{
		{"work (executor)", func(x int64) (int64, error) { return cpp.Work(context.Background(), x, 0) }},
		{"work with a deadline", func(x int64) (int64, error) {
			ctx, cancel := withTimeout(time.Minute)
			defer cancel()
			return cpp.Work(ctx, x, 0)
		}},
		{"async_work (coroutine)", func(x int64) (int64, error) { return cpp.AsyncWork(context.Background(), x, 0) }},
		{"AffineWork (first call)", func(x int64) (int64, error) {
			// The first successful call creates the service's thread: failures before it hit that too.
			tid, err := affine.ThreadID(context.Background())
			if err == nil && tid == 0 {
				return 0, errors.New("thread id 0")
			}
			return x + 1, err
		}},
	}
	for _, c := range cases {
		points, failed := 0, 0
		for n := int64(1); ; n++ {
			if n > 100_000 {
				return fmt.Errorf("Go → C++ %s: more than 100000 allocations in one call", c.name)
			}
			// Some allocations happen in some calls only: the executor's queue allocates a block every few
			// calls. Each point is tried at queuePositions successive positions of it (three calls a round,
			// so that the rounds land on every position of a queue block of up to 8 tasks).
			injected := false
			for round := int64(0); round < queuePositions; round++ {
				x := 1000*(n*queuePositions+round) + 7
				gohost.ArmAllocFailure(n)
				v, err := c.call(x)
				injected = gohost.DisarmAllocFailure() || injected
				switch {
				case err == nil:
					if v != x+1 {
						return fmt.Errorf("Go → C++ %s, failing allocation %d: want %d, got %d", c.name, n, x+1, v)
					}
				case cxx2go.CodeOf(err) == cxx2go.ResourceExhausted:
					failed++
				default:
					return fmt.Errorf("Go → C++ %s, failing allocation %d (round %d): %v (want a value or "+
						"resource_exhausted)", c.name, n, round, err)
				}
				if err := waitNoLiveCalls(); err != nil {
					return fmt.Errorf("Go → C++ %s, failing allocation %d: %w", c.name, n, err)
				}
				for next := int64(1); next <= 2; next++ {
					if v, err := c.call(x + next); err != nil || v != x+next+1 {
						return fmt.Errorf("Go → C++ %s, after failing allocation %d: the next call got %d, %v",
							c.name, n, v, err)
					}
				}
			}
			if !injected {
				points = int(n - 1)
				break
			}
		}
		fmt.Printf("alloc: Go → C++ %-24s %3d allocations failed in turn, each at %d queue positions: %3d calls "+
			"resource_exhausted, the rest unaffected\n", c.name+":", points, queuePositions, failed)
	}
	if err := waitNoLiveCalls(); err != nil {
		return err
	}
	return cxx2go.Stop()
}

// ---- a stalled peer ----

// scenarioStalled: Go handlers and C++ implementations that ignore cancellation and deadlines and hang
// until released. Callers with deadlines get DeadlineExceeded and cancelled callers Cancelled while the
// peer is still stalled; other calls proceed meanwhile.
func scenarioStalled() error {
	if err := start(4); err != nil {
		return err
	}
	gohost.SetGoGate(false)
	gohost.SetCppGate(false)

	// C++ callers of stalled Go handlers.
	byDeadline := gohost.StartGoCall(gohost.AsyncThen, 1, 6, 20_000)
	byCancel := gohost.StartGoCall(gohost.Async, 2, 6, -1)
	syncCall := gohost.StartGoCall(gohost.Sync, 3, 6, 20_000)
	if err := waitUntil("3 stalled Go handlers", func() bool { return gohost.GoStalled() == 3 }); err != nil {
		return err
	}
	if err := checkGoCall("C++ → Go async, deadline, stalled handler", byDeadline, cxx2go.DeadlineExceeded, 0); err != nil {
		return err
	}
	byCancel.Cancel()
	if err := checkGoCall("C++ → Go async, cancelled, stalled handler", byCancel, cxx2go.Cancelled, 0); err != nil {
		return err
	}

	// Go callers of stalled C++ implementations (two on executor threads, one coroutine).
	cpp := stress.NewCppWorkClient()
	ctx1, cancel1 := withTimeout(20 * time.Millisecond)
	defer cancel1()
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	ctx3, cancel3 := withTimeout(20 * time.Millisecond)
	defer cancel3()
	dl := goCall(func() (int64, error) { return cpp.Work(ctx1, 4, 6) })
	cn := goCall(func() (int64, error) { return cpp.Work(ctx2, 5, 6) })
	as := goCall(func() (int64, error) { return cpp.AsyncWork(ctx3, 6, 6) })
	if err := waitUntil("3 stalled C++ implementations", func() bool { return gohost.CppStalled() == 3 }); err != nil {
		return err
	}
	for _, c := range []struct {
		name string
		ch   <-chan goResult
	}{{"Go → C++ work, deadline, stalled", dl}, {"Go → C++ async_work, deadline, stalled", as}} {
		r, err := await(c.name, c.ch)
		if err != nil {
			return err
		}
		if err := wantCode(c.name, r.err, cxx2go.DeadlineExceeded); err != nil {
			return err
		}
	}
	cancel2()
	if r, err := await("Go → C++ work, cancelled, stalled", cn); err != nil {
		return err
	} else if err := wantCode("Go → C++ work, cancelled, stalled", r.err, cxx2go.Cancelled); err != nil {
		return err
	}

	// Other calls proceed in both directions while both peers stay stalled.
	for i := int64(0); i < 200; i++ {
		if v, err := cpp.Work(context.Background(), i, 0); err != nil || v != i+1 {
			return fmt.Errorf("Go → C++ beside stalled calls: %d, %v", v, err)
		}
		if err := checkGoCall("C++ → Go sync beside stalled calls", gohost.StartGoCall(gohost.Sync, i, 0, -1), cxx2go.OK, i+1); err != nil {
			return err
		}
		if err := checkGoCall("C++ → Go async beside stalled calls", gohost.StartGoCall(gohost.AsyncThen, i, 0, -1), cxx2go.OK, i+1); err != nil {
			return err
		}
	}
	if g, c := gohost.GoStalled(), gohost.CppStalled(); g != 3 || c != 3 {
		return fmt.Errorf("outcomes checked: want 3 Go and 3 C++ peers still stalled, got %d and %d", g, c)
	}
	if syncCall.Ready() {
		return errors.New("a synchronous C++ → Go call returned while its handler is stalled")
	}
	fmt.Println("stalled: deadline_exceeded and cancelled delivered while 3 Go and 3 C++ peers stayed stalled; " +
		"600 other calls succeeded meanwhile")

	// Released: the synchronous C++ caller gets the handler's answer (the handler ran on its thread and
	// ignored the deadline that its context carried); the others' late answers are dropped.
	gohost.SetGoGate(true)
	gohost.SetCppGate(true)
	if err := checkGoCall("C++ → Go sync, deadline, stalled handler released", syncCall, cxx2go.OK, 4); err != nil {
		return err
	}
	if err := waitNoLiveCalls(); err != nil {
		return err
	}
	return cxx2go.Stop()
}

// scenarioStopStalled: Stop with calls in flight in both directions, stalled and cooperative, running and
// queued. Every caller gets its outcome (Stopped, or Cancelled from a peer that honoured its cancellation)
// and Stop returns while the stalled peers are still stalled; once they are released, nothing is left
// alive.
func scenarioStopStalled() error {
	if err := start(2); err != nil {
		return err
	}
	gohost.SetGoGate(false)
	gohost.SetCppGate(false)
	asyncStalled := gohost.StartGoCall(gohost.AsyncThen, 1, 6, -1)
	asyncCoop := gohost.StartGoCall(gohost.AsyncThen, 2, 2, -1)
	syncStalled := gohost.StartGoCall(gohost.Sync, 3, 6, -1)
	syncCoop := gohost.StartGoCall(gohost.Sync, 4, 2, -1)

	cpp := stress.NewCppWorkClient()
	bg := context.Background()
	// The coroutine first: it suspends, giving its executor thread back; then the two calls below take
	// both executor threads.
	asyncWork := goCall(func() (int64, error) { return cpp.AsyncWork(bg, 7, 6) })
	if err := waitUntil("a stalled coroutine", func() bool { return gohost.CppStalled() == 1 }); err != nil {
		return err
	}
	base := gohost.CppWorkStarted()
	workStalled := goCall(func() (int64, error) { return cpp.Work(bg, 5, 6) })
	workCoop := goCall(func() (int64, error) { return cpp.Work(bg, 6, 2) })
	if err := waitUntil("stalled and cooperative calls in flight", func() bool {
		return gohost.GoStalled() == 2 && gohost.CppStalled() == 2 && gohost.CppWorkStarted() == base+2
	}); err != nil {
		return err
	}
	// Both executor threads are busy: this call waits in the executor's queue.
	queued := goCall(func() (int64, error) { return cpp.Work(bg, 8, 0) })

	stopped := make(chan error, 1)
	go func() { stopped <- cxx2go.Stop() }()

	anyOf := func(what string, err error, codes ...cxx2go.Code) error {
		for _, c := range codes {
			if cxx2go.CodeOf(err) == c {
				return nil
			}
		}
		return fmt.Errorf("%s: want one of %v, got %v", what, codes, err)
	}
	if err := checkGoCall("C++ → Go async, stalled handler, stop", asyncStalled, cxx2go.Stopped, 0); err != nil {
		return err
	}
	if err := checkGoCall("C++ → Go async, cooperative handler, stop", asyncCoop, cxx2go.Stopped, 0); err != nil {
		return err
	}
	if _, err := syncCoop.Wait(); anyOf("C++ → Go sync, cooperative handler, stop", err, cxx2go.Cancelled, cxx2go.Stopped) != nil {
		return anyOf("C++ → Go sync, cooperative handler, stop", err, cxx2go.Cancelled, cxx2go.Stopped)
	}
	for _, c := range []struct {
		name  string
		ch    <-chan goResult
		codes []cxx2go.Code
	}{
		{"Go → C++ work, stalled, stop", workStalled, []cxx2go.Code{cxx2go.Stopped}},
		{"Go → C++ work, cooperative, stop", workCoop, []cxx2go.Code{cxx2go.Cancelled, cxx2go.Stopped}},
		// Stopping cancels the implementation's Future (docs/async.md), which answers Cancelled.
		{"Go → C++ async_work, stalled, stop", asyncWork, []cxx2go.Code{cxx2go.Cancelled, cxx2go.Stopped}},
		{"Go → C++ work, queued, stop", queued, []cxx2go.Code{cxx2go.Stopped}},
	} {
		r, err := await(c.name, c.ch)
		if err != nil {
			return err
		}
		if err := anyOf(c.name, r.err, c.codes...); err != nil {
			return err
		}
	}
	if g, c := gohost.GoStalled(), gohost.CppStalled(); g != 2 || c != 2 {
		return fmt.Errorf("outcomes checked: want 2 Go and 2 C++ peers still stalled, got %d and %d", g, c)
	}
	if syncStalled.Ready() {
		return errors.New("a synchronous C++ → Go call returned while its handler is stalled")
	}
	// Stop returns with the peers still stalled: it waits for them at most twice stop_timeout, then leaves
	// the stalled executor thread running.
	select {
	case err := <-stopped:
		if err != nil {
			return fmt.Errorf("Stop: %w", err)
		}
	case <-time.After(outcomeBound):
		return fmt.Errorf("Stop did not return within %v with stalled peers", outcomeBound)
	}
	if g, c := gohost.GoStalled(), gohost.CppStalled(); g != 2 || c != 2 {
		return fmt.Errorf("Stop returned: want 2 Go and 2 C++ peers still stalled, got %d and %d", g, c)
	}
	fmt.Println("stop: 7 callers got stopped/cancelled, and Stop returned, while 2 Go and 2 C++ peers stayed stalled")

	gohost.SetGoGate(true)
	gohost.SetCppGate(true)
	// The stalled synchronous caller gets its handler's answer: the handler ran on its thread.
	if err := checkGoCall("C++ → Go sync, stalled handler released after stop", syncStalled, cxx2go.OK, 4); err != nil {
		return err
	}
	if _, err := cpp.Work(bg, 9, 0); cxx2go.CodeOf(err) != cxx2go.Stopped {
		return fmt.Errorf("Go → C++ after stop: want stopped, got %v", err)
	}
	return waitNoLiveCalls()
}

// ---- deadlines in every phase ----

// scenarioDeadlinePhases: deadlines that pass before the call is sent, while it waits in the executor's
// queue, while it runs, and while its answer is being delivered, in both directions, synchronous and
// asynchronous: DeadlineExceeded exactly once (or, when the answer won the race, the value), nothing alive
// afterwards.
func scenarioDeadlinePhases() error {
	if err := start(2); err != nil {
		return err
	}
	cpp := stress.NewCppWorkClient()
	bg := context.Background()

	// 1. Passed before sending: refused without crossing.
	goBase, cppBase := gohost.GoWorkStarted(), gohost.CppWorkStarted()
	for _, how := range []gohost.How{gohost.Sync, gohost.Async, gohost.AsyncThen} {
		if err := checkGoCall(fmt.Sprintf("C++ → Go (how %d), deadline passed before sending", how),
			gohost.StartGoCall(how, 1, 0, 0), cxx2go.DeadlineExceeded, 0); err != nil {
			return err
		}
	}
	past, cancelPast := context.WithDeadline(bg, time.Now().Add(-time.Second))
	defer cancelPast()
	if _, err := cpp.Work(past, 1, 0); wantCode("Go → C++ work, deadline passed before sending", err, cxx2go.DeadlineExceeded) != nil {
		return wantCode("Go → C++ work, deadline passed before sending", err, cxx2go.DeadlineExceeded)
	}
	if _, err := cpp.AsyncWork(past, 1, 0); wantCode("Go → C++ async_work, deadline passed before sending", err, cxx2go.DeadlineExceeded) != nil {
		return wantCode("Go → C++ async_work, deadline passed before sending", err, cxx2go.DeadlineExceeded)
	}
	if gohost.GoWorkStarted() != goBase || gohost.CppWorkStarted() != cppBase {
		return errors.New("a call whose deadline had passed reached its handler")
	}

	// 2. Passing while queued on the executor (Go → C++; Go runs every handler on a goroutine of its own
	// at once, so C++ → Go calls are never queued): both executor threads are stalled.
	gohost.SetCppGate(false)
	s1 := goCall(func() (int64, error) { return cpp.Work(bg, 10, 6) })
	s2 := goCall(func() (int64, error) { return cpp.Work(bg, 11, 6) })
	if err := waitUntil("2 stalled executor threads", func() bool { return gohost.CppStalled() == 2 }); err != nil {
		return err
	}
	cppBase = gohost.CppWorkStarted()
	for _, async := range []bool{false, true} {
		ctx, cancel := withTimeout(20 * time.Millisecond)
		var err error
		if async {
			_, err = cpp.AsyncWork(ctx, 1, 0)
		} else {
			_, err = cpp.Work(ctx, 1, 0)
		}
		cancel()
		if err := wantCode(fmt.Sprintf("Go → C++ (async %v), deadline passed while queued", async), err,
			cxx2go.DeadlineExceeded); err != nil {
			return err
		}
	}
	gohost.SetCppGate(true)
	for i, ch := range []<-chan goResult{s1, s2} {
		r, err := await("stalled executor call", ch)
		if err != nil {
			return err
		}
		if err := wantValue("stalled executor call", r.v, r.err, int64(11+i)); err != nil {
			return err
		}
	}
	if err := waitNoLiveCalls(); err != nil {
		return err
	}
	if n := gohost.CppWorkStarted() - cppBase; n != 0 {
		return fmt.Errorf("%d queued call(s) whose deadline had passed ran their implementation", n)
	}

	// 3. Passing while running: cooperative peers (mode 2 watches its context) and stalled ones (mode 6).
	gohost.SetGoGate(false)
	gohost.SetCppGate(false)
	for _, c := range []struct {
		name string
		how  gohost.How
		mode int32
	}{
		{"C++ → Go sync, running", gohost.Sync, 2},
		{"C++ → Go async, running", gohost.AsyncThen, 2},
		{"C++ → Go async, stalled", gohost.AsyncThen, 6},
	} {
		if err := checkGoCall(c.name, gohost.StartGoCall(c.how, 1, c.mode, 20_000), cxx2go.DeadlineExceeded, 0); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		name string
		call func(ctx context.Context) (int64, error)
	}{
		{"Go → C++ work, running", func(ctx context.Context) (int64, error) { return cpp.Work(ctx, 1, 2) }},
		{"Go → C++ async_work, running", func(ctx context.Context) (int64, error) { return cpp.AsyncWork(ctx, 1, 2) }},
		{"Go → C++ work, stalled", func(ctx context.Context) (int64, error) { return cpp.Work(ctx, 1, 6) }},
		{"Go → C++ async_work, stalled", func(ctx context.Context) (int64, error) { return cpp.AsyncWork(ctx, 1, 6) }},
	} {
		ctx, cancel := withTimeout(20 * time.Millisecond)
		_, err := c.call(ctx)
		cancel()
		if err := wantCode(c.name, err, cxx2go.DeadlineExceeded); err != nil {
			return err
		}
	}
	gohost.SetGoGate(true)
	gohost.SetCppGate(true)
	if err := waitNoLiveCalls(); err != nil {
		return err
	}

	// 4. Passing while the answer is delivered: the peer answers with a value exactly when the deadline
	// passes (mode 7), so the answer and the deadline race. Exactly one outcome each, the continuation of
	// each C++ future runs once (GoCall.Wait checks), nothing alive afterwards. A synchronous C++ → Go
	// caller always gets the handler's answer (the handler runs on its thread; no timer races it).
	const raceCalls = 400
	var mu sync.Mutex
	counts := map[string]int{}
	var firstErr error
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int64(0); i < raceCalls/8; i++ {
				x := int64(g)*1000 + i
				timeout := 200 + (i%8)*100 // µs
				outcomes := map[string]error{}
				for name, how := range map[string]gohost.How{"C++ → Go async": gohost.AsyncThen, "C++ → Go sync": gohost.Sync} {
					var v int64
					v, outcomes[name] = gohost.StartGoCall(how, x, 7, timeout).Wait()
					if outcomes[name] == nil && v != x+1 {
						outcomes[name] = fmt.Errorf("wrong value %d", v)
					}
				}
				for name, async := range map[string]bool{"Go → C++ work": false, "Go → C++ async_work": true} {
					ctx, cancel := withTimeout(time.Duration(timeout) * time.Microsecond)
					var v int64
					if async {
						v, outcomes[name] = cpp.AsyncWork(ctx, x, 7)
					} else {
						v, outcomes[name] = cpp.Work(ctx, x, 7)
					}
					cancel()
					if outcomes[name] == nil && v != x+1 {
						outcomes[name] = fmt.Errorf("wrong value %d", v)
					}
				}
				mu.Lock()
				for name, err := range outcomes {
					switch cxx2go.CodeOf(err) {
					case cxx2go.OK:
						counts[name+" value"]++
					case cxx2go.DeadlineExceeded:
						counts[name+" deadline_exceeded"]++
					default:
						if firstErr == nil {
							firstErr = fmt.Errorf("%s, deadline racing the answer: %v", name, err)
						}
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	fmt.Printf("deadlines racing the answer: %v\n", counts)
	if err := waitNoLiveCalls(); err != nil {
		return err
	}
	return cxx2go.Stop()
}

// ---- unregistering with calls in flight ----

// scenarioUnregister: a service unregistered while its calls run (and, Go → C++, wait in the executor's
// queue): those calls finish with their values; later calls fail with UnknownMethod; unregistering again
// fails with NotFound; registering again works.
func scenarioUnregister() error {
	if err := start(2); err != nil {
		return err
	}
	gohost.SetGoGate(false)
	gohost.SetCppGate(false)

	// The Go service, C++ callers.
	async := gohost.StartGoCall(gohost.AsyncThen, 1, 6, -1)
	syncCall := gohost.StartGoCall(gohost.Sync, 2, 6, -1)
	if err := waitUntil("2 stalled Go handlers", func() bool { return gohost.GoStalled() == 2 }); err != nil {
		return err
	}
	if err := stress.UnregisterGoWork(); err != nil {
		return err
	}
	if err := wantCode("unregistering GoWork twice", stress.UnregisterGoWork(), cxx2go.NotFound); err != nil {
		return err
	}
	for _, how := range []gohost.How{gohost.Sync, gohost.AsyncThen} {
		if err := checkGoCall(fmt.Sprintf("C++ → Go (how %d) after unregistering", how), gohost.StartGoCall(how, 3, 0, -1),
			cxx2go.UnknownMethod, 0); err != nil {
			return err
		}
	}
	gohost.SetGoGate(true)
	if err := checkGoCall("C++ → Go async in flight while unregistered", async, cxx2go.OK, 2); err != nil {
		return err
	}
	if err := checkGoCall("C++ → Go sync in flight while unregistered", syncCall, cxx2go.OK, 3); err != nil {
		return err
	}
	if err := gohost.RegisterGoWork(); err != nil {
		return err
	}
	if err := checkGoCall("C++ → Go after registering again", gohost.StartGoCall(gohost.AsyncThen, 4, 0, -1), cxx2go.OK, 5); err != nil {
		return err
	}

	// The C++ service, Go callers: two stalled on both executor threads, one coroutine, one queued.
	cpp := stress.NewCppWorkClient()
	bg := context.Background()
	aw := goCall(func() (int64, error) { return cpp.AsyncWork(bg, 12, 6) }) // suspends: frees its thread
	if err := waitUntil("a stalled coroutine", func() bool { return gohost.CppStalled() == 1 }); err != nil {
		return err
	}
	w1 := goCall(func() (int64, error) { return cpp.Work(bg, 10, 6) })
	w2 := goCall(func() (int64, error) { return cpp.Work(bg, 11, 6) })
	if err := waitUntil("3 stalled C++ implementations", func() bool { return gohost.CppStalled() == 3 }); err != nil {
		return err
	}
	base := gohost.CppWorkStarted()
	queued := goCall(func() (int64, error) { return cpp.Work(bg, 13, 0) })
	// The queued call is accepted once the runtime holds its record; wait for that before unregistering.
	if err := waitUntil("the queued call to be accepted", func() bool {
		_, incoming, _ := gohost.CppLiveCounts()
		return incoming == 4
	}); err != nil {
		return err
	}
	if err := gohost.UnregisterCppWork(); err != nil {
		return err
	}
	if err := wantCode("unregistering CppWork twice", gohost.UnregisterCppWork(), cxx2go.NotFound); err != nil {
		return err
	}
	if _, err := cpp.Work(bg, 1, 0); wantCode("Go → C++ after unregistering", err, cxx2go.UnknownMethod) != nil {
		return wantCode("Go → C++ after unregistering", err, cxx2go.UnknownMethod)
	}
	if gohost.CppWorkStarted() != base {
		return errors.New("the queued call ran before the executor was free")
	}
	gohost.SetCppGate(true)
	for i, ch := range []<-chan goResult{w1, w2, aw, queued} {
		r, err := await("Go → C++ in flight while unregistered", ch)
		if err != nil {
			return err
		}
		if err := wantValue("Go → C++ in flight while unregistered", r.v, r.err, int64(11+i)); err != nil {
			return err
		}
	}
	if err := gohost.RegisterCppWork(); err != nil {
		return err
	}
	if v, err := cpp.Work(bg, 20, 0); err != nil || v != 21 {
		return fmt.Errorf("Go → C++ after registering again: %d, %v", v, err)
	}
	if err := waitNoLiveCalls(); err != nil {
		return err
	}
	return cxx2go.Stop()
}
