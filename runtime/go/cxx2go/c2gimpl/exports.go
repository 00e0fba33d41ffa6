package c2gimpl

// Every Go function C++ can reach is in this file. Each one recovers: a panic unwinding into C++ frames
// would skip their destructors or kill the process (docs/design.md, "Failures").
//
// cgo copies the preamble of a file with //export into two C files, so it only declares.

/*
#include "cxx2go/abi.h"
void cxx2go_go_fill_entry_points(cxx2go_go_entry_points* eps); // entry_points.c
*/
import "C"

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"time"
	"unsafe"
)

var (
	// rootCtx is the parent of every context given to a Go handler. The C++ runtime cancels it when it
	// stops (entry_points.cancel(0)), which reaches synchronous calls too: they have no call id.
	// Asynchronous calls are not its children (callcontext.go): stop cancels them through asyncCalls.
	rootCtx, rootCancel = context.WithCancel(context.Background())
)

//export cxx2go_go_attach
func cxx2go_go_attach(eps *C.cxx2go_go_entry_points) {
	defer recoverExport("cxx2go_go_attach")
	C.cxx2go_go_fill_entry_points(eps)
	// Started by a C++ host (cxx2go::start), not by Start: its isolated services come from CXX2GO_ISOLATE.
	// If they cannot start, neither does the runtime: the incomplete entry points make C++ refuse.
	if !startingFromGo.Load() {
		if err := startIsolation(nil); err != nil {
			fmt.Fprintf(os.Stderr, "cxx2go: start: %v\n", err)
			eps.invoke = nil
		}
	}
}

// reportInternalPanic reports a panic of this package's own code (not a handler's) on stderr.
// diagnostics is where the runtime reports what it cannot return to a caller (stderr): a fuzz test that
// provokes such reports by the thousand silences it.
var diagnostics io.Writer = os.Stderr

func reportInternalPanic(where string, v any) {
	fmt.Fprintf(diagnostics, "cxx2go: internal error in %s: %v\n%s", where, v, debug.Stack())
}

// recoverExport is the last line of defence of an exported function, deferred first: handler panics are
// recovered closer to the handler (runHandler), so a panic here is a bug of this package. It must still
// not unwind into C++.
func recoverExport(where string) {
	if v := recover(); v != nil {
		reportInternalPanic(where, v)
	}
}

// cxx2go_go_invoke runs a synchronous C++ → Go call on the calling (C++) thread.
//
// It does what runHandler does, inline and under one deferred recover (a flag tells a panic of the
// handler from one of this package): every deferred function and every call level is paid on each call
// (docs/design.md, "Per-call cost of synchronous calls").
//
//export cxx2go_go_invoke
func cxx2go_go_invoke(call *C.cxx2go_call, reply *C.cxx2go_reply) {
	var md *MethodDesc
	var s *invokeScratch
	var cancel context.CancelFunc
	running := false // md's handler is running: a panic now is the handler's, reported like runHandler does
	defer func() {
		if v := recover(); v != nil {
			if running {
				fmt.Fprintf(os.Stderr, "cxx2go: Go handler of %s panicked: %v\n%s", md.Name, v, debug.Stack())
				liveHandlers.Add(-1)
				writeReply(reply, Panic, []byte(fmt.Sprint("panic: ", v)))
				s.release()
			} else {
				reportInternalPanic("cxx2go_go_invoke", v)
				writeReply(reply, Internal, []byte(fmt.Sprint("internal error in the Go runtime: ", v)))
			}
			if cancel != nil {
				cancel()
			}
		}
	}()
	md = lookupMethod(uint64(call.method_id))
	if md == nil {
		writeReply(reply, UnknownMethod, []byte(unknownMethodMessage(C.GoString(call.method_name),
			uint64(call.method_id))))
		return
	}
	ctx := md.syncCtx
	if id := uint64(call.call_id); id != 0 {
		ctx, cancel = listSyncCall(md, id, int64(call.deadline_unix_nanos))
	} else if dl := int64(call.deadline_unix_nanos); dl != 0 {
		ctx, cancel = context.WithDeadline(md.syncCtx, time.Unix(0, dl))
	}
	s = invokeScratchPool.Get().(*invokeScratch)
	s.in.borrow(call)
	liveHandlers.Add(1)
	if len(s.in.trace) != 0 { // tested here: the common case pays no call
		ctx = withTrace(ctx, &s.in)
	}
	running = true
	err := md.Handler(ctx, &s.in, &s.out)
	running = false
	liveHandlers.Add(-1)
	if cancel != nil {
		cancel()
	}
	if err == nil {
		err = s.out.Err() // e.g. a result too long for the wire format
	}
	if err != nil {
		code, msg := wireError(err)
		writeReply(reply, code, []byte(msg))
	} else {
		writeReply(reply, OK, s.out.Data())
	}
	s.release()
}

// listSyncCall gives a synchronous call that C++ may cancel by id (its CallOptions carry a stop token) a
// callContext listed under that id, like an asynchronous call's, and then tells C++, which only from then
// on watches its token: a cancellation can never arrive before the id is listed. The returned cancel
// unlists it.
func listSyncCall(md *MethodDesc, id uint64, deadlineUnixNanos int64) (context.Context, context.CancelFunc) {
	c := newCallContext(deadlineUnixNanos, md.syncCtx) // its values: syncFromCppKey and the labels
	asyncCalls.add(id, c)
	C.cxx2go_cpp_sync_listed(C.uint64_t(id))
	return c, func() {
		asyncCalls.LoadAndDelete(id)
		c.end(context.Canceled)
	}
}

