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

// Direction is which way a call goes.
type Direction uint8

const (
	CppToGo Direction = 0 // a method of a go service, called from C++
	GoToCpp Direction = 1 // a method of a cpp service, called from Go
)

func (d Direction) String() string {
	if d == GoToCpp {
		return "go->c++"
	}
	return "c++->go"
}

// LatencyBuckets is the number of buckets of a latency histogram.
const LatencyBuckets = 32

// LatencyBucketBound is the exclusive upper bound of latency bucket i, and 0 for the last (unbounded).
func LatencyBucketBound(i int) time.Duration {
	if i+1 >= LatencyBuckets {
		return 0
	}
	return time.Duration(64) << i
}

// MethodMetrics are the counts of one method in one direction since metrics were enabled
// (docs/debugging.md, "Metrics"): the C++ runtime counts every call of the process, in both directions.
type MethodMetrics struct {
	Method         string // "package.Service.method"
	Direction      Direction
	Calls          uint64          // started (admitted) calls
	InFlight       uint64          // started and not finished
	Finished       map[Code]uint64 // finished calls by code, OK included
	RequestBytes   uint64          // arguments: the encoded part and the views (@direct calls: not counted)
	ResponseBytes  uint64          // results or error messages (@direct calls: not counted)
	LatencyBuckets [LatencyBuckets]uint64
	LatencySamples uint64 // one call in 16 per thread is timed: the histogram counts those
	LatencySum     time.Duration
}

// MetricsSnapshot is every method's metrics, sorted by method and direction.
type MetricsSnapshot struct {
	Enabled        bool
	Methods        []MethodMetrics
	ExecutorQueued uint64 // Go → C++ calls waiting for a thread of the shared C++ executor
	// The ring transport's occupancy: messages in each ring not yet read, of RingCapacity slots each (all
	// 0 when the rings do not run).
	RingToGoQueued, RingToCppQueued, RingCapacity uint64
}

// SetMetricsEnabled turns counting on or off, from the next call on; counts are kept while off.
func SetMetricsEnabled(enabled bool) {
	v := C.int32_t(0)
	if enabled {
		v = 1
	}
	C.cxx2go_cpp_set_metrics(v)
}

// Metrics returns the counts so far.
func Metrics() (MetricsSnapshot, error) {
	var data *C.uint8_t
	var n C.size_t
	C.cxx2go_cpp_metrics_snapshot(&data, &n)
	if data == nil {
		return MetricsSnapshot{}, Errorf(ResourceExhausted, "out of memory taking the metrics snapshot")
	}
	defer C.free(unsafe.Pointer(data))
	return decodeMetrics(unsafe.Slice((*byte)(unsafe.Pointer(data)), int(n)))
}

// decodeMetrics reads the C++ runtime's snapshot (cxx2go_cpp_metrics_snapshot in src/debug/metrics.cc).
func decodeMetrics(b []byte) (MetricsSnapshot, error) {
	d := NewDecoder(b)
	var s MetricsSnapshot
	s.Enabled = d.U8() != 0
	s.ExecutorQueued = d.U64()
	s.RingToGoQueued, s.RingToCppQueued, s.RingCapacity = d.U64(), d.U64(), d.U64()
	count := d.U32()
	for i := uint32(0); i < count && d.Err() == nil; i++ {
		m := MethodMetrics{Method: d.String(), Direction: Direction(d.U8()), Finished: map[Code]uint64{}}
		m.Calls, m.InFlight, m.RequestBytes, m.ResponseBytes = d.U64(), d.U64(), d.U64(), d.U64()
		m.LatencySamples, m.LatencySum = d.U64(), time.Duration(d.U64())
		for j := range m.LatencyBuckets {
			m.LatencyBuckets[j] = d.U64()
		}
		codes := d.U32()
		for j := uint32(0); j < codes && d.Err() == nil; j++ {
			code := Code(d.I32())
			m.Finished[code] = d.U64()
		}
		s.Methods = append(s.Methods, m)
	}
	if err := d.Finish(); err != nil {
		return MetricsSnapshot{}, Errorf(Protocol, "malformed metrics snapshot from the C++ runtime: %v", err)
	}
	return s, nil
}
