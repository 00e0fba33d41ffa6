// Command leveldb-demo uses LevelDB, a C++ library, from Go through the bindings cxx2go generates from
// kv.c2g: goroutines call the C++ service kv.Store, whose implementation (kv/leveldb_store.cc) calls
// back into Go, to the merge operator kv.Merger, while it writes a batch. Every result is checked.
//
// Build and run it with scripts/run-demo.sh, or see examples/README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cxx2go/cxx2go/examples/leveldb/kv"
	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
)

func main() {
	workers := flag.Int("workers", 16, "goroutines calling the store concurrently")
	ops := flag.Int("ops", 100_000, "operations in total")
	seed := flag.Uint64("seed", 1, "seed of the pseudo-random workload: the same seed makes the same operations")
	threads := flag.Int("threads", 0, "C++ executor threads serving the store (0: the runtime's default)")
	buffer := flag.Uint64("write-buffer", 1<<20, "LevelDB write buffer in bytes")
	isolate := flag.String("isolate", "", "run kv.Store in this worker process (examples/leveldb/CMakeLists.txt "+
		"builds it: leveldb-worker) and crash it with a poison request (isolated.go)")
	flag.Parse()
	if *isolate != "" {
		if err := runIsolated(*isolate, *workers); err != nil {
			fmt.Fprintln(os.Stderr, "leveldb-demo: FAILED:", err)
			os.Exit(1)
		}
		return
	}
	if *workers < 1 || *ops < *workers {
		fmt.Fprintln(os.Stderr, "leveldb-demo: need -workers >= 1 and -ops >= -workers")
		os.Exit(2)
	}
	if err := run(*workers, *ops, *seed, *threads, *buffer); err != nil {
		fmt.Fprintln(os.Stderr, "leveldb-demo: FAILED:", err)
		os.Exit(1)
	}
}

func run(numWorkers, ops int, seed uint64, threads int, buffer uint64) (err error) {
	dir, err := os.MkdirTemp("", "cxx2go-leveldb-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir) // deferred first, so it runs last: after Close

	// The Go merge operator C++ calls is registered here; the C++ store Go calls is registered by Start,
	// which calls make_store() (kv/leveldb_store.cc).
	merger := &counterMerger{}
	if err := kv.RegisterMerger(merger); err != nil {
		return err
	}
	if err := cxx2go.Start(cxx2go.Options{ExecutorThreads: threads}); err != nil {
		return err
	}
	defer func() {
		if stopErr := cxx2go.Stop(); err == nil && stopErr != nil {
			err = stopErr
		}
	}()

	ctx := context.Background()
	store := kv.NewStoreClient()
	// A small write buffer, so that even this short run makes LevelDB flush tables and compact them.
	config := kv.OpenOptions{CreateIfMissing: true, WriteBufferBytes: buffer}
	if err := store.Open(ctx, dir, config); err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	defer func() {
		if closeErr := store.Close(ctx); err == nil && closeErr != nil {
			err = fmt.Errorf("close: %w", closeErr)
		}
	}()
	fmt.Printf("database: %s (removed at exit), write buffer %d KiB\n", dir, config.WriteBufferBytes>>10)
	fmt.Printf("%d goroutines share %d operations; each checks every result against its own model\n\n", numWorkers, ops)

	begin := time.Now()
	workers, err := runWorkers(ctx, store, numWorkers, ops, seed)
	elapsed := time.Since(begin)
	if err != nil {
		return err
	}
	stats, err := store.Stats(ctx)
	if err != nil {
		return fmt.Errorf("stats: %w", err)
	}

	printLatencies(workers, ops, elapsed)
	if err := checkCounts(workers, stats, merger); err != nil {
		return err
	}
	if err := checkCounters(ctx, store, workers, merger); err != nil {
		return err
	}
	if err := checkAtomicity(ctx, store); err != nil {
		return err
	}
	printLevelDB(stats)
	return nil
}

func printLatencies(workers []*worker, ops int, elapsed time.Duration) {
	fmt.Printf("%-14s %8s %10s %10s\n", "operation", "count", "p50", "p99")
	var all []time.Duration
	for kind := range numOpKinds {
		var lat []time.Duration
		for _, w := range workers {
			lat = append(lat, w.latencies[kind]...)
		}
		all = append(all, lat...)
		printRow(opNames[kind], lat)
	}
	printRow("all", all)
	fmt.Printf("\n%d operations in %v: %.0f operations/s, every result as expected\n",
		ops, elapsed.Round(time.Millisecond), float64(ops)/elapsed.Seconds())
}

func printRow(name string, lat []time.Duration) {
	slices.Sort(lat)
	fmt.Printf("%-14s %8d %10s %10s\n", name, len(lat), fmtDuration(percentile(lat, 0.50)), fmtDuration(percentile(lat, 0.99)))
}

// percentile returns the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[max(int(math.Ceil(p*float64(len(sorted))))-1, 0)]
}

