package c2gimpl

/*
#include <stdlib.h>
#include "cxx2go/abi.h"

// free() keeps no pointer and never calls Go: both directives hold (it only ever gets C memory here).
#cgo noescape free
#cgo nocallback free

// Go → C++ calls go through these wrappers so that Go memory reaches C only as direct arguments of one
// synchronous cgo call (the cgo pointer rules, checked by GOEXPERIMENT=cgocheck2): the cxx2go_call and
// its views array are built here, on the C stack. C++ copies whatever it keeps (abi.h).
//
// No `#cgo noescape` on these: an implementation running inline may call back into Go on this thread
// while it still reads the arguments, and a callback runs on the calling goroutine, whose stack may
// grow and move. cgo's default (the arguments escape to the heap) is what keeps them in place.
//
// Pointers are typed as pointers to bytes (uint8_t*, also for the reply): cgo then checks the pointer
// rules from the element type (no pointers inside), instead of searching the Go heap for the object
// behind an untyped pointer on every call. That is exact here: every one of them points to memory that
// holds no Go pointers (strings, []byte, slices of numbers; the reply holds only a C pointer).

static inline void cxx2go_invoke_views(uint64_t method_id, const char* method_name, uint64_t call_id,
                                       int64_t deadline, uint32_t flags, const uint8_t* args, size_t args_len,
                                       const cxx2go_view* views, uint32_t nviews, uint8_t* reply) {
  cxx2go_call call;
  call.method_id = method_id;
  call.method_name = method_name;
  call.call_id = call_id;
  call.deadline_unix_nanos = deadline;
  call.flags = flags;
  call.nviews = nviews;
  call.args = args;
  call.args_len = args_len;
  call.views = views;
  cxx2go_cpp_invoke(&call, (cxx2go_reply*)reply);
}

static inline void cxx2go_invoke0(uint64_t id, const char* name, uint64_t call_id, int64_t deadline,
                                  uint32_t flags, const uint8_t* args, size_t args_len, uint8_t* reply) {
  cxx2go_invoke_views(id, name, call_id, deadline, flags, args, args_len, NULL, 0, reply);
}

static inline void cxx2go_invoke1(uint64_t id, const char* name, uint64_t call_id, int64_t deadline,
                                  uint32_t flags, const uint8_t* args, size_t args_len, uint8_t* reply,
                                  const uint8_t* d0, size_t n0) {
  cxx2go_view v[1] = {{d0, n0}};
  cxx2go_invoke_views(id, name, call_id, deadline, flags, args, args_len, v, 1, reply);
}

static inline void cxx2go_invoke2(uint64_t id, const char* name, uint64_t call_id, int64_t deadline,
                                  uint32_t flags, const uint8_t* args, size_t args_len, uint8_t* reply,
                                  const uint8_t* d0, size_t n0, const uint8_t* d1, size_t n1) {
  cxx2go_view v[2] = {{d0, n0}, {d1, n1}};
  cxx2go_invoke_views(id, name, call_id, deadline, flags, args, args_len, v, 2, reply);
}

static inline void cxx2go_invoke3(uint64_t id, const char* name, uint64_t call_id, int64_t deadline,
                                  uint32_t flags, const uint8_t* args, size_t args_len, uint8_t* reply,
                                  const uint8_t* d0, size_t n0, const uint8_t* d1, size_t n1, const uint8_t* d2,
                                  size_t n2) {
  cxx2go_view v[3] = {{d0, n0}, {d1, n1}, {d2, n2}};
  cxx2go_invoke_views(id, name, call_id, deadline, flags, args, args_len, v, 3, reply);
}

static inline void cxx2go_invoke4(uint64_t id, const char* name, uint64_t call_id, int64_t deadline,
                                  uint32_t flags, const uint8_t* args, size_t args_len, uint8_t* reply,
                                  const uint8_t* d0, size_t n0, const uint8_t* d1, size_t n1, const uint8_t* d2,
                                  size_t n2, const uint8_t* d3, size_t n3) {
  cxx2go_view v[4] = {{d0, n0}, {d1, n1}, {d2, n2}, {d3, n3}};
  cxx2go_invoke_views(id, name, call_id, deadline, flags, args, args_len, v, 4, reply);
}
*/
import "C"

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Reply is the result of a successful CallCpp. Generated code decodes it and releases it.
type Reply struct {
	// raw is what C++ fills on the synchronous path. It is its own Go allocation, holding no Go
	// pointers (only heap, a C pointer), so passing it to C is allowed by the cgo pointer rules.
	raw   *C.cxx2go_reply
	buf   []byte         // payload copied out of an asynchronous completion
	data  []byte         // the payload: in raw.inline_buf, in C memory at heap, or in buf
	heap  unsafe.Pointer // malloc()ed by C++ (CXX2GO_REPLY_MALLOC): freed by Release
	dec   Decoder
	owned bool // belongs to an Encoder (Encoder.reply), which recycles it; else to replyPool
}

