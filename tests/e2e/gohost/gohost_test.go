package gohost_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
	"github.com/cxx2go/cxx2go/tests/e2e/gohost"
	"github.com/cxx2go/cxx2go/tests/e2e/goimpl"
	e2e "github.com/cxx2go/cxx2go/tests/gen/e2e"
)

// lifecycleEnv names the life-cycle scenario a re-executed test binary runs instead of the tests: the
// runtime can be started and stopped once per process, so each scenario needs its own process.
const lifecycleEnv = "CXX2GO_E2E_LIFECYCLE"

func TestMain(m *testing.M) {
	if scenario := os.Getenv(lifecycleEnv); scenario != "" {
		os.Exit(runScenario(scenario))
	}
	goimpl.LiveCounts = func() (uint64, uint64) {
		o, i, _ := cppLiveCounts()
		return o, i
	}
	for _, step := range []struct {
		what string
		do   func() error
	}{
		{"register GoSide", goimpl.Register},
		{"register the C++ services", gohost.RegisterCppServices},
		{"start the runtime", func() error { return cxx2go.Start(cxx2go.Options{ExecutorThreads: 4}) }},
	} {
		if err := step.do(); err != nil {
			fmt.Fprintf(os.Stderr, "e2e gohost: cannot %s: %v\n", step.what, err)
			os.Exit(1)
		}
	}
	if isolated() {
		fmt.Printf("e2e gohost: e2e.CppSide runs in its worker process %d (CXX2GO_ISOLATE)\n", cppProcess)
	}
	code := m.Run()
	if err := waitNoLiveCalls(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e gohost: after the tests: %v\n", err)
		code = 1
	}
	if err := cxx2go.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e gohost: stop: %v\n", err)
		code = 1
	}
	if err := checkRingUse(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e gohost: %v\n", err)
		code = 1
	}
	os.Exit(code)
}

// checkRingUse proves that a run with CXX2GO_TRANSPORT=ring (scripts/run-e2e.sh) really used the ring
// transport in both directions, and that the Go runtime has nothing in flight after Stop.
func checkRingUse() error {
	if os.Getenv("CXX2GO_TRANSPORT") != "ring" {
		return nil
	}
	st := cxx2go.RingStats()
	if !st.Attached || st.ToGo == 0 || st.ToCpp == 0 {
		return fmt.Errorf("CXX2GO_TRANSPORT=ring, but the ring carried no calls: %+v", st)
	}
	if live := cxx2go.LiveCounts(); live != (cxx2go.Live{}) {
		return fmt.Errorf("Go calls still alive after Stop: %+v", live)
	}
	fmt.Printf("e2e gohost: ring transport: %d messages C++ → Go, %d Go → C++ (%d / %d wake-ups)\n", st.ToGo,
		st.ToCpp, st.GoWakeups, st.CppWakeups)
	return nil
}

// cppProcess is the process e2e.CppSide runs in: this one, or its worker when it is isolated
// (CXX2GO_ISOLATE, scripts/run-e2e.sh). Set by isolated, once the runtime runs.
var cppProcess uint64

// isolated reports whether e2e.CppSide runs in a worker process, whose C++ runtime the cgo hooks of this
// one (gohost.LiveCounts, gohost.ActiveSleeps) do not see: the tests then ask it through CppSide.
func isolated() bool {
	if cppProcess == 0 {
		pid, err := e2e.NewCppSideClient().ProcessID(context.Background())
		if err != nil {
			fmt.Fprintf(os.Stderr, "e2e gohost: CppSide.process_id: %v\n", err)
			return false
		}
		cppProcess = pid
	}
	return cppProcess != uint64(os.Getpid())
}

// cppLiveCounts is cxx2go::live_counts() where e2e.CppSide runs. An error counts as calls alive.
func cppLiveCounts() (outgoing, incoming, records uint64) {
	if !isolated() {
		return gohost.LiveCounts()
	}
	c, err := e2e.NewCppSideClient().LiveCounts(context.Background())
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e gohost: CppSide.live_counts: %v\n", err)
		return ^uint64(0), ^uint64(0), ^uint64(0)
	}
	return c.Outgoing, c.Incoming, c.Records
}

