package c2gimpl

/*
#include <stdlib.h>
#include "cxx2go/abi.h"
*/
import "C"

import (
	"time"
	"unsafe"
)

// LiveCall is a call in flight that the runtime keeps a record of (docs/debugging.md, "Live calls").
type LiveCall struct {
	Method    string // "package.Service.method"
	Direction Direction
	CallID    uint64
	Age       time.Duration // since it was submitted (C++ → Go) or listed (Go → C++)
	Transport string        // "cgo" or "ring"
	Where     string        // "in Go", "queued", or "running on thread NAME (tid N)"
}

// LiveCalls returns the calls in flight, oldest first, from the C++ runtime's tables.
func LiveCalls() ([]LiveCall, error) {
	var data *C.uint8_t
	var n C.size_t
	C.cxx2go_cpp_live_calls(&data, &n)
	if data == nil {
		return nil, Errorf(ResourceExhausted, "out of memory listing the calls in flight")
	}
	defer C.free(unsafe.Pointer(data))
	return decodeLiveCalls(unsafe.Slice((*byte)(unsafe.Pointer(data)), int(n)))
}

// decodeLiveCalls reads cxx2go_cpp_live_calls' encoding (src/debug/live.cc).
func decodeLiveCalls(b []byte) ([]LiveCall, error) {
	d := NewDecoder(b)
	count := d.U32()
	calls := []LiveCall{}
	for i := uint32(0); i < count && d.Err() == nil; i++ {
		calls = append(calls, LiveCall{Method: d.String(), Direction: Direction(d.U8()), CallID: d.U64(),
			Age: time.Duration(d.U64()), Transport: d.String(), Where: d.String()})
	}
	if err := d.Finish(); err != nil {
		return nil, Errorf(Protocol, "malformed list of calls from the C++ runtime: %v", err)
	}
	return calls, nil
}
