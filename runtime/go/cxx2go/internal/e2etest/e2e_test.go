package e2etest

import (
	"context"
	"errors"
	"expvar"
	"fmt"
	"math"
	"net/http/httptest"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
	"github.com/cxx2go/cxx2go/runtime/go/cxx2go/c2gimpl"
	"github.com/cxx2go/cxx2go/runtime/go/cxx2go/debughttp"
	_ "github.com/cxx2go/cxx2go/runtime/go/cxx2go/expvarmetrics"
	"github.com/cxx2go/cxx2go/runtime/go/cxx2go/prommetrics"
)

// goSvc is the Go implementation of tiny.GoSvc, as a user writes it.
type goSvc struct {
	cpp           *CppSvcClient
	slowCancelled atomic.Int64 // Slow calls that ended because their context did
}

func (s *goSvc) Echo(ctx context.Context, str string) (string, error) {
	if str == "trace" {
		tp, _ := ctx.Value(traceKey{}).(string)
		return "go:trace=" + tp, nil
	}
	if str == "labels" {
		// The handler's pprof labels: its context's, and whether its goroutine carries them.
		method, _ := pprof.Label(ctx, cxx2go.LabelMethod)
		service, _ := pprof.Label(ctx, cxx2go.LabelService)
		from, _ := pprof.Label(ctx, cxx2go.LabelFrom)
		return fmt.Sprintf("%s %s %s goroutine=%v", service, method, from, goroutineLabelled(method)), nil
	}
	if rest, ok := strings.CutPrefix(str, "to-cpp/"); ok {
		// Re-entrancy: a call to C++ while serving a call from C++.
		inner, err := s.cpp.Echo(ctx, rest)
		if err != nil {
			return "", err
		}
		return "go(" + inner + ")", nil
	}
	return "go:" + str, nil
}

func (s *goSvc) Add(_ context.Context, a, b int64) (int64, error) { return a + b, nil }

// testPropagator carries a traceparent in a context value (traceKey), the way an OpenTelemetry propagator
// carries a span (runtime/go/cxx2go/oteltrace tests that one).
type testPropagator struct{}
type traceKey struct{}

func (testPropagator) Inject(ctx context.Context) (string, string) {
	tp, _ := ctx.Value(traceKey{}).(string)
	return tp, ""
}

func (testPropagator) Extract(ctx context.Context, traceparent, _ string) context.Context {
	return context.WithValue(ctx, traceKey{}, traceparent)
}

// goroutineLabelled reports whether the goroutine profile shows the goroutine running goSvc.Echo labelled
// with method.
func goroutineLabelled(method string) bool {
	var b strings.Builder
	if err := pprof.Lookup("goroutine").WriteTo(&b, 1); err != nil {
		return false
	}
	label := fmt.Sprintf("%q:%q", cxx2go.LabelMethod, method)
	for _, record := range strings.Split(b.String(), "\n\n") {
		if strings.Contains(record, "# labels: ") && strings.Contains(record, label) &&
			strings.Contains(record, "(*goSvc).Echo") {
			return true
		}
	}
	return false
}

func (s *goSvc) Fail(_ context.Context, code int32) error {
	if cxx2go.Code(code) == cxx2go.Panic {
		panic("boom")
	}
	return cxx2go.Errorf(cxx2go.Code(code), "go fail %d", code)
}

func (s *goSvc) Slow(ctx context.Context, ms int64) error {
	select {
	case <-time.After(time.Duration(ms) * time.Millisecond):
		return nil
	case <-ctx.Done():
		s.slowCancelled.Add(1)
		return ctx.Err()
	}
}

func (s *goSvc) DirectAdd(ctx context.Context, a, b int64) (int64, error) {
	if _, ok := ctx.Deadline(); ok && a == -1 {
		return 0, cxx2go.Errorf(cxx2go.DeadlineExceeded, "the deadline arrived")
	}
	return a + b, nil
}