// cppActiveSleeps is how many CppSide.sleep calls sleep where e2e.CppSide runs (-1: cannot tell).
func cppActiveSleeps() int {
	if !isolated() {
		return gohost.ActiveSleeps()
	}
	n, err := e2e.NewCppSideClient().ActiveSleeps(context.Background())
	if err != nil {
		return -1
	}
	return int(n)
}

// waitNoLiveCalls waits (up to 10 s) until the C++ runtime has no call and no call record alive.
func waitNoLiveCalls() error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		o, i, r := cppLiveCounts()
		if o == 0 && i == 0 && r == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("calls still alive: %d C++ → Go, %d Go → C++, %d records", o, i, r)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// The Go battery, run directly: Go calls the C++ implementation of CppSide.
func TestGoBattery(t *testing.T) {
	for _, c := range goimpl.Battery() {
		t.Run(c.Name, func(t *testing.T) {
			if err := goimpl.RunCheck(context.Background(), c); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// The C++ battery, run inside CppSide.run_checks: C++, on an executor thread, calls the Go implementation
// of GoSide.
func TestCppBattery(t *testing.T) {
	names := gohost.CppCheckNames()
	if len(names) == 0 {
		t.Fatal("the C++ battery has no checks")
	}
	cpp := e2e.NewCppSideClient()
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*goimpl.CheckTimeout)
			defer cancel()
			results, err := cpp.RunChecks(ctx, name)
			if err != nil {
				t.Fatalf("CppSide.RunChecks(%q): %v", name, err)
			}
			if len(results) != 1 || results[0].Name != name {
				t.Fatalf("CppSide.RunChecks(%q) ran %v, want exactly that check", name, results)
			}
			if results[0].Failure != "" {
				t.Fatal(results[0].Failure)
			}
		})
	}
}

// Hosts select one check by passing its name as the filter of run_checks, which runs the checks whose
// names contain it.
func TestCheckNamesSelectOneCheck(t *testing.T) {
	var goNames []string
	for _, c := range goimpl.Battery() {
		goNames = append(goNames, c.Name)
	}
	for battery, names := range map[string][]string{"Go": goNames, "C++": gohost.CppCheckNames()} {
		for _, a := range names {
			for _, b := range names {
				if a != b && strings.Contains(b, a) {
					t.Errorf("%s battery: the name %q selects %q too", battery, a, b)
				}
			}
		}
	}
}

// ---- life cycle: one process per scenario ----

var scenarios = map[string]func() error{
	"before_start":   scenarioBeforeStart,
	"after_stop":     scenarioAfterStop,
	"stop_in_flight": scenarioStopInFlight,
	"start_twice":    scenarioStartTwice,
	"unregistered":   scenarioUnregistered,
}

func TestLifecycle(t *testing.T) {
	for name := range scenarios {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), lifecycleEnv+"="+name)
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "LIFECYCLE PASS "+name) {
				t.Fatalf("scenario %s: %v\n%s", name, err, out)
			}
		})
	}
}

// runScenario runs one scenario in this (re-executed) process and returns the exit code.
func runScenario(name string) int {
	watchdog := time.AfterFunc(100*time.Second, func() {
		fmt.Printf("LIFECYCLE FAIL %s: watchdog: still running after 100 s\n", name)
		os.Exit(3)
	})
	defer watchdog.Stop()
	run, ok := scenarios[name]
	if !ok {
		fmt.Printf("LIFECYCLE FAIL %s: no such scenario\n", name)
		return 2
	}
	if err := run(); err != nil {
		fmt.Printf("LIFECYCLE FAIL %s: %v\n", name, err)
		return 1
	}
	fmt.Printf("LIFECYCLE PASS %s\n", name)
	return 0
}

