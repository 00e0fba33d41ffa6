package c2gimpl

// The transport seam (docs/design.md, "Transports"). Calls are made once, in this file and call.go: a
// Go → C++ call registers its pending record, sends, and waits for the completion or its context; a
// C++ → Go call runs its handler on a goroutine and sends the completion. A transport only carries
// messages. Two exist: cgo (exports.go, call.go's invoke) and the shared-memory ring (ring.go).
//
// The synchronous paths do not go through the seam: an @inline Go → C++ call (callCppInline) and a
// synchronous C++ → Go call (cxx2go_go_invoke) are one cgo call each, answered before it returns, and
// their per-call cost is counted in instructions (docs/design.md, "Per-call cost of synchronous calls").

/*
#include "cxx2go/abi.h"
*/
import "C"

import (
	"context"
	"fmt"
	"runtime/pprof"
	"time"
)

// transport carries the messages of asynchronous calls between the Go and the C++ runtime.
type transport interface {
	// newID returns a fresh id for a Go → C++ call sent over this transport.
	newID() uint64
	// call sends Go → C++ call id (0 for a oneway call) with the encoded arguments and the views, which
	// are borrowed for the duration of call only. answered: the result is already in r.raw (cgo, when the
	// implementation finished on the calling thread); otherwise a completion for id follows (none for a
	// oneway call). ok false: this transport did not take the call (the ring is closing); use cgo.
	// Callers use callOver, never this method through the interface.
	call(m *Method, id uint64, deadline int64, flags uint32, args []byte, views []View, r *Reply) (answered, ok bool)
	// complete sends the completion of C++ → Go call id. It may wait (backpressure), so a receiver that
	// must never block runs it on a goroutine.
	complete(id uint64, code Code, payload []byte)
	// cancel asks C++ to cancel Go → C++ call id, whose completion still follows (and is dropped).
	cancel(id uint64)
	// spinFor polls p.ready before its caller parks, as long as this transport's waiters poll; true if the
	// completion arrived meanwhile.
	spinFor(p *pendingCall) bool
	// contexts holds the contexts of the C++ → Go calls received over this transport, by their ids.
	contexts() *callContexts
}

// cgoTransport is the transport of direct cgo calls into the C++ runtime: always available.
type cgoTransport struct{}

var cgoT transport = cgoTransport{}

func (cgoTransport) newID() uint64 { return lastCallID.Add(1) }

func (cgoTransport) call(m *Method, id uint64, deadline int64, flags uint32, args []byte, views []View,
	r *Reply) (answered, ok bool) {
	invoke(m, id, deadline, flags, args, views, r.raw)
	return Code(r.raw.code) != codePending, true
}

// complete passes payload as a direct argument; C++ decodes it before returning.
func (cgoTransport) complete(id uint64, code Code, payload []byte) { completeCpp(id, code, payload) }

func (cgoTransport) cancel(id uint64) { C.cxx2go_cpp_cancel(C.uint64_t(id)) }

func (cgoTransport) spinFor(p *pendingCall) bool { return p.spinForCompletion() }

func (cgoTransport) contexts() *callContexts { return &asyncCalls }

// callOver is tr.call, dispatched on tr's concrete type. Through the interface, escape analysis would
// make every argument escape: the views, which generated code builds in an array on its stack, would be
// moved to the heap, one allocation per call with a string, bytes or list argument.
func callOver(tr transport, m *Method, id uint64, deadline int64, flags uint32, args []byte, views []View,
	r *Reply) (answered, ok bool) {
	switch t := tr.(type) {
	case cgoTransport:
		return t.call(m, id, deadline, flags, args, views, r)
	case *ringTransport:
		return t.call(m, id, deadline, flags, args, views, r)
	case nestedCall:
		return t.send(m, id, deadline, flags|callNested, args, views, r, t.parent)
	}
	panic(fmt.Sprintf("cxx2go: unknown transport %T", tr))
}

// transportFor picks the transport of an asynchronous Go → C++ call of m: the ring when m's service
// uses it and the call fits in a slot, else cgo. A call made from a handler that C++ called
// synchronously takes cgo, which runs the implementation inline when it must (calledSyncFromCpp). The
// calls of an isolated service go to its worker process (isolation.go), waiting while it restarts.
func transportFor(ctx context.Context, m *Method, args []byte, views []View) (transport, error) {
	if s := m.isolated.Load(); s != nil {
		return s.transportFor(ctx, args, views)
	}
	if t := ringFor(m.flags); t != nil && t.fits(args, views) && !calledSyncFromCpp(ctx) {
		return t, nil
	}
	return cgoT, nil
}

// sendCpp sends an asynchronous Go → C++ call over tr, falling back to cgo when tr does not take it. It
// returns the call's pending record (registered under id before sending, because the completion may
// arrive before call returns), or nil if the reply r.raw already holds the answer.
func sendCpp(tr transport, m *Method, deadline int64, flags uint32, args []byte, views []View,
	r *Reply) (id uint64, p *pendingCall, used transport) {
	for {
		id = tr.newID()
		p = pendingPool.Get().(*pendingCall)
		pendingCalls.Store(id, p)
		livePending.Add(1)
		answered, ok := callOver(tr, m, id, deadline, flags, args, views, r)
		if ok {
			if answered { // no completion will come for id
				withdrawPending(id, p)
				return id, nil, tr
			}
			return id, p, tr
		}
		if !withdrawPending(id, p) {
			return id, p, tr // not sent, but failed meanwhile (the ring detached): deliver that
		}
		tr = cgoT
	}
}

