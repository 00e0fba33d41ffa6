package c2gimpl

// The shared-memory ring transport, Go side (docs/ring.md; layout and ownership: cxx2go/ring_abi.h).
// The region is C memory allocated by the C++ runtime: Go reads and writes it with plain loads/stores and
// sync/atomic, never stores a Go pointer in it, and makes no cgo call on the hot path. One dispatcher
// goroutine drains the C++ → Go ring; Go producers (callers, handler goroutines) write the Go → C++ ring
// and wake the C++ ring thread with a raw futex syscall.

/*
#include "cxx2go/abi.h"
#include "cxx2go/ring_abi.h"
*/
import "C"

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

const (
	ringSlotSize   = C.CXX2GO_RING_SLOT_SIZE
	ringPayloadCap = C.CXX2GO_RING_PAYLOAD_CAP
	ringCall       = C.CXX2GO_RING_CALL
	ringOneway     = C.CXX2GO_RING_ONEWAY
	ringComplete   = C.CXX2GO_RING_COMPLETE
	ringCancel     = C.CXX2GO_RING_CANCEL
	ringCallBit    = uint64(1) << 63 // ids of Go → C++ calls sent over the ring (src/transport/ring_transport.h)
	ringMaxViews   = 64              // as many as the C++ ring thread accepts

	futexWakePrivate = 1 | 128 // FUTEX_WAKE | FUTEX_PRIVATE_FLAG
)

// Layout types of ring_abi.h, named for this package's tests (test files cannot use cgo).
type (
	ringHeader = C.cxx2go_ring
	ringSlot   = C.cxx2go_ring_slot
)

// goRing is one direction of the region; the same algorithm as cxx2go::detail::Ring (runtime/cpp/src/transport/ring.h).
type goRing struct {
	r     *C.cxx2go_ring
	slots unsafe.Pointer
	mask  uint64
}

func u64(p *C.uint64_t) *uint64 { return (*uint64)(unsafe.Pointer(p)) }
func u32(p *C.uint32_t) *uint32 { return (*uint32)(unsafe.Pointer(p)) }

func (g *goRing) slot(pos uint64) *C.cxx2go_ring_slot {
	return (*C.cxx2go_ring_slot)(unsafe.Add(g.slots, (pos&g.mask)*ringSlotSize))
}

// tryClaim claims the next free slot, or returns nil when the ring is full.
func (g *goRing) tryClaim() (*C.cxx2go_ring_slot, uint64) {
	tail := u64(&g.r.tail)
	p := atomic.LoadUint64(tail)
	for {
		s := g.slot(p)
		seq := atomic.LoadUint64(u64(&s.seq))
		switch diff := int64(seq - p); {
		case diff == 0:
			if atomic.CompareAndSwapUint64(tail, p, p+1) {
				return s, p
			}
		case diff < 0:
			return nil, 0
		default:
			p = atomic.LoadUint64(tail)
		}
	}
}

// publish hands a claimed slot to the consumer; true if the consumer is parked and must be woken. Go's
// atomics are sequentially consistent, which is the fence the sleep/wake handshake needs. While a C++
// thread waiting for a future helps (helpers != 0), it takes the completions and wakes the consumer for
// anything else (src/transport/ring.h, Ring::publish).
func (g *goRing) publish(s *C.cxx2go_ring_slot, pos uint64) bool {
	atomic.StoreUint64(u64(&s.seq), pos+1)
	if atomic.LoadUint32(u32(&g.r.helpers)) != 0 {
		return false
	}
	sleeping := u32(&g.r.sleeping)
	if atomic.LoadUint32(sleeping) == 0 || atomic.SwapUint32(sleeping, 0) == 0 {
		return false
	}
	atomic.AddUint64(u64(&g.r.wakeups), 1)
	return true
}

func (g *goRing) front() *C.cxx2go_ring_slot {
	pos := uint64(g.r.head)
	s := g.slot(pos)
	if atomic.LoadUint64(u64(&s.seq)) != pos+1 {
		return nil
	}
	return s
}

func (g *goRing) release(s *C.cxx2go_ring_slot) {
	pos := uint64(g.r.head)
	atomic.StoreUint64(u64(&s.seq), pos+uint64(g.r.capacity))
	g.r.head = C.uint64_t(pos + 1)
}