func (s *goSvc) DirectMove(_ context.Context, p Point, dx float64) (Point, error) {
	p.X += dx
	p.OnAxis = p.X == 0 || p.Y == 0
	switch {
	case p.OnAxis:
		p.Quadrant = QuadrantNone
	case p.X > 0 && p.Y > 0:
		p.Quadrant = QuadrantFirst
	case p.X < 0 && p.Y > 0:
		p.Quadrant = QuadrantSecond
	case p.X < 0:
		p.Quadrant = QuadrantThird
	default:
		p.Quadrant = QuadrantFourth
	}
	return p, nil
}

func (s *goSvc) DirectLen(_ context.Context, str string, tags []string, b []byte) (uint64, error) {
	n := len(str) + len(b)
	for _, t := range tags {
		n += len(t)
	}
	return uint64(n), nil
}

func (s *goSvc) DirectFail(ctx context.Context, code int32) error { return s.Fail(ctx, code) }

// promptly bounds how long a cancelled or expired call may take to return (generous: the machine is shared).
const promptly = 2 * time.Second

// eventually waits until cond holds, at most 5 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

func wantCode(t *testing.T, err error, code cxx2go.Code) *cxx2go.Error {
	t.Helper()
	var e *cxx2go.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("want an *cxx2go.Error with code %v, got %v", code, err)
	}
	return e
}

func wantOutcome(t *testing.T, o Outcome, code cxx2go.Code) {
	t.Helper()
	if o.Code != code {
		t.Fatalf("C++ got %v (%q), want %v", o.Code, o.Text, code)
	}
}

// ran makes a second run in the same process (go test -count=N) skip: a stopped runtime cannot start again.
var ran atomic.Bool

