package c2gimpl

import (
	"context"
	"runtime/pprof"
	"sync/atomic"
)

// CallTrace mirrors CXX2GO_CALL_TRACE: the call's last view is its trace context (docs/debugging.md,
// "Trace context"; docs/wire-format.md, "Trace context").
const CallTrace uint32 = 4

// TracePropagator moves a distributed trace across the boundary in W3C Trace Context form: Inject reads
// the current span of a Go caller's ctx, Extract makes a Go handler's ctx continue a C++ caller's trace.
// The package runtime/go/cxx2go/oteltrace implements it with OpenTelemetry.
type TracePropagator interface {
	Inject(ctx context.Context) (traceparent, tracestate string)
	Extract(ctx context.Context, traceparent, tracestate string) context.Context
}

type propagatorBox struct{ p TracePropagator }

var (
	tracePropagator atomic.Pointer[propagatorBox]
	propagateLabels atomic.Bool
)

// SetTracePropagator installs p for every call from now on (nil: none, the default).
func SetTracePropagator(p TracePropagator) {
	if p == nil {
		tracePropagator.Store(nil)
		return
	}
	tracePropagator.Store(&propagatorBox{p})
}

// SetPropagateLabels makes Go → C++ calls carry the pprof labels of their ctx (C++: Context::trace()->labels).
func SetPropagateLabels(on bool) { propagateLabels.Store(on) }

// maxTraceLabels bounds the labels a trace context carries, as the C++ runtime does (src/calls/trace.cc).
const maxTraceLabels = 256

// tracing reports whether Go → C++ calls may carry a trace context: a propagator, or labels to send.
func tracing() bool { return tracePropagator.Load() != nil || propagateLabels.Load() }

// outgoingTrace returns views with the trace context of a Go → C++ call made with ctx appended, and the
// flag that says so; views unchanged and 0 when there is nothing to send (no propagator, no labels), which
// costs a call two atomic loads.
func outgoingTrace(ctx context.Context, views []View) ([]View, uint32) {
	box, labels := tracePropagator.Load(), propagateLabels.Load()
	if box == nil && !labels {
		return views, 0
	}
	var tp, ts string
	if box != nil {
		tp, ts = box.p.Inject(ctx)
	}
	var kv []string
	if labels {
		pprof.ForLabels(ctx, func(k, v string) bool {
			kv = append(kv, k, v)
			return len(kv) < 2*maxTraceLabels
		})
	}
	if tp == "" && ts == "" && len(kv) == 0 {
		return views, 0
	}
	e := &Encoder{}
	e.String(tp)
	e.String(ts)
	e.U32(uint32(len(kv) / 2))
	for _, s := range kv {
		e.String(s)
	}
	out := make([]View, len(views)+1)
	copy(out, views)
	out[len(views)] = BytesView(e.Data())
	return out, CallTrace
}

// takeTrace removes the trace context (a call with CallTrace) from in's views, keeping a copy of it.
func (in *Incoming) takeTrace() {
	if in.nview == 0 {
		return
	}
	in.trace = append(in.trace[:0], in.viewBytes(in.nview-1)...)
	in.nview--
	if in.owned != nil {
		in.owned = in.owned[:in.nview]
	}
}

// withTrace returns ctx continuing the trace a C++ caller sent with in (through the propagator), or ctx.
// A malformed trace context is dropped: it is never an error of the call.
func withTrace(ctx context.Context, in *Incoming) context.Context {
	if len(in.trace) == 0 {
		return ctx
	}
	box := tracePropagator.Load()
	if box == nil {
		return ctx
	}
	d := NewDecoder(in.trace)
	tp, ts := d.String(), d.String()
	if d.Err() != nil || (tp == "" && ts == "") {
		return ctx
	}
	return box.p.Extract(ctx, tp, ts)
}
