// Package expvarmetrics publishes cxx2go's per-method metrics (cxx2go.Metrics, docs/debugging.md) as the
// expvar variable "cxx2go", for programs without Prometheus: import it for its effect, and read
// /debug/vars (expvar's handler) or expvar.Get("cxx2go").
//
//	import _ "github.com/cxx2go/cxx2go/runtime/go/cxx2go/expvarmetrics"
//
// The value is a JSON object: {"enabled": …, "executor_queued": …, "ring_to_go_queued": …,
// "ring_to_cpp_queued": …, "ring_capacity": …, "methods": [{"method", "direction",
// "calls", "in_flight", "finished": {"ok": …, …}, "request_bytes", "response_bytes", "latency_samples",
// "latency_sum_ns", "latency_buckets": [{"le_ns": 64, "count": …}, …, {"le_ns": 0, "count": …}]}]}, where
// le_ns 0 is the unbounded last bucket, and counts are per bucket, not cumulative.
package expvarmetrics

import (
	"expvar"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
)

func init() { expvar.Publish("cxx2go", expvar.Func(func() any { return value() })) }

type bucket struct {
	LeNs  int64  `json:"le_ns"`
	Count uint64 `json:"count"`
}

type method struct {
	Method         string            `json:"method"`
	Direction      string            `json:"direction"`
	Calls          uint64            `json:"calls"`
	InFlight       uint64            `json:"in_flight"`
	Finished       map[string]uint64 `json:"finished"`
	RequestBytes   uint64            `json:"request_bytes"`
	ResponseBytes  uint64            `json:"response_bytes"`
	LatencySamples uint64            `json:"latency_samples"`
	LatencySumNs   int64             `json:"latency_sum_ns"`
	LatencyBuckets []bucket          `json:"latency_buckets"`
}

type snapshot struct {
	Enabled         bool     `json:"enabled"`
	ExecutorQueued  uint64   `json:"executor_queued"`
	RingToGoQueued  uint64   `json:"ring_to_go_queued"`
	RingToCppQueued uint64   `json:"ring_to_cpp_queued"`
	RingCapacity    uint64   `json:"ring_capacity"`
	Methods         []method `json:"methods"`
	Error           string   `json:"error,omitempty"`
}

func value() snapshot {
	s, err := cxx2go.Metrics()
	if err != nil {
		return snapshot{Error: err.Error()}
	}
	out := snapshot{Enabled: s.Enabled, ExecutorQueued: s.ExecutorQueued, RingToGoQueued: s.RingToGoQueued,
		RingToCppQueued: s.RingToCppQueued, RingCapacity: s.RingCapacity, Methods: []method{}}
	for _, m := range s.Methods {
		v := method{
			Method: m.Method, Direction: m.Direction.String(), Calls: m.Calls, InFlight: m.InFlight,
			Finished: map[string]uint64{}, RequestBytes: m.RequestBytes, ResponseBytes: m.ResponseBytes,
			LatencySamples: m.LatencySamples, LatencySumNs: int64(m.LatencySum),
		}
		for code, n := range m.Finished {
			v.Finished[code.String()] = n
		}
		for i, n := range m.LatencyBuckets {
			v.LatencyBuckets = append(v.LatencyBuckets, bucket{LeNs: int64(cxx2go.LatencyBucketBound(i)), Count: n})
		}
		out.Methods = append(out.Methods, v)
	}
	return out
}