func registerBoth() error {
	if err := goimpl.Register(); err != nil {
		return err
	}
	return gohost.RegisterCppServices()
}

// wantCode checks that err carries code (errors.As *cxx2go.Error).
func wantCode(what string, err error, code cxx2go.Code) error {
	var e *cxx2go.Error
	if !errors.As(err, &e) || e.Code != code {
		return fmt.Errorf("%s: want an *cxx2go.Error with code %v, got %v", what, code, err)
	}
	return nil
}

// Calls in both directions before Start fail with not_started, and nothing hangs.
func scenarioBeforeStart() error {
	if err := registerBoth(); err != nil {
		return err
	}
	ctx := context.Background()
	cpp := e2e.NewCppSideClient()
	_, err := cpp.Twice(ctx, 1)
	if err := wantCode("Go → C++ before Start", err, cxx2go.NotStarted); err != nil {
		return err
	}
	if err := wantCode("Go → C++ oneway before Start", cpp.Notify(ctx, "x"), cxx2go.NotStarted); err != nil {
		return err
	}
	if _, code := gohost.CallGoDeadline(); code != cxx2go.NotStarted {
		return fmt.Errorf("C++ → Go before Start: want not_started, got %v", code)
	}
	if err := wantCode("Stop before Start", cxx2go.Stop(), cxx2go.NotStarted); err != nil {
		return err
	}
	// And the runtime still starts afterwards.
	if err := cxx2go.Start(cxx2go.Options{ExecutorThreads: 2}); err != nil {
		return fmt.Errorf("Start after failed calls: %w", err)
	}
	if v, err := cpp.Twice(ctx, 4); err != nil || v != 8 {
		return fmt.Errorf("Twice after Start: %d, %v", v, err)
	}
	return cxx2go.Stop()
}

// After Stop, calls in both directions fail with stopped, and the runtime cannot be restarted.
func scenarioAfterStop() error {
	if err := registerBoth(); err != nil {
		return err
	}
	if err := cxx2go.Start(cxx2go.Options{ExecutorThreads: 2}); err != nil {
		return err
	}
	ctx := context.Background()
	cpp := e2e.NewCppSideClient()
	if v, err := cpp.Twice(ctx, 4); err != nil || v != 8 {
		return fmt.Errorf("Twice while running: %d, %v", v, err)
	}
	if _, code := gohost.CallGoDeadline(); code != cxx2go.OK {
		return fmt.Errorf("C++ → Go while running: %v", code)
	}
	if err := cxx2go.Stop(); err != nil {
		return fmt.Errorf("Stop: %w", err)
	}
	_, err := cpp.Twice(ctx, 1)
	if err := wantCode("Go → C++ after Stop", err, cxx2go.Stopped); err != nil {
		return err
	}
	_, err = e2e.NewAffineClient().ThreadID(ctx)
	if err := wantCode("Go → C++ (@affine) after Stop", err, cxx2go.Stopped); err != nil {
		return err
	}
	if err := wantCode("Go → C++ oneway after Stop", cpp.Notify(ctx, "x"), cxx2go.Stopped); err != nil {
		return err
	}
	if _, code := gohost.CallGoDeadline(); code != cxx2go.Stopped {
		return fmt.Errorf("C++ → Go after Stop: want stopped, got %v", code)
	}
	if err := wantCode("Start after Stop", cxx2go.Start(cxx2go.Options{}), cxx2go.Stopped); err != nil {
		return err
	}
	if err := wantCode("Stop after Stop", cxx2go.Stop(), cxx2go.Stopped); err != nil {
		return err
	}
	return nil
}

