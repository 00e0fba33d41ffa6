// Package cxx2go is what Go code calls of cxx2go's runtime: Start and Stop in a Go host, and the Error and
// Code of a failed cross-language call. Everything else that calls C++ or serves C++ callers is the code
// generated from a .c2g schema, whose support lives in the package c2gimpl (for generated code only).
//
// The two runtimes, Go and C++, share one state machine held by the C++ side: calls in either direction
// fail with NotStarted before Start and with Stopped after Stop. In a C++ host, C++ starts and stops it.
//
// # Ownership at the boundary
//
// Generated clients borrow their Go arguments for the duration of the call only; C++ copies what it keeps.
// In a Go handler, string arguments are Go-owned copies; []byte and list<number> arguments are views of
// C++ memory, valid until the handler returns (copy them with bytes.Clone or slices.Clone to keep them).
// Everything else a handler receives is Go-owned.
//
// # Failures
//
// A handler's panic reaches C++ as Code Panic with "panic: <value>" (and its stack on stderr); nothing
// unwinds across the boundary. Errors cross as a Code and a message: *Error keeps both, and
// errors.Is(err, context.Canceled) / errors.Is(err, context.DeadlineExceeded) hold for the corresponding
// codes. See docs/design.md.
package cxx2go

import (
	"time"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go/c2gimpl"
)

// Version is the cxx2go release this runtime belongs to; `cxx2go --version` and the C++ runtime's
// CXX2GO_VERSION_STRING say the same.
const Version = c2gimpl.Version

// The pprof labels of the goroutine and the context of a Go handler serving a call from C++: CPU and
// goroutine profiles can be sliced by them (go tool pprof -tagfocus=cxx2go.method=shop.Inventory.get).
// A synchronous handler runs on its caller's goroutine and only its context carries them: pprof.Do(ctx,
// pprof.Labels(), f) applies them to the goroutine (docs/debugging.md, "Labelled profiles").
const (
	LabelService = c2gimpl.LabelService // "package.Service"
	LabelMethod  = c2gimpl.LabelMethod  // "package.Service.method"
	LabelFrom    = c2gimpl.LabelFrom    // "c++": the call came from C++
)

// Options configures Start: the threads of the shared C++ executor and how long waiting threads poll
// before they sleep (see the fields).
type Options = c2gimpl.Options

// Worker says how to run an isolated cpp service's C++ implementation in a worker process of its own
// (Options.Isolate; docs/isolation.md).
type Worker = c2gimpl.Worker

// Start starts the runtime of the process in a Go host. Calls in either direction fail with NotStarted
// before Start and with Stopped after Stop. Starting twice fails.
//
// First it registers the C++ implementations of packages generated with `cxx2go --go_opt=cgo`, calling
// their C++ factories (e.g. shop::make_pricer()); if one fails (it throws, returns null, or registering
// fails) Start returns that error, naming the service and the factory, and starts nothing.
func Start(opts Options) error { return c2gimpl.Start(opts) }

// Stop stops the runtime: new calls are rejected, calls in flight in both directions are cancelled,
// queued ones fail with Stopped, and Stop waits (bounded) for running ones to complete. A stopped
// runtime cannot be started again.
func Stop() error { return c2gimpl.Stop() }

// Error is the error of a failed cross-language call, in either direction: a Code and a message.
// errors.Is(err, context.Canceled) and errors.Is(err, context.DeadlineExceeded) hold for the
// corresponding codes, and an *Error target matches any error with the same Code.
type Error = c2gimpl.Error

// Errorf returns an *Error with the given code and a formatted message. Go handlers return it to choose
// the code the C++ caller sees; any other error reaches C++ as Unknown (or Cancelled/DeadlineExceeded
// for the context errors). A code <= 0 reaches C++ as Unknown with "code N: " before the message.
func Errorf(code Code, format string, args ...any) *Error {
	return c2gimpl.Errorf(code, format, args...)
}

// Code is a status code of a cross-language call: 0..16 are gRPC's canonical codes, 100 and above are
// cxx2go's own. String returns the snake_case name both runtimes use.
type Code = c2gimpl.Code

// CodeOf returns the code C++ would see for err: OK for nil, the Code of an *Error in err's chain,
// Cancelled / DeadlineExceeded for the context errors, and Unknown for anything else, including an
// *Error whose Code is OK or negative.
func CodeOf(err error) Code { return c2gimpl.CodeOf(err) }