// invokeScratch is the Incoming and the result Encoder of a synchronous C++ → Go call, pooled together:
// one pool round trip per call instead of two. Both are valid only until the handler returns.
type invokeScratch struct {
	in  Incoming
	out Encoder
}

var invokeScratchPool = sync.Pool{New: func() any { return &invokeScratch{out: Encoder{buf: make([]byte, 0, 256)}} }}

func (s *invokeScratch) release() {
	s.in = Incoming{}
	if cap(s.out.buf) > maxPooledEncoder {
		s.out.buf = nil // one huge result must not stay pinned by the pool
	}
	s.out.Reset()
	invokeScratchPool.Put(s)
}

// cxx2go_go_submit starts an asynchronous C++ → Go call on a new goroutine and returns at once.
//
//export cxx2go_go_submit
func cxx2go_go_submit(call *C.cxx2go_call) {
	id := uint64(call.call_id)
	oneway := uint32(call.flags)&CallOneway != 0
	started := false // a goroutine owns the call's completion
	defer func() {
		if v := recover(); v != nil {
			reportInternalPanic("cxx2go_go_submit", v)
			if !oneway && !started {
				if c, ok := asyncCalls.LoadAndDelete(id); ok {
					c.end(context.Canceled)
				}
				completeCpp(id, Internal, []byte(fmt.Sprint("internal error in the Go runtime: ", v)))
			}
		}
	}()
	md := lookupMethod(uint64(call.method_id))
	if md == nil {
		rejectCall(cgoT, id, oneway, UnknownMethod, unknownMethodMessage(C.GoString(call.method_name),
			uint64(call.method_id)))
		return
	}
	var in *Incoming
	if oneway {
		in = copyIncoming(call) // C++ frees the call's memory as soon as submit returns
	} else {
		in = borrowIncoming(call) // valid until the completion: the handler reads it in place
	}
	serveCall(cgoT, md, id, oneway, int64(call.deadline_unix_nanos), in)
	started = true
}

// cxx2go_go_cancel cancels the context of the asynchronous call id, or of every call if id is 0 (the C++
// runtime is stopping). The call still completes.
//
//export cxx2go_go_cancel
func cxx2go_go_cancel(id C.uint64_t) {
	defer recoverExport("cxx2go_go_cancel")
	if id == 0 {
		rootCancel()
		asyncCalls.cancelAll()
		stopIsolation() // a C++ host's (Stop stopped a Go host's already)
		return
	}
	asyncCalls.cancel(uint64(id))
}

// cxx2go_go_complete delivers the completion of a Go → C++ call answered CXX2GO_PENDING.
//
//export cxx2go_go_complete
func cxx2go_go_complete(id C.uint64_t, code C.int32_t, data *C.uint8_t, n C.size_t) {
	defer recoverExport("cxx2go_go_complete")
	completePending(uint64(id), Code(code), cBytes(unsafe.Pointer(data), int(n)))
}

// cxx2go_go_ring_attach receives the region of the ring transport from C++ start (ring.go).
//
//export cxx2go_go_ring_attach
func cxx2go_go_ring_attach(region unsafe.Pointer) (code C.int32_t) {
	code = C.int32_t(Internal)
	defer recoverExport("cxx2go_go_ring_attach")
	return C.int32_t(attachRing(region))
}

// runHandler runs md's handler and returns what to send back: the result encoding or an error message.
// A panic becomes Code Panic with "panic: <value>" (its stack goes to stderr, like net/http does).
func runHandler(ctx context.Context, md *MethodDesc, handler Handler, in *Incoming, out *Encoder) (code Code, payload []byte) {
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintf(os.Stderr, "cxx2go: Go handler of %s panicked: %v\n%s", md.Name, v, debug.Stack())
			code, payload = Panic, []byte(fmt.Sprint("panic: ", v))
		}
	}()
	err := handler(ctx, in, out)
	if err == nil {
		err = out.Err() // e.g. a result too long for the wire format
	}
	if err != nil {
		code, msg := wireError(err)
		return code, []byte(msg)
	}
	return OK, out.Data()
}

// writeReply writes a synchronous call's result into the C++ caller's reply: inline when it fits,
// otherwise in malloc()ed memory that the caller frees (abi.h). Nothing in it points to Go memory.
func writeReply(reply *C.cxx2go_reply, code Code, payload []byte) {
	reply.code = C.int32_t(code)
	reply.len = C.size_t(len(payload))
	if len(payload) <= replyInlineCap {
		reply.where = C.CXX2GO_REPLY_INLINE
		reply.heap = nil
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&reply.inline_buf[0])), len(payload)), payload)
		return
	}
	p := C.malloc(C.size_t(len(payload))) // cgo's malloc never returns nil: it aborts on exhaustion
	copy(unsafe.Slice((*byte)(p), len(payload)), payload)
	reply.where = C.CXX2GO_REPLY_MALLOC
	reply.heap = (*C.uint8_t)(p)
}

// completeCpp completes an asynchronous C++ → Go call. payload is passed as a direct argument and
// C++ decodes it before returning.
func completeCpp(id uint64, code Code, payload []byte) {
	C.cxx2go_cpp_complete(C.uint64_t(id), C.int32_t(code), (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(payload))),
		C.size_t(len(payload)))
}
