package c2gimpl

import "sync"

// idTableShards is the number of independently locked parts of an idTable: call ids come from counters,
// so consecutive calls land on consecutive shards and concurrent callers rarely meet on one lock.
const idTableShards = 32

// idTable maps the ids of calls in flight to their state. It replaces a sync.Map: that boxed every uint64
// key into an interface (an allocation per Store) and allocated a trie node per entry, and at 1,024 calls
// in flight over the rings its Store, LoadAndDelete and the boxing were ~7 % of the process's CPU. Here an
// operation is one uncontended mutex and a map access, and a shard's map keeps its buckets between calls.
type idTable[V any] struct {
	shards [idTableShards]idShard[V]
}

type idShard[V any] struct {
	mu sync.Mutex
	m  map[uint64]V
	_  [64 - 16]byte // one cache line per shard: each is written by every call that uses it
}

func (t *idTable[V]) shard(id uint64) *idShard[V] { return &t.shards[id%idTableShards] }

// Store adds (or replaces) id's entry.
func (t *idTable[V]) Store(id uint64, v V) {
	s := t.shard(id)
	s.mu.Lock()
	if s.m == nil {
		s.m = make(map[uint64]V)
	}
	s.m[id] = v
	s.mu.Unlock()
}

// Load returns id's entry.
func (t *idTable[V]) Load(id uint64) (V, bool) {
	s := t.shard(id)
	s.mu.Lock()
	v, ok := s.m[id]
	s.mu.Unlock()
	return v, ok
}

// LoadAndDelete removes id's entry and returns it: of several callers racing for one entry, exactly one
// gets ok.
func (t *idTable[V]) LoadAndDelete(id uint64) (V, bool) {
	s := t.shard(id)
	s.mu.Lock()
	v, ok := s.m[id]
	if ok {
		delete(s.m, id)
	}
	s.mu.Unlock()
	return v, ok
}

// ReplaceIf replaces id's entry with v if it exists and keep(old) says so; it reports whether it did.
func (t *idTable[V]) ReplaceIf(id uint64, v V, replace func(old V) bool) bool {
	s := t.shard(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.m[id]; ok && replace(old) {
		s.m[id] = v
		return true
	}
	return false
}

// DeleteIf removes id's entry if it exists and remove(entry) says so; it reports whether it did.
func (t *idTable[V]) DeleteIf(id uint64, remove func(V) bool) bool {
	s := t.shard(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.m[id]; ok && remove(v) {
		delete(s.m, id)
		return true
	}
	return false
}

// Range calls f for the entries present when it reaches their shard, with no lock held (f may use the
// table), one shard at a time.
func (t *idTable[V]) Range(f func(id uint64, v V)) {
	type entry struct {
		id uint64
		v  V
	}
	var batch []entry
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		batch = batch[:0]
		for id, v := range s.m {
			batch = append(batch, entry{id, v})
		}
		s.mu.Unlock()
		for _, e := range batch {
			f(e.id, e.v)
		}
	}
}

// Len counts the entries (tests and diagnostics).
func (t *idTable[V]) Len() int {
	n := 0
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}
