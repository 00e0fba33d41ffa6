// Command soak runs millions of mixed calls through cxx2go in both directions in one process and checks
// that nothing grows, each figure against a limit it resolves: live objects and bytes on the Go heap after
// a collection, bytes malloc has handed out, calls in flight, the Go runtime's threads against the pool
// filled before the first sample, the C++ threads, goroutines and file descriptors exactly, and anonymous
// resident memory as a backstop. `make soak` runs it with 10,000,000 calls; the stress suite runs a short
// version (SOAK_CALLS=200000) as a smoke test; SOAK_LEAK=go-heap|c-heap|goroutine|thread leaks on purpose
// to show that the checks fail. See tests/soak/README.md.
//
// The process is a Go host: the C++ side (the e2e schema's generated C++, the e2e tests' C++
// implementations and the C++ → Go driver of soak_cpp.cc) is compiled by cgo.
package main

/*
#cgo CXXFLAGS: -std=c++20 -O2 -Wall -Wextra -Werror -I${SRCDIR}/../../runtime/cpp/include -I${SRCDIR}/../gen/e2e/cpp
#cgo LDFLAGS: -lstdc++
#include "hooks.h"
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/cxx2go/cxx2go/runtime/cpp" // the runtime headers our C++ includes: rebuild when they change
	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
	_ "github.com/cxx2go/cxx2go/tests" // the C++ we include from tests/: rebuild when it changes
	"github.com/cxx2go/cxx2go/tests/e2e/goimpl"
	e2e "github.com/cxx2go/cxx2go/tests/gen/e2e"
)

// Limits of the checks (README: what must be observed). Each limit matches what its figure resolves.
// executorThreads is the size of the C++ runtime's shared executor in the soak.
const executorThreads = 4

const (
	// The heaps are exact counters, read after a collection: the least-squares slope over the samples
	// after warm-up (the lowest sample of each of 8 windows) must stay under these, per 1,000,000 calls.
	// Live Go objects are the exact test of a Go leak. Go heap bytes also move with the runtime's own
	// tables, which keep their largest size (maps of calls in flight, the timers' heaps, the list of
	// goroutine records): a new peak of calls in flight doubles one, a step of a few KB that can come late
	// in a run (README: Go heap), so bytes are held to what such steps stay under.
	maxGoHeapObjectsSlope = 16.0   // objects
	maxGoHeapSlope        = 4096.0 // bytes
	maxCHeapSlope         = 1024.0 // bytes
	// Anonymous resident memory moves by megabytes between samples while both heaps stand still (README:
	// resolution), but its floor is steady: the growth of resident memory is judged as the lowest sample
	// of the second half of the samples after warm-up minus the lowest of the first half, which a steady
	// leak raises by its rate times half the judged calls. It is the backstop for memory neither heap
	// counts (mappings, stacks); over a default run (7,900,000 judged calls) its floors resolve about
	// 100 KB, i.e. 25 KB per 1,000,000 calls.
	maxRSSSlope = 131072.0 // bytes per 1,000,000 calls
	// Heap slopes are judged only over at least this many calls after warm-up, resident memory over at
	// least minRSSJudgedCalls: shorter runs (the smoke test in scripts/run-stress.sh, 200,000 calls)
	// print them without a verdict.
	minJudgedCalls    = 1_000_000
	minRSSJudgedCalls = 4_000_000
)

func main() {
	// The heap profiler keeps a record of every allocation stack it samples, for good, outside the heap: in
	// a long run it keeps finding rare stacks, which reads as slow growth of the Go runtime's memory. The
	// soak does not profile.
	runtime.MemProfileRate = 0
	path := os.Getenv("SOAK_HEAP_PROFILE")
	if path != "" {
		// Every allocation, so that the profile written at the end shows what is still live and where it
		// was allocated (slow: for investigations only).
		runtime.MemProfileRate = 1
	}
	code := run()
	if path != "" {
		if f, err := os.Create(path); err == nil {
			runtime.GC()
			pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}
	}
	os.Exit(code)
}

type config struct {
	calls      uint64 // total calls, both directions
	samples    int    // measurement points
	warmup     float64
	cppThreads int
	goWorkers  int
	seed       uint64
	// goInC bounds how many goroutines are in a C call at once (README: threads); the Go runtime's thread
	// pool is filled to it before the first sample.
	goInC      int
	goroutines int // goroutines started (and ended) before the first sample, to fill the runtime's g pool
	timers     int // timers per P started (and stopped) before the first sample, to size the timer heaps
	leak       leakKind
	leakEvery  uint64
}

func envUint(name string, def uint64) uint64 {
	if s := os.Getenv(name); s != "" {
		if v, err := strconv.ParseUint(strings.ReplaceAll(s, "_", ""), 10, 64); err == nil {
			return v
		}
		fmt.Fprintf(os.Stderr, "soak: ignoring %s=%q (not a number)\n", name, s)
	}
	return def
}

func run() int {
	cfg := config{
		calls:      envUint("SOAK_CALLS", 10_000_000),
		samples:    int(envUint("SOAK_SAMPLES", 100)),
		warmup:     0.2,
		cppThreads: int(envUint("SOAK_CPP_THREADS", 2)),
		goWorkers:  int(envUint("SOAK_GO_WORKERS", 4)),
		seed:       envUint("SOAK_SEED", 1),
		goInC:      int(envUint("SOAK_GO_IN_C", 32)),
		goroutines: int(envUint("SOAK_PREWARM_GOROUTINES", 1024)),
		timers:     int(envUint("SOAK_PREWARM_TIMERS", 4096)),
		leakEvery:  envUint("SOAK_LEAK_EVERY", 10_000),
	}
	var err error
	if cfg.leak, err = parseLeak(os.Getenv("SOAK_LEAK")); err != nil {
		fmt.Printf("SOAK FAIL: %v\n", err)
		return 1
	}
	if cfg.leakEvery == 0 {
		cfg.leakEvery = 1
	}
	if cfg.samples < 10 {
		cfg.samples = 10
	}
	// A watchdog, never an assertion on duration: a hung call must end the run with a goroutine dump.
	limit := time.Duration(envUint("SOAK_WATCHDOG_SECONDS", 7200)) * time.Second
	watchdog := time.AfterFunc(limit, func() {
		fmt.Printf("SOAK FAIL: WATCHDOG: still running after %v\n", limit)
		pprof.Lookup("goroutine").WriteTo(os.Stdout, 1)
		os.Exit(3)
	})
	defer watchdog.Stop()

	if err := soak(cfg); err != nil {
		fmt.Printf("SOAK FAIL: %v\n", err)
		return 1
	}
	fmt.Println("SOAK PASS")
	return 0
}

func soak(cfg config) error {
	if err := goimpl.Register(); err != nil {
		return fmt.Errorf("registering GoSide: %w", err)
	}
	if code := cxx2go.Code(C.soak_register_cpp()); code != cxx2go.OK {
		return fmt.Errorf("registering the C++ services: %v", code)
	}
	if err := cxx2go.Start(cxx2go.Options{ExecutorThreads: executorThreads}); err != nil {
		return fmt.Errorf("start: %w", err)
	}

	fmt.Printf("soak: %d calls (half C++ → Go from %d C++ threads, half Go → C++ from %d goroutines), %d samples, "+
		"warm-up %.0f%%, GOMAXPROCS %d\n", cfg.calls, cfg.cppThreads, cfg.goWorkers, cfg.samples, cfg.warmup*100,
		runtime.GOMAXPROCS(0))
	if cfg.leak != leakNone {
		fmt.Printf("soak: CONTROL RUN: leaking %s every %d calls (SOAK_LEAK); the verdict must be SOAK FAIL\n",
			cfg.leak, cfg.leakEvery)
	}
	if err := prewarm(cfg); err != nil {
		return err
	}
	var samples []sample
	s0, err := measure(0, 0)
	if err != nil {
		return err
	}
	s0.print()
	samples = append(samples, s0)
	start := time.Now()
	perBatch := cfg.calls / uint64(cfg.samples)
	var done uint64
	var total Tally
	for b := 0; b < cfg.samples; b++ {
		n := perBatch
		if b == cfg.samples-1 {
			n = cfg.calls - done
		}
		t, err := batch(cfg, done, n, uint64(b))
		total.add(t)
		if err != nil {
			return err
		}
		done += n
		s, err := measure(done, time.Since(start))
		if err != nil {
			return err
		}
		s.print()
		samples = append(samples, s)
	}
	elapsed := time.Since(start)
	C.soak_stop_drivers()
	if err := cxx2go.Stop(); err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	return summarize(cfg, samples, total, elapsed)
}

// Tally counts outcomes: every call either gave what its kind must give (ok: a value; expected: the error
// it provokes) or is bad.
type Tally struct {
	Calls, OK, Expected, Bad uint64
	FirstBad                 string
}

func (t *Tally) add(o Tally) {
	t.Calls += o.Calls
	t.OK += o.OK
	t.Expected += o.Expected
	t.Bad += o.Bad
	if t.FirstBad == "" {
		t.FirstBad = o.FirstBad
	}
}

func (t Tally) String() string {
	return fmt.Sprintf("%d calls: %d ok, %d expected errors, %d bad", t.Calls, t.OK, t.Expected, t.Bad)
}

// batch makes n calls, half in each direction at the same time, and waits until both runtimes have no
// call left in flight (cancelled calls finish in the background).
func batch(cfg config, first, n, index uint64) (Tally, error) {
	var cpp, gosum Tally
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var out C.soak_tally
		C.soak_cpp_calls(C.uint64_t(n/2), C.uint64_t(first), C.uint64_t(cfg.seed*7919+index), C.int32_t(cfg.cppThreads), &out)
		cpp = Tally{uint64(out.calls), uint64(out.ok), uint64(out.expected), uint64(out.bad), C.GoString(&out.first_bad[0])}
	}()
	gosum = goCalls(cfg, first+n/2, n-n/2, cfg.seed*104729+index)
	wg.Wait()
	var t Tally
	t.add(cpp)
	t.add(gosum)
	if t.Calls != n {
		return t, fmt.Errorf("batch %d: %d calls made, want %d", index, t.Calls, n)
	}
	if t.Bad != 0 || t.OK+t.Expected != t.Calls {
		return t, fmt.Errorf("batch %d: %v; first: %s", index, t, t.FirstBad)
	}
	if err := drain(); err != nil {
		return t, fmt.Errorf("batch %d: %w", index, err)
	}
	return t, nil
}

// drain waits (up to 30 s, a watchdog) until neither runtime has a call in flight.
func drain() error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		var o, i, r C.uint64_t
		C.soak_live_counts(&o, &i, &r)
		live := cxx2go.LiveCounts()
		if o == 0 && i == 0 && r == 0 && live.PendingCppCalls == 0 && live.RunningHandlers == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("calls still in flight 30 s after the batch: C++ outgoing %d, incoming %d, records %d; "+
				"Go pending %d, handlers %d", o, i, r, live.PendingCppCalls, live.RunningHandlers)
		}
		time.Sleep(time.Millisecond)
	}
}

// goCalls makes n Go → C++ calls of mixed kinds from cfg.goWorkers goroutines.
func goCalls(cfg config, first, n, seed uint64) Tally {
	var calls, ok, expected, bad atomic.Uint64
	var firstBad atomic.Pointer[string]
	var wg sync.WaitGroup
	for w := 0; w < cfg.goWorkers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			cpp := e2e.NewCppSideClient()
			for i := uint64(w); i < n; i += uint64(cfg.goWorkers) {
				calls.Add(1)
				if cfg.leak != leakNone && goCallsMade.Add(1)%cfg.leakEvery == 0 {
					cfg.leak.leakOne()
				}
				isExpected, err := goCall(cpp, first+i, rng.Uint32N(1000))
				switch {
				case err != nil:
					bad.Add(1)
					msg := err.Error()
					firstBad.CompareAndSwap(nil, &msg)
				case isExpected:
					expected.Add(1)
				default:
					ok.Add(1)
				}
			}
		}(w)
	}
	wg.Wait()
	t := Tally{Calls: calls.Load(), OK: ok.Load(), Expected: expected.Load(), Bad: bad.Load()}
	if p := firstBad.Load(); p != nil {
		t.FirstBad = *p
	}
	return t
}

var full = goimpl.FullEverything()

// goCallsMade counts the Go → C++ calls of the whole run (for SOAK_LEAK_EVERY).
var goCallsMade atomic.Uint64

// goCall makes one Go → C++ call of the kind pick (0..999) selects, call number n. It returns whether the
// outcome is an error provoked on purpose, or an error if the outcome is wrong. About 20% end in an error
// on purpose (failures, exceptions, cancellations, deadlines).
func goCall(cpp *e2e.CppSideClient, n uint64, pick uint32) (bool, error) {
	ctx := context.Background()
	if n%50_000 == 49_999 {
		v := goimpl.LargeEverything()
		got, err := cpp.Echo(ctx, v)
		return false, wantValue("Echo(large)", got, v, err)
	}
	switch {
	case pick < 200:
		a, b := int64(n), int64(pick)
		got, err := cpp.Add(ctx, a, b)
		return false, wantValue("Add (inline)", got, a+b, err)
	case pick < 350:
		got, err := cpp.Twice(ctx, int64(n))
		return false, wantValue("Twice", got, int64(n)*2, err)
	case pick < 450:
		v := e2e.Everything{Text: "soak " + strconv.FormatUint(n, 10)}
		v.Scalars.I64Value = int64(n)
		got, err := cpp.Echo(ctx, v)
		return false, wantValue("Echo(small)", got, v, err)
	case pick < 520:
		got, err := cpp.Echo(ctx, full)
		return false, wantValue("Echo(full)", got, full, err)
	case pick < 650:
		blob := goimpl.Pattern(int(16+pick%4096), byte(n))
		text := "c" + strconv.FormatUint(n, 10)
		numbers := []int32{int32(n), -1, 0, 7}
		doubles := []float64{0.5, float64(n % 1000)}
		got, err := cpp.Concat(ctx, text, blob, numbers, doubles)
		return false, wantValue("Concat", got, goimpl.ConcatFormat(text, blob, numbers, doubles), err)
	case pick < 680:
		got, err := cpp.InlineConcat(ctx, "a", strconv.FormatUint(n, 10))
		return false, wantValue("InlineConcat", got, "a"+strconv.FormatUint(n, 10), err)
	case pick < 750:
		return true, wantCode("Fail", cpp.Fail(ctx, int32(cxx2go.Aborted), "soak failure"), cxx2go.Aborted)
	case pick < 770:
		return true, wantCode("ThrowStd", cpp.ThrowStd(ctx, "soak exception"), cxx2go.Exception)
	case pick < 780:
		return true, wantCode("ThrowInt", cpp.ThrowInt(ctx, 7), cxx2go.Exception)
	case pick < 840:
		// Cancelled before the call, or by another goroutine while the C++ implementation sleeps.
		cctx, cancel := context.WithCancel(ctx)
		if pick%2 == 0 {
			cancel()
		} else {
			go func() { runtime.Gosched(); cancel() }()
		}
		_, err := cpp.Sleep(cctx, 60_000)
		cancel()
		if !errors.Is(err, context.Canceled) {
			return true, fmt.Errorf("Sleep cancelled: want context.Canceled, got %v", err)
		}
		return true, nil
	case pick < 880:
		dctx, cancel := context.WithTimeout(ctx, time.Duration(pick%50)*time.Microsecond)
		_, err := cpp.Sleep(dctx, 60_000)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			return true, fmt.Errorf("Sleep past its deadline: want context.DeadlineExceeded, got %v", err)
		}
		return true, nil
	case pick < 960:
		// Re-entrancy: Go → C++ → Go → C++.
		got, err := cpp.CallGo(ctx, int64(pick))
		return false, wantValue("CallGo", got, int64(pick)*2, err)
	case pick < 965:
		// A coroutine implementation awaiting a C++ → Go call (GoSide.sleep_async(1 ms)).
		got, err := cpp.AsyncTwice(ctx, int64(pick))
		return false, wantValue("AsyncTwice", got, int64(pick)*2, err)
	default:
		dctx, cancel := context.WithTimeout(ctx, time.Minute)
		got, err := cpp.Deadline(dctx)
		cancel()
		if err == nil && got <= 0 {
			return false, fmt.Errorf("Deadline: no deadline reached C++")
		}
		return false, err
	}
}

func wantValue[T any](what string, got, want T, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if d := goimpl.Diff(want, got); d != "" {
		return fmt.Errorf("%s: %s", what, d)
	}
	return nil
}

func wantCode(what string, err error, code cxx2go.Code) error {
	if got := cxx2go.CodeOf(err); got != code {
		return fmt.Errorf("%s: want %v, got %v (%v)", what, code, got, err)
	}
	return nil
}

// leakKind is what a control run (SOAK_LEAK) leaks on purpose, once every SOAK_LEAK_EVERY Go → C++ calls,
// to show that the checks see a leak of that size.
type leakKind int

const (
	leakNone leakKind = iota
	leakGoHeap
	leakCHeap
	leakGoroutine
	leakThread
)

var leakNames = map[string]leakKind{"go-heap": leakGoHeap, "c-heap": leakCHeap, "goroutine": leakGoroutine, "thread": leakThread}

func parseLeak(s string) (leakKind, error) {
	if s == "" {
		return leakNone, nil
	}
	if k, ok := leakNames[s]; ok {
		return k, nil
	}
	return leakNone, fmt.Errorf("SOAK_LEAK=%q: want go-heap, c-heap, goroutine or thread", s)
}

func (k leakKind) String() string {
	for name, v := range leakNames {
		if v == k {
			return name
		}
	}
	return "nothing"
}

// leakNode is one 64-byte object of the deliberate Go heap leak: a chain, so that the leak is exactly the
// objects (no slice that grows by itself).
type leakNode struct {
	next *leakNode
	_    [56]byte
}

var (
	leakMu     sync.Mutex
	leakedHead *leakNode
	leakNever  = make(chan struct{})
)

func (k leakKind) leakOne() {
	switch k {
	case leakGoHeap:
		leakMu.Lock()
		leakedHead = &leakNode{next: leakedHead}
		leakMu.Unlock()
	case leakCHeap:
		C.soak_leak_malloc(64)
	case leakGoroutine:
		go func() { <-leakNever }()
	case leakThread:
		C.soak_leak_thread()
	}
}

// prewarm fills the two pools of the Go runtime that only grow, before the first sample, so that what
// follows measures the soak and not the pools' high-water marks (README: threads, Go heap):
//   - threads: the scheduler starts a thread whenever a goroutine in a C call holds its thread while other
//     goroutines are runnable, and never ends an idle one. cfg.goInC goroutines enter C at once and wait
//     there for each other, which leaves that many threads in the pool; the run's thread count is then
//     checked against this bound instead of "flat";
//   - goroutine records (and their part of the Go heap): a g is recycled once its goroutine ends, but never
//     freed, so every new peak of live goroutines adds some to the heap for good. cfg.goroutines
//     goroutines start and end;
//   - timer heaps: each P keeps its timers in a slice that grows to the most timers it has held at once
//     (running ones, and stopped ones until it cleans them out) and never shrinks. The soak starts and
//     stops thousands of timers a second (deadlines, and the 60 s and 1 min deadlines of calls that end
//     long before); a new peak doubles a slice, kilobytes that would read as Go heap growth.
//     cfg.timers timers per P run at once and are stopped;
//   - goroutines of C++ threads: a C++ thread that calls into Go keeps a goroutine (counted by
//     runtime.NumGoroutine) for as long as it lives. An executor thread does so when it first answers a
//     call, and the executor wakes its threads only as the queue needs them, so one may answer its first
//     call long after warm-up. Sleeping calls, many more than the threads, are queued at once, so that
//     every executor thread runs (and answers) some.
func prewarm(cfg config) error {
	var wg sync.WaitGroup
	reached := make([]int32, cfg.goInC)
	for i := range reached {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reached[i] = int32(C.soak_hold_threads(C.int32_t(cfg.goInC), 10_000))
		}()
	}
	wg.Wait()
	if m := slicesMax(reached); int(m) < cfg.goInC {
		return fmt.Errorf("prewarm: only %d of %d goroutines were in C at once (10 s)", m, cfg.goInC)
	}
	release := make(chan struct{})
	for i := 0; i < cfg.goroutines; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-release
		}()
	}
	close(release)
	wg.Wait()

	cpp := e2e.NewCppSideClient()
	for range 16 * executorThreads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = cpp.Sleep(context.Background(), 2) // errors show in the soak itself
		}()
	}
	wg.Wait()

	// One goroutine per P, all spinning at once, so that each runs on its own P while it starts its
	// timers: a timer joins the heap of the P that starts it.
	procs := runtime.GOMAXPROCS(0)
	var spinning, done atomic.Int32
	var started sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < procs; w++ {
		wg.Add(1)
		started.Add(1)
		go func() {
			defer wg.Done()
			spinning.Add(1)
			for spinning.Load() < int32(procs) {
			}
			timers := make([]*time.Timer, 0, cfg.timers)
			for len(timers) < cfg.timers {
				timers = append(timers, time.AfterFunc(time.Hour, func() {}))
			}
			done.Add(1)
			for done.Load() < int32(procs) {
			}
			started.Done()
			<-stop
			for _, t := range timers {
				t.Stop()
			}
		}()
	}
	started.Wait()
	close(stop)
	wg.Wait()
	return nil
}

func slicesMax(v []int32) int32 {
	m := int32(0)
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

// sample is one measurement, taken between batches when no call is in flight.
type sample struct {
	calls       uint64
	elapsed     time.Duration
	rss         int64 // anonymous resident memory (RssAnon), bytes
	rssAll      int64 // all resident memory (VmRSS): also file-backed pages, which the kernel drops and reloads
	threads     int   // all of the process's
	goThreads   int   // owned by the Go runtime (runtime/metrics /sched/threads/total); the rest are C++'s
	goroutines  int
	fds         int
	heap        uint64 // Go heap: bytes in live objects right after a collection
	heapObjects uint64 // Go heap: live objects right after a collection
	goSys       uint64 // memory the Go runtime holds from the system, less what it released
	cHeap       uint64 // malloc'd bytes in use (C and C++)
}

func (s sample) cppThreads() int { return s.threads - s.goThreads }

// measure takes three readings 20 ms apart and keeps the smallest value of each figure: background work
// that outlives a batch (timers of cancelled calls, goroutines finishing, the Go runtime's sweeping and
// scavenging) raises single readings, by megabytes for resident memory, while a leak raises all three.
func measure(calls uint64, elapsed time.Duration) (sample, error) {
	var best sample
	for i := 0; i < 3; i++ {
		if i > 0 {
			time.Sleep(20 * time.Millisecond)
		}
		s, err := measureOnce(calls, elapsed)
		if err != nil {
			return s, err
		}
		if i == 0 {
			best = s
			continue
		}
		best.rss = min(best.rss, s.rss)
		best.rssAll = min(best.rssAll, s.rssAll)
		if s.threads < best.threads {
			best.threads, best.goThreads = s.threads, s.goThreads
		}
		best.goroutines = min(best.goroutines, s.goroutines)
		best.fds = min(best.fds, s.fds)
		best.heap = min(best.heap, s.heap)
		best.heapObjects = min(best.heapObjects, s.heapObjects)
		best.goSys = min(best.goSys, s.goSys)
		best.cHeap = min(best.cHeap, s.cHeap)
	}
	return best, nil
}

var lastBySize [61]int64 // SOAK_DEBUG_MEM

var goThreadsMetric = []metrics.Sample{{Name: "/sched/threads/total:threads"}}

// measureOnce collects garbage and returns freed memory to the system on both sides (Go:
// debug.FreeOSMemory; C++: malloc_trim) before reading /proc/self/status, so that resident memory
// follows what is allocated, not what the allocators keep cached: a leak on either side still grows it.
// FreeOSMemory runs twice: after the first, the Go heap still held up to 2 MB of idle, unreleased pages
// in about one sample in three (seen with SOAK_DEBUG_MEM=1, which prints the Go runtime's memory classes).
// The Go heap is read right after the collection, before this function allocates anything.
func measureOnce(calls uint64, elapsed time.Duration) (sample, error) {
	debug.FreeOSMemory()
	C.soak_trim()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s := sample{calls: calls, elapsed: elapsed, heap: ms.HeapAlloc, heapObjects: ms.HeapObjects,
		goSys: ms.Sys - ms.HeapReleased, goroutines: runtime.NumGoroutine()}
	s.cHeap = uint64(C.soak_malloc_in_use())
	metrics.Read(goThreadsMetric)
	if goThreadsMetric[0].Value.Kind() != metrics.KindUint64 {
		return s, errors.New("this Go runtime has no /sched/threads/total metric (Go 1.26 or later needed)")
	}
	s.goThreads = int(goThreadsMetric[0].Value.Uint64())
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return s, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "VmRSS:":
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			s.rssAll = kb * 1024
		case "RssAnon:":
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			s.rss = kb * 1024
		case "Threads:":
			s.threads, _ = strconv.Atoi(f[1])
		}
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return s, err
	}
	s.fds = len(fds) - 1 // ReadDir's own descriptor
	if os.Getenv("SOAK_DEBUG_MEM") != "" {
		var d strings.Builder
		for i, c := range ms.BySize {
			live := int64(c.Mallocs - c.Frees)
			if prev := lastBySize[i]; live != prev {
				fmt.Fprintf(&d, " %d:%+d", c.Size, live-prev)
			}
			lastBySize[i] = live
		}
		fmt.Printf("  live objects by size class, change since the last reading:%s\n", d.String())
		fmt.Printf("  mem: stack sys %d inuse %d, heap idle %d released %d, mspan %d, gc %d, other %d, buckhash %d, mcache %d\n",
			ms.StackSys>>10, ms.StackInuse>>10, ms.HeapIdle>>10, ms.HeapReleased>>10, ms.MSpanSys>>10, ms.GCSys>>10, ms.OtherSys>>10, ms.BuckHashSys>>10, ms.MCacheSys>>10)
	}
	return s, nil
}

func (s sample) print() {
	rate := 0.0
	if s.elapsed > 0 {
		rate = float64(s.calls) / s.elapsed.Seconds()
	}
	fmt.Printf("soak: calls %10d  t %7.1fs  %6.0f calls/s  rss %6d KB (anon %6d KB)  go heap %7d B %5d objects  go sys %6d KB  "+
		"c heap %8d B  threads %3d (go %3d, c++ %2d)  goroutines %3d  fds %3d\n",
		s.calls, s.elapsed.Seconds(), rate, s.rssAll/1024, s.rss/1024, s.heap, s.heapObjects, s.goSys/1024, s.cHeap, s.threads,
		s.goThreads, s.cppThreads(), s.goroutines, s.fds)
}

// slope is the least-squares slope of y over x.
func slope(x, y []float64) float64 {
	n := float64(len(x))
	var sx, sy, sxx, sxy float64
	for i := range x {
		sx += x[i]
		sy += y[i]
		sxx += x[i] * x[i]
		sxy += x[i] * y[i]
	}
	den := n*sxx - sx*sx
	if den == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / den
}

// envelope cuts the points into n windows of consecutive samples and returns the lowest point of each.
// Resident memory jumps up by megabytes for a sample or a few and comes back (memory the Go runtime or
// malloc has not yet returned, a thread's stack in use) while a leak raises every sample: the lowest
// sample of each window follows a leak and drops the excursions that would swamp a slope in bytes.
func envelope(x, y []float64, n int) (ex, ey []float64) {
	if n > len(x) {
		n = len(x)
	}
	for w := 0; w < n; w++ {
		lo, hi := w*len(x)/n, (w+1)*len(x)/n
		best := lo
		for i := lo; i < hi; i++ {
			if y[i] < y[best] {
				best = i
			}
		}
		ex = append(ex, x[best])
		ey = append(ey, y[best])
	}
	return ex, ey
}

func summarize(cfg config, samples []sample, total Tally, elapsed time.Duration) error {
	// Samples after warm-up: the allocators' caches and the runtimes' pools settle during the first part
	// of the run.
	first := int(float64(len(samples)-1)*cfg.warmup) + 1
	after := samples[first:]
	var x, rss, heap, objects, cHeap []float64
	for _, s := range after {
		x = append(x, float64(s.calls)/1e6)
		rss = append(rss, float64(s.rss))
		heap = append(heap, float64(s.heap))
		objects = append(objects, float64(s.heapObjects))
		cHeap = append(cHeap, float64(s.cHeap))
	}
	rawSlope := slope(x, rss)
	half := len(after) / 2
	floor1, floor2 := after[0].rss, after[half].rss
	for i, s := range after {
		if i < half {
			floor1 = min(floor1, s.rss)
		} else {
			floor2 = min(floor2, s.rss)
		}
	}
	// The heaps too are judged on their lowest sample per window: timers that were stopped stay on the
	// heap until the runtime cleans its timer queues, tens of objects that come and go between samples.
	heapSlope := slope(envelope(x, heap, 8))
	objectsSlope := slope(envelope(x, objects, 8))
	cHeapSlope := slope(x, cHeap)
	base := after[0]
	last := samples[len(samples)-1]
	judgedCalls := last.calls - base.calls
	rssSlope := float64(floor2-floor1) / (float64(judgedCalls) / 2 / 1e6)

	// Counts. The Go runtime's threads are a pool with a bound (prewarm): no sample may exceed the pool
	// filled before the first sample. The C++ threads (executors, timer, the soak's drivers) have all
	// started by the end of the first batch and must not change after it; goroutines and fds must not
	// change after warm-up.
	goBound := samples[0].goThreads
	maxGoThreads, minCpp, maxCpp := 0, samples[1].cppThreads(), samples[1].cppThreads()
	for _, s := range samples {
		maxGoThreads = max(maxGoThreads, s.goThreads)
	}
	for _, s := range samples[1:] {
		minCpp, maxCpp = min(minCpp, s.cppThreads()), max(maxCpp, s.cppThreads())
	}
	minG, maxG, minFds, maxFds := base.goroutines, base.goroutines, base.fds, base.fds
	for _, s := range after {
		minG, maxG = min(minG, s.goroutines), max(maxG, s.goroutines)
		minFds, maxFds = min(minFds, s.fds), max(maxFds, s.fds)
	}

	fmt.Printf("soak summary: %v in %.1f s (%.0f calls/s)\n", total, elapsed.Seconds(), float64(total.Calls)/elapsed.Seconds())
	fmt.Printf("soak summary: calls in flight after every batch: 0 (C++ outgoing, incoming, call records; Go pending, handlers)\n")
	fmt.Printf("soak summary: judged after warm-up: %d calls (%d samples from %d calls on)\n", judgedCalls, len(after), base.calls)
	fmt.Printf("soak summary: go heap after GC: %d B / %d objects after warm-up, %d B / %d objects at the end; "+
		"slope %.0f B (limit %.0f) and %.1f objects (limit %.0f) per 1,000,000 calls\n",
		base.heap, base.heapObjects, last.heap, last.heapObjects, heapSlope, maxGoHeapSlope, objectsSlope, maxGoHeapObjectsSlope)
	fmt.Printf("soak summary: c heap (malloc in use): %d B after warm-up, %d B at the end; slope %.0f B per 1,000,000 calls (limit %.0f)\n",
		base.cHeap, last.cHeap, cHeapSlope, maxCHeapSlope)
	fmt.Printf("soak summary: anonymous rss start %d KB, after warm-up %d KB, end %d KB; lowest %d KB in the first half "+
		"and %d KB in the second half of the judged samples: %.0f B per 1,000,000 calls (limit %.0f; least-squares "+
		"slope over all samples %.0f)\n",
		samples[0].rss/1024, base.rss/1024, last.rss/1024, floor1/1024, floor2/1024, rssSlope, maxRSSSlope, rawSlope)
	fmt.Printf("soak summary: go threads %d..%d (bound: the prewarmed pool, %d), c++ threads %d..%d after the first batch, "+
		"goroutines %d..%d and fds %d..%d after warm-up\n",
		samples[0].goThreads, maxGoThreads, goBound, minCpp, maxCpp, minG, maxG, minFds, maxFds)

	var problems []string
	if judgedCalls < minJudgedCalls {
		fmt.Printf("soak summary: slopes not judged: fewer than %d calls after warm-up (smoke run)\n", minJudgedCalls)
	} else {
		if heapSlope >= maxGoHeapSlope {
			problems = append(problems, fmt.Sprintf("the Go heap grows by %.0f bytes per 1,000,000 calls", heapSlope))
		}
		if objectsSlope >= maxGoHeapObjectsSlope {
			problems = append(problems, fmt.Sprintf("the Go heap grows by %.1f objects per 1,000,000 calls", objectsSlope))
		}
		if cHeapSlope >= maxCHeapSlope {
			problems = append(problems, fmt.Sprintf("the C heap grows by %.0f bytes per 1,000,000 calls", cHeapSlope))
		}
	}
	if judgedCalls < minRSSJudgedCalls {
		fmt.Printf("soak summary: resident memory not judged: fewer than %d calls after warm-up\n", minRSSJudgedCalls)
	} else if rssSlope >= maxRSSSlope {
		problems = append(problems, fmt.Sprintf("resident memory grows by %.0f bytes per 1,000,000 calls", rssSlope))
	}
	if maxGoThreads > goBound {
		problems = append(problems, fmt.Sprintf("the Go runtime's threads grew to %d, past the prewarmed pool of %d "+
			"(more than %d goroutines in C at once?)", maxGoThreads, goBound, cfg.goInC))
	}
	if maxCpp != minCpp {
		problems = append(problems, fmt.Sprintf("C++ threads changed from %d to %d..%d after the first batch",
			samples[1].cppThreads(), minCpp, maxCpp))
	}
	if maxG != minG {
		problems = append(problems, fmt.Sprintf("goroutines changed from %d to %d..%d after warm-up", base.goroutines, minG, maxG))
	}
	if maxFds != minFds {
		problems = append(problems, fmt.Sprintf("file descriptors changed from %d to %d..%d after warm-up", base.fds, minFds, maxFds))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}
