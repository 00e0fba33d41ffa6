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
	"encoding/binary"
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
	workerSyncBit  = uint64(1) << 62 // ids of a worker's synchronous calls into Go (src/transport/worker.cc)
	ringTagShift   = 48              // ringTransport.tag's place in those ids
	ringTagMask    = 1<<15 - 1
	ringMaxViews   = 64 // as many as the C++ ring thread accepts

	futexWakePrivate = 1 | 128 // FUTEX_WAKE | FUTEX_PRIVATE_FLAG
	futexWakeShared  = 1       // FUTEX_WAKE, for a region shared with a worker process

	// A claim gives up (reports the ring full) after this many lost races, rather than spin forever on a
	// tail and sequence numbers that a broken worker process keeps changing.
	ringClaimRetries = 1 << 16
)

// Layout types of ring_abi.h, named for this package's tests (test files cannot use cgo).
type (
	ringHeader = C.cxx2go_ring
	ringSlot   = C.cxx2go_ring_slot
	ringRegion = C.cxx2go_ring_region
)

// goRing is one direction of the region; the same algorithm as cxx2go::detail::Ring (runtime/cpp/src/transport/ring.h).
// Its geometry and, on the consuming side, its head are kept here, never read back from the region: a
// worker process shares the region and may have overwritten them (docs/isolation.md, "Trust"). Every slot
// address is computed from them, so nothing the other side writes can move an access out of the ring.
type goRing struct {
	r     *C.cxx2go_ring
	slots unsafe.Pointer
	mask  uint64
	head  uint64 // the consumer's (the dispatcher's) next position; mirrored into r.head for statistics
}

func u64(p *C.uint64_t) *uint64 { return (*uint64)(unsafe.Pointer(p)) }
func u32(p *C.uint32_t) *uint32 { return (*uint32)(unsafe.Pointer(p)) }

func (g *goRing) slot(pos uint64) *C.cxx2go_ring_slot {
	return (*C.cxx2go_ring_slot)(unsafe.Add(g.slots, (pos&g.mask)*ringSlotSize))
}

// Messages of several slots (ring.h, ring_message_slots): the payload continues after the first slot's,
// ringContinuation bytes in each following slot, after its sequence number.
const ringContinuation = ringSlotSize - 8

// ringMessageSlots is the number of slots a message with n bytes of payload takes.
func ringMessageSlots(n int) uint64 {
	if n <= ringPayloadCap {
		return 1
	}
	return 1 + uint64((n-ringPayloadCap+ringContinuation-1)/ringContinuation)
}

// maxPayload is the most payload a message can have in this ring.
func (g *goRing) maxPayload() int { return ringPayloadCap + int(g.mask)*ringContinuation }

// copyPayload copies between b and payload offset off of the message whose first slot is at pos, across
// its slots: into the ring if in, out of it otherwise.
func (g *goRing) copyPayload(pos uint64, off int, b []byte, in bool) {
	for len(b) != 0 {
		var dst []byte
		if off < ringPayloadCap {
			dst = unsafe.Slice((*byte)(unsafe.Pointer(&g.slot(pos).payload[0])), ringPayloadCap)[off:]
		} else {
			k := off - ringPayloadCap
			s := unsafe.Pointer(g.slot(pos + 1 + uint64(k/ringContinuation)))
			dst = unsafe.Slice((*byte)(unsafe.Add(s, 8)), ringContinuation)[k%ringContinuation:]
		}
		var n int
		if in {
			n = copy(dst, b)
		} else {
			n = copy(b, dst)
		}
		b = b[n:]
		off += n
	}
}

// tryClaim claims the next n free slots (a message of n slots, n <= capacity), or returns nil when the
// ring has not that much room. The consumer frees slots in order, so the last of them being free means
// all of them are.
func (g *goRing) tryClaim(n uint64) (*C.cxx2go_ring_slot, uint64) {
	tail := u64(&g.r.tail)
	p := atomic.LoadUint64(tail)
	for range ringClaimRetries {
		last := p + n - 1
		seq := atomic.LoadUint64(u64(&g.slot(last).seq))
		switch diff := int64(seq - last); {
		case diff == 0:
			if atomic.CompareAndSwapUint64(tail, p, p+n) {
				return g.slot(p), p
			}
			p = atomic.LoadUint64(tail) // another producer moved it (Go's CAS does not say where)
		case diff < 0:
			return nil, 0
		default:
			p = atomic.LoadUint64(tail)
		}
	}
	return nil, 0
}

