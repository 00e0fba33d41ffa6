package goimpl

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
	"github.com/cxx2go/cxx2go/runtime/go/cxx2go/c2gimpl"
	e2e "github.com/cxx2go/cxx2go/tests/gen/e2e"
)

// Check is one named check of the Go battery: Go calling the C++ implementation of e2e.CppSide. Run
// returns nil when the check passed.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// LiveCounts, when the host sets it, reports the C++ runtime's count of C++ → Go calls and of Go → C++
// calls alive (cxx2go::live_counts()). Checks use it to observe that a cancelled C++ implementation
// really stopped; without it they skip that part.
var LiveCounts func() (outgoing, incoming uint64)

// CheckTimeout bounds each check: a check that hangs fails instead of blocking its host.
const CheckTimeout = 60 * time.Second

// promptly is how long a cancelled or expired call may take to return: generous, only a watchdog.
const promptly = 10 * time.Second

// Battery returns the checks of the Go battery. No name is a substring of another, so that a host can
// select exactly one check by its name through the RunChecks filter.
func Battery() []Check {
	return []Check{
		{"echo_full", checkEcho(FullEverything)},
		{"echo_zero", checkEcho(func() e2e.Everything { return e2e.Everything{} })},
		{"echo_large", checkEcho(LargeEverything)},
		{"concat_views", checkConcat("héllo | wörld", []byte{0, 1, 0x7f, 0xff},
			[]int32{math.MinInt32, -1, 0, 7, math.MaxInt32}, []float64{-1.5, 0, 3.25, 1e10, -0.125})},
		{"concat_empty_views", checkConcat("", nil, nil, nil)},
		{"concat_nonnil_empty", checkConcat("", []byte{}, []int32{}, []float64{})},
		{"concat_large", checkConcat(strings.Repeat("é", 1000), Pattern(MiB, 0x33), rangeInt32(1000), rangeFloat64(100))},
		{"fail_code_message", checkFail},
		{"code_space_executor", checkCodeSpace("Fail", cpp.Fail)},
		{"code_space_inline", checkCodeSpace("FailInline", cpp.FailInline)},
		{"code_space_direct", checkCodeSpace("FailDirect", cpp.FailDirect)},
		{"nesting_limit_cpp", checkNestingLimit},
		{"throw_std_exception", checkThrowStd},
		{"throw_int_exception", checkThrowInt},
		{"sleep_short", checkSleepShort},
		{"sleep_cancel", checkSleepCancel},
		{"sleep_deadline", checkSleepDeadline},
		{"deadline_propagated", checkDeadlinePropagated},
		{"deadline_absent", checkDeadlineAbsent},
		{"plain_twice", checkTwice},
		{"async_twice_coroutine", checkAsyncTwice},
		{"call_go_reentrant", checkCallGo},
		{"inline_add", checkInlineAdd},
		{"inline_concat", checkInlineConcat},
		{"direct_add", checkDirectAdd},
		{"direct_sizes", checkDirectSizes},
		{"direct_digest", checkDirectDigest},
		{"executor_thread", checkExecutorThread},
		{"affine_thread", checkAffineThread},
		{"notify_oneway", checkNotify},
		{"unknown_method", checkUnknownMethod},
		{"concurrent_calls", checkConcurrentCalls},
		{"ctxcause_cpp_deadline", checkCauseDeadline},
		{"ctxcause_cpp_cancel", checkCauseCancel},
		{"nested_stop_sync", checkNestedStop(false)},
		{"nested_stop_async", checkNestedStop(true)},
		{"nested_expiry_sync", checkNestedExpiry(false)},
		{"nested_expiry_async", checkNestedExpiry(true)},
		{"nested_reentry_saturated", checkReentrySaturated},
	}
}

// RunChecks runs, one after the other, the checks whose names contain filter, each bounded by
// CheckTimeout, and reports each one's outcome (an empty Failure when it passed). A panicking check
// fails; it does not crash the host.
func RunChecks(ctx context.Context, filter string) []e2e.CheckResult {
	var out []e2e.CheckResult
	for _, c := range Battery() {
		if !strings.Contains(c.Name, filter) {
			continue
		}
		r := e2e.CheckResult{Name: c.Name}
		if err := RunCheck(ctx, c); err != nil {
			r.Failure = err.Error()
		}
		out = append(out, r)
	}
	return out
}

