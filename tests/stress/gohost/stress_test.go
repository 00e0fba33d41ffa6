package gohost_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
	stress "github.com/cxx2go/cxx2go/tests/gen/stress"
	"github.com/cxx2go/cxx2go/tests/stress/gohost"
)

// Each scenario runs in a process of its own (this test binary re-executed with scenarioEnv set): a
// runtime starts and stops once per process, and some scenarios fork, profile or crash on purpose.
const scenarioEnv = "CXX2GO_STRESS_SCENARIO"

// The process's main goroutine stays on the main thread, so that a scenario can call from it.
func init() { runtime.LockOSThread() }

func TestMain(m *testing.M) {
	if name := os.Getenv(scenarioEnv); name != "" {
		os.Exit(runScenario(name))
	}
	code := m.Run()
	if debugBuild.dir != "" {
		os.RemoveAll(debugBuild.dir)
	}
	os.Exit(code)
}

var scenarios = map[string]func() error{
	"storm":           scenarioStorm,
	"threads":         scenarioThreads,
	"signals":         scenarioSignals,
	"static_ctor":     scenarioStaticCtor,
	"after_stop":      scenarioAfterStop,
	"fork":            scenarioFork,
	"containment":     scenarioContainment,
	"unwrapped_throw": scenarioUnwrappedThrow,
}

// scenarioLimit bounds every scenario process (a watchdog, never an assertion on how long it took).
const scenarioLimit = 240 * time.Second

func runScenario(name string) int {
	watchdog := time.AfterFunc(scenarioLimit, func() {
		fmt.Printf("STRESS FAIL %s: WATCHDOG: still running after %v\n", name, scenarioLimit)
		pprof.Lookup("goroutine").WriteTo(os.Stdout, 1)
		os.Exit(3)
	})
	defer watchdog.Stop()
	run, ok := scenarios[name]
	if !ok {
		fmt.Printf("STRESS FAIL %s: no such scenario\n", name)
		return 2
	}
	if err := run(); err != nil {
		fmt.Printf("STRESS FAIL %s: %v\n", name, err)
		return 1
	}
	fmt.Printf("STRESS PASS %s\n", name)
	return 0
}

// runChild runs scenario name in a new process and returns its combined output and error.
func runChild(t *testing.T, name string, env ...string) (string, error) {
	t.Helper()
	return runChildOf(t, os.Args[0], name, env...)
}

// runChildOf is runChild with another build of this test binary.
func runChildOf(t *testing.T, bin, name string, env ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), scenarioLimit+30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-test.run=^$")
	cmd.Env = append(append(os.Environ(), scenarioEnv+"="+name), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func runScenarioTest(t *testing.T, name string) {
	out, err := runChild(t, name)
	t.Logf("scenario %s:\n%s", name, out)
	if err != nil || !strings.Contains(out, "STRESS PASS "+name) {
		t.Fatalf("scenario %s failed: %v", name, err)
	}
}

func TestCancellationStorm(t *testing.T)  { runScenarioTest(t, "storm") }
func TestThreads(t *testing.T)            { runScenarioTest(t, "threads") }
func TestSignals(t *testing.T)            { runScenarioTest(t, "signals") }
func TestStaticConstructor(t *testing.T)  { runScenarioTest(t, "static_ctor") }
func TestAfterStop(t *testing.T)          { runScenarioTest(t, "after_stop") }
func TestFork(t *testing.T)               { runScenarioTest(t, "fork") }
func TestFailureContainment(t *testing.T) { runScenarioTest(t, "containment") }

// The negative control: a C++ exception escaping an unwrapped extern "C" function into Go frames kills
// the process with SIGABRT (std::terminate). GOTRACEBACK=crash makes Go's signal handler die from the
// signal after printing, so the exit status shows it (by default Go exits with status 2 instead).
func TestUnwrappedThrowAborts(t *testing.T) {
	out, err := runChild(t, "unwrapped_throw", "GOTRACEBACK=crash")
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("the process survived an exception escaping into Go (err %v):\n%s", err, out)
	}
	ws, ok := exit.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGABRT {
		t.Fatalf("want death by SIGABRT, got %v:\n%s", err, out)
	}
	if !strings.Contains(out, "terminate called after throwing an instance of 'std::runtime_error'") {
		t.Fatalf("no std::terminate message:\n%s", out)
	}
	if strings.Contains(out, "STRESS PASS") {
		t.Fatalf("the scenario went on after the exception:\n%s", out)
	}
}