// withdrawPending removes pending call id if no completion took it yet, and then recycles p.
func withdrawPending(id uint64, p *pendingCall) bool {
	if _, mine := pendingCalls.LoadAndDelete(id); !mine {
		return false
	}
	livePending.Add(-1)
	pendingPool.Put(p) // no completion can reach p any more
	return true
}

// awaitCpp waits for the completion of pending call id, which tr carried, or for ctx: then it withdraws
// the call, has tr cancel it and returns the context's error. The completion's payload goes to r.
func awaitCpp(ctx context.Context, tr transport, id uint64, p *pendingCall, r *Reply) (Code, error) {
	if tr.spinFor(p) {
		<-p.done // signalled right after ready: at most a moment's wait
	} else {
		select {
		case <-p.done:
		case <-ctx.Done():
			withdrawn := false
			if worker := workerOf(tr); worker != nil {
				withdrawn = worker.abandon(id, p)
			} else {
				withdrawn = withdrawPending(id, p)
			}
			if withdrawn {
				tr.cancel(id)
				return 0, contextError(ctx)
			}
			<-p.done // the completion won the race and is being delivered: use it
		}
	}
	p.ready.Store(false)
	code := p.code
	r.buf, p.data = p.data, r.buf[:0] // swap buffers: both stay pooled
	r.data = r.buf
	pendingPool.Put(p)
	return code, nil
}

// serveCall runs md's handler for C++ → Go call id, received over tr, on a new goroutine, and sends the
// result back over tr (a oneway call has no one to report to). in must stay valid until in.release().
func serveCall(tr transport, md *MethodDesc, id uint64, oneway bool, deadline int64, in *Incoming) {
	serveCallWith(tr, md, md.Handler, id, oneway, deadline, in)
}

// serveCallWith is serveCall with the handler that serves the call (a worker's @direct call has its own).
func serveCallWith(tr transport, md *MethodDesc, handler Handler, id uint64, oneway bool, deadline int64, in *Incoming) {
	if oneway {
		// Nobody can cancel a oneway call: the runtime's stop or its deadline end its context.
		ctx := md.onewayCtx
		cancel := context.CancelFunc(func() {})
		if deadline != 0 {
			ctx, cancel = context.WithDeadline(md.onewayCtx, time.Unix(0, deadline))
		}
		liveHandlers.Add(1)
		go func() {
			pprof.SetGoroutineLabels(md.labels)
			defer liveHandlers.Add(-1)
			defer callServed(tr)
			defer cancel()
			out := GetEncoder()
			runHandler(withTrace(ctx, in), md, handler, in, out) // no one to report to; runHandler already logged a panic
			in.release()
			out.Release()
		}()
		return
	}
	ctx := newCallContext(deadline, md.labels)
	if id&workerSyncBit != 0 { // in process, ids are a counter far below it
		if rt, ok := tr.(*ringTransport); ok && rt.remote != nil {
			// A worker's thread waits for it, and serves the calls nested in it.
			parent := ctx.values
			if parent == nil {
				parent = context.Background()
			}
			ctx.values = context.WithValue(parent, servedCallKey{}, servedCall{rt, id})
		}
	}
	calls := tr.contexts()
	calls.add(id, ctx)
	liveHandlers.Add(1)
	go func() {
		pprof.SetGoroutineLabels(md.labels)
		defer liveHandlers.Add(-1) // after the completion: C++ sees the call end first
		out := GetEncoder()
		code, payload := runHandler(withTrace(ctx, in), md, handler, in, out)
		calls.LoadAndDelete(id)
		ctx.end(context.Canceled)
		in.release()                   // before the completion, after which C++ may free borrowed memory
		tr.complete(id, code, payload) // exactly once per received call, cancelled ones included
		callServed(tr)
		out.Release()
	}()
}

// workerOf is the worker process whose calls tr carries, or nil (in process).
func workerOf(tr transport) *workerProcess {
	switch t := tr.(type) {
	case *ringTransport:
		return t.remote
	case nestedCall:
		return t.remote
	}
	return nil
}

// rejectCall answers C++ → Go call id, which cannot run, with code and msg. A oneway call has nowhere to
// report an error: this is a deployment bug worth seeing on stderr. The completion is sent from a
// goroutine because a receiver (the ring's dispatcher) must never wait.
func rejectCall(tr transport, id uint64, oneway bool, code Code, msg string) {
	if oneway {
		fmt.Fprintf(diagnostics, "cxx2go: dropped oneway call: %s\n", msg)
		callServed(tr)
		return
	}
	go func() {
		tr.complete(id, code, []byte(msg))
		callServed(tr)
	}()
}

func unknownMethodMessage(name string, id uint64) string {
	return fmt.Sprintf("no Go implementation of %s (method id %#x): the service is not registered, or the "+
		"bindings come from a different schema version", name, id)
}
