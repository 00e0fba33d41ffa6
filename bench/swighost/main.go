// Command swighost is the SWIG baseline of `make bench` (bench/README.md): Go calling C++ through the
// wrappers `swig -go -c++` generates from bench/swig/swigbench.i, with the same payloads as gohost.
// Prints one JSON object per measured row (direction go->cpp, mechanism "SWIG").
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cxx2go/cxx2go/bench/internal/gen/swigbench"
)

var (
	reps    = flag.Int("reps", 7, "repetitions per row (the median is reported)")
	repTime = flag.Duration("rep-time", 40*time.Millisecond, "target duration of one repetition")
)

func median(v []float64) float64 {
	s := slices.Clone(v)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func syncRow(row string, payload int, mech string, fn func(n int)) {
	fn(100)
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
	b, _ := json.Marshal(map[string]any{"direction": "go->cpp", "kind": "sync", "row": row, "payload_bytes": payload,
		"mechanism": mech, "ns_per_call": median(res), "reps_ns": res})
	fmt.Println(string(b))
}

func main() {
	flag.Parse()
	syncRow("empty", 0, "SWIG", func(n int) {
		for range n {
			swigbench.Ping()
		}
	})
	// SWIG's mapping of a struct: a proxy of a C++ object; the result is a new C++ object to delete.
	syncRow("small struct", 20, "SWIG", func(n int) {
		in := swigbench.NewSmall()
		in.SetA(1)
		in.SetB(2)
		in.SetC(3)
		for range n {
			out := swigbench.Small_struct(in)
			swigbench.DeleteSmall(out)
		}
		swigbench.DeleteSmall(in)
	})
	for _, size := range []int{16, 4 << 10, 64 << 10, 1 << 20} {
		blob := make([]byte, size)
		for i := range blob {
			blob[i] = byte('a' + i%26)
		}
		text := string(blob)
		label := sizeLabel(size)
		// std::string: SWIG copies the Go string into a std::string.
		syncRow("string "+label, size, "SWIG", func(n int) {
			for range n {
				swigbench.Text(text)
			}
		})
		// (char* STRING, size_t LENGTH): pointer and length, no copy (SWIG's Go type for it is string).
		syncRow("bytes "+label, size, "SWIG", func(n int) {
			for range n {
				swigbench.Blob(text)
			}
		})
	}
	names := make([]string, 100)
	total := 0
	for i := range names {
		names[i] = fmt.Sprintf("name-%03d-%s", i, strings.Repeat("x", 8))
		total += len(names[i])
	}
	// std::vector<std::string>: a C++ vector filled element by element (one cgo call each), as SWIG offers.
	syncRow("list<string> x100", total, "SWIG", func(n int) {
		v := swigbench.NewStringVector()
		for range n {
			v.Clear()
			for _, s := range names {
				v.Add(s)
			}
			swigbench.Names(v)
		}
		swigbench.DeleteStringVector(v)
	})
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
