package c2gimpl

import (
	"runtime"
	"sync"
	"testing"
	"unsafe"
)

// newTestRing lays out a ring of capacity slots in Go memory (the layout of ring_abi.h; in the runtime
// the region is C memory), as cxx2go::detail::Ring::init does.
func newTestRing(t *testing.T, capacity uint64) *goRing {
	t.Helper()
	hdr := new(ringHeader)
	words := make([]uint64, capacity*ringSlotSize/8)
	slots := unsafe.Pointer(unsafe.SliceData(words))
	g := &goRing{r: hdr, slots: slots, mask: capacity - 1}
	*u64(&hdr.capacity) = capacity
	for i := uint64(0); i < capacity; i++ {
		*u64(&g.slot(i).seq) = i
	}
	return g
}

func setSlotValue(s *ringSlot, v uint64) {
	*u64(&s.call_id) = v
	*(*uint64)(unsafe.Pointer(&s.payload[0])) = ^v
}

func slotValue(s *ringSlot) uint64 {
	v := *u64(&s.call_id)
	if ^*(*uint64)(unsafe.Pointer(&s.payload[0])) != v {
		panic("payload does not match the call id: torn message")
	}
	return v
}

func setSlotCall(s *ringSlot, nviews, argsLen, n uint32) {
	*u32(&s.nviews) = nviews
	*u32(&s.args_len) = argsLen
	*u32(&s.len) = n
}

func pushValue(g *goRing, v uint64) bool {
	s, pos := g.tryClaim(1)
	if s == nil {
		return false
	}
	setSlotValue(s, v)
	g.publish(s, pos, 1)
	return true
}

func popValue(g *goRing) (uint64, bool) {
	s := g.front()
	if s == nil {
		return 0, false
	}
	v := slotValue(s)
	g.release(s, 1)
	return v, true
}

func TestRingWrapsAroundInOrder(t *testing.T) {
	g := newTestRing(t, 4)
	var in, out uint64
	for round := 0; round < 1000; round++ {
		batch := 1 + round%4
		for i := 0; i < batch; i++ {
			if !pushValue(g, in) {
				t.Fatalf("round %d: ring full after %d of %d", round, i, batch)
			}
			in++
		}
		for i := 0; i < batch; i++ {
			v, ok := popValue(g)
			if !ok || v != out {
				t.Fatalf("round %d: got %d (%v), want %d", round, v, ok, out)
			}
			out++
		}
		if g.front() != nil {
			t.Fatal("ring not empty after draining")
		}
	}
}

func TestRingFullUntilReleased(t *testing.T) {
	g := newTestRing(t, 4)
	for i := uint64(0); i < 4; i++ {
		if !pushValue(g, i) {
			t.Fatalf("push %d refused", i)
		}
	}
	if pushValue(g, 99) {
		t.Fatal("a full ring accepted a message")
	}
	if v, _ := popValue(g); v != 0 {
		t.Fatalf("got %d, want 0", v)
	}
	if !pushValue(g, 4) {
		t.Fatal("no room after a release")
	}
	for want := uint64(1); want <= 4; want++ {
		if v, ok := popValue(g); !ok || v != want {
			t.Fatalf("got %d (%v), want %d", v, ok, want)
		}
	}
}

func TestRingParkHandshake(t *testing.T) {
	g := newTestRing(t, 4)
	pushValue(g, 1)
	if g.preparePark() {
		t.Fatal("parked although a message was there")
	}
	popValue(g)
	if !g.preparePark() {
		t.Fatal("refused to park on an empty ring")
	}
	s, pos := g.tryClaim(1)
	setSlotValue(s, 2)
	if !g.publish(s, pos, 1) {
		t.Fatal("the first producer after parking was not told to wake the consumer")
	}
	s, pos = g.tryClaim(1)
	setSlotValue(s, 3)
	if g.publish(s, pos, 1) {
		t.Fatal("a second producer was told to wake the consumer too")
	}
}

