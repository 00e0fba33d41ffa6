package oteltrace

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/trace"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
)

var _ cxx2go.TracePropagator = Propagator{}

func TestASpanCrossesAsW3CTraceContextAndBack(t *testing.T) {
	tid, _ := trace.TraceIDFromHex("0af7651916cd43dd8448eb211c80319c")
	sid, _ := trace.SpanIDFromHex("b7ad6b7169203331")
	ts, _ := trace.ParseTraceState("vendor=value")
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled,
		TraceState: ts})
	ctx := trace.ContextWithSpanContext(context.Background(), sc)

	tp, state := Propagator{}.Inject(ctx)
	if tp != "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" || state != "vendor=value" {
		t.Fatalf("Inject: %q, %q", tp, state)
	}
	got := trace.SpanContextFromContext(Propagator{}.Extract(context.Background(), tp, state))
	if !got.IsRemote() || got.TraceID() != tid || got.SpanID() != sid || !got.IsSampled() ||
		got.TraceState().Get("vendor") != "value" {
		t.Fatalf("Extract: %+v", got)
	}
	if tp, state := (Propagator{}).Inject(context.Background()); tp != "" || state != "" {
		t.Fatalf("Inject without a span: %q, %q", tp, state)
	}
}