// replyFor returns the Reply to fill for a call with arguments args: args's own one, else a pooled one.
func replyFor(args *Encoder) *Reply {
	if args == nil {
		return replyPool.Get().(*Reply)
	}
	if args.reply == nil {
		args.reply = &Reply{raw: new(C.cxx2go_reply), owned: true}
	}
	return args.reply
}

var replyPool = sync.Pool{New: func() any { return &Reply{raw: new(C.cxx2go_reply)} }}

// Decoder returns a Decoder over the result's encoding, valid until Release.
func (r *Reply) Decoder() *Decoder {
	r.dec.Reset(r.data)
	return &r.dec
}

// Release frees the payload. r and everything borrowed from it must not be used afterwards.
func (r *Reply) Release() {
	if r.heap != nil {
		C.free(r.heap)
		r.heap = nil
	}
	r.data = nil
	r.dec = Decoder{}
	if cap(r.buf) > maxPooledEncoder {
		r.buf = nil
	}
	r.buf = r.buf[:0]
	if !r.owned {
		replyPool.Put(r)
	}
}

// takeRaw points data at the payload C++ wrote into raw, taking ownership of a malloc()ed one. A reply
// that cannot be right (an inline payload longer than the buffer) becomes a protocol error rather than
// a read past the buffer.
func (r *Reply) takeRaw() {
	n := int(r.raw.len)
	if r.raw.where == C.CXX2GO_REPLY_INLINE && n <= replyInlineCap { // the common case first
		r.data = unsafe.Slice((*byte)(unsafe.Pointer(&r.raw.inline_buf[0])), n)
		r.raw.heap = nil
		return
	}
	switch {
	case r.raw.where == C.CXX2GO_REPLY_MALLOC && (r.raw.heap != nil || n == 0):
		r.heap = unsafe.Pointer(r.raw.heap)
		r.data = cBytes(r.heap, n)
	case r.raw.where == C.CXX2GO_REPLY_INLINE && n <= replyInlineCap:
		r.data = unsafe.Slice((*byte)(unsafe.Pointer(&r.raw.inline_buf[0])), n)
	default:
		r.raw.code = C.int32_t(Protocol)
		r.data = []byte("malformed reply from C++")
	}
	r.raw.heap = nil
}

// pendingCall is a Go → C++ call that C++ answered (or may answer) CXX2GO_PENDING. It is registered
// under its call id before the cgo call, because the completion may arrive before cxx2go_cpp_invoke
// returns (abi.h). Exactly one side removes it from pendingCalls: the completion (which then signals
// done) or the caller giving up on its context (which then cancels the C++ side); a completion that
// finds nothing is dropped.
type pendingCall struct {
	done  chan struct{} // buffered: the completion never blocks
	ready atomic.Bool   // set just before done is signalled, for a waiter that spins (spinForCompletion)
	code  Code
	data  []byte
	// Non-nil for a call to a worker process that its caller gave up on (workerProcess.abandon): the
	// entry stays until the worker answers, and this timer kills the worker if it never does.
	abandoned *time.Timer
}

var (
	pendingCalls idTable[*pendingCall]
	lastCallID   atomic.Uint64
	pendingPool  = sync.Pool{New: func() any { return &pendingCall{done: make(chan struct{}, 1)} }}
)

// CallCpp calls the C++ implementation of m with the encoded non-view arguments and the view arguments,
// in parameter order. args and the memory of views are borrowed for the duration of the call only. The
// Reply belongs to args when args is not nil: release it before args, and before using args again.
//
// The call runs on the calling thread for @inline methods, and on the service's C++ executor otherwise;
// then the goroutine waits for the completion or for ctx, and no OS thread is blocked in C. When ctx
// ends first, the C++ implementation's Context is cancelled and CallCpp returns an *Error with code
// Cancelled or DeadlineExceeded (errors.Is(err, context.Canceled) etc. hold); the late completion is
// dropped. Errors of the C++ side are returned as *Error.
func CallCpp(ctx context.Context, m *Method, args *Encoder, views []View) (*Reply, error) {
	if m.flags&MethodInline != 0 && m.isolated.Load() == nil {
		return callCppInline(ctx, m, args, views)
	}
	buf, err := argBytes(args)
	if err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, contextError(ctx)
	}
	var deadline int64
	if d, ok := ctx.Deadline(); ok {
		deadline = max(d.UnixNano(), 1) // 0 means "no deadline" on the wire
	}
	var traced uint32
	if tracing() { // tested here: the common case pays two loads, no call
		views, traced = outgoingTrace(ctx, views)
	}
	tr, err := transportFor(ctx, m, buf, views)
	if err != nil {
		return nil, err
	}
	r := replyFor(args)
	id, p, tr := sendCpp(tr, m, deadline, m.flags&^methodOnlyMask|traced, buf, views, r)
	var code Code
	if p == nil {
		r.takeRaw()
		code = Code(r.raw.code) // Protocol if the reply was malformed
	} else if code, err = awaitCpp(ctx, tr, id, p, r); err != nil {
		r.Release()
		return nil, err
	}
	if code != OK {
		err := callError(m, code, r.data)
		r.Release()
		return nil, err
	}
	return r, nil
}