// ---- helpers ----

func start(executorThreads int) error {
	if err := gohost.Register(); err != nil {
		return err
	}
	return cxx2go.Start(cxx2go.Options{ExecutorThreads: executorThreads})
}

// waitNoLiveCalls waits (up to 30 s) until neither runtime has a call or a call record alive.
func waitNoLiveCalls() error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		o, i, r := gohost.CppLiveCounts()
		g := cxx2go.LiveCounts()
		if o == 0 && i == 0 && r == 0 && g.PendingCppCalls == 0 && g.RunningHandlers == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("calls still alive after 30 s: C++ %d outgoing, %d incoming, %d records; Go %+v",
				o, i, r, g)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// wantCode checks that err carries code.
func wantCode(what string, err error, code cxx2go.Code) error {
	if got := cxx2go.CodeOf(err); got != code {
		return fmt.Errorf("%s: want code %v, got %v (%v)", what, code, got, err)
	}
	return nil
}

// envCount reads a positive count from the environment, or returns def.
func envCount(name string, def uint64) uint64 {
	if v, err := strconv.ParseUint(os.Getenv(name), 10, 64); err == nil && v > 0 {
		return v
	}
	return def
}

// ---- 1. cancellation storm ----

// stormCalls is the storm's size: STRESS_CALLS calls in all (default 1,000,000; 100,000 with -race),
// 60 % C++ → Go and 40 % Go → C++.
func stormCalls() (cppToGo, goToCpp uint64) {
	def := uint64(1_000_000)
	if raceEnabled {
		def = 100_000
	}
	n := envCount("STRESS_CALLS", def)
	return n * 6 / 10, n - n*6/10
}

func scenarioStorm() error {
	if err := start(2); err != nil {
		return err
	}
	cppToGo, goToCpp := stormCalls()
	var wg sync.WaitGroup
	var cppOut gohost.Outcomes
	wg.Add(1)
	go func() {
		defer wg.Done()
		cppOut = gohost.CppStorm(cppToGo, 1, 4)
	}()
	goOut := goStorm(goToCpp, 8)
	wg.Wait()
	fmt.Printf("C++ → Go: %v\nGo → C++: %v\n", cppOut, goOut)
	if err := cppOut.Check(); err != nil {
		return fmt.Errorf("C++ → Go: %w", err)
	}
	if err := goOut.Check(); err != nil {
		return fmt.Errorf("Go → C++: %w", err)
	}
	if cppOut.Calls+goOut.Calls < cppToGo+goToCpp-16 { // integer division by the thread counts
		return fmt.Errorf("only %d calls made", cppOut.Calls+goOut.Calls)
	}
	if err := waitNoLiveCalls(); err != nil {
		return err
	}
	if err := cxx2go.Stop(); err != nil {
		return err
	}
	return checkRingCarried()
}

// checkRingCarried proves that a run with CXX2GO_TRANSPORT=ring (scripts/run-stress.sh) used the rings
// in both directions, and that the Go runtime has nothing in flight after Stop.
func checkRingCarried() error {
	if os.Getenv("CXX2GO_TRANSPORT") != "ring" {
		return nil
	}
	st := cxx2go.RingStats()
	fmt.Printf("ring: %d messages C++ → Go, %d Go → C++ (%d / %d wake-ups)\n", st.ToGo, st.ToCpp, st.GoWakeups,
		st.CppWakeups)
	if !st.Attached || st.ToGo == 0 || st.ToCpp == 0 {
		return fmt.Errorf("CXX2GO_TRANSPORT=ring, but the rings carried no calls: %+v", st)
	}
	if live := cxx2go.LiveCounts(); live != (cxx2go.Live{}) {
		return fmt.Errorf("Go calls still alive after Stop: %+v", live)
	}
	return nil
}

