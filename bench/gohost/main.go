// Command gohost is the Go host of `make bench` (bench/README.md): Go calling C++ synchronously (cxx2go
// @inline, cxx2go on the C++ executor, raw cgo with and without #cgo noescape/nocallback) and with many
// calls in flight (goroutines calling the executor). It prints one JSON object per measured row.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/metrics"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cxx2go/cxx2go/bench/internal/gen/bench"
	"github.com/cxx2go/cxx2go/bench/internal/gen/cppbench"
	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
)

var (
	reps      = flag.Int("reps", 7, "repetitions per sync row (the median is reported)")
	repTime   = flag.Duration("rep-time", 40*time.Millisecond, "target duration of one repetition")
	asyncTime = flag.Duration("async-time", 500*time.Millisecond, "duration of one async row")
	filter    = flag.String("filter", "", "only rows whose \"row mechanism\" contains this (or equals it, after a leading =)")
	inFlight  = flag.Int("in-flight", 0, "async rows: only this many in flight (1, 64 or 1024; 0: all)")
	calls     = flag.Int("calls", 0, "if > 0: run each sync row exactly this many times, once, without warm-up "+
		"or calibration, and no async rows (instruction counts under callgrind: docs/design.md)")
)

// Row is one line of output; scripts/bench-report.py reads them.
type Row struct {
	Direction string    `json:"direction"`
	Kind      string    `json:"kind"` // sync | async
	Row       string    `json:"row"`
	Payload   int       `json:"payload_bytes"`
	Mechanism string    `json:"mechanism"`
	NsPerCall float64   `json:"ns_per_call,omitempty"` // sync: median over repetitions
	Reps      []float64 `json:"reps_ns,omitempty"`
	InFlight  int       `json:"in_flight,omitempty"`
	CallsPerS float64   `json:"calls_per_s,omitempty"`
	P50Ns     float64   `json:"p50_ns,omitempty"`
	P99Ns     float64   `json:"p99_ns,omitempty"`
	CPUNs     float64   `json:"cpu_ns_per_call,omitempty"` // process CPU time (all threads) per call
	// Heap allocations per call: Go objects (runtime/metrics) and C++ operator new calls (a counting
	// operator new in the C++ half, cpp_impl.cc).
	GoAllocs  float64 `json:"go_allocs_per_call"`
	CppAllocs float64 `json:"cpp_allocs_per_call"`
}

// costs samples what a row's per-call cost columns are computed from.
type costs struct {
	cpu               time.Duration
	goAllocs, cppNews uint64
}

var heapObjects = []metrics.Sample{{Name: "/gc/heap/allocs:objects"}}

func sampleCosts() costs {
	metrics.Read(heapObjects)
	return costs{cpu: processCPU(), goAllocs: heapObjects[0].Value.Uint64(), cppNews: cppbench.CppAllocs()}
}

// perCall fills r's cost columns from the samples before and after calls calls.
func (before costs) perCall(r *Row, calls int) {
	after := sampleCosts()
	n := float64(calls)
	r.CPUNs = float64((after.cpu - before.cpu).Nanoseconds()) / n
	r.GoAllocs = float64(after.goAllocs-before.goAllocs) / n
	r.CppAllocs = float64(after.cppNews-before.cppNews) / n
}

