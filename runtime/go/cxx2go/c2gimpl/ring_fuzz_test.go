package c2gimpl

import (
	"encoding/binary"
	"io"
	"os"
	"testing"
	"unsafe"
)

// FuzzRemoteRegion is a worker process writing whatever it likes into the C++ → Go ring of its region
// (docs/isolation.md, "Trust"): the host's dispatcher takes every message it can see as published, and
// must neither panic, nor read or write outside the region, nor loop forever. Each input fills the slots'
// bytes; the sequence numbers are then set so that the first `published` slots look published, which is
// what makes the dispatcher read them.
func FuzzRemoteRegion(f *testing.F) {
	const slots = 8
	f.Add([]byte{}, uint8(0))
	f.Add(make([]byte, slots*ringSlotSize), uint8(8))
	seed := make([]byte, slots*ringSlotSize)
	for i := 0; i < slots; i++ {
		s := seed[i*ringSlotSize:]
		binary.LittleEndian.PutUint64(s[8:], uint64(1)<<63|uint64(i)) // call_id
		binary.LittleEndian.PutUint32(s[40:], uint32(1+i%4))          // kind
		binary.LittleEndian.PutUint32(s[60:], uint32(i*700))          // len: some take several slots
		binary.LittleEndian.PutUint32(s[52:], uint32(i%3))            // nviews
		binary.LittleEndian.PutUint32(s[56:], uint32(i*5))            // args_len
		binary.LittleEndian.PutUint32(s[64:], uint32(i*3))            // the first view's length
	}
	f.Add(seed, uint8(8))
	// What the dispatcher reports of a broken worker (once per worker: here, per input) goes to stderr,
	// which the fuzzing engine does not drain: unread, it would block the fuzzing process.
	diagnostics = io.Discard
	f.Cleanup(func() { diagnostics = os.Stderr })
	f.Fuzz(readRemoteRegion)
}

func readRemoteRegion(t *testing.T, data []byte, published uint8) {
	{
		const slots = 8
		base := make([]uint64, (unsafe.Sizeof(ringRegion{})+2*slots*ringSlotSize)/8)
		region := (*ringRegion)(unsafe.Pointer(&base[0]))
		first := uint64(unsafe.Sizeof(ringRegion{}))
		p := &workerProcess{service: &isolatedService{name: "fuzz.Service"}}
		tr := &ringTransport{
			region: (*_Ctype_struct_cxx2go_ring_region)(unsafe.Pointer(region)),
			toGo:   goRing{r: &region.to_go, slots: unsafe.Add(unsafe.Pointer(&base[0]), first), mask: slots - 1},
			toCpp:  goRing{r: &region.to_cpp, slots: unsafe.Add(unsafe.Pointer(&base[0]), first+slots*ringSlotSize), mask: slots - 1},
			calls:  &callContexts{root: rootCtx},
			remote: p,
			tag:    1,
		}
		for i := uint64(0); i < slots; i++ {
			*u64(&tr.toCpp.slot(i).seq) = i
		}
		bytes := unsafe.Slice((*byte)(tr.toGo.slots), slots*ringSlotSize)
		copy(bytes, data)
		n := uint64(published) % (slots + 1)
		for i := uint64(0); i < slots; i++ {
			seq := i // free: not published
			if i < n {
				seq = i + 1
			}
			*u64(&tr.toGo.slot(i).seq) = seq
		}
		// Ended when the input is done: the rejections the dispatcher answers on goroutines (the worker sent
		// calls of methods nobody registered) give up waiting for room in the ring nobody drains here.
		defer func() {
			tr.endCode, tr.endReason = Unavailable, "the fuzz input is done"
			tr.ended.Store(true)
		}()
		for taken := 0; taken < slots; taken++ { // each message takes at least one slot
			s := tr.toGo.front()
			if s == nil {
				break
			}
			tr.toGo.release(s, tr.handle(s))
		}
		// A CALL's arguments as the dispatcher copies them, whatever its method.
		for i := uint64(0); i < slots; i++ {
			s := tr.toGo.slot(i)
			n := min(int(uint32(s.len)), ringPayloadCap)
			if in, ok := ringIncoming(s, unsafe.Slice((*byte)(unsafe.Pointer(&s.payload[0])), ringPayloadCap)[:n]); ok {
				in.release()
			}
		}
	}
}
