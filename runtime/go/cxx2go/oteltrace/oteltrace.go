// Package oteltrace carries OpenTelemetry traces across the C++/Go boundary: a Go → C++ call sends the
// span of its ctx, in W3C Trace Context form, to the C++ implementation (Context::trace()), and a Go
// handler of a call from C++ gets a ctx whose remote span is the C++ caller's (CallOptions::trace).
//
//	cxx2go.SetTracePropagator(oteltrace.Propagator{})
//
// Spans themselves are the application's: start one around the call as usual (tracer.Start(ctx, …)).
package oteltrace

import (
	"context"

	"go.opentelemetry.io/otel/propagation"
)

// Propagator is a cxx2go.TracePropagator built on OpenTelemetry's W3C Trace Context propagator.
type Propagator struct{}

var traceContext = propagation.TraceContext{}

// Inject returns the traceparent and tracestate of ctx's span ("" when it has none).
func (Propagator) Inject(ctx context.Context) (traceparent, tracestate string) {
	carrier := propagation.MapCarrier{}
	traceContext.Inject(ctx, carrier)
	return carrier.Get("traceparent"), carrier.Get("tracestate")
}

// Extract returns ctx with the remote span described by traceparent and tracestate.
func (Propagator) Extract(ctx context.Context, traceparent, tracestate string) context.Context {
	return traceContext.Extract(ctx, propagation.MapCarrier{"traceparent": traceparent, "tracestate": tracestate})
}
