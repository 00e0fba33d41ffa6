package c2gimpl

import (
	"testing"
	"time"
)

// encodeMetrics writes a snapshot as the C++ runtime does (cxx2go_cpp_metrics_snapshot).
func encodeMetrics(s MetricsSnapshot) []byte {
	e := &Encoder{}
	if s.Enabled {
		e.U8(1)
	} else {
		e.U8(0)
	}
	e.U64(s.ExecutorQueued)
	e.U64(s.RingToGoQueued)
	e.U64(s.RingToCppQueued)
	e.U64(s.RingCapacity)
	e.U32(uint32(len(s.Methods)))
	for _, m := range s.Methods {
		e.String(m.Method)
		e.U8(uint8(m.Direction))
		for _, v := range []uint64{m.Calls, m.InFlight, m.RequestBytes, m.ResponseBytes, m.LatencySamples, uint64(m.LatencySum)} {
			e.U64(v)
		}
		for _, n := range m.LatencyBuckets {
			e.U64(n)
		}
		e.U32(uint32(len(m.Finished)))
		for code, n := range m.Finished {
			e.I32(int32(code))
			e.U64(n)
		}
	}
	return e.Data()
}

func TestMetricsSnapshotsDecodeAndTruncationsFail(t *testing.T) {
	m := MethodMetrics{Method: "a.B.c", Direction: GoToCpp, Calls: 3, InFlight: 1, RequestBytes: 9, ResponseBytes: 4,
		LatencySamples: 1, LatencySum: 300 * time.Nanosecond, Finished: map[Code]uint64{OK: 1, NotFound: 1}}
	m.LatencyBuckets[2] = 1
	want := MetricsSnapshot{Enabled: true, ExecutorQueued: 2, RingToGoQueued: 3, RingToCppQueued: 1, RingCapacity: 1024,
		Methods: []MethodMetrics{m}}
	b := encodeMetrics(want)
	got, err := decodeMetrics(b)
	if err != nil {
		t.Fatal(err)
	}
	g := got.Methods[0]
	if !got.Enabled || got.ExecutorQueued != 2 || got.RingToGoQueued != 3 || got.RingToCppQueued != 1 ||
		got.RingCapacity != 1024 || len(got.Methods) != 1 || g.Method != "a.B.c" || g.Direction != GoToCpp ||
		g.Calls != 3 || g.InFlight != 1 || g.RequestBytes != 9 || g.ResponseBytes != 4 || g.LatencySamples != 1 ||
		g.LatencySum != 300*time.Nanosecond || g.LatencyBuckets != m.LatencyBuckets || len(g.Finished) != 2 ||
		g.Finished[NotFound] != 1 {
		t.Fatalf("decoded %+v, want %+v", got, want)
	}
	for n := range len(b) {
		if _, err := decodeMetrics(b[:n]); CodeOf(err) != Protocol {
			t.Fatalf("a snapshot cut to %d of %d bytes: %v, want a Protocol error", n, len(b), err)
		}
	}
	if _, err := decodeMetrics(append(b, 0)); CodeOf(err) != Protocol {
		t.Fatalf("trailing bytes: %v, want a Protocol error", err)
	}
}

func TestLatencyBucketBoundsDouble(t *testing.T) {
	if LatencyBucketBound(0) != 64 || LatencyBucketBound(1) != 128 || LatencyBucketBound(LatencyBuckets-1) != 0 {
		t.Fatalf("bounds %v %v %v", LatencyBucketBound(0), LatencyBucketBound(1), LatencyBucketBound(LatencyBuckets-1))
	}
}
