package gohost_test

// Crash reports (docs/debugging.md): C++ code reached from Go crashes on purpose in a child process, on an
// executor thread (CppWork.work, modes 20-22) and on the calling Go thread (the @inline CppWork.inline_work), and
// the parent asserts that the report names the signal, the method being served, the C++ function and its
// file:line (the line of the function's CRASH_LINE marker in stress_cpp.cc), and that the process then
// died as it would have without the report.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	_ "github.com/cxx2go/cxx2go/runtime/go/cxx2go/symbolizer" // function names and file:line in the reports
	stress "github.com/cxx2go/cxx2go/tests/gen/stress"
)

type crashCase struct {
	kind     int32
	signal   string // in the report
	function string // the C++ function the report must name
	marker   string // CRASH_LINE marker of its line in stress_cpp.cc
}

var crashCases = []crashCase{
	{0, "SIGSEGV", "(anonymous namespace)::crash_null_deref()", "null_deref"},
	{1, "SIGABRT", "(anonymous namespace)::crash_abort()", "abort"},
	{2, "SIGFPE", "(anonymous namespace)::crash_divide_by_zero()", "divide_by_zero"},
	{4, "SIGILL", "(anonymous namespace)::crash_illegal_instruction()", "illegal_instruction"},
	{5, "SIGBUS", "(anonymous namespace)::crash_bus_error()", "bus_error"},
	{6, "SIGABRT", "(anonymous namespace)::crash_terminate()", "terminate"},
}

func init() {
	for _, c := range crashCases {
		scenarios[fmt.Sprintf("crash_executor_%d", c.kind)] = func() error {
			if err := start(2); err != nil {
				return err
			}
			_, err := stress.NewCppWorkClient().Work(context.Background(), 0, 20+c.kind)
			return fmt.Errorf("survived a crash on the executor: %v", err)
		}
		scenarios[fmt.Sprintf("crash_inline_%d", c.kind)] = func() error {
			if err := start(2); err != nil {
				return err
			}
			_, err := stress.NewCppWorkClient().InlineWork(context.Background(), 0, 20+c.kind)
			return fmt.Errorf("survived a crash on a Go thread: %v", err)
		}
	}
}

// crashLine is the line of stress_cpp.cc that carries `// CRASH_LINE marker`.
func crashLine(t *testing.T, marker string) int {
	t.Helper()
	f, err := os.Open("stress_cpp.cc")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for n := 1; s.Scan(); n++ {
		if strings.HasSuffix(s.Text(), "// CRASH_LINE "+marker) {
			return n
		}
	}
	t.Fatalf("no CRASH_LINE %s in stress_cpp.cc", marker)
	return 0
}

var debugBuild struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// buildWithDebugInfo builds this test binary again, once, with its debug information: `go test` links the
// one it runs with -s -w (no symbol table, no DWARF), as `go run` does, and `go build` does not.
func buildWithDebugInfo(t *testing.T) string {
	t.Helper()
	b := &debugBuild
	b.once.Do(func() {
		if b.dir, b.err = os.MkdirTemp("", "cxx2go-stress-debug"); b.err != nil {
			return
		}
		b.bin = filepath.Join(b.dir, "gohost_debug.test")
		if out, err := exec.Command("go", "test", "-c", "-o", b.bin, ".").CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go test -c: %v\n%s", err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.bin
}

func TestCrashReports(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's runtime handles fatal signals itself")
	}
	bin := buildWithDebugInfo(t)
	for _, c := range crashCases {
		for _, where := range []struct{ name, method, thread string }{
			{"executor", "stress.CppWork.work", `thread "cxx2go-`},
			{"inline", "stress.CppWork.inline_work", `thread "`},
		} {
			name := fmt.Sprintf("crash_%s_%d", where.name, c.kind)
			t.Run(name, func(t *testing.T) {
				out, err := runChildOf(t, bin, name)
				var exit *exec.ExitError
				if !errors.As(err, &exit) {
					t.Fatalf("the process survived (err %v):\n%s", err, out)
				}
				// Go's handler ends the process it is chained to: on a thread Go does not own, by the
				// signal's default action; on a Go thread, with its own report and exit status 2.
				ws, ok := exit.Sys().(syscall.WaitStatus)
				if where.name == "executor" && (!ok || !ws.Signaled()) {
					t.Errorf("want death by the signal, got %v", err)
				}
				if where.name == "inline" && (!ok || ws.Signaled() || ws.ExitStatus() != 2) {
					t.Errorf("want Go's exit status 2, got %v", err)
				}
				want := []string{
					"cxx2go: fatal signal " + c.signal,
					"in the C++ implementation of " + where.method + " (called from Go)",
					where.thread,
					"cxx2go: C++ stack, innermost first:",
					fmt.Sprintf("in %s at ", c.function),
					fmt.Sprintf("stress_cpp.cc:%d", crashLine(t, c.marker)),
					"cxx2go: end of the crash report",
				}
				for _, w := range want {
					if !strings.Contains(out, w) {
						t.Errorf("the report lacks %q", w)
					}
				}
				if where.name == "inline" {
					// Go's own report follows, with the C++ frames named by the cgo traceback.
					_, goReport, found := strings.Cut(out, "signal arrived during cgo execution")
					if !found {
						t.Errorf("Go's own report of a crash on its thread is missing")
					} else if !strings.Contains(goReport, c.function) ||
						!strings.Contains(goReport, fmt.Sprintf("stress_cpp.cc:%d", crashLine(t, c.marker))) {
						t.Errorf("Go's report does not name the C++ frame %s", c.function)
					}
				}
				if t.Failed() {
					t.Logf("output:\n%s", out)
				}
			})
		}
	}
}
