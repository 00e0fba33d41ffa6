package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/cxx2go/cxx2go/examples/leveldb/kv"
)

// The workload: every worker (goroutine) owns a range of keys that only it writes, so it can predict
// every read exactly from its own model of them; and all workers increment the same shared counters
// through MERGE, whose totals are checked once they are done.

type opKind int

const (
	opPut opKind = iota
	opGet
	opRemove
	opScan
	opBatch
	numOpKinds
)

var opNames = [numOpKinds]string{"put", "get (@inline)", "remove", "scan", "write (batch)"}

// Cumulative percentages of the operation mix, in opKind order.
var opMix = [numOpKinds]int{30, 65, 75, 85, 100}

const (
	keysPerWorker = 256
	numCounters   = 16
	maxScan       = 64
	maxBatch      = 8
)

func counterKey(i int) []byte { return fmt.Appendf(nil, "counter/%02d", i) }

// worker issues its share of the operations and verifies each result against its model.
type worker struct {
	id    int
	store *kv.StoreClient
	rng   *rand.Rand
	// keys[i] is the i-th key of the worker; their order is the store's (bytewise) order. The store only
	// borrows a key for the duration of a call (C++ copies what it keeps), so the same slices are reused.
	keys [][]byte
	end  []byte // the first key after the worker's range
	// values[i] is what keys[i] must hold: nil when absent. Values are never empty.
	values [][]byte
	// increments[c] is what the worker added to counter c, in merges[c] MERGE operands.
	increments [numCounters]int64
	merges     [numCounters]int64
	latencies  [numOpKinds][]time.Duration
}

func newWorker(id int, store *kv.StoreClient, seed uint64) *worker {
	w := &worker{
		id:     id,
		store:  store,
		rng:    rand.New(rand.NewPCG(seed, uint64(id))),
		keys:   make([][]byte, keysPerWorker),
		end:    fmt.Appendf(nil, "w%02d0", id), // '0' follows '/' in the key prefix "wNN/"
		values: make([][]byte, keysPerWorker),
	}
	for i := range w.keys {
		w.keys[i] = fmt.Appendf(nil, "w%02d/k%04d", id, i)
	}
	return w
}

// run performs n operations, returning at the first wrong result or failed call.
func (w *worker) run(ctx context.Context, n int) error {
	for range n {
		if err := ctx.Err(); err != nil {
			return nil // another worker failed; its error is the one reported
		}
		roll := w.rng.IntN(100)
		kind := opPut
		for opMix[kind] <= roll {
			kind++
		}
		start := time.Now()
		var err error
		switch kind {
		case opPut:
			err = w.put(ctx)
		case opGet:
			err = w.get(ctx)
		case opRemove:
			err = w.remove(ctx)
		case opScan:
			err = w.scan(ctx)
		case opBatch:
			err = w.batch(ctx)
		}
		if err != nil {
			return fmt.Errorf("worker %d: %s: %w", w.id, opNames[kind], err)
		}
		w.latencies[kind] = append(w.latencies[kind], time.Since(start))
	}
	return nil
}

func (w *worker) newValue(i int) []byte {
	v := fmt.Appendf(nil, "%s@%d:", w.keys[i], w.rng.Uint32())
	for n := 8 + w.rng.IntN(120); n > 0; n-- {
		v = append(v, byte('a'+w.rng.IntN(26)))
	}
	return v
}

func (w *worker) put(ctx context.Context) error {
	i := w.rng.IntN(keysPerWorker)
	v := w.newValue(i)
	if err := w.store.Put(ctx, w.keys[i], v); err != nil {
		return err
	}
	w.values[i] = v
	return nil
}

func (w *worker) get(ctx context.Context) error {
	i := w.rng.IntN(keysPerWorker)
	got, err := w.store.Get(ctx, w.keys[i])
	if err != nil {
		return err
	}
	want := w.values[i]
	switch {
	case got == nil && want != nil:
		return fmt.Errorf("%s: not found, want %q", w.keys[i], want)
	case got != nil && want == nil:
		return fmt.Errorf("%s: found %q, want none", w.keys[i], *got)
	case got != nil && !bytes.Equal(*got, want):
		return fmt.Errorf("%s: got %q, want %q", w.keys[i], *got, want)
	}
	return nil
}

