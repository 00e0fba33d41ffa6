// Command goside is the Go side of the stress tests' C++ host (tests/stress/cpphost), built as a C
// archive (cmake/Cxx2GoCArchive.cmake). Its init registers the Go implementation of stress.GoWork; the
// exported functions below let the C++ program drive what only Go can do: Go → C++ calls from goroutines
// (cancelled at random points, or under a signal storm), the CPU profiler, and the Go runtime's counts.
package main

/*
#include <stdint.h>
#include <string.h>

// What a batch of Go → C++ calls observed (every call lands in exactly one of ok, cancelled, deadline, bad).
typedef struct stress_go_outcomes {
  uint64_t calls, ok, cancelled, deadline, bad;
  char first_bad[256];
} stress_go_outcomes;
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
	_ "github.com/cxx2go/cxx2go/runtime/go/cxx2go/symbolizer" // names and file:line in crash reports
	stress "github.com/cxx2go/cxx2go/tests/gen/stress"
)

// goWork implements stress.GoWork with the modes the schema documents (as tests/stress/gohost does).
type goWork struct{}

// panicValue is what GoWork.work mode 9 panics with: neither a string nor an error.
type panicValue struct{ X int64 }

func (goWork) Work(ctx context.Context, x int64, mode int32) (int64, error) {
	goWorkStarted.Add(1)
	switch mode {
	case 0:
		return x + 1, nil
	case 1:
		for i := 0; i < 3; i++ {
			runtime.Gosched()
		}
		return x + 1, nil
	case 2:
		<-ctx.Done()
		return 0, ctx.Err()
	case 3:
		t := time.NewTimer(time.Duration(x) * time.Microsecond)
		defer t.Stop()
		select {
		case <-t.C:
			return x + 1, nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	case 6: // stalls: ignores ctx until the C++ program opens the gate (fault.go)
		goStall.wait()
		return x + 1, nil
	case 7: // answers with a value once ctx has ended: the answer races the caller's deadline
		<-ctx.Done()
		return x + 1, nil
	case 8: // panics with an error value (the containment matrix)
		panic(fmt.Errorf("stress error %d", x))
	case 9: // panics with a value of a struct type
		panic(panicValue{x})
	}
	return 0, cxx2go.Errorf(cxx2go.InvalidArgument, "bad mode %d", mode)
}

func (goWork) Panic(_ context.Context, message string) error { panic(message) }

func (goWork) ThreadID(context.Context) (uint64, error) { return uint64(syscall.Gettid()), nil }

func init() {
	if err := stress.RegisterGoWork(goWork{}); err != nil {
		fmt.Fprintf(os.Stderr, "goside: cannot register GoWork: %v\n", err)
		os.Exit(1)
	}
}

func main() {}

type tally struct {
	calls, ok, cancelled, deadline, bad atomic.Uint64
	firstBad                            atomic.Pointer[string]
}

func (t *tally) badf(format string, args ...any) {
	t.bad.Add(1)
	s := fmt.Sprintf(format, args...)
	t.firstBad.CompareAndSwap(nil, &s)
}

// classify files one outcome: the value want, or the error of the caller's ended context.
func (t *tally) classify(v, want int64, err error, what string) {
	switch {
	case err == nil && v == want:
		t.ok.Add(1)
	case err == nil:
		t.badf("%s: got %d, want %d", what, v, want)
	case errors.Is(err, context.Canceled):
		t.cancelled.Add(1)
	case errors.Is(err, context.DeadlineExceeded):
		t.deadline.Add(1)
	default:
		t.badf("%s: %v", what, err)
	}
}

func (t *tally) write(out *C.stress_go_outcomes) {
	out.calls = C.uint64_t(t.calls.Load())
	out.ok = C.uint64_t(t.ok.Load())
	out.cancelled = C.uint64_t(t.cancelled.Load())
	out.deadline = C.uint64_t(t.deadline.Load())
	out.bad = C.uint64_t(t.bad.Load())
	out.first_bad[0] = 0
	if p := t.firstBad.Load(); p != nil {
		msg := *p
		if len(msg) > 255 {
			msg = msg[:255]
		}
		b := unsafe.Slice((*byte)(unsafe.Pointer(&out.first_bad[0])), 256)
		n := copy(b, msg)
		b[n] = 0
	}
}

// stress_go_storm makes `calls` Go → C++ calls from `workers` goroutines, cancelled at random points:
// contexts cancelled before the call, by another goroutine while it runs, by deadlines 0–50 µs away,
// while the C++ implementation (synchronous or a coroutine) waits for its cancellation; and calls left
// alone. Returns when every call has returned.
//
//export stress_go_storm
func stress_go_storm(calls C.uint64_t, workers C.int32_t, seed C.uint64_t, out *C.stress_go_outcomes) {
	var t tally
	var wg sync.WaitGroup
	cpp := stress.NewCppWorkClient()
	n := uint64(calls)
	w := uint64(max(int32(workers), 1))
	for g := uint64(0); g < w; g++ {
		wg.Add(1)
		go func(g uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(seed), g))
			for i := g; i < n; i += w {
				t.calls.Add(1)
				x := int64(rng.Uint64() >> 2)
				async := rng.IntN(2) == 0
				call := func(ctx context.Context, mode int32) (int64, error) {
					if async {
						return cpp.AsyncWork(ctx, x, mode)
					}
					return cpp.Work(ctx, x, mode)
				}
				switch rng.IntN(5) {
				case 0: // left alone
					v, err := call(context.Background(), 0)
					t.classify(v, x+1, err, "work mode 0")
				case 1: // cancelled before the call
					ctx, cancel := context.WithCancel(context.Background())
					cancel()
					if v, err := call(ctx, 2); err == nil {
						t.badf("work mode 2 with a cancelled context returned %d", v)
					} else {
						t.classify(v, x+1, err, "work cancelled before")
					}
				case 2: // cancelled by another goroutine while C++ waits (or before it started)
					ctx, cancel := context.WithCancel(context.Background())
					spins := rng.IntN(64)
					go func() {
						for i := 0; i < spins; i++ {
							runtime.Gosched()
						}
						cancel()
					}()
					v, err := call(ctx, 2)
					cancel()
					t.classify(v, x+1, err, "work cancelled during")
				case 3: // a deadline that may expire before, during or after submission
					ctx, cancel := context.WithTimeout(context.Background(), time.Duration(rng.IntN(50))*time.Microsecond)
					v, err := call(ctx, 2)
					cancel()
					t.classify(v, x+1, err, "work past its deadline")
				case 4: // racing completion: cancelled while a quick call may be finishing
					ctx, cancel := context.WithCancel(context.Background())
					go cancel()
					v, err := cpp.Work(ctx, x, 0)
					cancel()
					t.classify(v, x+1, err, "work racing cancel")
				}
			}
		}(g)
	}
	wg.Wait()
	t.write(out)
}

// stress_go_block_calls makes `calls` Go → C++ calls from 6 goroutines while signals arrive: CppWork.block
// (a condition variable, nanosleep or read() for up to 300 µs), work and async_work. Every call must
// succeed with its value.
//
//export stress_go_block_calls
func stress_go_block_calls(calls C.uint64_t, out *C.stress_go_outcomes) {
	var t tally
	var wg sync.WaitGroup
	cpp := stress.NewCppWorkClient()
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			for i := uint64(0); i < uint64(calls)/6; i++ {
				t.calls.Add(1)
				var v, want int64
				var err error
				switch k := rng.IntN(5); k {
				case 0, 1, 2:
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
					t.badf("got %d, %v; want %d", v, err, want)
				} else {
					t.ok.Add(1)
				}
			}
		}(g)
	}
	wg.Wait()
	t.write(out)
}

var (
	stopSignals chan struct{}
	signalsDone sync.WaitGroup
	signalsSent atomic.Uint64
)

// stress_go_signals_start turns the CPU profiler on (SIGPROF) and starts a goroutine sending SIGURG and
// SIGWINCH to the process every 20 µs. Returns 0, or -1 if the profiler would not start.
//
//export stress_go_signals_start
func stress_go_signals_start() C.int32_t {
	if err := pprof.StartCPUProfile(io.Discard); err != nil {
		return -1
	}
	stopSignals = make(chan struct{})
	signalsDone.Add(1)
	go func(stop <-chan struct{}) {
		defer signalsDone.Done()
		pid := os.Getpid()
		for {
			select {
			case <-stop:
				return
			default:
			}
			_ = syscall.Kill(pid, syscall.SIGURG)
			_ = syscall.Kill(pid, syscall.SIGWINCH)
			signalsSent.Add(2)
			time.Sleep(20 * time.Microsecond)
		}
	}(stopSignals)
	return 0
}

// stress_go_signals_stop ends what stress_go_signals_start started; returns how many signals were sent.
//
//export stress_go_signals_stop
func stress_go_signals_stop() C.uint64_t {
	close(stopSignals)
	signalsDone.Wait()
	pprof.StopCPUProfile()
	return C.uint64_t(signalsSent.Load())
}

// stress_go_call_work calls CppWork.work(x, 0) from Go and returns the status code; *out is the result.
//
//export stress_go_call_work
func stress_go_call_work(x C.int64_t, out *C.int64_t) C.int32_t {
	v, err := stress.NewCppWorkClient().Work(context.Background(), int64(x), 0)
	*out = C.int64_t(v)
	return C.int32_t(cxx2go.CodeOf(err))
}

// stress_go_live returns cxx2go.LiveCounts() and the number of goroutines.
//
//export stress_go_live
func stress_go_live(pending, handlers *C.int64_t, goroutines *C.int32_t) {
	l := cxx2go.LiveCounts()
	*pending = C.int64_t(l.PendingCppCalls)
	*handlers = C.int64_t(l.RunningHandlers)
	*goroutines = C.int32_t(runtime.NumGoroutine())
}