func (g *goRing) preparePark() bool {
	atomic.StoreUint32(u32(&g.r.sleeping), 1)
	if g.front() == nil {
		return true
	}
	atomic.StoreUint32(u32(&g.r.sleeping), 0)
	return false
}

func (g *goRing) unpark() { atomic.StoreUint32(u32(&g.r.sleeping), 0) }

// consumerAsleep reports that the consumer is parked (or parking) and no waiting thread helps: a message
// published now has to wake it before anyone reads it.
func (g *goRing) consumerAsleep() bool {
	return atomic.LoadUint32(u32(&g.r.helpers)) == 0 && atomic.LoadUint32(u32(&g.r.sleeping)) != 0
}

// ringTransport is the attached region. Producers enter() before touching it and leave() after; detach
// waits for none to be left, so the region is never written after Go acknowledged the detach.
type ringTransport struct {
	region *C.cxx2go_ring_region
	toGo   goRing
	toCpp  goRing
	mode   uint32
	spinNs time.Duration // the most any side spins before parking (CXX2GO_RING_SPIN_US)
	// The adapted spin budgets (spin.go) of the dispatcher and of a caller waiting for a ring completion.
	dispatchSpin, callerSpin adaptiveSpin
	efd                      *os.File // Go's doorbell, parked on by the netpoller (no M is blocked)
	users                    atomic.Int64
	closed                   atomic.Bool
}

var ringT atomic.Pointer[ringTransport]

func (t *ringTransport) enter() bool {
	t.users.Add(1)
	if !t.closed.Load() {
		return true
	}
	t.users.Add(-1)
	return false
}

func (t *ringTransport) leave() { t.users.Add(-1) }

// ringFor returns the transport if a call of a method with these flags should use it.
func ringFor(flags uint32) *ringTransport {
	t := ringT.Load()
	if t == nil {
		return nil
	}
	switch t.mode {
	case C.CXX2GO_TRANSPORT_RING:
		return t
	case C.CXX2GO_TRANSPORT_PER_METHOD:
		if flags&MethodRing != 0 {
			return t
		}
	}
	return nil
}

// attachRing validates the region C++ allocated and starts the dispatcher goroutine.
func attachRing(p unsafe.Pointer) Code {
	region := (*C.cxx2go_ring_region)(p)
	if region == nil || uint64(region.magic) != C.CXX2GO_RING_MAGIC || region.version != C.CXX2GO_RING_VERSION {
		return FailedPrecondition
	}
	mk := func(r *C.cxx2go_ring) goRing {
		return goRing{r: r, slots: unsafe.Add(p, uintptr(r.slots)), mask: uint64(r.capacity) - 1}
	}
	// A duplicate of C++'s eventfd, owned by the os.File (C++ closes its own after Go detached). The
	// descriptor is non-blocking (EFD_NONBLOCK), so os.NewFile registers it with the netpoller.
	fd, err := syscall.Dup(int(region.go_eventfd))
	if err != nil {
		return ResourceExhausted
	}
	syscall.CloseOnExec(fd)
	t := &ringTransport{
		region: region,
		toGo:   mk(&region.to_go),
		toCpp:  mk(&region.to_cpp),
		mode:   uint32(region.transport),
		spinNs: time.Duration(region.spin_ns),
		efd:    os.NewFile(uintptr(fd), "cxx2go-ring"),
	}
	t.dispatchSpin.reset(t.spinNs)
	t.callerSpin.reset(t.spinNs)
	ringT.Store(t)
	go t.dispatch()
	return OK
}

func (t *ringTransport) closing() bool { return atomic.LoadUint32(u32(&t.region.closing)) != 0 }

// wakeCpp wakes the C++ ring thread parked on the Go → C++ ring's futex word: a raw syscall, no cgo.
func (t *ringTransport) wakeCpp() {
	syscall.RawSyscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(&t.toCpp.r.sleeping)), futexWakePrivate,
		uintptr(^uint32(0)>>1), 0, 0, 0)
}

// claimToCpp claims a slot of the Go → C++ ring, waiting while it is full (backpressure). It gives up
// (nil) when the transport closes: the caller then takes the cgo path.
func (t *ringTransport) claimToCpp() (*C.cxx2go_ring_slot, uint64) {
	nap := 20 * time.Microsecond
	for spins := 0; ; spins++ {
		if s, pos := t.toCpp.tryClaim(); s != nil {
			return s, pos
		}
		if t.closing() {
			return nil, 0
		}
		if spins < 64 {
			runtime.Gosched()
		} else {
			time.Sleep(nap)
			nap = min(2*nap, time.Millisecond)
		}
	}
}