// RunCheck runs one check with CheckTimeout, turning a panic into an error.
func RunCheck(ctx context.Context, c Check) (err error) {
	ctx, cancel := context.WithTimeout(ctx, CheckTimeout)
	defer cancel()
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("check %s panicked: %v\n%s", c.Name, v, debug.Stack())
		}
	}()
	return c.Run(ctx)
}

var cpp = e2e.NewCppSideClient()

func checkEcho(value func() e2e.Everything) func(context.Context) error {
	return func(ctx context.Context) error {
		got, err := cpp.Echo(ctx, value())
		if err != nil {
			return fmt.Errorf("Echo: %w", err)
		}
		if d := Diff(value(), got); d != "" {
			return fmt.Errorf("Echo returned a different value: %s", d)
		}
		return nil
	}
}

func checkConcat(text string, blob []byte, numbers []int32, doubles []float64) func(context.Context) error {
	return func(ctx context.Context) error {
		want := ConcatFormat(text, blob, numbers, doubles)
		got, err := cpp.Concat(ctx, text, blob, numbers, doubles)
		if err != nil {
			return fmt.Errorf("Concat: %w", err)
		}
		if got != want {
			return fmt.Errorf("Concat: want %s, got %s", abbreviate(want), abbreviate(got))
		}
		return nil
	}
}

func rangeInt32(n int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = int32(i*7919 - n)
	}
	return s
}

func rangeFloat64(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = float64(i)*0.25 - 3
	}
	return s
}

// wantCode checks that err is an *cxx2go.Error with the given code.
func wantCode(err error, code cxx2go.Code) (*cxx2go.Error, error) {
	if err == nil {
		return nil, fmt.Errorf("want an error with code %v, got success", code)
	}
	var e *cxx2go.Error
	if !errors.As(err, &e) {
		return nil, fmt.Errorf("want a *cxx2go.Error with code %v, got %T: %v", code, err, err)
	}
	if e.Code != code {
		return e, fmt.Errorf("want code %v, got %v (%q)", code, e.Code, e.Message)
	}
	return e, nil
}

func checkFail(ctx context.Context) error {
	for _, tc := range []struct {
		code cxx2go.Code
		msg  string
	}{
		{cxx2go.InvalidArgument, "bad argument"},
		{cxx2go.NotFound, "no such thing: ünïcödé"},
		{cxx2go.Unauthenticated, ""},
		{cxx2go.Internal, strings.Repeat("long message ", 100)},
		{cxx2go.Code(42), "a code abi.h does not define is carried through"},
	} {
		err := cpp.Fail(ctx, int32(tc.code), tc.msg)
		e, werr := wantCode(err, tc.code)
		if werr != nil {
			return fmt.Errorf("Fail(%d): %w", tc.code, werr)
		}
		if e.Message != tc.msg {
			return fmt.Errorf("Fail(%d): want message %s, got %s", tc.code, abbreviate(tc.msg), abbreviate(e.Message))
		}
		if !errors.Is(err, &cxx2go.Error{Code: tc.code}) {
			return fmt.Errorf("Fail(%d): errors.Is(err, &Error{Code}) is false", tc.code)
		}
	}
	return nil
}

// CodeSpaceCases are the error codes at the edges of the code space at the boundary (docs/design.md):
// numbers a user may put in an error, with the code and message the other side must see. Code 0 is not
// among them: its meaning differs before the boundary (a C++ Result<void> built from it is a success).
func CodeSpaceCases() []struct {
	Code, WantCode cxx2go.Code
	Message, Want  string
} {
	type c = struct {
		Code, WantCode cxx2go.Code
		Message, Want  string
	}
	cases := []c{
		{-1, cxx2go.Unknown, "x", "code -1: x"}, // CXX2GO_PENDING
		{math.MinInt32, cxx2go.Unknown, "x", "code -2147483648: x"},
		{-2, cxx2go.Unknown, "", "code -2"},
		{math.MaxInt32, math.MaxInt32, "max", "max"},
	}
	for _, code := range []cxx2go.Code{cxx2go.Panic, cxx2go.Exception, cxx2go.NotStarted, cxx2go.Stopped,
		cxx2go.UnknownMethod, cxx2go.Protocol, cxx2go.Cancelled, cxx2go.DeadlineExceeded} {
		cases = append(cases, c{code, code, "forwarded " + code.String(), "forwarded " + code.String()})
	}
	return cases
}

