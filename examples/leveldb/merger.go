package main

import (
	"context"
	"strconv"
	"sync/atomic"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
)

// counterMerger is the application's merge operator, written in Go and called by the C++ store
// (kv.Store.write) for every key a batch MERGEs: values are decimal counters, operands decimal deltas.
// LevelDB has no merge operator; the store makes one by reading the value, calling this and writing the
// result while no other write of the key can interleave, so concurrent increments are never lost.
type counterMerger struct {
	calls    atomic.Uint64
	operands atomic.Uint64
}

// Merge implements kv.Merger. It runs on a C++ executor thread, inside the synchronous call the store
// makes from there, while writers of the key wait: it only computes.
//
// key is borrowed from C++ for the duration of the call (a top-level bytes argument; see the ownership
// rules in docs/design.md): it is only read here, and formatting an error copies it. existing and
// operands are nested in other types, so they are Go-owned copies.
func (m *counterMerger) Merge(_ context.Context, key []byte, existing *[]byte, operands [][]byte) ([]byte, error) {
	m.calls.Add(1)
	m.operands.Add(uint64(len(operands)))
	var total int64
	if existing != nil {
		v, err := strconv.ParseInt(string(*existing), 10, 64)
		if err != nil {
			return nil, cxx2go.Errorf(cxx2go.FailedPrecondition, "merge %q: current value %q is not a counter", key, *existing)
		}
		total = v
	}
	for _, op := range operands {
		delta, err := strconv.ParseInt(string(op), 10, 64)
		if err != nil {
			return nil, cxx2go.Errorf(cxx2go.InvalidArgument, "merge %q: operand %q is not an integer", key, op)
		}
		total += delta
	}
	return strconv.AppendInt(nil, total, 10), nil
}