// dispatchYieldEvery is how many messages the dispatcher takes out of the ring before it lets the
// goroutines it started run. Without yielding, a full ring became up to 1,024 runnable goroutines at once:
// they overflowed the P's run queue into the global one, and ran long after their arguments were copied,
// with cold caches. Yielding every 16 messages measured +50–70 % C++ → Go and +20 % Go → C++ (completions)
// at 1,024 calls in flight, 2 vCPUs; 1 to 16 all did about as well, 64 less, 256 nothing.
const dispatchYieldEvery = 16

// dispatch is the consumer of the C++ → Go ring: it drains in batches, polls for t.spin when the ring
// runs dry, then parks in the netpoller on the eventfd until a C++ producer writes to it.
func (t *ringTransport) dispatch() {
	defer func() {
		if v := recover(); v != nil {
			reportInternalPanic("ring dispatcher", v)
		}
	}()
	var buf [8]byte
	for {
		for n := 1; ; n++ {
			s := t.toGo.front()
			if s == nil {
				break
			}
			t.handle(s)
			t.toGo.release(s)
			if n%dispatchYieldEvery == 0 {
				runtime.Gosched()
			}
		}
		if t.closing() {
			t.detach()
			return
		}
		if t.dispatchSpin.spin(func() bool { return t.toGo.front() != nil || t.closing() }) && !t.closing() {
			continue
		}
		if t.toGo.preparePark() && !t.closing() {
			parked := time.Now()
			// EAGAIN is handled inside (*os.File).Read by parking the goroutine; a counter > 0 returns.
			if _, err := t.efd.Read(buf[:]); err != nil && err != syscall.EINTR {
				reportInternalPanic("ring dispatcher", err)
				time.Sleep(time.Millisecond)
			}
			if t.toGo.front() != nil {
				t.dispatchSpin.parkedFor(time.Since(parked))
			}
		}
		t.toGo.unpark()
	}
}

// handle takes one message out of the C++ → Go ring. It never blocks: whatever may wait (a completion
// to C++, which may find the other ring full) runs on a goroutine, so that C++ producers always make
// progress and the two consumers can never wait for each other.
func (t *ringTransport) handle(s *C.cxx2go_ring_slot) {
	id := uint64(s.call_id)
	n := min(int(s.len), ringPayloadCap)
	payload := unsafe.Slice((*byte)(unsafe.Pointer(&s.payload[0])), ringPayloadCap)[:n]
	switch s.kind {
	case ringComplete:
		completePending(id, Code(s.code), payload) // copies the payload
	case ringCancel:
		asyncCalls.cancel(id)
	case ringCall, ringOneway:
		t.startCall(s, id, s.kind == ringOneway, payload)
	default:
		reportInternalPanic("ring dispatcher", fmt.Sprintf("unknown message kind %d", s.kind))
	}
}

// startCall copies a C++ → Go call out of its slot (the slot is released right after) and runs it.
func (t *ringTransport) startCall(s *C.cxx2go_ring_slot, id uint64, oneway bool, payload []byte) {
	md := lookupMethod(uint64(s.method_id))
	if md == nil {
		rejectCall(t, id, oneway, UnknownMethod, unknownMethodMessage(ringMethodName(s), uint64(s.method_id)))
		return
	}
	in, ok := ringIncoming(s, payload)
	if !ok {
		rejectCall(t, id, oneway, Protocol, "malformed message in the C++ → Go ring")
		return
	}
	serveCall(t, md, id, oneway, int64(s.deadline_unix_nanos), in)
}

// ringIncoming copies a call's arguments out of its slot into Go memory (the handler may outlive the
// slot). The message's own lengths are checked against the slot, never trusted.
func ringIncoming(s *C.cxx2go_ring_slot, payload []byte) (*Incoming, bool) {
	nv := int(s.nviews)
	if nv > ringMaxViews {
		return nil, false
	}
	off := (4*nv + 7) &^ 7
	al := int(s.args_len)
	if off > len(payload) || al > len(payload)-off {
		return nil, false
	}
	in := incomingPool.Get().(*Incoming)
	in.args.Reset(append([]byte(nil), payload[off:off+al]...))
	off += (al + 7) &^ 7
	in.owned = make([][]byte, nv)
	for i := 0; i < nv; i++ {
		l := int(uint32(payload[4*i]) | uint32(payload[4*i+1])<<8 | uint32(payload[4*i+2])<<16 | uint32(payload[4*i+3])<<24)
		if off > len(payload) || l > len(payload)-off {
			return nil, false
		}
		in.owned[i] = alignedCopy(payload[off : off+l])
		off += (l + 7) &^ 7
	}
	in.nview = nv
	if uint32(s.flags)&CallTrace != 0 {
		in.takeTrace()
	}
	return in, true
}

