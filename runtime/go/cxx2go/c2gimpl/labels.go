package c2gimpl

import (
	"context"
	"runtime/pprof"
)

// The pprof labels of a Go handler serving a call from C++ (docs/debugging.md, "Labelled profiles"): CPU
// and goroutine profiles can then be sliced by method (`go tool pprof -tagfocus`, -tagshow).
const (
	LabelService = "cxx2go.service" // "package.Service"
	LabelMethod  = "cxx2go.method"  // "package.Service.method"
	LabelFrom    = "cxx2go.from"    // where the call came from: "c++"
)

// setLabels makes the contexts m's calls derive from, once, at registration: a call then costs no label
// allocation. The goroutine an asynchronous or oneway call runs on is labelled too (serveCall); a
// synchronous call runs on its caller's goroutine, whose labels stay the caller's, and its context carries
// the labels (pprof.Do(ctx, …) applies them).
func (m *MethodDesc) setLabels(service string) {
	m.labels = pprof.WithLabels(context.Background(), pprof.Labels(LabelService, service, LabelMethod, m.Name, LabelFrom, "c++"))
	m.syncCtx = pprof.WithLabels(rootSyncCtx, pprof.Labels(LabelService, service, LabelMethod, m.Name, LabelFrom, "c++"))
	m.onewayCtx = pprof.WithLabels(rootCtx, pprof.Labels(LabelService, service, LabelMethod, m.Name, LabelFrom, "c++"))
}
