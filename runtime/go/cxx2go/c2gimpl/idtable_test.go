package c2gimpl

import (
	"sort"
	"sync"
	"sync/atomic"
	"testing"
)

func TestIDTableStoreLoadDelete(t *testing.T) {
	var tab idTable[string]
	if _, ok := tab.Load(7); ok {
		t.Fatal("Load on an empty table found something")
	}
	for id := uint64(0); id < 100; id++ {
		tab.Store(id*3, string(rune('a'+id%26)))
	}
	tab.Store(3, "replaced")
	if v, ok := tab.Load(3); !ok || v != "replaced" {
		t.Fatalf("Load(3) = %q, %v; want the replaced value", v, ok)
	}
	if n := tab.Len(); n != 100 {
		t.Fatalf("Len = %d, want 100", n)
	}
	if v, ok := tab.LoadAndDelete(6); !ok || v != "c" {
		t.Fatalf("LoadAndDelete(6) = %q, %v", v, ok)
	}
	if _, ok := tab.LoadAndDelete(6); ok {
		t.Fatal("a second LoadAndDelete(6) found it again")
	}
	if _, ok := tab.Load(6); ok {
		t.Fatal("Load(6) after its deletion found it")
	}
	var ids []uint64
	tab.Range(func(id uint64, _ string) {
		ids = append(ids, id)
		tab.LoadAndDelete(id) // f may use the table
	})
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	if len(ids) != 99 || ids[0] != 0 || ids[1] != 3 || ids[2] != 9 || ids[98] != 297 {
		t.Fatalf("Range visited %d ids: %v", len(ids), ids)
	}
	if n := tab.Len(); n != 0 {
		t.Fatalf("Len after deleting everything = %d", n)
	}
}

// Exactly one of several goroutines racing to take an entry gets it (the completion and a caller giving
// up on its context rely on it).
func TestIDTableLoadAndDeleteHasOneWinner(t *testing.T) {
	var tab idTable[int]
	const ids, racers = 2000, 4
	for id := uint64(1); id <= ids; id++ {
		tab.Store(id, int(id))
	}
	var won atomic.Int64
	var wg sync.WaitGroup
	for r := 0; r < racers; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := uint64(1); id <= ids; id++ {
				if v, ok := tab.LoadAndDelete(id); ok {
					if v != int(id) {
						t.Errorf("entry %d held %d", id, v)
					}
					won.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if won.Load() != ids {
		t.Fatalf("%d entries taken, want %d (each exactly once)", won.Load(), ids)
	}
}