// Stop while calls are in flight in both directions: they end (the C++ implementation sees its stop
// token, the C++ future resolves with stopped), Stop returns, nothing stays alive.
func scenarioStopInFlight() error {
	if err := registerBoth(); err != nil {
		return err
	}
	if err := cxx2go.Start(cxx2go.Options{ExecutorThreads: 2}); err != nil {
		return err
	}
	type outcome struct {
		ok  bool
		err error
	}
	goToCpp := make(chan outcome, 1)
	go func() {
		ok, err := e2e.NewCppSideClient().Sleep(context.Background(), 60_000)
		goToCpp <- outcome{ok, err}
	}()
	gohost.StartGoSleep() // C++ → Go: GoSide.sleep_async(60 s)
	deadline := time.Now().Add(10 * time.Second)
	for cppActiveSleeps() <= 0 {
		if time.Now().After(deadline) {
			return errors.New("CppSide.sleep did not start within 10 s")
		}
		time.Sleep(time.Millisecond)
	}
	if err := cxx2go.Stop(); err != nil {
		return fmt.Errorf("Stop with calls in flight: %w", err)
	}
	select {
	case o := <-goToCpp:
		// The implementation returned false when its stop token fired, or the runtime answered stopped.
		if !(o.err == nil && !o.ok) && cxx2go.CodeOf(o.err) != cxx2go.Stopped {
			return fmt.Errorf("Go → C++ call in flight during Stop: got %v, %v; want false or stopped", o.ok, o.err)
		}
	case <-time.After(10 * time.Second):
		return errors.New("the Go → C++ call in flight did not return within 10 s of Stop")
	}
	if code := gohost.FinishGoSleep(); code != cxx2go.Stopped {
		return fmt.Errorf("C++ → Go future in flight during Stop: want stopped, got %v", code)
	}
	if isolated() {
		// The worker's runtime stopped with it (its sleeper saw its stop token, or the worker would not have
		// exited before Stop returned).
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", cppProcess)); err == nil {
			return fmt.Errorf("the worker process %d of e2e.CppSide still runs after Stop", cppProcess)
		}
		return nil
	}
	if n := gohost.ActiveSleeps(); n != 0 {
		return fmt.Errorf("%d CppSide.sleep still sleeping after Stop", n)
	}
	if o, i, r := gohost.LiveCounts(); o != 0 || i != 0 || r != 0 {
		return fmt.Errorf("after Stop: %d C++ → Go, %d Go → C++ calls and %d records alive", o, i, r)
	}
	return nil
}

func scenarioStartTwice() error {
	if err := cxx2go.Start(cxx2go.Options{ExecutorThreads: 1}); err != nil {
		return err
	}
	if err := wantCode("second Start", cxx2go.Start(cxx2go.Options{}), cxx2go.FailedPrecondition); err != nil {
		return err
	}
	return cxx2go.Stop()
}

// Unregistered services answer unknown_method, in both directions.
func scenarioUnregistered() error {
	if err := registerBoth(); err != nil {
		return err
	}
	if err := cxx2go.Start(cxx2go.Options{ExecutorThreads: 2}); err != nil {
		return err
	}
	ctx := context.Background()
	if _, err := e2e.NewAffineClient().ThreadID(ctx); err != nil {
		return fmt.Errorf("Affine.ThreadID while registered: %w", err)
	}
	// Isolated, e2e.Affine is registered in its worker process, where this one cannot unregister it (the
	// C++ battery's unknown_method check covers a worker's unknown methods).
	if !isolated() {
		if err := gohost.UnregisterCppService("e2e.Affine"); err != nil {
			return err
		}
		_, err := e2e.NewAffineClient().ThreadID(ctx)
		if err := wantCode("Affine after unregistering it", err, cxx2go.UnknownMethod); err != nil {
			return err
		}
	}
	if err := e2e.UnregisterGoSide(); err != nil {
		return err
	}
	if _, code := gohost.CallGoDeadline(); code != cxx2go.UnknownMethod {
		return fmt.Errorf("GoSide after unregistering it: want unknown_method, got %v", code)
	}
	// The rest still works.
	if v, err := e2e.NewCppSideClient().Twice(ctx, 3); err != nil || v != 6 {
		return fmt.Errorf("Twice: %d, %v", v, err)
	}
	return cxx2go.Stop()
}
