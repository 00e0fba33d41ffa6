package e2etest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
)

// Benchmarks run in a process of their own (go test -run '^$' -bench .): TestEndToEnd stops the runtime,
// which cannot start again.
func startForBenchmark(b *testing.B) *CppSvcClient {
	b.Helper()
	var opts cxx2go.Options
	// CXX2GO_BENCH_SPIN=<duration> (e.g. -1ns: never spin) compares spin-before-park settings.
	if s := os.Getenv("CXX2GO_BENCH_SPIN"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			b.Fatal(err)
		}
		opts.SpinBeforePark = d
	}
	switch err := cxx2go.Start(opts); cxx2go.CodeOf(err) {
	case cxx2go.OK:
		if err := RegisterGoSvc(&goSvc{cpp: NewCppSvcClient()}); err != nil {
			b.Fatal(err)
		}
		if code := RegisterCppSvc(); code != cxx2go.OK {
			b.Fatal(code)
		}
	case cxx2go.FailedPrecondition: // started by an earlier benchmark
	default:
		b.Skipf("the runtime cannot start (%v): run benchmarks alone, with -run '^$'", err)
	}
	return NewCppSvcClient()
}

// Go → C++, @inline: one cgo call, the implementation runs on the calling thread.
func BenchmarkGoToCppInline(b *testing.B) {
	cpp := startForBenchmark(b)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, err := cpp.InlineAdd(ctx, int64(i), 1); err != nil {
			b.Fatal(err)
		}
	}
}

// Go → C++ over plain cgo, doing what InlineAdd and DirectAdd do: their floor.
func BenchmarkGoToCppRaw(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		RawAdd(int64(i), 1)
	}
}

// Go → C++, @direct: one cgo call into the method's own C++ function, which calls the implementation.
func BenchmarkGoToCppDirect(b *testing.B) {
	cpp := startForBenchmark(b)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, err := cpp.DirectAdd(ctx, int64(i), 1); err != nil {
			b.Fatal(err)
		}
	}
}

// Go → C++ on the executor: a cgo call that queues the call, a thread wake-up, a completion callback into
// Go, and the goroutine's wake-up.
func BenchmarkGoToCppExecutor(b *testing.B) {
	cpp := startForBenchmark(b)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, err := cpp.Add(ctx, int64(i), 1); err != nil {
			b.Fatal(err)
		}
	}
}

// Go → C++ with a 1 KiB string view, on the executor (the view is copied once).
func BenchmarkGoToCppExecutorEcho1KiB(b *testing.B) {
	cpp := startForBenchmark(b)
	ctx := context.Background()
	s := string(make([]byte, 1024))
	for b.Loop() {
		if _, err := cpp.Echo(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
}

// C++ → Go, synchronous, from one C++ thread: a cgo callback running the handler on that thread.
func BenchmarkCppToGoSync(b *testing.B) {
	startForBenchmark(b)
	b.ResetTimer()
	b.ReportMetric(float64(BenchCppCallsGoAdd(b.N, false))/float64(b.N), "ns/call")
}

// C++ → Go, asynchronous + Future::get(), from one C++ thread: a heap record, a goroutine, a completion.
func BenchmarkCppToGoAsync(b *testing.B) {
	startForBenchmark(b)
	b.ResetTimer()
	b.ReportMetric(float64(BenchCppCallsGoAdd(b.N, true))/float64(b.N), "ns/call")
}
