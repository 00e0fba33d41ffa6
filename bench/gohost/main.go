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
	CPUNs     float64   `json:"cpu_ns_per_call,omitempty"` // async: process CPU time (all threads) per call
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

var ringRows = map[string]bool{"empty": true, "small struct": true, "string 16 B": true, "bytes 16 B": true,
	"nested struct": true}

func syncRow(row string, payload int, mech string, fn func(n int)) {
	if !filterMatches(row + " " + mech) {
		return
	}
	if ringLabel != "" {
		if mech != "cxx2go executor" || !ringRows[row] {
			return
		}
		mech += ringLabel
	}
	if *calls > 0 {
		start := time.Now()
		fn(*calls)
		ns := float64(time.Since(start).Nanoseconds()) / float64(*calls)
		emit(Row{Direction: "go->cpp", Kind: "sync", Row: row, Payload: payload, Mechanism: mech, NsPerCall: ns})
		return
	}
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
	for i := range res {
		start := time.Now()
		fn(n)
		res[i] = float64(time.Since(start).Nanoseconds()) / float64(n)
	}
	emit(Row{Direction: "go->cpp", Kind: "sync", Row: row, Payload: payload, Mechanism: mech, NsPerCall: median(res), Reps: res})
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

	// ---- async: goroutines keeping K calls in flight on the C++ executor ----
	for _, k := range []int{1, 64, 1024} {
		if *calls > 0 || *filter != "" && !strings.Contains("async", *filter) {
			break
		}
		if *inFlight == 0 || *inFlight == k {
			asyncRow(k, "cxx2go executor", func() error { _, err := exe.Small(ctx, small); return err })
		}
	}
}

// processCPU is the CPU time of the whole process (every thread, user and system).
func processCPU() time.Duration {
	var u syscall.Rusage
	must(syscall.Getrusage(syscall.RUSAGE_SELF, &u))
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

func asyncRow(k int, mech string, call func() error) {
	mech += ringLabel
	if condition := os.Getenv("BENCH_CONDITION"); condition != "" {
		mech += ", " + condition // e.g. "under load": scripts/run-bench.sh runs bench/load beside it
	}
	for range 100 {
		must(call())
	}
	cpuStart := processCPU()
	var wg sync.WaitGroup
	lats := make([][]float64, k)
	deadline := time.Now().Add(*asyncTime)
	start := time.Now()
	for g := range k {
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
	cpu := processCPU() - cpuStart
	all := slices.Concat(lats...)
	sort.Float64s(all)
	emit(Row{Direction: "go->cpp", Kind: "async", Row: fmt.Sprintf("small struct, %d in flight", k), Payload: 20,
		Mechanism: mech, InFlight: k, CallsPerS: float64(len(all)) / elapsed.Seconds(),
		P50Ns: all[len(all)/2], P99Ns: all[len(all)*99/100], CPUNs: float64(cpu.Nanoseconds()) / float64(len(all))})
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