// ringMethodName reads the slot's diagnostic name (a C string of static storage, in-process only).
func ringMethodName(s *C.cxx2go_ring_slot) string {
	p := *(**C.char)(unsafe.Pointer(&s.name))
	if p == nil {
		return "<unnamed method>"
	}
	return C.GoString(p)
}

// complete sends the completion of C++ → Go call id: over the ring when it fits, the ring is open and its
// consumer is awake, otherwise through cgo (cxx2go_cpp_complete), which works at any time. With the C++
// ring thread parked and no waiter helping, a completion over the ring would cost two thread wake-ups in a
// row (the ring thread, then the waiter it resolves the future for); through cgo this goroutine resolves
// the future itself and only the waiter is woken, as on the cgo path. That is what happens on a busy
// machine, where nobody spins (spin.go): the ring must not be slower than cgo there.
func (t *ringTransport) complete(id uint64, code Code, payload []byte) {
	// enter first: after Stop's detach the region may be freed (a handler can outlive a Stop that gave up
	// waiting for it), and consumerAsleep reads it.
	if len(payload) <= ringPayloadCap && t.enter() {
		var s *C.cxx2go_ring_slot
		var pos uint64
		if !t.toCpp.consumerAsleep() {
			s, pos = t.claimToCpp()
		}
		if s != nil {
			s.kind = ringComplete
			s.call_id = C.uint64_t(id)
			s.code = C.int32_t(code)
			s.len = C.uint32_t(len(payload))
			copy(unsafe.Slice((*byte)(unsafe.Pointer(&s.payload[0])), len(payload)), payload)
			if t.toCpp.publish(s, pos) {
				t.wakeCpp()
			}
			t.leave()
			return
		}
		t.leave()
	}
	cgoT.complete(id, code, payload)
}

// fits reports whether a Go → C++ call with these arguments fits in one slot.
func (t *ringTransport) fits(args []byte, views []View) bool {
	if len(views) > ringMaxViews {
		return false
	}
	n := (4*len(views)+7)&^7 + (len(args)+7)&^7
	for _, v := range views {
		n += (v.n + 7) &^ 7
	}
	return n <= ringPayloadCap
}

// newID gives calls over the ring ids of their own, so that detach can fail the ones still waiting.
func (t *ringTransport) newID() uint64 { return lastCallID.Add(1) | ringCallBit }

// spinFor: the ring's consumers poll after each message, and so does the sole caller waiting for a ring
// completion (Options.SpinBeforePark or not): otherwise, once a round trip has taken longer than the
// spin, every side parks and each later round trip needs a wake-up per hop, which takes longer than the
// spin again. `make bench` measured a p50 of 1.1 µs with the caller spinning, 46–68 µs without. How long
// it polls is adapted (callerSpin, spin.go).
func (t *ringTransport) spinFor(p *pendingCall) bool {
	return livePending.Load() <= 1 && t.callerSpin.spin(p.ready.Load)
}

// call writes a Go → C++ call, which fits (fits), into the ring; it is never answered at once. ok is
// false if it did not (closing): the caller takes cgo.
func (t *ringTransport) call(m *Method, id uint64, deadline int64, flags uint32, args []byte, views []View,
	_ *Reply) (answered, ok bool) {
	if !t.enter() {
		return false, false
	}
	defer t.leave()
	s, pos := t.claimToCpp()
	if s == nil {
		return false, false
	}
	kind := C.uint32_t(ringCall)
	if id == 0 {
		kind = ringOneway
	}
	s.kind = kind
	s.call_id = C.uint64_t(id)
	s.method_id = C.uint64_t(m.id)
	s.deadline_unix_nanos = C.int64_t(deadline)
	*(**C.char)(unsafe.Pointer(&s.name)) = m.cname // C memory: the ring never holds a Go pointer
	s.code = 0
	s.flags = C.uint32_t(flags)
	s.nviews = C.uint32_t(len(views))
	s.args_len = C.uint32_t(len(args))
	dst := unsafe.Slice((*byte)(unsafe.Pointer(&s.payload[0])), ringPayloadCap)
	for i, v := range views {
		n := uint32(v.n)
		dst[4*i], dst[4*i+1], dst[4*i+2], dst[4*i+3] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
	}
	off := (4*len(views) + 7) &^ 7
	off += (copy(dst[off:], args) + 7) &^ 7
	for _, v := range views {
		if v.n != 0 {
			copy(dst[off:], unsafe.Slice((*byte)(v.ptr), v.n))
		}
		off += (v.n + 7) &^ 7
	}
	s.len = C.uint32_t(off)
	if t.toCpp.publish(s, pos) {
		t.wakeCpp()
	}
	return false, true
}