// Status codes.
const (
	OK                 = c2gimpl.OK
	Cancelled          = c2gimpl.Cancelled
	Unknown            = c2gimpl.Unknown
	InvalidArgument    = c2gimpl.InvalidArgument
	DeadlineExceeded   = c2gimpl.DeadlineExceeded
	NotFound           = c2gimpl.NotFound
	AlreadyExists      = c2gimpl.AlreadyExists
	PermissionDenied   = c2gimpl.PermissionDenied
	ResourceExhausted  = c2gimpl.ResourceExhausted
	FailedPrecondition = c2gimpl.FailedPrecondition
	Aborted            = c2gimpl.Aborted
	OutOfRange         = c2gimpl.OutOfRange
	Unimplemented      = c2gimpl.Unimplemented
	Internal           = c2gimpl.Internal
	Unavailable        = c2gimpl.Unavailable
	DataLoss           = c2gimpl.DataLoss
	Unauthenticated    = c2gimpl.Unauthenticated
	Panic              = c2gimpl.Panic         // a Go handler panicked; the message carries the panic value
	Exception          = c2gimpl.Exception     // a C++ implementation threw; the message is "<type>: <what()>"
	NotStarted         = c2gimpl.NotStarted    // the runtime has not been started
	Stopped            = c2gimpl.Stopped       // the runtime is stopping or stopped
	UnknownMethod      = c2gimpl.UnknownMethod // no implementation for this method id (not registered, or another schema version)
	Protocol           = c2gimpl.Protocol      // malformed arguments or results
)

// Live counts the calls the Go runtime has in flight (see its fields); next to the C++ runtime's
// cxx2go::live_counts(), it shows that every call has finished.
type Live = c2gimpl.Live

// LiveCounts returns the Go runtime's calls in flight right now.
func LiveCounts() Live { return c2gimpl.LiveCounts() }

// RingStat counts the messages the ring transport carried (docs/ring.md).
type RingStat = c2gimpl.RingStat

// RingStats returns the ring transport's counters: live while it runs, final after Stop, zero if it was
// never attached. Tests use it to prove that calls really went over the ring.
func RingStats() RingStat { return c2gimpl.RingStats() }

// Direction is which way a call goes: CppToGo (a go service's method) or GoToCpp (a cpp service's).
type Direction = c2gimpl.Direction

const (
	CppToGo = c2gimpl.CppToGo
	GoToCpp = c2gimpl.GoToCpp
)

// MethodMetrics are the counts of one method in one direction: calls, in flight, finished by code, bytes
// and a latency histogram (docs/debugging.md, "Metrics").
type MethodMetrics = c2gimpl.MethodMetrics

// MetricsSnapshot is every method's metrics, and the C++ executor's queue.
type MetricsSnapshot = c2gimpl.MetricsSnapshot

// LatencyBucketBound is the exclusive upper bound of bucket i of MethodMetrics.LatencyBuckets (0 for the
// last, unbounded, bucket).
func LatencyBucketBound(i int) time.Duration { return c2gimpl.LatencyBucketBound(i) }

// Metrics returns the per-method counts of the process's calls in both directions, which the C++ runtime
// keeps (off by default: Options.Metrics, SetMetricsEnabled, or CXX2GO_METRICS=1). The packages
// runtime/go/cxx2go/prommetrics and runtime/go/cxx2go/expvarmetrics export them.
func Metrics() (MetricsSnapshot, error) { return c2gimpl.Metrics() }

// LiveCall is a call in flight: method, direction, age, transport, and where it is ("in Go", "queued", or
// "running on thread cxx2go-1 (tid 1234)"); docs/debugging.md, "Live calls".
type LiveCall = c2gimpl.LiveCall

// LiveCalls returns the calls in flight that the runtime keeps a record of, oldest first: asynchronous
// C++ → Go calls until Go completes them, and Go → C++ calls Go can cancel until they are answered. The
// package runtime/go/cxx2go/debughttp serves them, with the metrics, as a page.
func LiveCalls() ([]LiveCall, error) { return c2gimpl.LiveCalls() }

// TracePropagator moves a distributed trace across the boundary in W3C Trace Context form
// (docs/debugging.md, "Trace context"); runtime/go/cxx2go/oteltrace implements it with OpenTelemetry.
type TracePropagator = c2gimpl.TracePropagator

// SetTracePropagator installs p: Go → C++ calls then carry the trace of their ctx (a C++ implementation
// reads it from Context::trace()), and Go handlers of C++ calls get a ctx continuing the C++ caller's
// trace (CallOptions::trace). nil removes it. Oneway and @direct calls carry none.
func SetTracePropagator(p TracePropagator) { c2gimpl.SetTracePropagator(p) }

// SetPropagateLabels makes Go → C++ calls carry the pprof labels of their ctx to the C++ implementation
// (Context::trace()->labels). Off by default: reading a ctx's labels costs every call.
func SetPropagateLabels(on bool) { c2gimpl.SetPropagateLabels(on) }

// SetMetricsEnabled turns the per-method metrics on or off, from the next call on; counts are kept while
// off. Counting costs a call a few nanoseconds: each thread counts in counters of its own.
func SetMetricsEnabled(enabled bool) { c2gimpl.SetMetricsEnabled(enabled) }