// publish hands a claimed slot to the consumer; true if the consumer is parked and must be woken. Go's
// atomics are sequentially consistent, which is the fence the sleep/wake handshake needs. While a C++
// thread waiting for a future helps (helpers != 0), it takes the completions and wakes the consumer for
// anything else (src/transport/ring.h, Ring::publish).
//
// A message of n slots publishes its continuation slots first: a consumer that sees the first published
// finds the rest published too.
func (g *goRing) publish(s *C.cxx2go_ring_slot, pos, n uint64) bool {
	for i := uint64(1); i < n; i++ {
		atomic.StoreUint64(u64(&g.slot(pos+i).seq), pos+i+1)
	}
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
	pos := g.head
	s := g.slot(pos)
	if atomic.LoadUint64(u64(&s.seq)) != pos+1 {
		return nil
	}
	return s
}

// release gives the front message's n slots back to the producers, in order: a producer that finds the
// last slot of its claim free relies on every slot before it being free too (tryClaim).
func (g *goRing) release(s *C.cxx2go_ring_slot, n uint64) {
	pos := g.head
	atomic.StoreUint64(u64(&s.seq), pos+g.mask+1)
	for i := uint64(1); i < n; i++ {
		atomic.StoreUint64(u64(&g.slot(pos+i).seq), pos+i+g.mask+1)
	}
	g.head = pos + n
	atomic.StoreUint64(u64(&g.r.head), pos+n)
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
	// The contexts of the C++ → Go calls this region carried, by the ids its C++ side gave them.
	calls *callContexts
	// A worker process's region (isolation.go), nil for the in-process C++ runtime's. A worker is not
	// trusted (docs/isolation.md): nothing it writes is followed as a pointer or an id of another
	// transport, and nothing it cannot carry falls back to cgo, which would reach the wrong runtime.
	remote *workerProcess
	// The bits 48–62 of the ids of the Go → C++ calls it carries: 0 in-process, a worker's own otherwise,
	// so that a worker's exit fails its calls alone and it cannot complete anyone else's.
	tag uint64
	// What ends a remote transport: its worker's exit (set before the dispatcher is woken to detach).
	ended     atomic.Bool
	endCode   Code
	endReason string
	endCancel context.CancelFunc // ends calls' root context when a remote transport detaches
	// The calls of a worker process being served here (handlers running, rejections being sent). Past
	// remoteMaxServing its further calls are refused at once, through overflow (one goroutine answers
	// them), so that a worker cannot make the host start goroutines without bound; completions and
	// cancellations are still read.
	serving  atomic.Int64
	overflow chan uint64
	// The payload of a message of several slots, gathered by the dispatcher (its only user): whoever
	// keeps a payload copies it (completePending, ringIncoming).
	gathered []byte
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
		calls:  &asyncCalls,
	}
	t.dispatchSpin.reset(t.spinNs)
	t.callerSpin.reset(t.spinNs)
	ringT.Store(t)
	go t.dispatch()
	return OK
}

// closing reports that the transport is going away: the in-process C++ runtime stops, or a worker
// process exited (a worker's own `closing` flag is not trusted: its exit follows it).
func (t *ringTransport) closing() bool {
	if t.remote != nil {
		return t.ended.Load()
	}
	return atomic.LoadUint32(u32(&t.region.closing)) != 0
}

// wakeCpp wakes the C++ ring thread parked on the Go → C++ ring's futex word: a raw syscall, no cgo.
func (t *ringTransport) wakeCpp() {
	op := uintptr(futexWakePrivate)
	if t.remote != nil {
		op = futexWakeShared
	}
	syscall.RawSyscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(&t.toCpp.r.sleeping)), op,
		uintptr(^uint32(0)>>1), 0, 0, 0)
}