// Producers on many goroutines against one consumer, with a ring far smaller than the traffic: every
// message arrives exactly once, each producer's in order (and -race checks the payload hand-over).
func TestRingConcurrentProducers(t *testing.T) {
	const producers, each = 4, 2000
	g := newTestRing(t, 8)
	var wg sync.WaitGroup
	for p := 0; p < producers; p++ {
		wg.Add(1)
		go func(p uint64) {
			defer wg.Done()
			for i := uint64(0); i < each; i++ {
				for !pushValue(g, p<<32|i) {
					runtime.Gosched() // full: wait for the consumer (backpressure)
				}
			}
		}(uint64(p))
	}
	next := make([]uint64, producers)
	for got := 0; got < producers*each; {
		v, ok := popValue(g)
		if !ok {
			runtime.Gosched()
			continue
		}
		p, i := v>>32, v&0xffffffff
		if i != next[p] {
			t.Fatalf("producer %d: got %d, want %d", p, i, next[p])
		}
		next[p]++
		got++
	}
	wg.Wait()
}

func TestRingIncomingRejectsCorruptLengths(t *testing.T) {
	g := newTestRing(t, 2)
	s, _ := g.tryClaim(1)
	payload := unsafe.Slice((*byte)(unsafe.Pointer(&s.payload[0])), ringPayloadCap)
	// one view of 3 bytes, 2 bytes of args
	payload[0] = 3
	copy(payload[8:], []byte{7, 8})
	copy(payload[16:], "abc")
	setSlotCall(s, 1, 2, 24)
	in, ok := ringIncoming(s, payload[:24])
	if !ok || in.ViewString(0) != "abc" || len(in.args.data) != 2 {
		t.Fatalf("valid message: ok=%v", ok)
	}
	payload[0] = 200 // the view now claims more than the message holds
	if _, ok := ringIncoming(s, payload[:24]); ok {
		t.Fatal("a view longer than the message was accepted")
	}
	setSlotCall(s, 1, 1000, 24)
	if _, ok := ringIncoming(s, payload[:24]); ok {
		t.Fatal("arguments longer than the message were accepted")
	}
	setSlotCall(s, ringMaxViews+1, 0, 24)
	if _, ok := ringIncoming(s, payload[:24]); ok {
		t.Fatal("more views than allowed were accepted")
	}
}

// Messages of several slots, of every size up to the most the ring holds, from concurrent producers,
// interleaved with messages of one slot: each arrives whole, in each producer's order.
func TestRingCarriesMessagesOfSeveralSlots(t *testing.T) {
	g := newTestRing(t, 8)
	const producers, perProducer = 3, 400
	pattern := func(producer, i, n int) []byte {
		b := make([]byte, n)
		for j := range b {
			b[j] = byte(producer*131 + i*7 + j)
		}
		return b
	}
	size := func(i int) int { return (i * 977) % (g.maxPayload() + 1) }
	var wg sync.WaitGroup
	for p := 0; p < producers; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perProducer; i++ {
				b := pattern(p, i, size(i))
				n := ringMessageSlots(len(b))
				s, pos := g.tryClaim(n)
				for s == nil {
					runtime.Gosched()
					s, pos = g.tryClaim(n)
				}
				*u64(&s.call_id) = uint64(p)<<32 | uint64(i)
				*u32(&s.len) = uint32(len(b))
				g.copyPayload(pos, 0, b, true)
				g.publish(s, pos, n)
			}
		}()
	}
	next := make([]int, producers)
	for received := 0; received < producers*perProducer; {
		s := g.front()
		if s == nil {
			runtime.Gosched()
			continue
		}
		id := *u64(&s.call_id)
		p, i := int(id>>32), int(uint32(id))
		if i != next[p] {
			t.Fatalf("producer %d: message %d arrived, %d expected", p, i, next[p])
		}
		n := int(*u32(&s.len))
		got := make([]byte, n)
		g.copyPayload(g.head, 0, got, false)
		if want := pattern(p, i, size(i)); string(got) != string(want) {
			t.Fatalf("producer %d, message %d (%d bytes, %d slots): payload differs", p, i, n, ringMessageSlots(n))
		}
		g.release(s, ringMessageSlots(n))
		next[p]++
		received++
	}
	wg.Wait()
}