func emit(r Row) {
	b, _ := json.Marshal(r)
	fmt.Println(string(b))
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// syncRow times fn(n) (n calls) over several repetitions of about repTime each.
// ringLabel is non-empty in the ring runs of scripts/run-bench.sh (CXX2GO_TRANSPORT=ring, docs/ring.md):
// they measure only the calls that use the rings (the executor path; @inline calls never do), with rows
// whose arguments fit in a slot, and label them with the consumers' spin time before parking.
var ringLabel = func() string {
	if os.Getenv("CXX2GO_TRANSPORT") != "ring" {
		return ""
	}
	spin := os.Getenv("CXX2GO_RING_SPIN_US")
	if spin == "" {
		spin = "20"
	}
	return " over ring, spin " + spin + " µs"
}()

// isolatedLabel is non-empty in the isolated run of scripts/run-bench.sh (CXX2GO_ISOLATE: bench.CppBench in
// a worker process, docs/isolation.md): it measures the executor rows that the ring runs measure, and
// labels them.
var isolatedLabel = func() string {
	if os.Getenv("CXX2GO_ISOLATE") == "" {
		return ""
	}
	return ", isolated"
}()

var ringRows = map[string]bool{"empty": true, "small struct": true, "string 16 B": true, "bytes 16 B": true, "echo": true,
	"nested struct": true}

func syncRow(row string, payload int, mech string, fn func(n int)) {
	if !filterMatches(row + " " + mech) {
		return
	}
	if ringLabel != "" || isolatedLabel != "" {
		if mech != "cxx2go executor" || !ringRows[row] {
			return
		}
		mech += ringLabel + isolatedLabel
	}
	if *calls > 0 {
		start := time.Now()
		fn(*calls)
		ns := float64(time.Since(start).Nanoseconds()) / float64(*calls)
		emit(Row{Direction: "go->cpp", Kind: "sync", Row: row, Payload: payload, Mechanism: mech, NsPerCall: ns})
		return
	}
	// (-calls above stays free of the samples' own instructions.)
	fn(100) // warm-up
	n := 1
	for {
		start := time.Now()
		fn(n)
		if d := time.Since(start); d >= *repTime/4 || n >= 1<<30 {
			n = max(1, int(float64(n)*float64(*repTime)/float64(max(d, 1))))
			break
		}
		n *= 4
	}
	res := make([]float64, *reps)
	before := sampleCosts()
	for i := range res {
		start := time.Now()
		fn(n)
		res[i] = float64(time.Since(start).Nanoseconds()) / float64(n)
	}
	r := Row{Direction: "go->cpp", Kind: "sync", Row: row, Payload: payload, Mechanism: mech, NsPerCall: median(res), Reps: res}
	before.perCall(&r, n*len(res))
	emit(r)
}

// filterMatches reports whether -filter selects the row named name: it contains the filter, or is equal to
// it if the filter starts with "=".
func filterMatches(name string) bool {
	if exact, ok := strings.CutPrefix(*filter, "="); ok {
		return name == exact
	}
	return strings.Contains(name, *filter)
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gohost:", err)
		os.Exit(1)
	}
}

