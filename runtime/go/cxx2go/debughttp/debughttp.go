// Package debughttp serves cxx2go's view of the boundary as a plain-text page, in the spirit of
// net/http/pprof: the calls in flight, oldest first, with the thread running each, and the per-method
// metrics when they are enabled (docs/debugging.md).
//
//	http.Handle("/debug/cxx2go", debughttp.Handler())
package debughttp

import (
	"fmt"
	"io"
	"net/http"
	"text/tabwriter"
	"time"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
)

// Handler returns the page's handler.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := Write(w); err != nil {
			fmt.Fprintf(w, "\nerror: %v\n", err)
		}
	})
}

// Write writes the page to w.
func Write(w io.Writer) error {
	calls, err := cxx2go.LiveCalls()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "calls in flight: %d (oldest first)\n", len(calls))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range calls {
		fmt.Fprintf(tw, "  %v\t%v\t%s\tcall %d\tover %s\t%s\n", c.Age.Round(time.Microsecond), c.Direction, c.Method,
			c.CallID, c.Transport, c.Where)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	m, err := cxx2go.Metrics()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nmetrics (enabled: %v; executor queue: %d)\n", m.Enabled, m.ExecutorQueued)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  method\tdirection\tcalls\tin flight\tfailed\tmean latency\trequest bytes\tresponse bytes")
	for _, mm := range m.Methods {
		var failed uint64
		for code, n := range mm.Finished {
			if code != cxx2go.OK {
				failed += n
			}
		}
		mean := "-"
		if mm.LatencySamples > 0 {
			mean = (mm.LatencySum / time.Duration(mm.LatencySamples)).String()
		}
		fmt.Fprintf(tw, "  %s\t%v\t%d\t%d\t%d\t%s\t%d\t%d\n", mm.Method, mm.Direction, mm.Calls, mm.InFlight, failed,
			mean, mm.RequestBytes, mm.ResponseBytes)
	}
	return tw.Flush()
}
