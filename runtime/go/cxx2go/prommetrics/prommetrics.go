// Package prommetrics exports cxx2go's per-method metrics (cxx2go.Metrics, docs/debugging.md) to
// Prometheus:
//
//	cxx2go.SetMetricsEnabled(true) // or cxx2go.Options{Metrics: true}
//	prometheus.MustRegister(prommetrics.NewCollector())
//
// Every scrape takes one snapshot of the C++ runtime's counters. The metrics, each labelled with method
// ("package.Service.method") and direction ("c++->go" or "go->c++"):
//
//	cxx2go_calls_started_total           counter
//	cxx2go_calls_finished_total          counter, also labelled with code ("ok", "not_found", …)
//	cxx2go_calls_in_flight               gauge
//	cxx2go_request_bytes_total           counter (arguments; not counted for @direct calls)
//	cxx2go_response_bytes_total          counter (results and error messages; not for @direct calls)
//	cxx2go_call_latency_seconds          histogram of the timed calls (one in 16 per thread)
//
// and, without labels, cxx2go_executor_queued_tasks (gauge) and the ring transport's
// cxx2go_ring_messages_total and cxx2go_ring_queued_messages (labelled direction),
// cxx2go_ring_wakeups_total (labelled side) and cxx2go_ring_capacity_messages.
package prommetrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
)

var (
	methodLabels = []string{"method", "direction"}

	started   = prometheus.NewDesc("cxx2go_calls_started_total", "Calls started across the C++/Go boundary.", methodLabels, nil)
	finished  = prometheus.NewDesc("cxx2go_calls_finished_total", "Calls finished, by code.", append(methodLabels, "code"), nil)
	inFlight  = prometheus.NewDesc("cxx2go_calls_in_flight", "Calls started and not finished.", methodLabels, nil)
	reqBytes  = prometheus.NewDesc("cxx2go_request_bytes_total", "Bytes of call arguments (not counted for @direct calls).", methodLabels, nil)
	respBytes = prometheus.NewDesc("cxx2go_response_bytes_total", "Bytes of results and error messages (not counted for @direct calls).", methodLabels, nil)
	latency   = prometheus.NewDesc("cxx2go_call_latency_seconds", "Latency of the timed calls (one in 16 per thread), from the runtime's start of a call to its answer.", methodLabels, nil)
	queued    = prometheus.NewDesc("cxx2go_executor_queued_tasks", "Go → C++ calls waiting for a thread of the shared C++ executor.", nil, nil)
	ringMsgs  = prometheus.NewDesc("cxx2go_ring_messages_total", "Messages the ring transport carried.", []string{"direction"}, nil)
	ringWakes = prometheus.NewDesc("cxx2go_ring_wakeups_total", "Times a ring producer woke the parked consumer.", []string{"side"}, nil)
	ringQueue = prometheus.NewDesc("cxx2go_ring_queued_messages", "Messages in a ring not yet read.", []string{"direction"}, nil)
	ringCap   = prometheus.NewDesc("cxx2go_ring_capacity_messages", "Slots of each ring.", nil, nil)
)

// Collector is a prometheus.Collector of cxx2go's metrics.
type Collector struct{}

// NewCollector returns a Collector. Metrics must be enabled for it to see calls.
func NewCollector() *Collector { return &Collector{} }

// Describe implements prometheus.Collector.
func (*Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{started, finished, inFlight, reqBytes, respBytes, latency, queued, ringMsgs,
		ringWakes, ringQueue, ringCap} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (*Collector) Collect(ch chan<- prometheus.Metric) {
	s, err := cxx2go.Metrics()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(started, err)
		return
	}
	collectSnapshot(s, cxx2go.RingStats(), ch)
}

func collectSnapshot(s cxx2go.MetricsSnapshot, ring cxx2go.RingStat, ch chan<- prometheus.Metric) {
	for _, m := range s.Methods {
		labels := []string{m.Method, m.Direction.String()}
		ch <- prometheus.MustNewConstMetric(started, prometheus.CounterValue, float64(m.Calls), labels...)
		ch <- prometheus.MustNewConstMetric(inFlight, prometheus.GaugeValue, float64(m.InFlight), labels...)
		ch <- prometheus.MustNewConstMetric(reqBytes, prometheus.CounterValue, float64(m.RequestBytes), labels...)
		ch <- prometheus.MustNewConstMetric(respBytes, prometheus.CounterValue, float64(m.ResponseBytes), labels...)
		for code, n := range m.Finished {
			ch <- prometheus.MustNewConstMetric(finished, prometheus.CounterValue, float64(n), m.Method,
				m.Direction.String(), code.String())
		}
		// Prometheus buckets are cumulative and bounded; the last one (unbounded) is the +Inf that the count
		// stands for.
		buckets := map[float64]uint64{}
		var cumulative uint64
		for i, n := range m.LatencyBuckets {
			cumulative += n
			if bound := cxx2go.LatencyBucketBound(i); bound > 0 {
				buckets[bound.Seconds()] = cumulative
			}
		}
		ch <- prometheus.MustNewConstHistogram(latency, m.LatencySamples, m.LatencySum.Seconds(), buckets, labels...)
	}
	ch <- prometheus.MustNewConstMetric(queued, prometheus.GaugeValue, float64(s.ExecutorQueued))
	ch <- prometheus.MustNewConstMetric(ringMsgs, prometheus.CounterValue, float64(ring.ToGo), cxx2go.CppToGo.String())
	ch <- prometheus.MustNewConstMetric(ringMsgs, prometheus.CounterValue, float64(ring.ToCpp), cxx2go.GoToCpp.String())
	ch <- prometheus.MustNewConstMetric(ringWakes, prometheus.CounterValue, float64(ring.GoWakeups), "go")
	ch <- prometheus.MustNewConstMetric(ringWakes, prometheus.CounterValue, float64(ring.CppWakeups), "c++")
	ch <- prometheus.MustNewConstMetric(ringQueue, prometheus.GaugeValue, float64(s.RingToGoQueued), cxx2go.CppToGo.String())
	ch <- prometheus.MustNewConstMetric(ringQueue, prometheus.GaugeValue, float64(s.RingToCppQueued), cxx2go.GoToCpp.String())
	ch <- prometheus.MustNewConstMetric(ringCap, prometheus.GaugeValue, float64(s.RingCapacity))
}
