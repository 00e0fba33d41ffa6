package c2gimpl

import (
	"testing"
	"time"
)

func TestLiveCallsDecodeAndTruncationsFail(t *testing.T) {
	e := &Encoder{}
	e.U32(1)
	e.String("a.B.c")
	e.U8(uint8(GoToCpp))
	e.U64(42)
	e.U64(uint64(3 * time.Millisecond))
	e.String("ring")
	e.String("queued")
	b := e.Data()
	calls, err := decodeLiveCalls(b)
	if err != nil || len(calls) != 1 || calls[0] != (LiveCall{"a.B.c", GoToCpp, 42, 3 * time.Millisecond, "ring", "queued"}) {
		t.Fatalf("decoded %+v, %v", calls, err)
	}
	for n := range len(b) {
		if _, err := decodeLiveCalls(b[:n]); CodeOf(err) != Protocol {
			t.Fatalf("cut to %d of %d bytes: %v, want a Protocol error", n, len(b), err)
		}
	}
}