// goStorm makes n Go → C++ calls from `workers` goroutines, cancelled at random points:
//
//	0 context cancelled before the call                       → cancelled (never sent)
//	1 Work mode 0                                             → value
//	2 Work mode 2 (waits for cancellation), cancelled after a random number of yields, from another
//	  goroutine: before C++ runs it, or while it runs         → cancelled
//	3 Work mode 0, cancelled concurrently (races completion)  → value or cancelled
//	4 AsyncWork mode 0 (a coroutine), cancelled concurrently  → value or cancelled
//	5 Work mode 2 with a deadline 0..100 µs away              → deadline
//	6 AsyncWork mode 2 (the coroutine awaits Go, which waits), cancelled after random yields → cancelled
//	7 Work mode 1                                             → value
func goStorm(n uint64, workers int) gohost.Outcomes {
	var calls, ok, cancelled, deadline, bad atomic.Uint64
	var firstBad atomic.Pointer[string]
	cpp := stress.NewCppWorkClient()
	classify := func(v int64, err error, want int64, maySucceed bool) {
		switch {
		case err == nil && maySucceed && v == want:
			ok.Add(1)
		case err == nil:
			s := fmt.Sprintf("unexpected value %d, want %d", v, want)
			firstBad.CompareAndSwap(nil, &s)
			bad.Add(1)
		case errors.Is(err, context.Canceled) && cxx2go.CodeOf(err) == cxx2go.Cancelled:
			cancelled.Add(1)
		case errors.Is(err, context.DeadlineExceeded) && cxx2go.CodeOf(err) == cxx2go.DeadlineExceeded:
			deadline.Add(1)
		default:
			s := err.Error()
			firstBad.CompareAndSwap(nil, &s)
			bad.Add(1)
		}
	}
	cancelAfter := func(cancel context.CancelFunc, yields int) {
		go func() {
			for i := 0; i < yields; i++ {
				runtime.Gosched()
			}
			cancel()
		}()
	}
	per := n / uint64(workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, 42))
			for i := uint64(0); i < per; i++ {
				calls.Add(1)
				x := int64(rng.Uint64() >> 2)
				scenario := rng.IntN(8)
				yields := rng.IntN(32)
				ctx, cancel := context.WithCancel(context.Background())
				switch scenario {
				case 0:
					cancel()
					v, err := cpp.Work(ctx, x, 0)
					classify(v, err, x+1, false)
				case 1, 7:
					v, err := cpp.Work(ctx, x, int32(scenario/7))
					classify(v, err, x+1, true)
				case 2:
					cancelAfter(cancel, yields)
					v, err := cpp.Work(ctx, x, 2)
					classify(v, err, x+1, false)
				case 3:
					cancelAfter(cancel, yields%4)
					v, err := cpp.Work(ctx, x, 0)
					classify(v, err, x+1, true)
				case 4:
					cancelAfter(cancel, yields%4)
					v, err := cpp.AsyncWork(ctx, x, 0)
					classify(v, err, x+1, true)
				case 5:
					dctx, dcancel := context.WithTimeout(ctx, time.Duration(rng.IntN(100))*time.Microsecond)
					v, err := cpp.Work(dctx, x, 2)
					dcancel()
					classify(v, err, x+1, false)
				case 6:
					if rng.IntN(4) != 0 { // the nested call is the most expensive: a quarter as often
						cancel()
						_, err := cpp.Work(ctx, x, 0)
						classify(0, err, x+1, false)
						break
					}
					cancelAfter(cancel, yields)
					v, err := cpp.AsyncWork(ctx, x, 2)
					classify(v, err, x+1, false)
				}
				cancel()
			}
		}(uint64(w))
	}
	wg.Wait()
	out := gohost.Outcomes{Calls: calls.Load(), OK: ok.Load(), Cancelled: cancelled.Load(),
		Deadline: deadline.Load(), Bad: bad.Load()}
	if p := firstBad.Load(); p != nil {
		out.FirstBad = *p
	}
	return out
}

// ---- 2. threads ----

