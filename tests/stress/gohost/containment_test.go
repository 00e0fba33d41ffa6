package gohost_test

// The failure-containment matrix (tests/stress/README.md, "Failure containment"): every kind of failure a
// peer can raise — std::exception subclasses and non-standard types thrown synchronously, by a coroutine
// and by a callback; Go panics with non-string values, on Go's threads and on C++-created threads, and
// under a callback — reaches its caller as a typed error, and a negative control per kind shows that
// without the runtime's wrappers the process dies (so the harness can see what the wrappers prevent).

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
	stress "github.com/cxx2go/cxx2go/tests/gen/stress"
	"github.com/cxx2go/cxx2go/tests/stress/gohost"
)

func init() {
	scenarios["containment_matrix"] = scenarioContainmentMatrix
	scenarios["unwrapped_throw_int"] = func() error {
		gohost.UnwrappedThrowInt()
		return errors.New("returned from an int escaping into Go")
	}
	scenarios["unrecovered_panic_cpp_thread"] = func() error {
		gohost.UnrecoveredPanic(true)
		return errors.New("returned from an unrecovered panic on a C++ thread")
	}
	scenarios["unrecovered_panic_go_thread"] = func() error {
		gohost.UnrecoveredPanic(false)
		return errors.New("returned from an unrecovered panic on a Go thread")
	}
}

func TestContainmentMatrix(t *testing.T) { runScenarioTest(t, "containment_matrix") }

// wantError checks err's code and exact message.
func wantError(what string, err error, code cxx2go.Code, message string) error {
	var e *cxx2go.Error
	if !errors.As(err, &e) || e.Code != code || e.Message != message {
		return fmt.Errorf("%s: want %v %q, got %v", what, code, message, err)
	}
	return nil
}

func scenarioContainmentMatrix() error {
	if err := start(2); err != nil {
		return err
	}
	cpp := stress.NewCppWorkClient()
	bg := context.Background()
	const stressError = "cxx2go_stress_fault::StressError"
	const notAnException = "cxx2go_stress_fault::NotAnException"
	goToCpp := []struct {
		name    string
		call    func() (int64, error)
		message string
	}{
		{"sync implementation throws a std::exception subclass", func() (int64, error) { return cpp.Work(bg, 5, 8) },
			stressError + ": sync 5"},
		{"sync implementation throws a non-standard class", func() (int64, error) { return cpp.Work(bg, 5, 9) },
			notAnException},
		{"sync implementation's then() callback throws", func() (int64, error) { return cpp.Work(bg, 5, 10) },
			stressError + ": then 6"},
		{"coroutine throws a std::exception subclass after co_await", func() (int64, error) { return cpp.AsyncWork(bg, 5, 8) },
			stressError + ": async 6"},
		{"coroutine throws a non-standard class before co_await", func() (int64, error) { return cpp.AsyncWork(bg, 5, 9) },
			notAnException},
		{"coroutine awaits a then() callback that throws", func() (int64, error) { return cpp.AsyncWork(bg, 5, 10) },
			stressError + ": then 6"},
	}
	for _, c := range goToCpp {
		_, err := c.call()
		if err := wantError("Go → C++, "+c.name, err, cxx2go.Exception, c.message); err != nil {
			return err
		}
	}
	cppToGo := []struct {
		name    string
		how     gohost.How
		mode    int32
		message string
	}{
		{"sync from a new C++ thread, panic(error)", gohost.Sync, 8, "panic: stress error 5"},
		{"sync from a new C++ thread, panic(struct)", gohost.Sync, 9, "panic: {5}"},
		{"async, panic(error)", gohost.Async, 8, "panic: stress error 5"},
		{"async, panic(struct)", gohost.Async, 9, "panic: {5}"},
		{"async through then(), panic(error)", gohost.AsyncThen, 8, "panic: stress error 5"},
	}
	for _, c := range cppToGo {
		_, err := gohost.StartGoCall(c.how, 5, c.mode, -1).Wait()
		if err := wantError("C++ → Go, "+c.name, err, cxx2go.Panic, c.message); err != nil {
			return err
		}
	}
	// Go → C++ → Go: the inner Go handler panics under a C++ implementation on an executor thread.
	_, err := cpp.Work(bg, 5, 11)
	if err := wantError("Go → C++ → Go, inner handler panics", err, cxx2go.Panic, "panic: stress error 5"); err != nil {
		return err
	}
	fmt.Printf("containment: %d Go → C++ and %d C++ → Go failure kinds reached their callers as typed errors\n",
		len(goToCpp)+1, len(cppToGo))
	// Every call still works, and nothing is left alive.
	if v, err := cpp.Work(bg, 1, 0); err != nil || v != 2 {
		return fmt.Errorf("Go → C++ afterwards: %d, %v", v, err)
	}
	if err := checkGoCall("C++ → Go afterwards", gohost.StartGoCall(gohost.Sync, 1, 0, -1), cxx2go.OK, 2); err != nil {
		return err
	}
	if err := waitNoLiveCalls(); err != nil {
		return err
	}
	return cxx2go.Stop()
}

// TestUnwrappedThrowIntAborts: the negative control for non-standard exception types (an int escaping an
// extern "C" function without a catch) → death by SIGABRT with std::terminate's message naming int.
func TestUnwrappedThrowIntAborts(t *testing.T) {
	out, err := runChild(t, "unwrapped_throw_int", "GOTRACEBACK=crash")
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("the process survived an int escaping into Go (err %v):\n%s", err, out)
	}
	ws, ok := exit.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGABRT {
		t.Fatalf("want death by SIGABRT, got %v:\n%s", err, out)
	}
	if !strings.Contains(out, "terminate called after throwing an instance of 'int'") {
		t.Fatalf("no std::terminate message:\n%s", out)
	}
}

// TestUnrecoveredPanicKills: the negative control for Go panics — a Go entry point without recover,
// called from a new C++ thread and from a Go thread → the process exits with Go's panic status (2) and
// the panic message; the runtime's entry points recover, which is what the matrix above relies on.
func TestUnrecoveredPanicKills(t *testing.T) {
	for _, name := range []string{"unrecovered_panic_cpp_thread", "unrecovered_panic_go_thread"} {
		t.Run(name, func(t *testing.T) {
			out, err := runChild(t, name)
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 2 {
				t.Fatalf("want exit status 2, got %v:\n%s", err, out)
			}
			if !strings.Contains(out, "panic: unrecovered panic in a Go entry point") {
				t.Fatalf("no panic message:\n%s", out)
			}
			if strings.Contains(out, "STRESS PASS") || strings.Contains(out, "STRESS FAIL") {
				t.Fatalf("the scenario went on after the panic:\n%s", out)
			}
		})
	}
}