func main() {
	flag.Parse()
	must(cppbench.Register())
	must(cxx2go.Start(cxx2go.Options{}))
	defer cxx2go.Stop()

	ctx := context.Background()
	inl := bench.NewCppBenchInlineClient()
	dir := bench.NewCppBenchDirectClient()
	exe := bench.NewCppBenchClient()

	// ---- empty call ----
	syncRow("empty", 0, "raw cgo", func(n int) {
		for range n {
			cppbench.RawPing()
		}
	})
	syncRow("empty", 0, "raw cgo noescape+nocallback", func(n int) {
		for range n {
			cppbench.RawPingNN()
		}
	})
	syncRow("empty", 0, "cxx2go @inline", func(n int) {
		for range n {
			must(inl.Ping(ctx))
		}
	})
	syncRow("empty", 0, "cxx2go @direct", func(n int) {
		for range n {
			must(dir.Ping(ctx))
		}
	})
	// What per-method metrics cost (docs/debugging.md): the cheapest calls, right after their rows.
	withMetrics(func() {
		syncRow("empty", 0, "cxx2go @inline, metrics on", func(n int) {
			for range n {
				must(inl.Ping(ctx))
			}
		})
		syncRow("empty", 0, "cxx2go @direct, metrics on", func(n int) {
			for range n {
				must(dir.Ping(ctx))
			}
		})
	})
	syncRow("empty", 0, "cxx2go executor", func(n int) {
		for range n {
			must(exe.Ping(ctx))
		}
	})

	// ---- small struct ----
	syncRow("small struct", 20, "raw cgo", func(n int) {
		in, out := cppbench.NewSmall(1, 2, 3), cppbench.Small{}
		for range n {
			cppbench.RawSmall(&in, &out)
		}
	})
	syncRow("small struct", 20, "raw cgo noescape+nocallback", func(n int) {
		in, out := cppbench.NewSmall(1, 2, 3), cppbench.Small{}
		for range n {
			cppbench.RawSmallNN(&in, &out)
		}
	})
	small := bench.Small{A: 1, B: 2, C: 3}
	syncRow("small struct", 20, "cxx2go @inline", func(n int) {
		for range n {
			_, err := inl.Small(ctx, small)
			must(err)
		}
	})
	syncRow("small struct", 20, "cxx2go @direct", func(n int) {
		for range n {
			_, err := dir.Small(ctx, small)
			must(err)
		}
	})
	syncRow("small struct", 20, "cxx2go executor", func(n int) {
		for range n {
			_, err := exe.Small(ctx, small)
			must(err)
		}
	})

	// ---- string / bytes ----
	for _, size := range []int{16, 4 << 10, 64 << 10, 1 << 20} {
		blob := make([]byte, size)
		for i := range blob {
			blob[i] = byte('a' + i%26)
		}
		text := string(blob)
		label := sizeLabel(size)
		syncRow("string "+label, size, "raw cgo", func(n int) {
			for range n {
				cppbench.RawString(text)
			}
		})
		syncRow("string "+label, size, "cxx2go @inline", func(n int) {
			for range n {
				_, err := inl.Text(ctx, text)
				must(err)
			}
		})
		syncRow("string "+label, size, "cxx2go @direct", func(n int) {
			for range n {
				_, err := dir.Text(ctx, text)
				must(err)
			}
		})
		syncRow("string "+label, size, "cxx2go executor", func(n int) {
			for range n {
				_, err := exe.Text(ctx, text)
				must(err)
			}
		})
		syncRow("bytes "+label, size, "raw cgo", func(n int) {
			for range n {
				cppbench.RawBytes(blob)
			}
		})
		syncRow("bytes "+label, size, "raw cgo noescape+nocallback", func(n int) {
			for range n {
				cppbench.RawBytesNN(blob)
			}
		})
		syncRow("bytes "+label, size, "cxx2go @inline", func(n int) {
			for range n {
				_, err := inl.Blob(ctx, blob)
				must(err)
			}
		})
		syncRow("bytes "+label, size, "cxx2go executor", func(n int) {
			for range n {
				_, err := exe.Blob(ctx, blob)
				must(err)
			}
		})
	}

	// ---- list<string> of 100 ----
	names := make([]string, 100)
	for i := range names {
		names[i] = fmt.Sprintf("name-%03d-%s", i, strings.Repeat("x", 8))
	}
	var packer cppbench.Packer
	syncRow("list<string> x100", totalLen(names), "raw cgo", func(n int) {
		for range n {
			packer.RawNames(names)
		}
	})
	syncRow("list<string> x100", totalLen(names), "cxx2go @inline", func(n int) {
		for range n {
			_, err := inl.Names(ctx, names)
			must(err)
		}
	})
	syncRow("list<string> x100", totalLen(names), "cxx2go executor", func(n int) {
		for range n {
			_, err := exe.Names(ctx, names)
			must(err)
		}
	})

	// ---- nested struct ----
	nested := bench.Nested{ID: 7, Small: small, Inner: bench.Inner{Name: "inner", Values: []int64{1, 2, 3, 4}},
		Label: "a nested struct", Children: []bench.Inner{{Name: "c1", Values: []int64{5}}, {Name: "c2", Values: []int64{6, 7}}}}
	syncRow("nested struct", 0, "cxx2go @inline", func(n int) {
		for range n {
			_, err := inl.Nested(ctx, nested)
			must(err)
		}
	})
	syncRow("nested struct", 0, "cxx2go executor", func(n int) {
		for range n {
			_, err := exe.Nested(ctx, nested)
			must(err)
		}
	})

	// ---- echo: the realistic payload (bench/README.md) ----
	req := bench.Req{ID: 42, Name: "0123456789abcdef", Tags: []string{"alpha", "beta", "gamma"}}
	echoN := uint32(len(req.Name) + totalLen(req.Tags))
	checkEcho := func(id uint64, n uint32, err error) {
		must(err)
		if id != req.ID || n != echoN {
			must(fmt.Errorf("echo answered id %d, n %d; want %d, %d", id, n, req.ID, echoN))
		}
	}
	echoBytes := 8 + int(echoN)
	var echoPacker cppbench.EchoPacker
	syncRow("echo", echoBytes, "raw cgo", func(n int) {
		for range n {
			id, got := echoPacker.RawEcho(req.ID, req.Name, req.Tags)
			checkEcho(id, got, nil)
		}
	})
	syncRow("echo", echoBytes, "cxx2go @inline", func(n int) {
		for range n {
			resp, err := inl.Echo(ctx, req)
			checkEcho(resp.ID, resp.N, err)
		}
	})
	syncRow("echo", echoBytes, "cxx2go @direct", func(n int) {
		for range n {
			resp, err := dir.Echo(ctx, req)
			checkEcho(resp.ID, resp.N, err)
		}
	})
	syncRow("echo", echoBytes, "cxx2go executor", func(n int) {
		for range n {
			resp, err := exe.Echo(ctx, req)
			checkEcho(resp.ID, resp.N, err)
		}
	})

	// ---- async: goroutines keeping K calls in flight on the C++ executor ----
	if *calls > 0 {
		return
	}
	for _, k := range []int{1, 64, 1024} {
		if *inFlight != 0 && *inFlight != k {
			continue
		}
		asyncRow(k, "small struct", 20, "cxx2go executor", func() func() error {
			return func() error { _, err := exe.Small(ctx, small); return err }
		})
		asyncRow(k, "echo", echoBytes, "cxx2go executor", func() func() error {
			return func() error { resp, err := exe.Echo(ctx, req); checkEcho(resp.ID, resp.N, err); return nil }
		})
		if k == 64 && ringLabel == "" && isolatedLabel == "" {
			withMetrics(func() {
				asyncRow(k, "echo", echoBytes, "cxx2go executor, metrics on", func() func() error {
					return func() error { resp, err := exe.Echo(ctx, req); checkEcho(resp.ID, resp.N, err); return nil }
				})
			})
		}
		if ringLabel == "" { // the raw baseline does not change with the transport
			asyncRow(k, "echo", echoBytes, "raw async cgo", func() func() error {
				var packer cppbench.EchoPacker
				w := cppbench.NewEchoWaiter()
				return func() error {
					id, got := packer.RawEchoAsync(w, req.ID, req.Name, req.Tags)
					checkEcho(id, got, nil)
					return nil
				}
			})
		}
	}
}

