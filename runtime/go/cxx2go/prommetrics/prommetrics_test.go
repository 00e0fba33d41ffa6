package prommetrics

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
)

// snapshotCollector collects a fixed snapshot, as Collector collects the runtime's.
type snapshotCollector struct {
	*Collector
	s    cxx2go.MetricsSnapshot
	ring cxx2go.RingStat
}

func (c snapshotCollector) Collect(ch chan<- prometheus.Metric) { collectSnapshot(c.s, c.ring, ch) }

func TestASnapshotBecomesPrometheusMetrics(t *testing.T) {
	m := cxx2go.MethodMetrics{
		Method: "shop.Inventory.get", Direction: cxx2go.GoToCpp, Calls: 10, InFlight: 2,
		Finished:     map[cxx2go.Code]uint64{cxx2go.OK: 7, cxx2go.NotFound: 1},
		RequestBytes: 100, ResponseBytes: 50, LatencySamples: 3, LatencySum: 600 * time.Nanosecond,
	}
	m.LatencyBuckets[1] = 1                 // [64 ns, 128 ns)
	m.LatencyBuckets[2] = 2                 // [128 ns, 256 ns)
	reg := prometheus.NewPedanticRegistry() // also checks that Describe announces what Collect sends
	reg.MustRegister(snapshotCollector{Collector: NewCollector(), s: cxx2go.MetricsSnapshot{Enabled: true, Methods: []cxx2go.MethodMetrics{m},
		ExecutorQueued: 4, RingToGoQueued: 7, RingCapacity: 1024}, ring: cxx2go.RingStat{ToGo: 5, ToCpp: 6}})
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, metric := range f.GetMetric() {
			key := f.GetName()
			for _, l := range metric.GetLabel() {
				key += "," + l.GetName() + "=" + l.GetValue()
			}
			switch {
			case metric.Counter != nil:
				got[key] = metric.GetCounter().GetValue()
			case metric.Gauge != nil:
				got[key] = metric.GetGauge().GetValue()
			case metric.Histogram != nil:
				h := metric.GetHistogram()
				got[key+",count"] = float64(h.GetSampleCount())
				for _, b := range h.GetBucket() {
					if b.GetUpperBound() == (128 * time.Nanosecond).Seconds() {
						got[key+",le=128ns"] = float64(b.GetCumulativeCount())
					}
					if b.GetUpperBound() == (256 * time.Nanosecond).Seconds() {
						got[key+",le=256ns"] = float64(b.GetCumulativeCount())
					}
				}
			}
		}
	}
	const labels = ",direction=go->c++,method=shop.Inventory.get"
	for key, want := range map[string]float64{
		"cxx2go_calls_started_total" + labels:                 10,
		"cxx2go_calls_in_flight" + labels:                     2,
		"cxx2go_calls_finished_total,code=ok" + labels:        7,
		"cxx2go_calls_finished_total,code=not_found" + labels: 1,
		"cxx2go_request_bytes_total" + labels:                 100,
		"cxx2go_response_bytes_total" + labels:                50,
		"cxx2go_call_latency_seconds" + labels + ",count":     3,
		"cxx2go_call_latency_seconds" + labels + ",le=128ns":  1,
		"cxx2go_call_latency_seconds" + labels + ",le=256ns":  3,
		"cxx2go_executor_queued_tasks":                        4,
		"cxx2go_ring_messages_total,direction=c++->go":        5,
		"cxx2go_ring_messages_total,direction=go->c++":        6,
		"cxx2go_ring_queued_messages,direction=c++->go":       7,
		"cxx2go_ring_capacity_messages":                       1024,
	} {
		if v, ok := got[key]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", key, v, ok, want)
		}
	}
}