// checkCodeSpace calls a C++ implementation that fails with each CodeSpaceCases code. A code the runtime
// uses as a reply sentinel must not reach Go as one: each call must end promptly with the mapped error.
func checkCodeSpace(name string, fail func(context.Context, int32, string) error) func(context.Context) error {
	return func(ctx context.Context) error {
		for _, tc := range CodeSpaceCases() {
			callCtx, cancel := context.WithTimeout(ctx, promptly)
			err := fail(callCtx, int32(tc.Code), tc.Message)
			cancel()
			e, werr := wantCode(err, tc.WantCode)
			if werr != nil {
				return fmt.Errorf("%s(%d): %w", name, int32(tc.Code), werr)
			}
			if e.Message != tc.Want {
				return fmt.Errorf("%s(%d): want message %q, got %q", name, int32(tc.Code), tc.Want, e.Message)
			}
		}
		// The runtime still serves calls afterwards (a wedged executor thread would not).
		if got, err := cpp.Twice(ctx, 21); err != nil || got != 42 {
			return fmt.Errorf("Twice after %s: %d, %v", name, got, err)
		}
		return nil
	}
}

// NestedNode returns a Node whose deepest value lies `levels` levels below it (docs/wire-format.md),
// through Next (optional<Node>) or through Children (list<Node>).
func NestedNode(levels int, viaList bool) e2e.Node {
	var n e2e.Node
	for range levels {
		inner := n
		n = e2e.Node{}
		if viaList {
			n.Children = []e2e.Node{inner}
		} else {
			n.Next = &inner
		}
	}
	return n
}

// checkNestingLimit sends values exactly as deep as the C++ decoder accepts, and one level deeper.
func checkNestingLimit(ctx context.Context) error {
	const limit = 1000
	for _, viaList := range []bool{false, true} {
		v := e2e.Everything{Tree: NestedNode(limit, viaList)}
		got, err := cpp.Echo(ctx, v)
		if err != nil {
			return fmt.Errorf("Echo %d levels (via list: %v): %w", limit, viaList, err)
		}
		if d := Diff(v, got); d != "" {
			return fmt.Errorf("Echo %d levels (via list: %v) returned a different value: %s", limit, viaList, d)
		}
		_, err = cpp.Echo(ctx, e2e.Everything{Tree: NestedNode(limit+1, viaList)})
		e, werr := wantCode(err, cxx2go.Protocol)
		if werr != nil {
			return fmt.Errorf("Echo %d levels (via list: %v): %w", limit+1, viaList, werr)
		}
		if !strings.Contains(e.Message, "values nested more than 1000 levels deep") {
			return fmt.Errorf("Echo %d levels (via list: %v): unexpected message %q", limit+1, viaList, e.Message)
		}
	}
	return nil
}

func checkThrowStd(ctx context.Context) error {
	e, err := wantCode(cpp.ThrowStd(ctx, "boom"), cxx2go.Exception)
	if err != nil {
		return fmt.Errorf("ThrowStd: %w", err)
	}
	if want := "std::runtime_error: boom"; e.Message != want {
		return fmt.Errorf("ThrowStd: want message %q, got %q", want, e.Message)
	}
	return nil
}

func checkThrowInt(ctx context.Context) error {
	e, err := wantCode(cpp.ThrowInt(ctx, 7), cxx2go.Exception)
	if err != nil {
		return fmt.Errorf("ThrowInt: %w", err)
	}
	if !strings.Contains(e.Message, "int") {
		return fmt.Errorf("ThrowInt: the message %q does not name the type int", e.Message)
	}
	return nil
}