// threadCount returns Threads: from /proc/self/status.
func threadCount() (int, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			return strconv.Atoi(strings.TrimSpace(v))
		}
	}
	return 0, errors.New("no Threads: line in /proc/self/status")
}

func scenarioThreads() error {
	if err := start(2); err != nil {
		return err
	}
	// A callback from the process's main thread (this goroutine is locked to it, see init): the Go handler
	// of a synchronous call runs on the calling thread.
	caller, handler, code := gohost.CallThreadID()
	if code != cxx2go.OK || caller != uint64(os.Getpid()) || handler != caller {
		return fmt.Errorf("main-thread call: code %v, caller tid %d, handler tid %d, pid %d", code, caller, handler,
			os.Getpid())
	}
	// Warm up, so that the baseline includes the threads any call needs (executors, Go's Ms).
	if o := gohost.ThreadChurn(256, 64); o.Check() != nil || o.OK != 256 {
		return fmt.Errorf("warm-up: %v", o)
	}
	baseline, err := threadCount()
	if err != nil {
		return err
	}
	total := envCount("STRESS_THREADS", 100_000)
	o := gohost.ThreadChurn(total, 64)
	fmt.Printf("thread churn: %v\n", o)
	if err := o.Check(); err != nil {
		return err
	}
	if o.OK != total {
		return fmt.Errorf("thread churn: %d of %d calls succeeded", o.OK, total)
	}
	// Exited threads disappear from the count shortly after join; allow a bounded wait.
	const slack = 20
	var now int
	for i := 0; i < 500; i++ {
		if now, err = threadCount(); err != nil {
			return err
		}
		if now <= baseline+slack {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Printf("threads: baseline %d, after %d short-lived threads %d\n", baseline, total, now)
	if now > baseline+slack {
		return fmt.Errorf("threads: %d after the churn, baseline %d (+%d allowed)", now, baseline, slack)
	}
	// An @affine service always runs on the same thread, whoever calls.
	affine := stress.NewAffineWorkClient()
	var mu sync.Mutex
	seen := map[uint64]int{}
	var wg sync.WaitGroup
	var firstErr atomic.Pointer[error]
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				id, err := affine.ThreadID(context.Background())
				if err != nil {
					firstErr.CompareAndSwap(nil, &err)
					return
				}
				mu.Lock()
				seen[id]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if p := firstErr.Load(); p != nil {
		return fmt.Errorf("AffineWork.ThreadID: %w", *p)
	}
	if len(seen) != 1 {
		return fmt.Errorf("AffineWork ran on %d threads: %v", len(seen), seen)
	}
	if err := waitNoLiveCalls(); err != nil {
		return err
	}
	return cxx2go.Stop()
}

// ---- 3. signals ----

// sa_flags bits of Linux (asm-generic/signal-defs.h).
const (
	saOnStack = 0x08000000
	saRestart = 0x10000000
)

// sigName names signal i+1 for messages.
func sigName(i int) string { return syscall.Signal(i + 1).String() }

// diffTables returns the signals whose disposition differs.
func diffTables(a, b [64]gohost.SigEntry) []string {
	var out []string
	for i := range a {
		if a[i] != b[i] {
			out = append(out, fmt.Sprintf("%s: %+v → %+v", sigName(i), a[i], b[i]))
		}
	}
	return out
}

// crashSignals are the signals whose handler Start replaces with the crash reporter (docs/debugging.md).
var crashSignals = []syscall.Signal{syscall.SIGSEGV, syscall.SIGBUS, syscall.SIGFPE, syscall.SIGILL, syscall.SIGABRT}

// checkCrashHandlers checks what Start changed: the handler of each crash signal, to one and the same
// handler with SA_ONSTACK, SA_RESTART and SA_SIGINFO, and nothing else.
func checkCrashHandlers(before, after [64]gohost.SigEntry) error {
	const want = 0x08000000 | 0x10000000 | 0x4 // SA_ONSTACK | SA_RESTART | SA_SIGINFO
	changed := map[int]bool{}
	for _, sig := range crashSignals {
		i := int(sig) - 1
		a, b := before[i], after[i]
		if a.Handler == b.Handler || b.Handler != after[int(syscall.SIGSEGV)-1].Handler || b.Flags&want != want {
			return fmt.Errorf("cxx2go.Start did not install the crash handler of %s as expected: %+v → %+v", sigName(i), a, b)
		}
		changed[i] = true
	}
	for i := range before {
		if !changed[i] && before[i] != after[i] {
			return fmt.Errorf("cxx2go.Start changed the disposition of %s: %+v → %+v", sigName(i), before[i], after[i])
		}
	}
	return nil
}

func scenarioSignals() error {
	// The audit. The runtime installs a handler for the crash signals only, at Start (checkCrashHandlers);
	// from then on the table is the same while calls run and after Stop. Every handler present has
	// SA_ONSTACK and SA_RESTART.
	before := gohost.SigactionTable()
	// Control: a change of one disposition is seen by the comparison.
	gohost.ToggleUSR2Handler(true)
	if d := diffTables(before, gohost.SigactionTable()); len(d) != 1 || !strings.HasPrefix(d[0], "user defined signal 2") {
		return fmt.Errorf("audit control: changing SIGUSR2 showed as %v", d)
	}
	gohost.ToggleUSR2Handler(false)
	if d := diffTables(before, gohost.SigactionTable()); len(d) != 0 {
		return fmt.Errorf("audit control: restoring SIGUSR2 left %v", d)
	}
	if err := start(2); err != nil {
		return err
	}
	afterStart := gohost.SigactionTable()
	if err := checkCrashHandlers(before, afterStart); err != nil {
		return err
	}
	before = afterStart
	handlers := 0
	for i, e := range afterStart {
		if !e.Valid || e.Handler <= 1 {
			continue
		}
		handlers++
		if e.Flags&saOnStack == 0 || e.Flags&saRestart == 0 {
			return fmt.Errorf("%s: handler without SA_ONSTACK|SA_RESTART (flags %#x)", sigName(i), e.Flags)
		}
	}
	for _, sig := range []syscall.Signal{syscall.SIGURG, syscall.SIGPROF, syscall.SIGWINCH} {
		if e := afterStart[sig-1]; e.Handler <= 1 {
			return fmt.Errorf("%v has no handler: the storm would not exercise one", sig)
		}
	}

	// The storm: the CPU profiler (SIGPROF) and a goroutine sending SIGURG and SIGWINCH to the process.
	if err := pprof.StartCPUProfile(io.Discard); err != nil {
		return err
	}
	stopSignals := make(chan struct{})
	var sent atomic.Uint64
	var sigWG sync.WaitGroup
	sigWG.Add(1)
	go func() {
		defer sigWG.Done()
		pid := os.Getpid()
		for {
			select {
			case <-stopSignals:
				return
			default:
			}
			_ = syscall.Kill(pid, syscall.SIGURG)
			_ = syscall.Kill(pid, syscall.SIGWINCH)
			sent.Add(2)
			time.Sleep(20 * time.Microsecond)
		}
	}()

	calls := envCount("STRESS_SIGNAL_CALLS", 20_000)
	var wg sync.WaitGroup
	var cppOut gohost.Outcomes
	wg.Add(1)
	go func() {
		defer wg.Done()
		cppOut = gohost.CppMixed(calls, 4)
	}()
	var goCalls, goBad atomic.Uint64
	var firstBad atomic.Pointer[string]
	cpp := stress.NewCppWorkClient()
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			for i := uint64(0); i < calls/6; i++ {
				goCalls.Add(1)
				var v, want int64
				var err error
				switch k := rng.IntN(5); k {
				case 0, 1, 2: // block in a condition variable, nanosleep or read for up to 300 µs
					micros := int64(rng.IntN(300))
					v, err = cpp.Block(context.Background(), int32(k), micros)
					want = micros + int64(k)
				case 3:
					x := int64(rng.Uint64() >> 2)
					v, err = cpp.Work(context.Background(), x, int32(rng.IntN(2)))
					want = x + 1
				case 4:
					x := int64(rng.Uint64() >> 2)
					v, err = cpp.AsyncWork(context.Background(), x, 0)
					want = x + 1
				}
				if err != nil || v != want {
					s := fmt.Sprintf("got %d, %v; want %d", v, err, want)
					firstBad.CompareAndSwap(nil, &s)
					goBad.Add(1)
				}
			}
		}(g)
	}
	wg.Wait()
	close(stopSignals)
	sigWG.Wait()
	pprof.StopCPUProfile()
	nsEINTR, readEINTR := gohost.EINTRCounts()
	fmt.Printf("signals sent: %d; C++ → Go: %v; Go → C++: %d calls, %d bad; EINTR retried: nanosleep %d, read %d\n",
		sent.Load(), cppOut, goCalls.Load(), goBad.Load(), nsEINTR, readEINTR)
	if err := cppOut.Check(); err != nil {
		return fmt.Errorf("C++ → Go under signals: %w", err)
	}
	if cppOut.OK != cppOut.Calls {
		return fmt.Errorf("C++ → Go under signals: %v, want all ok", cppOut)
	}
	if p := firstBad.Load(); p != nil {
		return fmt.Errorf("Go → C++ under signals: %d bad; first: %s", goBad.Load(), *p)
	}
	// read(2) of a pipe is restarted under SA_RESTART, which every handler has: EINTR must never reach it.
	if readEINTR != 0 {
		return fmt.Errorf("read() returned EINTR %d times: some handler lacks SA_RESTART", readEINTR)
	}
	if d := diffTables(before, gohost.SigactionTable()); len(d) != 0 {
		return fmt.Errorf("signal dispositions changed while calls ran: %v", d)
	}
	if err := waitNoLiveCalls(); err != nil {
		return err
	}
	if err := cxx2go.Stop(); err != nil {
		return err
	}
	if d := diffTables(before, gohost.SigactionTable()); len(d) != 0 {
		return fmt.Errorf("cxx2go.Stop changed signal dispositions: %v", d)
	}
	fmt.Printf("audit: %d signals have handlers, all with SA_ONSTACK|SA_RESTART; the runtime changed only the 5 crash signals' (chained)\n",
		handlers)
	return nil
}