// claimToCpp claims n slots of the Go → C++ ring, waiting while it is full (backpressure). It gives up
// (nil) when the transport closes (the caller then takes the cgo path) or, if until is not zero, at that
// time: a worker process that stops draining its ring must not hold its callers past their deadlines.
func (t *ringTransport) claimToCpp(n uint64, until time.Time) (*C.cxx2go_ring_slot, uint64) {
	nap := 20 * time.Microsecond
	for spins := 0; ; spins++ {
		if s, pos := t.toCpp.tryClaim(n); s != nil {
			return s, pos
		}
		if t.closing() {
			return nil, 0
		}
		if spins < 64 {
			runtime.Gosched()
			continue
		}
		if !until.IsZero() && time.Now().After(until) {
			return nil, 0
		}
		time.Sleep(nap)
		nap = min(2*nap, time.Millisecond)
	}
}

// remoteMaxServing bounds the calls of one worker process served at once (ringTransport.serving).
const remoteMaxServing = 4096

// refuseOverflow answers a worker's call beyond remoteMaxServing with ResourceExhausted, through the
// transport's one overflow goroutine; a oneway call, or a call beyond what that goroutine has queued, is
// dropped and reported.
func (t *ringTransport) refuseOverflow(id uint64, oneway bool) {
	if !oneway {
		select {
		case t.overflow <- id:
			return
		default:
		}
	}
	t.remote.violation(fmt.Sprintf("it had more than %d calls into Go running at once: call %#x is dropped",
		remoteMaxServing, id))
}

// answerOverflow is the overflow goroutine of a remote transport, until it detaches.
func (t *ringTransport) answerOverflow() {
	msg := []byte(fmt.Sprintf("the host is serving %d calls of this worker already", remoteMaxServing))
	for id := range t.overflow {
		t.complete(id, ResourceExhausted, msg)
	}
}

// callServed ends a call received over tr: for a worker process's transport, one fewer is being served.
func callServed(tr transport) {
	if t, ok := tr.(*ringTransport); ok && t.remote != nil {
		t.serving.Add(-1)
	}
}

