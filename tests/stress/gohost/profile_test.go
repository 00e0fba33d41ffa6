package gohost_test

// C++ frames in Go CPU profiles (docs/debugging.md, "Profiling across the boundary"): a child process
// (built with its debug information) profiles itself while C++ keeps the CPU busy in burn_cpu, on an
// executor thread (CppWork.work mode 23) and on the calling Go thread (CppWork.inline_work mode 23), and
// the parent asserts that the profile names the function and its file.

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"testing"

	stress "github.com/cxx2go/cxx2go/tests/gen/stress"
)

const (
	profileOutEnv   = "CXX2GO_STRESS_PROFILE_OUT"
	profileWhereEnv = "CXX2GO_STRESS_PROFILE_WHERE" // "executor" or "inline"
)

func init() {
	scenarios["cpu_profile"] = func() error {
		if err := start(2); err != nil {
			return err
		}
		f, err := os.Create(os.Getenv(profileOutEnv))
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		cpp := stress.NewCppWorkClient()
		const millis = 500
		burn := cpp.Work // on an executor thread
		if os.Getenv(profileWhereEnv) == "inline" {
			burn = cpp.InlineWork // on this goroutine's thread
		}
		v, err := burn(context.Background(), millis, 23)
		pprof.StopCPUProfile()
		if err != nil || v != millis+1 {
			return fmt.Errorf("burning: %v, %v", v, err)
		}
		return nil
	}
}

func TestCppFramesInCPUProfile(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's runtime handles signals itself")
	}
	bin := buildWithDebugInfo(t)
	// Each thread kind in a profile of its own, so that losing either path fails; on a Go thread the C++
	// frames continue into the Go caller's.
	for _, c := range []struct{ where, caller string }{
		{"executor", "cxx2go::ThreadPool::work"},
		{"inline", "stress.(*CppWorkClient).InlineWork"},
	} {
		t.Run(c.where, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "cpu.pprof")
			log, err := runChildOf(t, bin, "cpu_profile", profileOutEnv+"="+out, profileWhereEnv+"="+c.where)
			if err != nil || !strings.Contains(log, "STRESS PASS cpu_profile") {
				t.Fatalf("the profiling child failed: %v\n%s", err, log)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			raw, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			// A profile's string table holds the names of the functions its samples' locations are in, and
			// only those: a function is there only if samples were taken in it and symbolized.
			for _, want := range []string{"(anonymous namespace)::burn_cpu(long)", "stress_cpp.cc", c.caller} {
				if !bytes.Contains(raw, []byte(want)) {
					t.Errorf("the CPU profile does not name %q", want)
				}
			}
		})
	}
}