// ---- 4. process life cycle ----

// The static constructor of stress_cpp.cc called GoWork synchronously and asynchronously while the
// program loaded, before the Go runtime existed: both fail with not_started at once (the async future is
// already resolved when the call returns). That it did not deadlock is proved by this process running.
func scenarioStaticCtor() error {
	r := gohost.StaticCtorResult()
	if r.SyncCode != cxx2go.NotStarted || !strings.Contains(r.Message, "not started") {
		return fmt.Errorf("sync call from a static constructor: %+v", r)
	}
	if !r.AsyncReady || r.AsyncCode != cxx2go.NotStarted {
		return fmt.Errorf("async call from a static constructor: %+v", r)
	}
	// And the runtime still starts and works afterwards.
	if err := start(2); err != nil {
		return err
	}
	if _, _, code := gohost.CallThreadID(); code != cxx2go.OK {
		return fmt.Errorf("a call after start: %v", code)
	}
	return cxx2go.Stop()
}

func scenarioAfterStop() error {
	if err := start(2); err != nil {
		return err
	}
	if _, _, code := gohost.CallThreadID(); code != cxx2go.OK {
		return fmt.Errorf("a call while running: %v", code)
	}
	if err := cxx2go.Stop(); err != nil {
		return err
	}
	if _, _, code := gohost.CallThreadID(); code != cxx2go.Stopped {
		return fmt.Errorf("C++ → Go after stop: %v, want stopped", code)
	}
	if o := gohost.CppMixed(64, 2); o.Calls != 64 || o.Bad != 64 || !strings.Contains(o.FirstBad, "stopped") {
		return fmt.Errorf("C++ → Go (sync and async) after stop: %v (%s)", o, o.FirstBad)
	}
	cpp := stress.NewCppWorkClient()
	_, err := cpp.Work(context.Background(), 1, 0)
	if err := wantCode("Go → C++ after stop", err, cxx2go.Stopped); err != nil {
		return err
	}
	_, err = cpp.AsyncWork(context.Background(), 1, 0)
	if err := wantCode("Go → C++ async after stop", err, cxx2go.Stopped); err != nil {
		return err
	}
	if err := wantCode("Start after stop", cxx2go.Start(cxx2go.Options{}), cxx2go.Stopped); err != nil {
		return err
	}
	return waitNoLiveCalls()
}