func checkSleepShort(ctx context.Context) error {
	ok, err := cpp.Sleep(ctx, 1)
	if err != nil || !ok {
		return fmt.Errorf("Sleep(1): want true, nil; got %v, %v", ok, err)
	}
	return nil
}

// waitIncomingDrained waits until no Go → C++ call is alive in the C++ runtime: a cancelled C++
// implementation has returned (it observed its stop token; otherwise it would sleep for a minute).
func waitIncomingDrained(ctx context.Context) error {
	if LiveCounts == nil {
		return nil
	}
	deadline := time.Now().Add(promptly)
	for {
		_, incoming := LiveCounts()
		if incoming == 0 {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("%d Go → C++ call(s) still alive %v after cancelling: the C++ implementation did not observe its stop token", incoming, promptly)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func checkSleepCancel(ctx context.Context) error {
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	timer := time.AfterFunc(50*time.Millisecond, cancel)
	defer timer.Stop()
	start := time.Now()
	ok, err := cpp.Sleep(cctx, 60_000)
	if elapsed := time.Since(start); elapsed > promptly {
		return fmt.Errorf("Sleep returned %v after its context was cancelled", elapsed)
	}
	if !errors.Is(err, context.Canceled) {
		return fmt.Errorf("Sleep with a cancelled context: want context.Canceled, got %v, %v", ok, err)
	}
	if _, err := wantCode(err, cxx2go.Cancelled); err != nil {
		return fmt.Errorf("Sleep with a cancelled context: %w", err)
	}
	return waitIncomingDrained(ctx)
}

func checkSleepDeadline(ctx context.Context) error {
	dctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	ok, err := cpp.Sleep(dctx, 60_000)
	if elapsed := time.Since(start); elapsed > promptly {
		return fmt.Errorf("Sleep returned %v after its deadline", elapsed)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("Sleep past its deadline: want context.DeadlineExceeded, got %v, %v", ok, err)
	}
	if _, err := wantCode(err, cxx2go.DeadlineExceeded); err != nil {
		return fmt.Errorf("Sleep past its deadline: %w", err)
	}
	return waitIncomingDrained(ctx)
}

func checkDeadlinePropagated(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	dctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	got, err := cpp.Deadline(dctx)
	if err != nil {
		return fmt.Errorf("Deadline: %w", err)
	}
	if d := got - deadline.UnixNano(); d < -int64(time.Millisecond) || d > int64(time.Millisecond) {
		return fmt.Errorf("Deadline: C++ saw %d, the caller's deadline is %d (off by %v)", got, deadline.UnixNano(), time.Duration(d))
	}
	return nil
}

func checkDeadlineAbsent(ctx context.Context) error {
	got, err := cpp.Deadline(context.WithoutCancel(ctx))
	if err != nil {
		return fmt.Errorf("Deadline: %w", err)
	}
	if got != 0 {
		return fmt.Errorf("Deadline without a deadline: want 0, got %d", got)
	}
	return nil
}

func checkTwice(ctx context.Context) error {
	for _, v := range []int64{21, -5, 0, math.MaxInt64 / 2} {
		got, err := cpp.Twice(ctx, v)
		if err != nil || got != 2*v {
			return fmt.Errorf("Twice(%d): want %d, got %d, %v", v, 2*v, got, err)
		}
	}
	return nil
}

func checkAsyncTwice(ctx context.Context) error {
	for _, v := range []int64{21, -1} {
		got, err := cpp.AsyncTwice(ctx, v)
		if err != nil || got != 2*v {
			return fmt.Errorf("AsyncTwice(%d): want %d, got %d, %v", v, 2*v, got, err)
		}
	}
	return nil
}

func checkCallGo(ctx context.Context) error {
	got, err := cpp.CallGo(ctx, 21)
	if err != nil || got != 42 {
		return fmt.Errorf("CallGo(21) (Go → C++ → Go → C++): want 42, got %d, %v", got, err)
	}
	return nil
}

func checkInlineAdd(ctx context.Context) error {
	for _, tc := range [][3]int64{{2, 40, 42}, {-5, 3, -2}, {math.MaxInt64 - 1, 1, math.MaxInt64}} {
		got, err := cpp.Add(ctx, tc[0], tc[1])
		if err != nil || got != tc[2] {
			return fmt.Errorf("Add(%d, %d): want %d, got %d, %v", tc[0], tc[1], tc[2], got, err)
		}
	}
	return nil
}

// @direct: Go calls the C++ implementation through the method's own C++ function.
func checkDirectAdd(ctx context.Context) error {
	for _, tc := range [][3]int64{{2, 40, 42}, {-5, 3, -2}, {math.MaxInt64, 1, math.MinInt64}} {
		got, err := cpp.DirectAdd(ctx, tc[0], tc[1])
		if err != nil || got != tc[2] {
			return fmt.Errorf("DirectAdd(%d, %d): want %d, got %d, %v", tc[0], tc[1], tc[2], got, err)
		}
	}
	return nil
}

func checkDirectSizes(ctx context.Context) error {
	big := strings.Repeat("é", 50_000)
	for _, tc := range []struct {
		text    string
		blob    []byte
		numbers []int32
		names   []string
	}{
		{"héllo", []byte{0, 1, 2}, []int32{math.MinInt32, 7}, []string{"a", "", "xyz"}},
		{"", nil, nil, nil},
		{big, Pattern(MiB, 0x11), rangeInt32(1000), []string{big, big}},
	} {
		got, err := cpp.DirectSizes(ctx, tc.text, tc.blob, tc.numbers, tc.names)
		if want := DirectSizesOf(tc.text, tc.blob, tc.numbers, tc.names); err != nil || got != want {
			return fmt.Errorf("DirectSizes: want %d, got %d, %v", want, got, err)
		}
	}
	return nil
}

func checkDirectDigest(ctx context.Context) error {
	for i, r := range DirectRecords() {
		salt := uint8(i + 1)
		got, err := cpp.DirectDigest(ctx, r, salt)
		if want := DirectDigestOf(r, salt); err != nil || got != want {
			return fmt.Errorf("DirectDigest(record %d): want %#x, got %#x, %v", i, want, got, err)
		}
	}
	return nil
}

func checkInlineConcat(ctx context.Context) error {
	big := strings.Repeat("xyz", 100_000)
	for _, tc := range [][2]string{{"foo", "bar"}, {"", ""}, {"", "b"}, {"ü", ""}, {big, big}} {
		got, err := cpp.InlineConcat(ctx, tc[0], tc[1])
		if err != nil || got != tc[0]+tc[1] {
			return fmt.Errorf("InlineConcat(%s, %s): want %s, got %s, %v", abbreviate(tc[0]), abbreviate(tc[1]),
				abbreviate(tc[0]+tc[1]), abbreviate(got), err)
		}
	}
	return nil
}

// ThreadName returns the name of thread tid of process pid (/proc/<pid>/task/<tid>/comm): the process
// the C++ side runs in, this one unless its services are isolated (each then in its worker process).
func ThreadName(pid, tid uint64) (string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/comm", pid, tid))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// parallel runs fn(i) for i in [0, n) on n goroutines and returns the first error.
func parallel(n int, fn func(i int) error) error {
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(i); err != nil {
				once.Do(func() { first = err })
			}
		}()
	}
	wg.Wait()
	return first
}

func checkExecutorThread(ctx context.Context) error {
	return parallel(8, func(int) error {
		tid, err := cpp.ThreadID(ctx)
		if err != nil {
			return fmt.Errorf("ThreadID: %w", err)
		}
		pid, err := cpp.ProcessID(ctx)
		if err != nil {
			return fmt.Errorf("ProcessID: %w", err)
		}
		name, err := ThreadName(pid, tid)
		if err != nil {
			return fmt.Errorf("CppSide ran on thread %d, which is not a thread of its process %d: %v", tid, pid, err)
		}
		if !strings.HasPrefix(name, "cxx2go-") {
			return fmt.Errorf("CppSide ran on thread %d named %q, not on an executor thread (cxx2go-N)", tid, name)
		}
		return nil
	})
}

func checkAffineThread(ctx context.Context) error {
	affine := e2e.NewAffineClient()
	var first atomic.Uint64
	err := parallel(50, func(int) error {
		tid, err := affine.ThreadID(ctx)
		if err != nil {
			return fmt.Errorf("Affine.ThreadID: %w", err)
		}
		if tid == 0 {
			return errors.New("Affine.ThreadID returned 0")
		}
		if !first.CompareAndSwap(0, tid) && first.Load() != tid {
			return fmt.Errorf("Affine ran on threads %d and %d", first.Load(), tid)
		}
		return nil
	})
	if err != nil {
		return err
	}
	tid := first.Load()
	pid, err := affine.ProcessID(ctx)
	if err != nil {
		return fmt.Errorf("Affine.ProcessID: %w", err)
	}
	name, err := ThreadName(pid, tid)
	if err != nil {
		return fmt.Errorf("Affine ran on thread %d, which is not a thread of its process %d: %v", tid, pid, err)
	}
	if strings.HasPrefix(name, "cxx2go-") || !strings.HasPrefix(name, "Affine") {
		return fmt.Errorf("Affine ran on thread %d named %q, want its own thread (Affine-0)", tid, name)
	}
	// Once more, from this goroutine after the others are gone: still the same thread.
	again, err := affine.ThreadID(ctx)
	if err != nil || again != tid {
		return fmt.Errorf("Affine.ThreadID later: want %d, got %d, %v", tid, again, err)
	}
	return nil
}

var noteSeq atomic.Int64

func checkNotify(ctx context.Context) error {
	prefix := fmt.Sprintf("go-note-%d-%d-", os.Getpid(), noteSeq.Add(1))
	var want []string
	for i := range 10 {
		text := fmt.Sprintf("%s%d", prefix, i)
		want = append(want, text)
		if err := cpp.Notify(ctx, text); err != nil {
			return fmt.Errorf("Notify: %w", err)
		}
	}
	got, err := cpp.Notifications(ctx, uint32(len(want)))
	if err != nil {
		return fmt.Errorf("Notifications: %w", err)
	}
	slices.Sort(got) // oneway calls may run in any order
	slices.Sort(want)
	if !slices.Equal(got, want) {
		return fmt.Errorf("Notifications: want %q, got %q", want, got)
	}
	return nil
}

var noSuchMethod = c2gimpl.NewMethod(0x0123456789abcdef, "e2e.CppSide.no_such_method", 0)

func checkUnknownMethod(ctx context.Context) error {
	r, err := c2gimpl.CallCpp(ctx, noSuchMethod, nil, nil)
	if r != nil {
		r.Release()
	}
	e, werr := wantCode(err, cxx2go.UnknownMethod)
	if werr != nil {
		return fmt.Errorf("calling an unknown method: %w", werr)
	}
	if !strings.Contains(e.Message, "e2e.CppSide.no_such_method") {
		return fmt.Errorf("the unknown-method error does not name the method: %q", e.Message)
	}
	return nil
}

func checkConcurrentCalls(ctx context.Context) error {
	const goroutines, calls = 200, 50
	return parallel(goroutines, func(g int) error {
		for i := range calls {
			v := int64(g*calls + i)
			switch i % 3 {
			case 0:
				got, err := cpp.Twice(ctx, v)
				if err != nil || got != 2*v {
					return fmt.Errorf("Twice(%d): got %d, %v", v, got, err)
				}
			case 1:
				got, err := cpp.Add(ctx, v, 1)
				if err != nil || got != v+1 {
					return fmt.Errorf("Add(%d, 1): got %d, %v", v, got, err)
				}
			case 2:
				text := fmt.Sprint("call-", v)
				nums := []int32{int32(g), int32(i)}
				want := ConcatFormat(text, nil, nums, nil)
				got, err := cpp.Concat(ctx, text, nil, nums, nil)
				if err != nil || got != want {
					return fmt.Errorf("Concat(%s): got %q, %v", text, got, err)
				}
			}
		}
		return nil
	})
}