// cancel asks C++ to cancel Go → C++ call id over the ring that carried it, so that the C++ ring thread
// sees the call before its cancellation; through cgo if the ring is closing.
func (t *ringTransport) cancel(id uint64) {
	if !t.sendCancel(id) {
		cgoT.cancel(id) // after leave: C++'s stop may be waiting for the detach
	}
}

func (t *ringTransport) sendCancel(id uint64) bool {
	if !t.enter() {
		return false
	}
	defer t.leave()
	s, pos := t.claimToCpp()
	if s == nil {
		return false
	}
	s.kind = ringCancel
	s.call_id = C.uint64_t(id)
	s.len = 0
	if t.toCpp.publish(s, pos) {
		t.wakeCpp()
	}
	return true
}

// detach ends Go's use of the region (C++ set `closing` in stop): no new producer may start, the ones
// writing finish, what the ring still holds is delivered, callers still waiting for a ring completion
// get Stopped, and the acknowledgement lets C++ free the region.
func (t *ringTransport) detach() {
	t.closed.Store(true)
	for t.users.Load() != 0 {
		runtime.Gosched()
	}
	for s := t.toGo.front(); s != nil; s = t.toGo.front() {
		t.handle(s)
		t.toGo.release(s)
	}
	pendingCalls.Range(func(id uint64, _ *pendingCall) {
		if id&ringCallBit != 0 {
			completePending(id, Stopped, []byte("the cxx2go runtime stopped"))
		}
	})
	st := t.stat()
	lastRingStat.Store(&st)
	ringT.CompareAndSwap(t, nil)
	t.efd.Close()
	// Last access: C++ (polling for it) may free the region at once.
	atomic.StoreUint32(u32(&t.region.go_detached), 1)
}

// RingStat counts the messages the ring transport carried (docs/ring.md).
type RingStat struct {
	Attached    bool   // a region was attached (at Start), even if detached since (Stop)
	ToGo, ToCpp uint64 // messages C++ → Go and Go → C++
	GoWakeups   uint64 // times a C++ producer woke the parked Go dispatcher
	CppWakeups  uint64 // times a Go producer woke the parked C++ ring thread
}

var lastRingStat atomic.Pointer[RingStat]

// RingStats returns the ring transport's counters: live while it runs, final after Stop, zero if it was
// never attached. Tests use it to prove that calls really went over the ring.
func RingStats() RingStat {
	if t := ringT.Load(); t != nil && t.enter() {
		defer t.leave()
		return t.stat()
	}
	if s := lastRingStat.Load(); s != nil {
		return *s
	}
	return RingStat{}
}

func (t *ringTransport) stat() RingStat {
	return RingStat{
		Attached:   true,
		ToGo:       atomic.LoadUint64(u64(&t.toGo.r.tail)),
		ToCpp:      atomic.LoadUint64(u64(&t.toCpp.r.tail)),
		GoWakeups:  atomic.LoadUint64(u64(&t.toGo.r.wakeups)),
		CppWakeups: atomic.LoadUint64(u64(&t.toCpp.r.wakeups)),
	}
}

// syncFromCpp marks the context of a handler that C++ called synchronously: it runs on the C++ caller's
// thread, which may be the one executor thread of an @affine service. A Go → C++ call made with that
// context takes the cgo path, which runs the implementation inline when needed (as without the ring);
// over the ring it would wait for a thread that is waiting for it.
type syncFromCppKey struct{}

var rootSyncCtx = context.WithValue(rootCtx, syncFromCppKey{}, true)

func calledSyncFromCpp(ctx context.Context) bool { return ctx.Value(syncFromCppKey{}) != nil }