func scenarioFork() error {
	if err := start(2); err != nil {
		return err
	}
	// Calls in flight in both directions while forking.
	stopLoad := make(chan struct{})
	var load sync.WaitGroup
	load.Add(1)
	go func() {
		defer load.Done()
		cpp := stress.NewCppWorkClient()
		for {
			select {
			case <-stopLoad:
				return
			default:
			}
			_, _ = cpp.Work(context.Background(), 1, 1)
		}
	}()
	for i := 0; i < 20; i++ {
		r, status, err := gohost.ForkChildCall()
		if err != nil {
			return err
		}
		ws := syscall.WaitStatus(status)
		if !ws.Exited() || ws.ExitStatus() != 0 {
			return fmt.Errorf("fork child: wait status %#x", status)
		}
		if r.SyncCode != cxx2go.FailedPrecondition || !strings.Contains(r.Message, "fork") {
			return fmt.Errorf("sync call in a fork child: %+v", r)
		}
		if !r.AsyncReady || r.AsyncCode != cxx2go.FailedPrecondition {
			return fmt.Errorf("async call in a fork child: %+v (must be resolved when the call returns)", r)
		}
		if i == 0 {
			fmt.Printf("fork child sees: %s\n", r.Message)
		}
		// The parent is unaffected.
		if _, _, code := gohost.CallThreadID(); code != cxx2go.OK {
			return fmt.Errorf("parent after fork: %v", code)
		}
	}
	close(stopLoad)
	load.Wait()
	if o := gohost.CppMixed(1000, 2); o.OK != o.Calls || o.Calls != 1000 {
		return fmt.Errorf("parent after forks: %v (%s)", o, o.FirstBad)
	}
	if err := waitNoLiveCalls(); err != nil {
		return err
	}
	return cxx2go.Stop()
}