func fmtDuration(d time.Duration) string {
	switch {
	case d < 10*time.Microsecond:
		return d.Round(100 * time.Nanosecond).String()
	case d < 10*time.Millisecond:
		return d.Round(time.Microsecond).String()
	}
	return d.Round(100 * time.Microsecond).String()
}

// checkCounts compares what the goroutines did with what the C++ side counted, and the merges C++
// reported with the calls the Go merger received.
func checkCounts(workers []*worker, stats kv.Stats, merger *counterMerger) error {
	var done [numOpKinds]uint64
	for _, w := range workers {
		for kind := range numOpKinds {
			done[kind] += uint64(len(w.latencies[kind]))
		}
	}
	cpp := [numOpKinds]uint64{stats.Puts, stats.Gets, stats.Removes, stats.Scans, stats.Batches}
	if done != cpp {
		return fmt.Errorf("the C++ store counted %v (put, get, remove, scan, write), Go made %v", cpp, done)
	}
	if calls := merger.calls.Load(); calls != stats.MergedKeys {
		return fmt.Errorf("the C++ store merged %d keys, the Go merger was called %d times", stats.MergedKeys, calls)
	}
	fmt.Printf("C++ counted the same calls (%d gets found their key); it merged %d keys through %d calls back into Go\n",
		stats.Hits, stats.MergedKeys, merger.calls.Load())
	return nil
}

// checkCounters verifies that no concurrent increment was lost: each shared counter must hold the sum of
// what every goroutine added to it.
func checkCounters(ctx context.Context, store *kv.StoreClient, workers []*worker, merger *counterMerger) error {
	var total, operands int64
	for c := range numCounters {
		var want int64
		for _, w := range workers {
			want += w.increments[c]
			operands += w.merges[c]
		}
		total += want
		got, err := store.Get(ctx, counterKey(c))
		if err != nil {
			return fmt.Errorf("get %s: %w", counterKey(c), err)
		}
		switch {
		case got == nil && want != 0:
			return fmt.Errorf("%s: not found, want %d", counterKey(c), want)
		case got != nil && string(*got) != strconv.FormatInt(want, 10):
			return fmt.Errorf("%s: %q, want %d", counterKey(c), *got, want)
		}
	}
	if got := merger.operands.Load(); got != uint64(operands) {
		return fmt.Errorf("the goroutines wrote %d MERGE operands, the Go merger received %d", operands, got)
	}
	fmt.Printf("%d shared counters hold exactly the %d that %d goroutines added with %d concurrent MERGEs\n",
		numCounters, total, len(workers), operands)
	return nil
}

// checkAtomicity writes a batch that the merger must reject, and verifies that none of it was applied.
func checkAtomicity(ctx context.Context, store *kv.StoreClient) error {
	probe, counter := []byte("probe/atomicity"), counterKey(0)
	before, err := store.Get(ctx, counter)
	if err != nil {
		return err
	}
	err = store.Write(ctx, []kv.Write{
		{Kind: kv.WriteKindPut, Key: probe, Value: []byte("must never be written")},
		{Kind: kv.WriteKindMerge, Key: counter, Value: []byte("1")},
		{Kind: kv.WriteKindMerge, Key: counter, Value: []byte("one")},
	})
	// The error the Go merger returned crossed into C++, failed the write there, and came back to Go.
	var cerr *cxx2go.Error
	if !errors.As(err, &cerr) || cerr.Code != cxx2go.InvalidArgument {
		return fmt.Errorf("a batch with a bad MERGE operand: got %v, want an invalid_argument error", err)
	}
	leaked, err := store.Get(ctx, probe)
	if err != nil {
		return err
	}
	after, err := store.Get(ctx, counter)
	if err != nil {
		return err
	}
	if leaked != nil || (before == nil) != (after == nil) || (before != nil && string(*before) != string(*after)) {
		return fmt.Errorf("a failed batch was partly applied: %s is %v, %s went from %v to %v", probe, leaked, counter, before, after)
	}
	fmt.Printf("a batch with a bad MERGE operand failed as a whole: %v\n", cerr)
	return nil
}

func printLevelDB(stats kv.Stats) {
	fmt.Printf("\nLevelDB %s: table files per level %v, %d KiB of memory in use\n",
		stats.LeveldbVersion, stats.FilesPerLevel, stats.MemoryBytes>>10)
	for line := range strings.Lines(stats.Compactions) {
		fmt.Print("  ", line)
	}
}