// callCppInline is CallCpp for an @inline method: one synchronous cgo call that C++ answers before it
// returns (never PENDING, never over the rings), so no call id, no pending record and no ring check. Kept
// apart from CallCpp so that the common case pays for none of them (docs/design.md, "Per-call cost").
func callCppInline(ctx context.Context, m *Method, args *Encoder, views []View) (*Reply, error) {
	var buf []byte
	if args != nil {
		if args.err != nil {
			return nil, args.err
		}
		buf = args.buf
	}
	if ctx.Err() != nil {
		return nil, contextError(ctx)
	}
	var deadline int64
	if d, ok := ctx.Deadline(); ok {
		deadline = max(d.UnixNano(), 1) // 0 means "no deadline" on the wire
	}
	var traced uint32
	if tracing() { // tested here: the common case pays two loads, no call
		views, traced = outgoingTrace(ctx, views)
	}
	r := replyFor(args)
	if len(views) == 0 { // the wrapper directly: invoke's set-up for views costs more than this call
		C.cxx2go_invoke0(C.uint64_t(m.id), m.cname, 0, C.int64_t(deadline), C.uint32_t(m.flags&^methodOnlyMask),
			(*C.uint8_t)(unsafe.SliceData(buf)), C.size_t(len(buf)), (*C.uint8_t)(unsafe.Pointer(r.raw)))
	} else {
		invoke(m, 0, deadline, m.flags&^methodOnlyMask|traced, buf, views, r.raw)
	}
	if Code(r.raw.code) == codePending {
		r.Release()
		return nil, &Error{Code: Protocol, Message: "C++ answered PENDING to @inline " + m.name}
	}
	r.takeRaw()
	if code := Code(r.raw.code); code != OK { // takeRaw makes a malformed reply Protocol
		err := callError(m, code, r.data)
		r.Release()
		return nil, err
	}
	return r, nil
}

// CallCppOneway sends a @oneway call: C++ copies the arguments and runs the implementation later; the
// error reports only whether the call was accepted (e.g. NotStarted, UnknownMethod).
func CallCppOneway(m *Method, args *Encoder, views []View) error {
	buf, err := argBytes(args)
	if err != nil {
		return err
	}
	ctx := context.Background()
	if m.isolated.Load() != nil { // a oneway call has no deadline, but must not wait forever for a restart
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, remoteCompleteWait)
		defer cancel()
	}
	tr, err := transportFor(ctx, m, buf, views)
	if err != nil {
		return err
	}
	r := replyFor(args)
	flags := (m.flags &^ methodOnlyMask) | CallOneway
	if answered, ok := callOver(tr, m, 0, 0, flags, buf, views, r); ok && !answered {
		r.Release()
		return nil // accepted by the ring: the C++ ring thread reports a call it cannot run on stderr
	} else if !ok {
		cgoTransport{}.call(m, 0, 0, flags, buf, views, r)
	}
	r.takeRaw()
	if code := Code(r.raw.code); code != OK {
		err = callError(m, code, r.data)
	}
	r.Release()
	return err
}

// callError is the error a call of m was answered with. An UnknownMethod error names the method: the
// callee writes CXX2GO_UNNAMED_METHOD where it could not (an isolated service's worker gets method ids,
// not names), and its name goes there.
func callError(m *Method, code Code, data []byte) *Error {
	msg := string(data)
	if code == UnknownMethod {
		msg = strings.Replace(msg, C.CXX2GO_UNNAMED_METHOD, m.name, 1)
	}
	return &Error{Code: code, Message: msg}
}

// argBytes returns the encoded arguments (a nil Encoder stands for none) or the encoder's error.
func argBytes(args *Encoder) ([]byte, error) {
	if args == nil {
		return nil, nil
	}
	if args.err != nil {
		return nil, args.err
	}
	return args.buf, nil
}