// ---- 5. failure containment ----

func scenarioContainment() error {
	if err := start(2); err != nil {
		return err
	}
	cpp := stress.NewCppWorkClient()
	// Exceptions thrown by an asynchronous (coroutine) implementation, after it awaited a call to Go.
	_, err := cpp.AsyncWork(context.Background(), 41, 4)
	var e *cxx2go.Error
	if !errors.As(err, &e) || e.Code != cxx2go.Exception || e.Message != "std::runtime_error: async boom 42" {
		return fmt.Errorf("coroutine throwing std::runtime_error: %v", err)
	}
	_, err = cpp.AsyncWork(context.Background(), 6, 5)
	if !errors.As(err, &e) || e.Code != cxx2go.Exception || !strings.Contains(e.Message, "int") {
		return fmt.Errorf("coroutine throwing an int: %v", err)
	}
	// Go panics under C++ callers holding RAII objects: on a thread of Go's (this one is Go's main thread,
	// which C++ calls from here), on a fresh std::thread, synchronously and asynchronously. Every guard is
	// destroyed, the process survives.
	for _, c := range []struct {
		name         string
		fresh, async bool
	}{{"sync, Go's thread", false, false}, {"sync, new C++ thread", true, false},
		{"async, Go's thread", false, true}, {"async, new C++ thread", true, true}} {
		code, alive, made, msg := gohost.PanicRAII(c.fresh, c.async)
		if code != cxx2go.Panic || !strings.Contains(msg, "panic: raii") {
			return fmt.Errorf("panic (%s): code %v, message %q", c.name, code, msg)
		}
		if made != 9 || alive != 0 {
			return fmt.Errorf("panic (%s): %d guards made, %d still alive", c.name, made, alive)
		}
	}
	if err := waitNoLiveCalls(); err != nil {
		return err
	}
	return cxx2go.Stop()
}

func scenarioUnwrappedThrow() error {
	gohost.UnwrappedThrow()
	return errors.New("returned from an exception escaping into Go")
}