func (w *worker) remove(ctx context.Context) error {
	i := w.rng.IntN(keysPerWorker)
	if err := w.store.Remove(ctx, w.keys[i]); err != nil {
		return err
	}
	w.values[i] = nil
	return nil
}

// scan reads a random stretch of the worker's range, bounded by a key or by the range's end.
func (w *worker) scan(ctx context.Context) error {
	from := w.rng.IntN(keysPerWorker)
	to := keysPerWorker
	end := w.end
	if w.rng.IntN(2) == 0 {
		to = min(from+1+w.rng.IntN(maxScan), keysPerWorker)
		if to < keysPerWorker {
			end = w.keys[to]
		}
	}
	limit := 1 + w.rng.IntN(maxScan)
	got, err := w.store.Scan(ctx, w.keys[from], end, uint32(limit))
	if err != nil {
		return err
	}
	n := 0
	for i := from; i < to && n < limit; i++ {
		if w.values[i] == nil {
			continue
		}
		if n >= len(got) {
			return fmt.Errorf("[%s, %s) limit %d: %d entries, want more", w.keys[from], end, limit, len(got))
		}
		if !bytes.Equal(got[n].Key, w.keys[i]) || !bytes.Equal(got[n].Value, w.values[i]) {
			return fmt.Errorf("[%s, %s) entry %d: got %q=%q, want %q=%q", w.keys[from], end, n, got[n].Key, got[n].Value, w.keys[i], w.values[i])
		}
		n++
	}
	if n != len(got) {
		return fmt.Errorf("[%s, %s) limit %d: %d entries, want %d", w.keys[from], end, limit, len(got), n)
	}
	return nil
}

// batch writes several of the worker's keys and increments shared counters, in one atomic write.
func (w *worker) batch(ctx context.Context) error {
	type effect struct {
		key   int    // index into keys, or -1 for a counter
		value []byte // the key's new value, nil for a DELETE
	}
	n := 2 + w.rng.IntN(maxBatch-1)
	writes := make([]kv.Write, 0, n)
	effects := make([]effect, 0, n)
	var deltas, merges [numCounters]int64
	for range n {
		switch roll := w.rng.IntN(10); {
		case roll < 4:
			i := w.rng.IntN(keysPerWorker)
			v := w.newValue(i)
			writes = append(writes, kv.Write{Kind: kv.WriteKindPut, Key: w.keys[i], Value: v})
			effects = append(effects, effect{key: i, value: v})
		case roll < 5:
			i := w.rng.IntN(keysPerWorker)
			writes = append(writes, kv.Write{Kind: kv.WriteKindDelete, Key: w.keys[i]})
			effects = append(effects, effect{key: i})
		default:
			c := w.rng.IntN(numCounters)
			delta := int64(1 + w.rng.IntN(100))
			writes = append(writes, kv.Write{Kind: kv.WriteKindMerge, Key: counterKey(c), Value: strconv.AppendInt(nil, delta, 10)})
			deltas[c] += delta
			merges[c]++
		}
	}
	if err := w.store.Write(ctx, writes); err != nil {
		return err
	}
	for _, e := range effects {
		w.values[e.key] = e.value
	}
	for c := range numCounters {
		w.increments[c] += deltas[c]
		w.merges[c] += merges[c]
	}
	return nil
}

// runWorkers runs ops operations split over n workers and returns them once all are done.
func runWorkers(ctx context.Context, store *kv.StoreClient, n, ops int, seed uint64) ([]*worker, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	workers := make([]*worker, n)
	var wg sync.WaitGroup
	for id := range workers {
		w := newWorker(id, store, seed)
		workers[id] = w
		share := ops / n
		if id < ops%n {
			share++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.run(ctx, share); err != nil {
				cancel(err)
			}
		}()
	}
	wg.Wait()
	return workers, context.Cause(ctx)
}