// withMetrics runs rows with the runtime's per-method metrics on.
func withMetrics(rows func()) {
	cxx2go.SetMetricsEnabled(true)
	defer cxx2go.SetMetricsEnabled(false)
	rows()
}

// processCPU is the CPU time of the whole process (every thread, user and system).
func processCPU() time.Duration {
	var u syscall.Rusage
	must(syscall.Getrusage(syscall.RUSAGE_SELF, &u))
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// asyncRow keeps k calls in flight for asyncTime: k goroutines, each making calls with its own newCall().
// A -filter that "async" contains (e.g. "async") selects every async row; any other selects the async rows
// whose "row mechanism" it matches.
func asyncRow(k int, row string, payload int, mech string, newCall func() func() error) {
	if *filter != "" && !strings.Contains("async", *filter) && !filterMatches(row+" "+mech) {
		return
	}
	if !strings.HasPrefix(mech, "raw") {
		mech += ringLabel + isolatedLabel
	} else if isolatedLabel != "" {
		return // the raw baseline does not change with isolation
	}
	if condition := os.Getenv("BENCH_CONDITION"); condition != "" {
		mech += ", " + condition // e.g. "under load": scripts/run-bench.sh runs bench/load beside it
	}
	callers := make([]func() error, k)
	for g := range callers {
		callers[g] = newCall()
	}
	for range 100 {
		must(callers[0]())
	}
	before := sampleCosts()
	var wg sync.WaitGroup
	lats := make([][]float64, k)
	deadline := time.Now().Add(*asyncTime)
	start := time.Now()
	for g := range k {
		call := callers[g]
		wg.Go(func() {
			l := make([]float64, 0, 1024)
			for time.Now().Before(deadline) {
				t := time.Now()
				must(call())
				l = append(l, float64(time.Since(t).Nanoseconds()))
			}
			lats[g] = l
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	all := slices.Concat(lats...)
	r := Row{Direction: "go->cpp", Kind: "async", Row: fmt.Sprintf("%s, %d in flight", row, k), Payload: payload,
		Mechanism: mech, InFlight: k, CallsPerS: float64(len(all)) / elapsed.Seconds()}
	before.perCall(&r, len(all)) // the latency slices' growth is counted too: a few objects per 1,000 calls
	sort.Float64s(all)
	r.P50Ns, r.P99Ns = all[len(all)/2], all[len(all)*99/100]
	emit(r)
}

func totalLen(l []string) int {
	n := 0
	for _, s := range l {
		n += len(s)
	}
	return n
}

func sizeLabel(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