// Bounds of a remote transport's waits for room in its worker's ring, when the worker stops draining it:
// a cancellation (the worker is killed at the end of its grace anyway) and a completion (whose caller in
// the worker then never hears back: the worker broke the protocol).
const (
	remoteCancelWait   = 10 * time.Millisecond
	remoteCompleteWait = 10 * time.Second
)

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
			if t.remote != nil {
				// A bug of this package, but its worker's calls must still end, and its supervisor go on.
				t.remote.kill("broke the host's ring dispatcher")
				for !t.closing() {
					time.Sleep(time.Millisecond)
				}
				t.detachDraining(false)
			}
		}
	}()
	var buf [8]byte
	for {
		for n := 1; ; n++ {
			s := t.toGo.front()
			if s == nil {
				break
			}
			t.toGo.release(s, t.handle(s))
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

// handle takes one message out of the C++ → Go ring and returns the number of slots it takes. It never
// blocks: whatever may wait (a completion to C++, which may find the other ring full) runs on a goroutine,
// so that C++ producers always make progress and the two consumers can never wait for each other.
func (t *ringTransport) handle(s *C.cxx2go_ring_slot) uint64 {
	// Each field is read once: a worker process may be rewriting the slot while it is read.
	id := uint64(s.call_id)
	kind := uint32(s.kind)
	n := int(uint32(s.len))
	slots := ringMessageSlots(n)
	var payload []byte
	switch {
	case slots == 1:
		payload = unsafe.Slice((*byte)(unsafe.Pointer(&s.payload[0])), ringPayloadCap)[:n]
	case slots > t.toGo.mask+1:
		if t.remote != nil {
			t.remote.violation(fmt.Sprintf("a message of %d bytes, more than its ring holds", n))
		} else {
			reportInternalPanic("ring dispatcher", fmt.Sprintf("a message of %d bytes, more than the ring holds", n))
		}
		return 1
	default:
		if cap(t.gathered) < n {
			t.gathered = make([]byte, n, max(n, 2*cap(t.gathered)))
		}
		payload = t.gathered[:n]
		t.toGo.copyPayload(t.toGo.head, 0, payload, false)
	}
	t.handlePayload(s, id, kind, payload)
	return slots
}

func (t *ringTransport) handlePayload(s *C.cxx2go_ring_slot, id uint64, kind uint32, payload []byte) {
	switch kind {
	case ringComplete:
		code := Code(s.code)
		if t.remote != nil {
			if !t.owns(id) {
				t.remote.violation(fmt.Sprintf("completion of call %#x, which it was never sent", id))
				return
			}
			if code < 0 {
				code, payload = Protocol, []byte(fmt.Sprintf("the worker answered with code %d", code))
			}
		}
		completePending(id, code, payload) // copies the payload
	case ringCancel:
		t.calls.cancel(id)
	case ringCall, ringOneway:
		if t.remote != nil {
			if t.serving.Load() >= remoteMaxServing {
				t.refuseOverflow(id, kind == ringOneway)
				return
			}
			t.serving.Add(1) // until served (callServed)
		}
		t.startCall(s, id, kind == ringOneway, payload)
	default:
		if t.remote != nil {
			t.remote.violation(fmt.Sprintf("a message of unknown kind %d", kind))
			return
		}
		reportInternalPanic("ring dispatcher", fmt.Sprintf("unknown message kind %d", kind))
	}
}

// owns reports whether Go → C++ call id was sent over t.
func (t *ringTransport) owns(id uint64) bool {
	return id&ringCallBit != 0 && (id>>ringTagShift)&ringTagMask == t.tag
}

// startCall copies a C++ → Go call out of its slot (the slot is released right after) and runs it.
func (t *ringTransport) startCall(s *C.cxx2go_ring_slot, id uint64, oneway bool, payload []byte) {
	md := lookupMethod(uint64(s.method_id))
	if md == nil {
		name := C.CXX2GO_UNNAMED_METHOD // the worker's name is not trusted: the worker puts its own there
		if t.remote == nil {
			name = ringMethodName(s)
		}
		rejectCall(t, id, oneway, UnknownMethod, unknownMethodMessage(name, uint64(s.method_id)))
		return
	}
	handler := md.Handler
	if uint32(s.flags)&callDirect != 0 { // a worker's @direct call, in message form
		if md.Direct == nil || oneway || t.remote == nil {
			rejectCall(t, id, oneway, UnknownMethod, md.Name+" is not @direct in the Go bindings (the Go and C++ bindings differ)")
			return
		}
		handler = directMessageHandler(md)
	}
	in, ok := ringIncoming(s, payload)
	if !ok {
		rejectCall(t, id, oneway, Protocol, "malformed message in the C++ → Go ring")
		return
	}
	serveCallWith(t, md, handler, id, oneway, int64(s.deadline_unix_nanos), in)
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
		return C.CXX2GO_UNNAMED_METHOD
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
	if t.remote != nil {
		t.completeRemote(id, code, payload)
		return
	}
	// enter first: after Stop's detach the region may be freed (a handler can outlive a Stop that gave up
	// waiting for it), and consumerAsleep reads it.
	if len(payload) <= t.toCpp.maxPayload() && t.enter() {
		sent := !t.toCpp.consumerAsleep() && t.sendComplete(id, code, payload, time.Time{})
		t.leave()
		if sent {
			return
		}
	}
	cgoT.complete(id, code, payload)
}

// completeRemote sends a completion to a worker process, which has no cgo path: a payload too big for a
// slot becomes an error the worker's caller sees, and a worker that exited gets nothing (its caller is
// gone with it).
func (t *ringTransport) completeRemote(id uint64, code Code, payload []byte) {
	if len(payload) > t.toCpp.maxPayload() {
		code = ResourceExhausted
		payload = []byte(fmt.Sprintf("the result (%d bytes) does not fit the rings of the isolated transport "+
			"(%d bytes; CXX2GO_RING_SLOTS makes them larger)", len(payload), t.toCpp.maxPayload()))
	}
	if t.enter() {
		if !t.sendComplete(id, code, payload, time.Now().Add(remoteCompleteWait)) && !t.closing() {
			t.remote.violation(fmt.Sprintf("its ring stayed full for %v: the answer of its call %#x is dropped",
				remoteCompleteWait, id))
		}
		t.leave()
	}
}

// sendComplete writes a completion into the Go → C++ ring, inside the transport (enter); false if the
// ring closed meanwhile, or stayed full until `until` (if not zero).
func (t *ringTransport) sendComplete(id uint64, code Code, payload []byte, until time.Time) bool {
	n := ringMessageSlots(len(payload))
	s, pos := t.claimToCpp(n, until)
	if s == nil {
		return false
	}
	s.kind = ringComplete
	s.call_id = C.uint64_t(id)
	s.code = C.int32_t(code)
	s.len = C.uint32_t(len(payload))
	t.toCpp.copyPayload(pos, 0, payload, true)
	if t.toCpp.publish(s, pos, n) {
		t.wakeCpp()
	}
	return true
}

// fits reports whether a Go → C++ call with these arguments fits in the ring.
func (t *ringTransport) fits(args []byte, views []View) bool {
	return len(views) <= ringMaxViews && callPayloadSize(args, views) <= t.toCpp.maxPayload()
}

// callPayloadSize is the payload of a call message (ring.h, ring_call_size).
func callPayloadSize(args []byte, views []View) int {
	n := (4*len(views)+7)&^7 + (len(args)+7)&^7
	for _, v := range views {
		n += (v.n + 7) &^ 7
	}
	return n
}

func (t *ringTransport) contexts() *callContexts { return t.calls }

// newID gives calls over the ring ids of their own (ringCallBit, and t's tag), so that detach can fail the
// ones still waiting.
func (t *ringTransport) newID() uint64 {
	return lastCallID.Add(1)&(1<<ringTagShift-1) | t.tag<<ringTagShift | ringCallBit
}

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
	r *Reply) (answered, ok bool) {
	return t.send(m, id, deadline, flags, args, views, r, 0)
}

// nestedCall is the transport of a call into a worker process made by the handler of one of its
// synchronous calls, `parent` (with callNested): the worker runs it on the thread waiting for parent, as
// a re-entrant call runs on the calling thread in process. Without it, a worker whose threads all wait
// for the host could not serve the calls their handlers make back into it.
type nestedCall struct {
	*ringTransport
	parent uint64
}

// send is call, for a call nested in the worker's synchronous call parent (0: none).
func (t *ringTransport) send(m *Method, id uint64, deadline int64, flags uint32, args []byte, views []View,
	r *Reply, parent uint64) (answered, ok bool) {
	if !t.enter() {
		return t.refuse(id, r)
	}
	defer t.leave()
	n := ringMessageSlots(callPayloadSize(args, views))
	var until time.Time
	switch {
	case t.remote == nil:
	case deadline != 0:
		until = time.Unix(0, deadline)
	default: // without a deadline, a caller must not wait forever for room either
		until = time.Now().Add(remoteCompleteWait)
	}
	s, pos := t.claimToCpp(n, until)
	if s == nil {
		return t.refuse(id, r)
	}
	kind := C.uint32_t(ringCall)
	if id == 0 {
		kind = ringOneway
	}
	s.kind = kind
	s.call_id = C.uint64_t(id)
	s.method_id = C.uint64_t(m.id)
	s.deadline_unix_nanos = C.int64_t(deadline)
	s.name = C.uint64_t(parent) // to a worker: the call this one is nested in (its own name is in its bindings)
	if t.remote == nil {
		*(**C.char)(unsafe.Pointer(&s.name)) = m.cname // C memory: the ring never holds a Go pointer
	}
	s.code = 0
	s.flags = C.uint32_t(flags)
	s.nviews = C.uint32_t(len(views))
	s.args_len = C.uint32_t(len(args))
	if n == 1 { // in place: the common case
		dst := unsafe.Slice((*byte)(unsafe.Pointer(&s.payload[0])), ringPayloadCap)
		for i, v := range views {
			l := uint32(v.n)
			dst[4*i], dst[4*i+1], dst[4*i+2], dst[4*i+3] = byte(l), byte(l>>8), byte(l>>16), byte(l>>24)
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
	} else {
		var l [4]byte
		for i, v := range views {
			binary.LittleEndian.PutUint32(l[:], uint32(v.n))
			t.toCpp.copyPayload(pos, 4*i, l[:], true)
		}
		off := (4*len(views) + 7) &^ 7
		t.toCpp.copyPayload(pos, off, args, true)
		off += (len(args) + 7) &^ 7
		for _, v := range views {
			if v.n != 0 {
				t.toCpp.copyPayload(pos, off, unsafe.Slice((*byte)(v.ptr), v.n), true)
			}
			off += (v.n + 7) &^ 7
		}
		s.len = C.uint32_t(off)
	}
	if t.toCpp.publish(s, pos, n) {
		t.wakeCpp()
	}
	return false, true
}

// refuse is call's answer when t cannot take the call. In-process: not ok, the caller takes cgo. A worker
// process has no other way in: the call (registered as pending under id) fails with t's end, or, if t
// has not ended (the ring stayed full until a claim gave up), with Unavailable.
func (t *ringTransport) refuse(id uint64, r *Reply) (answered, ok bool) {
	if t.remote == nil {
		return false, false
	}
	code, reason := t.endError()
	if id == 0 { // a oneway call: answered here, with the error
		writeReply(r.raw, code, []byte(reason))
		return true, true
	}
	completePending(id, code, []byte(reason))
	return false, true
}

// endError is the error of the calls a remote transport could not carry: its end, or, while its worker
// runs, the deadline that passed while the ring stayed full.
func (t *ringTransport) endError() (Code, string) {
	if t.ended.Load() {
		return t.endCode, t.endReason
	}
	return DeadlineExceeded, "the worker process of " + t.remote.service.name +
		" did not take the call in time (its ring stayed full)"
}

// cancel asks C++ to cancel Go → C++ call id over the ring that carried it, so that the C++ ring thread
// sees the call before its cancellation; through cgo if the ring is closing (a worker process's calls
// end with it).
func (t *ringTransport) cancel(id uint64) {
	if !t.sendCancel(id) && t.remote == nil {
		cgoT.cancel(id) // after leave: C++'s stop may be waiting for the detach
	}
}

func (t *ringTransport) sendCancel(id uint64) bool {
	if !t.enter() {
		return false
	}
	defer t.leave()
	var until time.Time
	if t.remote != nil {
		until = time.Now().Add(remoteCancelWait)
	}
	s, pos := t.claimToCpp(1, until)
	if s == nil {
		return false
	}
	s.kind = ringCancel
	s.call_id = C.uint64_t(id)
	s.len = 0
	if t.toCpp.publish(s, pos, 1) {
		t.wakeCpp()
	}
	return true
}

// detach ends Go's use of the region (C++ set `closing` in stop): no new producer may start, the ones
// writing finish, what the ring still holds is delivered, callers still waiting for a ring completion
// get Stopped, and the acknowledgement lets C++ free the region.
func (t *ringTransport) detach() { t.detachDraining(true) }

// detachDraining is detach, which delivers what the ring still holds only if drain: not after handling a
// message panicked, which would panic again.
func (t *ringTransport) detachDraining(drain bool) {
	t.closed.Store(true)
	for t.users.Load() != 0 {
		runtime.Gosched()
	}
	for s := t.toGo.front(); drain && s != nil; s = t.toGo.front() {
		t.toGo.release(s, t.handle(s))
	}
	if t.overflow != nil {
		close(t.overflow) // after the last handle: nothing sends to it any more
	}
	code, reason := Stopped, "the cxx2go runtime stopped"
	if t.remote != nil {
		code, reason = t.endError()
		t.calls.cancelAll() // the worker's calls into Go: nobody waits for their answers any more
	}
	pendingCalls.Range(func(id uint64, _ *pendingCall) {
		if t.owns(id) {
			completePending(id, code, []byte(reason))
		}
	})
	t.efd.Close()
	if t.remote != nil {
		t.remote.detached(t)
		return
	}
	st := t.stat()
	lastRingStat.Store(&st)
	ringT.CompareAndSwap(t, nil)
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