// The runtime is one per process and its states are ordered (not started → running → stopped), so the
// whole life is one test: before Start, every scenario while running, after Stop.
func TestEndToEnd(t *testing.T) {
	if ran.Swap(true) {
		t.Skip("the runtime of this process was stopped by the first run and cannot be restarted; repeat with separate processes")
	}
	ctx := context.Background()
	cpp := NewCppSvcClient()
	impl := &goSvc{cpp: cpp}

	// Registrations may precede Start (generated code often registers from init()).
	if err := RegisterGoSvc(impl); err != nil {
		t.Fatal(err)
	}
	if code := RegisterCppSvc(); code != cxx2go.OK {
		t.Fatalf("registering the C++ service: %v", code)
	}

	t.Run("before_start", func(t *testing.T) {
		_, err := cpp.Echo(ctx, "x")
		wantCode(t, err, cxx2go.NotStarted)
		_, err = cpp.DirectAdd(ctx, 1, 2)
		wantCode(t, err, cxx2go.NotStarted)
		wantOutcome(t, CppCallsGoEcho("x", false), cxx2go.NotStarted)
		wantOutcome(t, CppCallsGoEcho("x", true), cxx2go.NotStarted)
	})

	if err := cxx2go.Start(cxx2go.Options{ExecutorThreads: 2}); err != nil {
		t.Fatal(err)
	}

	t.Run("go_to_cpp_executor", func(t *testing.T) {
		got, err := cpp.Echo(ctx, "hello")
		if err != nil || got != "cpp:hello" {
			t.Fatalf("Echo = %q, %v", got, err)
		}
		sum, err := cpp.Add(ctx, 40, 2)
		if err != nil || sum != 42 {
			t.Fatalf("Add = %d, %v", sum, err)
		}
	})

	t.Run("go_to_cpp_inline", func(t *testing.T) {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		sum, err := cpp.InlineAdd(ctx, -5, 8)
		if err != nil || sum != 3 {
			t.Fatalf("InlineAdd = %d, %v", sum, err)
		}
		if got, want := LastInlineThread(), ThreadIdentity(); got != want {
			t.Fatalf("@inline method ran on thread %d, the caller is on %d", got, want)
		}
	})

	// @direct methods: Go calls the C++ function of the method, which calls the implementation on this
	// thread; flat arguments and results travel as words, views as views, the rest encoded.
	t.Run("go_to_cpp_direct", func(t *testing.T) {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		sum, err := cpp.DirectAdd(ctx, -5, 8)
		if err != nil || sum != 3 {
			t.Fatalf("DirectAdd = %d, %v", sum, err)
		}
		if got, want := LastInlineThread(), ThreadIdentity(); got != want {
			t.Fatalf("@direct method ran on thread %d, the caller is on %d", got, want)
		}
		if sum, err := cpp.DirectAdd(ctx, math.MinInt64, -1); err != nil || sum != math.MaxInt64 {
			t.Fatalf("DirectAdd(MinInt64, -1) = %d, %v (the words are two's complement)", sum, err)
		}
		for _, c := range []struct {
			in   Point
			dx   float64
			want Point
		}{
			{Point{X: 1.5, Y: 2.25, Quadrant: QuadrantNone}, -3, Point{X: -1.5, Y: 2.25, Quadrant: QuadrantSecond}},
			{Point{X: -1, Y: -0.5, Quadrant: QuadrantFourth, OnAxis: true}, 1, Point{X: 0, Y: -0.5, Quadrant: QuadrantNone, OnAxis: true}},
			{Point{X: 2, Y: float32(math.Inf(-1))}, 1e300, Point{X: 1e300, Y: float32(math.Inf(-1)), Quadrant: QuadrantFourth}},
		} {
			if got, err := cpp.DirectMove(ctx, c.in, c.dx); err != nil || got != c.want {
				t.Fatalf("DirectMove(%+v, %v) = %+v, %v; want %+v", c.in, c.dx, got, err, c.want)
			}
		}
		if n, err := cpp.DirectLen(ctx, "four", []string{"a", "", "xyz"}, []byte{1, 2}); err != nil || n != 10 {
			t.Fatalf("DirectLen = %d, %v", n, err)
		}
		if n, err := cpp.DirectLen(ctx, "", nil, nil); err != nil || n != 0 {
			t.Fatalf("DirectLen of nothing = %d, %v", n, err)
		}
		err = cpp.DirectFail(ctx, int32(cxx2go.OutOfRange))
		wantCode(t, err, cxx2go.OutOfRange)
		if !strings.Contains(err.Error(), "direct failure") {
			t.Fatalf("DirectFail's error %q lacks the implementation's message", err)
		}
		err = cpp.DirectFail(ctx, 0)
		wantCode(t, err, cxx2go.Exception)
		if !strings.Contains(err.Error(), "boom") {
			t.Fatalf("a throwing @direct method's error %q lacks what()", err)
		}
		// The code space at the boundary: a code <= 0 crosses as Unknown, never as OK or PENDING.
		err = cpp.DirectFail(ctx, -1)
		wantCode(t, err, cxx2go.Unknown)
		if !strings.Contains(err.Error(), "code -1") {
			t.Fatalf("DirectFail(-1)'s error %q does not name the code", err)
		}
		// A context that ended is reported before the call; a deadline reaches C++ (Context) but is not
		// enforced during the call.
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, err = cpp.DirectAdd(cancelled, 1, 2)
		wantCode(t, err, cxx2go.Cancelled)
		timed, cancelTimed := context.WithTimeout(ctx, time.Hour)
		defer cancelTimed()
		if sum, err := cpp.DirectAdd(timed, 1, 2); err != nil || sum != 3 {
			t.Fatalf("DirectAdd with a deadline = %d, %v", sum, err)
		}
	})

	// @direct go methods: C++ calls Go's direct handler of the method on its thread, found by id.
	t.Run("cpp_to_go_direct", func(t *testing.T) {
		if o := CppCallsGoDirectAdd(40, 2, 0); o.Code != cxx2go.OK || o.Value != 42 {
			t.Fatalf("direct_add = %+v", o)
		}
		if o := CppCallsGoDirectAdd(-1, 2, 0); o.Code != cxx2go.OK || o.Value != 1 {
			t.Fatalf("direct_add without a deadline = %+v", o)
		}
		wantOutcome(t, CppCallsGoDirectAdd(-1, 2, time.Hour), cxx2go.DeadlineExceeded) // the deadline reached Go
		o := CppCallsGoDirectMove(Point{X: 1.5, Y: 2.25, Quadrant: QuadrantThird}, -3)
		if o.Code != cxx2go.OK || o.Text != "-1.500000 2.250000 2 0" {
			t.Fatalf("direct_move = %+v", o)
		}
		if o := CppCallsGoDirectLen("four"); o.Code != cxx2go.OK || o.Value != 10 {
			t.Fatalf("direct_len = %+v", o)
		}
		if o := CppCallsGoDirectLen(""); o.Code != cxx2go.OK || o.Value != 6 {
			t.Fatalf("direct_len of an empty string = %+v", o)
		}
		o = CppCallsGoDirectFail(int32(cxx2go.NotFound))
		wantOutcome(t, o, cxx2go.NotFound)
		if !strings.Contains(o.Text, "go fail 5") {
			t.Fatalf("direct_fail's message: %q", o.Text)
		}
		o = CppCallsGoDirectFail(int32(cxx2go.Panic))
		wantOutcome(t, o, cxx2go.Panic)
		if !strings.Contains(o.Text, "boom") {
			t.Fatalf("a panicking direct handler's message: %q", o.Text)
		}
		wantOutcome(t, CppCallsGoDirectFail(-3), cxx2go.Unknown) // the code space at the boundary
	})

	t.Run("go_to_cpp_direct_allocates_nothing", func(t *testing.T) {
		if raceEnabled {
			t.Skip("with -race, allocations cannot be counted (see go_to_cpp_inline_view_allocates_nothing)")
		}
		p := Point{X: 1, Y: 1}
		allocs := testing.AllocsPerRun(1000, func() {
			if _, err := cpp.DirectAdd(ctx, 1, 2); err != nil {
				t.Fatal(err)
			}
			if _, err := cpp.DirectMove(ctx, p, 1); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Fatalf("%v allocations per pair of @direct calls, want 0", allocs)
		}
	})

	// A string argument travels as a view of the caller's memory, which generated code builds in an array
	// on its stack: nothing on the @inline path may make it escape to the heap (an interface call did).
	t.Run("go_to_cpp_inline_view_allocates_nothing", func(t *testing.T) {
		if raceEnabled {
			t.Skip("with -race, sync.Pool drops pooled objects at random: allocations cannot be counted")
		}
		s := strings.Repeat("x", 16)
		allocs := testing.AllocsPerRun(1000, func() {
			if n, err := cpp.InlineLen(ctx, s); err != nil || n != 16 {
				t.Fatalf("InlineLen = %d, %v", n, err)
			}
		})
		if allocs != 0 {
			t.Fatalf("%v allocations per @inline call with a string argument, want 0", allocs)
		}
	})

	t.Run("go_to_cpp_large_and_empty_strings", func(t *testing.T) {
		big := strings.Repeat("0123456789", 100_000)
		got, err := cpp.Echo(ctx, big)
		if err != nil || got != "cpp:"+big {
			t.Fatalf("Echo of 1 MB: %d bytes, %v", len(got), err)
		}
		if got, err := cpp.Echo(ctx, ""); err != nil || got != "cpp:" {
			t.Fatalf("Echo(\"\") = %q, %v", got, err)
		}
	})

	t.Run("go_to_cpp_many_views", func(t *testing.T) {
		// Six views: the runtime pins them instead of using a fixed-arity wrapper. The C++ side copies them
		// (the method runs on the executor), keeping each list aligned for its element type.
		got, err := cpp.Join(ctx, 7, "a", []byte{0xca, 0xfe}, []int32{-1, 2}, []float64{0.5, -2.25}, "", []uint16{65535, 0})
		if want := "7|a|cafe|-1,2|0.500000,-2.250000||65535,0"; err != nil || got != want {
			t.Fatalf("Join = %q, %v; want %q", got, err, want)
		}
		got, err = cpp.Join(ctx, 0, "", nil, nil, nil, "e", nil)
		if err != nil || got != "0|||||e|" {
			t.Fatalf("Join of empty views = %q, %v", got, err)
		}
	})

	t.Run("cpp_to_go_sync_and_async", func(t *testing.T) {
		for _, async := range []bool{false, true} {
			if o := CppCallsGoEcho("from C++", async); o.Code != cxx2go.OK || o.Text != "go:from C++" {
				t.Fatalf("async=%v: echo: %+v", async, o)
			}
			if o := CppCallsGoAdd(1<<40, 1, async); o.Code != cxx2go.OK || o.Value != 1<<40+1 {
				t.Fatalf("async=%v: add: %+v", async, o)
			}
		}
	})

	t.Run("trace_context", func(t *testing.T) {
		const tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
		traced := context.WithValue(ctx, traceKey{}, tp)
		if s, err := cpp.Echo(traced, "trace"); err != nil || s != "cpp:none" {
			t.Fatalf("without a propagator: %q, %v", s, err)
		}
		cxx2go.SetTracePropagator(testPropagator{})
		defer cxx2go.SetTracePropagator(nil)
		// Go → C++, and from there back to Go with the trace continued (CallOptions::trace).
		if s, err := cpp.Echo(traced, "trace"); err != nil || s != "cpp:"+tp+"|" {
			t.Errorf("Go → C++: %q, %v", s, err)
		}
		if s, err := cpp.Echo(traced, "to-go-traced/trace"); err != nil || s != "cpp(go:trace="+tp+")" {
			t.Errorf("Go → C++ → Go: %q, %v", s, err)
		}
		if s, err := cpp.Echo(ctx, "to-go-traced/trace"); err != nil || s != "cpp(go:trace=)" {
			t.Errorf("without a trace: %q, %v", s, err)
		}
		// The pprof labels of the caller's ctx, once asked for.
		cxx2go.SetPropagateLabels(true)
		defer cxx2go.SetPropagateLabels(false)
		labelled := pprof.WithLabels(traced, pprof.Labels("tenant", "acme"))
		if s, err := cpp.Echo(labelled, "trace"); err != nil || s != "cpp:"+tp+"|tenant=acme," {
			t.Errorf("labels: %q, %v", s, err)
		}
		// The views of the arguments are still right when a trace context follows them.
		if n, err := cpp.InlineLen(labelled, "four"); err != nil || n != 4 {
			t.Errorf("inline_len with a trace context: %v, %v", n, err)
		}
	})

	t.Run("cpp_to_go_labels", func(t *testing.T) {
		// An asynchronous call's goroutine is the runtime's, labelled; a synchronous one runs on the calling
		// C++ thread's goroutine, and only its context carries the labels.
		for _, async := range []bool{false, true} {
			want := fmt.Sprintf("tiny.GoSvc tiny.GoSvc.echo c++ goroutine=%v", async)
			if o := CppCallsGoEcho("labels", async); o.Code != cxx2go.OK || o.Text != want {
				t.Errorf("async=%v: %+v, want %q", async, o, want)
			}
		}
	})

	t.Run("metrics", func(t *testing.T) {
		cxx2go.SetMetricsEnabled(true)
		defer cxx2go.SetMetricsEnabled(false)
		find := func(s cxx2go.MetricsSnapshot, method string, d cxx2go.Direction) cxx2go.MethodMetrics {
			for _, m := range s.Methods {
				if m.Method == method && m.Direction == d {
					return m
				}
			}
			return cxx2go.MethodMetrics{}
		}
		before, err := cxx2go.Metrics()
		if err != nil || !before.Enabled {
			t.Fatalf("metrics: %+v, %v", before, err)
		}
		for range 5 {
			if _, err := cpp.Add(ctx, 1, 2); err != nil {
				t.Fatal(err)
			}
			if _, err := cpp.InlineAdd(ctx, 1, 2); err != nil {
				t.Fatal(err)
			}
		}
		wantCode(t, cpp.Fail(ctx, int32(cxx2go.NotFound)), cxx2go.NotFound)
		if o := CppCallsGoEcho("counted", true); o.Code != cxx2go.OK {
			t.Fatalf("echo: %+v", o)
		}
		after, err := cxx2go.Metrics()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			method string
			d      cxx2go.Direction
			calls  uint64
			code   cxx2go.Code
		}{
			{"tiny.CppSvc.add", cxx2go.GoToCpp, 5, cxx2go.OK},
			{"tiny.CppSvc.inline_add", cxx2go.GoToCpp, 5, cxx2go.OK},
			{"tiny.CppSvc.fail", cxx2go.GoToCpp, 1, cxx2go.NotFound},
			{"tiny.GoSvc.echo", cxx2go.CppToGo, 1, cxx2go.OK},
		} {
			a, b := find(after, c.method, c.d), find(before, c.method, c.d)
			if a.Calls-b.Calls != c.calls || a.Finished[c.code]-b.Finished[c.code] != c.calls || a.InFlight != 0 {
				t.Errorf("%s %v: %+v, before %+v; want %d more calls finished %v", c.method, c.d, a, b, c.calls, c.code)
			}
		}
		if m := find(after, "tiny.GoSvc.echo", cxx2go.CppToGo); m.RequestBytes == 0 || m.ResponseBytes == 0 {
			t.Errorf("echo's bytes were not counted: %+v", m)
		}
		if ring := cxx2go.RingStats(); ring.Attached && after.RingCapacity == 0 {
			t.Errorf("the rings run but the snapshot has no ring capacity: %+v", after)
		}
		// The exporters see the same numbers.
		if v := expvar.Get("cxx2go"); v == nil || !strings.Contains(v.String(), `"method":"tiny.CppSvc.add"`) {
			t.Errorf("expvar cxx2go: %v", v)
		}
		reg := prometheus.NewPedanticRegistry()
		reg.MustRegister(prommetrics.NewCollector())
		families, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		var started float64
		for _, f := range families {
			for _, m := range f.GetMetric() {
				for _, l := range m.GetLabel() {
					if f.GetName() == "cxx2go_calls_started_total" && l.GetName() == "method" && l.GetValue() == "tiny.CppSvc.add" {
						started = m.GetCounter().GetValue()
					}
				}
			}
		}
		if want := float64(find(after, "tiny.CppSvc.add", cxx2go.GoToCpp).Calls); started < want {
			t.Errorf("prometheus: cxx2go_calls_started_total{method=tiny.CppSvc.add} = %v, want >= %v", started, want)
		}
	})

	t.Run("live_calls", func(t *testing.T) {
		// A call wedged on the executor (CppSvc.slow) shows in the live view until its context ends.
		slowCtx, cancelSlow := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- cpp.Slow(slowCtx, 60_000) }()
		var live []cxx2go.LiveCall
		for range 1000 {
			var err error
			if live, err = cxx2go.LiveCalls(); err != nil {
				t.Fatal(err)
			}
			if len(live) == 1 && strings.HasPrefix(live[0].Where, "running on thread cxx2go-") {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
		if len(live) != 1 || live[0].Method != "tiny.CppSvc.slow" || live[0].Direction != cxx2go.GoToCpp ||
			live[0].Transport != "cgo" || !strings.HasPrefix(live[0].Where, "running on thread cxx2go-") {
			t.Errorf("live calls: %+v", live)
		}
		rec := httptest.NewRecorder()
		debughttp.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/debug/cxx2go", nil))
		if body := rec.Body.String(); !strings.Contains(body, "calls in flight: 1") ||
			!strings.Contains(body, "tiny.CppSvc.slow") {
			t.Errorf("debug page:\n%s", body)
		}
		cancelSlow()
		if err := <-done; cxx2go.CodeOf(err) != cxx2go.Cancelled {
			t.Errorf("slow: %v", err)
		}
	})

	t.Run("errors_go_to_cpp", func(t *testing.T) {
		e := wantCode(t, cpp.Fail(ctx, int32(cxx2go.NotFound)), cxx2go.NotFound)
		if e.Message != "cpp fail 5" {
			t.Fatalf("message %q", e.Message)
		}
		// Codes that mean cancellation still read as the context errors.
		if err := cpp.Fail(ctx, int32(cxx2go.DeadlineExceeded)); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("a deadline_exceeded error is not context.DeadlineExceeded: %v", err)
		}
	})

	t.Run("errors_cpp_to_go", func(t *testing.T) {
		for _, async := range []bool{false, true} {
			o := CppCallsGoFail(int32(cxx2go.PermissionDenied), async)
			if o.Code != cxx2go.PermissionDenied || o.Text != "go fail 7" {
				t.Fatalf("async=%v: %+v", async, o)
			}
		}
	})

	t.Run("go_panic_becomes_code_panic", func(t *testing.T) {
		for _, async := range []bool{false, true} {
			o := CppCallsGoFail(int32(cxx2go.Panic), async)
			if o.Code != cxx2go.Panic || o.Text != "panic: boom" {
				t.Fatalf("async=%v: %+v", async, o)
			}
		}
	})

	t.Run("cpp_exception_becomes_code_exception", func(t *testing.T) {
		e := wantCode(t, cpp.Throws(ctx), cxx2go.Exception)
		if e.Message != "std::runtime_error: boom" {
			t.Fatalf("message %q", e.Message)
		}
	})

	t.Run("cancel_go_to_cpp", func(t *testing.T) {
		before := CppSlowCancelled()
		cctx, cancel := context.WithCancel(ctx)
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		err := cpp.Slow(cctx, 60_000)
		if !errors.Is(err, context.Canceled) || time.Since(start) > promptly {
			t.Fatalf("Slow after cancel: %v after %v", err, time.Since(start))
		}
		wantCode(t, err, cxx2go.Cancelled)
		eventually(t, "the C++ implementation saw its stop token", func() bool { return CppSlowCancelled() == before+1 })
	})

	t.Run("deadline_go_to_cpp", func(t *testing.T) {
		before := CppSlowCancelled()
		dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := cpp.Slow(dctx, 60_000)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > promptly {
			t.Fatalf("Slow past its deadline: %v after %v", err, time.Since(start))
		}
		wantCode(t, err, cxx2go.DeadlineExceeded)
		eventually(t, "the C++ implementation saw its stop token", func() bool { return CppSlowCancelled() == before+1 })
		// A context that already ended fails without crossing.
		if err := cpp.Slow(dctx, 1); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("call with an expired context: %v", err)
		}
	})

	t.Run("cancel_cpp_to_go", func(t *testing.T) {
		before := impl.slowCancelled.Load()
		o := CppCallsGoSlow(60_000, 0, 50*time.Millisecond, true)
		wantOutcome(t, o, cxx2go.Cancelled)
		if o.Elapsed > promptly {
			t.Fatalf("the cancelled Future resolved after %v", o.Elapsed)
		}
		eventually(t, "the Go handler saw its context end", func() bool { return impl.slowCancelled.Load() == before+1 })
	})

	t.Run("deadline_cpp_to_go", func(t *testing.T) {
		for _, async := range []bool{false, true} {
			before := impl.slowCancelled.Load()
			o := CppCallsGoSlow(60_000, 50*time.Millisecond, 0, async)
			wantOutcome(t, o, cxx2go.DeadlineExceeded)
			if o.Elapsed > promptly {
				t.Fatalf("async=%v: the call returned after %v", async, o.Elapsed)
			}
			eventually(t, "the Go handler saw its deadline", func() bool { return impl.slowCancelled.Load() == before+1 })
		}
	})

	t.Run("unknown_method", func(t *testing.T) {
		stale := c2gimpl.NewMethod(0xfedcba9876543210, "tiny.CppSvc.echo", 0)
		_, err := c2gimpl.CallCpp(ctx, stale, c2gimpl.GetEncoder(), []c2gimpl.View{c2gimpl.StringView("x")})
		e := wantCode(t, err, cxx2go.UnknownMethod)
		if !strings.Contains(e.Message, "tiny.CppSvc.echo") || !strings.Contains(e.Message, "different schema version") {
			t.Fatalf("message %q", e.Message)
		}
		o := CppCallsUnknownGoMethod()
		wantOutcome(t, o, cxx2go.UnknownMethod)
		if !strings.Contains(o.Text, "tiny.GoSvc.echo") {
			t.Fatalf("message %q", o.Text)
		}
	})

	t.Run("reentrancy", func(t *testing.T) {
		// Go → C++ → Go → C++ → Go: each side calls the other while serving a call from it.
		got, err := cpp.Echo(ctx, "to-go/to-cpp/to-go/hi")
		if err != nil || got != "cpp(go(cpp(go:hi)))" {
			t.Fatalf("Echo = %q, %v", got, err)
		}
		// C++ → Go → C++ → Go → C++, started by C++ code, synchronously and asynchronously.
		for _, async := range []bool{false, true} {
			if o := CppCallsGoEcho("to-cpp/to-go/to-cpp/hi", async); o.Code != cxx2go.OK || o.Text != "go(cpp(go(cpp:hi)))" {
				t.Fatalf("async=%v: %+v", async, o)
			}
		}
	})

	t.Run("concurrent_calls_both_ways", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make(chan string, 64)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range 25 {
					switch j % 3 {
					case 0:
						if got, err := cpp.Echo(ctx, "to-go/x"); err != nil || got != "cpp(go:x)" {
							errs <- "Echo: " + got
						}
					case 1:
						if sum, err := cpp.InlineAdd(ctx, int64(i), int64(j)); err != nil || sum != int64(i+j) {
							errs <- "InlineAdd"
						}
					case 2:
						if o := CppCallsGoAdd(int64(i), int64(j), j%2 == 0); o.Code != cxx2go.OK || o.Value != int64(i+j) {
							errs <- "C++ calling Add"
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
	})

	t.Run("unregistered_services", func(t *testing.T) {
		if err := UnregisterGoSvc(); err != nil {
			t.Fatal(err)
		}
		wantOutcome(t, CppCallsGoEcho("x", false), cxx2go.UnknownMethod)
		if err := RegisterGoSvc(impl); err != nil {
			t.Fatal(err)
		}
		if code := UnregisterCppSvc(); code != cxx2go.OK {
			t.Fatal(code)
		}
		_, err := cpp.Echo(ctx, "x")
		wantCode(t, err, cxx2go.UnknownMethod)
		_, err = cpp.DirectAdd(ctx, 1, 2) // its C++ function is known by now: it finds no implementation
		wantCode(t, err, cxx2go.UnknownMethod)
		if code := RegisterCppSvc(); code != cxx2go.OK {
			t.Fatal(code)
		}
		if sum, err := cpp.DirectAdd(ctx, 1, 2); err != nil || sum != 3 {
			t.Fatalf("DirectAdd after registering again = %d, %v", sum, err)
		}
	})

	t.Run("nothing_left_alive", func(t *testing.T) {
		eventually(t, "no call or record is alive", func() bool {
			o, i, r := LiveCounts()
			return o == 0 && i == 0 && r == 0
		})
	})

	if err := cxx2go.Stop(); err != nil {
		t.Fatal(err)
	}

	t.Run("after_stop", func(t *testing.T) {
		_, err := cpp.Echo(ctx, "x")
		wantCode(t, err, cxx2go.Stopped)
		if _, err := cpp.DirectAdd(ctx, 1, 2); cxx2go.CodeOf(err) != cxx2go.Stopped {
			t.Fatalf("DirectAdd after Stop: %v", err)
		}
		if _, err := cpp.InlineAdd(ctx, 1, 2); cxx2go.CodeOf(err) != cxx2go.Stopped {
			t.Fatalf("InlineAdd after Stop: %v", err)
		}
		wantOutcome(t, CppCallsGoEcho("x", false), cxx2go.Stopped)
		wantOutcome(t, CppCallsGoEcho("x", true), cxx2go.Stopped)
		if err := cxx2go.Start(cxx2go.Options{}); cxx2go.CodeOf(err) != cxx2go.Stopped {
			t.Fatalf("Start after Stop: %v", err)
		}
	})
}