// completePending delivers the completion of a pending Go → C++ call (entry_points.complete).
// data is C memory valid only during this call: it is copied.
func completePending(id uint64, code Code, data []byte) {
	p, ok := pendingCalls.LoadAndDelete(id)
	if !ok {
		return // the caller gave up (its context ended); it already cancelled the call
	}
	if p.abandoned != nil {
		p.abandoned.Stop() // a worker's answer to a call given up on: it did answer
		return
	}
	livePending.Add(-1)
	p.code = code
	p.data = append(p.data[:0], data...)
	p.ready.Store(true)
	p.done <- struct{}{}
}

// spinWaitDefault is how long a goroutine waiting for a Go → C++ call answered on the executor polls
// for the completion before it parks, unless Options.SpinBeforePark says otherwise. A parked goroutine is
// woken by the completion callback through the scheduler, which on a virtual machine often means waking
// a sleeping OS thread: tens of microseconds, against a few for the whole call when nobody sleeps.
//
// Zero (off), like the C++ executor's default (executor.h, kDefaultSpinBeforePark, says why).
const spinWaitDefault = 0

// spinWait is the budget in nanoseconds: the default until a Go host's Start sets Options.SpinBeforePark
// (in a C++ host, RuntimeOptions::spin_before_park configures the C++ executor only).
var spinWait atomic.Int64

func init() { spinWait.Store(int64(spinWaitDefault)) }

// spinForCompletion polls p.ready for up to spinWait and reports whether the completion arrived. It yields
// the processor every few polls, so that other goroutines (and, with GOMAXPROCS=1, the completion
// callback itself, which needs a P) run meanwhile; ctx is not watched here, only in the wait after it,
// which delays the reaction to a cancellation by at most spinWait.
//
// Only the sole pending call spins. With more in flight, spinning goroutines keep the Ps busy that the
// completion callbacks (on C++ threads) need to run Go code, and `make bench` measured the executor's
// throughput falling by two thirds at 64 and 1,024 in flight; parked waiters cost a wake-up each, but
// those overlap when many calls are in flight.
func (p *pendingCall) spinForCompletion() bool {
	budget := time.Duration(spinWait.Load())
	if budget <= 0 || livePending.Load() > 1 {
		return false
	}
	start := time.Now()
	for i := 1; ; i++ {
		if p.ready.Load() {
			return true
		}
		if i%32 == 0 {
			if time.Since(start) >= budget {
				return p.ready.Load()
			}
			runtime.Gosched()
		}
	}
}

func invoke(m *Method, id uint64, deadline int64, flags uint32, args []byte, views []View, raw *C.cxx2go_reply) {
	cid, cname, ccall, cdl, cfl := C.uint64_t(m.id), m.cname, C.uint64_t(id), C.int64_t(deadline), C.uint32_t(flags)
	a, al := (*C.uint8_t)(unsafe.SliceData(args)), C.size_t(len(args))
	r := (*C.uint8_t)(unsafe.Pointer(raw))
	v := func(i int) *C.uint8_t { return (*C.uint8_t)(views[i].ptr) }
	n := func(i int) C.size_t { return C.size_t(views[i].n) }
	switch len(views) {
	case 0:
		C.cxx2go_invoke0(cid, cname, ccall, cdl, cfl, a, al, r)
	case 1:
		C.cxx2go_invoke1(cid, cname, ccall, cdl, cfl, a, al, r, v(0), n(0))
	case 2:
		C.cxx2go_invoke2(cid, cname, ccall, cdl, cfl, a, al, r, v(0), n(0), v(1), n(1))
	case 3:
		C.cxx2go_invoke3(cid, cname, ccall, cdl, cfl, a, al, r, v(0), n(0), v(1), n(1), v(2), n(2))
	case 4:
		C.cxx2go_invoke4(cid, cname, ccall, cdl, cfl, a, al, r, v(0), n(0), v(1), n(1), v(2), n(2), v(3), n(3))
	default:
		// More views than the fixed-arity wrappers take: the views array is Go memory holding Go
		// pointers, which the cgo rules allow only if every one of them is pinned for the call.
		var pin runtime.Pinner
		defer pin.Unpin()
		vs := make([]C.cxx2go_view, len(views))
		for i, v := range views {
			if v.ptr != nil {
				pin.Pin(v.ptr)
			}
			vs[i].data = v.ptr
			vs[i].len = C.size_t(v.n)
		}
		C.cxx2go_invoke_views(cid, cname, ccall, cdl, cfl, a, al, &vs[0], C.uint32_t(len(vs)), r)
	}
}
