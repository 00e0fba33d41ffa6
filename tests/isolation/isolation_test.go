// Package isolation tests isolated services (docs/isolation.md): the generated client of stress.CppWork,
// unchanged, calling its C++ implementation in a worker process (worker/worker.cc, built by CMake as
// isolation_worker; CXX2GO_ISOLATION_WORKER names it). scripts/run-e2e.sh runs it with the race detector
// and with GOEXPERIMENT=cgocheck2.
package isolation

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
	"github.com/cxx2go/cxx2go/tests/gen/stress"
)

const service = "stress.CppWork"

// The modes of worker/worker.cc.
const (
	modeReturn           = 0
	modeWaitCancel       = 2
	modeSleepMicros      = 3
	modeNullDeref        = 20
	modeAbort            = 21
	modeExit             = 27
	modeHang             = 28
	modePid              = 29
	modeGarbage          = 30
	modeGarbageSlots     = 31
	modeForbiddenSyscall = 32
	modeCallGoSync       = 33
	modeCallGoAsync      = 34
	modeSignalHost       = 37
	modeFork             = 38
)

// goWork is the host's implementation of stress.GoWork, which the worker calls back.
type goWork struct{}

func (goWork) Work(ctx context.Context, x int64, mode int32) (int64, error) {
	if mode == 2 {
		<-ctx.Done()
		return 0, ctx.Err()
	}
	return x + 1, nil
}
func (goWork) Panic(ctx context.Context, message string) error { panic(message) }
func (goWork) ThreadID(ctx context.Context) (uint64, error)    { return 0, nil }

// hostChildEnv makes the test binary a host that starts a worker, prints its pid and waits to be killed
// (TestHostDeathEndsWorker).
const hostChildEnv = "CXX2GO_ISOLATION_HOST_CHILD"

func workerPath(tb testing.TB) string {
	path := os.Getenv("CXX2GO_ISOLATION_WORKER")
	if path == "" {
		tb.Fatal("CXX2GO_ISOLATION_WORKER must name the isolation_worker executable (scripts/run-e2e.sh builds it)")
	}
	return path
}

func TestMain(m *testing.M) {
	switch os.Getenv(hostChildEnv) {
	case "":
		os.Exit(m.Run())
	case "sandbox":
		runSandboxChild()
	case "crash-at-start":
		runCrashAtStartChild()
	default:
		runHostChild()
	}
}

// runSandboxChild is a host whose worker runs in the seccomp sandbox, with limits (TestSandbox): it prints
// one line per call, "<name>: <result or error>".
func runSandboxChild() {
	err := cxx2go.Start(cxx2go.Options{Isolate: map[string]cxx2go.Worker{service: {
		Path:           os.Getenv("CXX2GO_ISOLATION_WORKER"),
		Seccomp:        []string{},
		OpenFiles:      64,
		NoNewPrivs:     true,
		RestartBackoff: time.Millisecond,
	}}})
	if err != nil {
		fmt.Println("start:", err)
		os.Exit(1)
	}
	client := stress.NewCppWorkClient()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	report := func(name string, v int64, err error) {
		if err != nil {
			fmt.Printf("%s: error %d %q\n", name, cxx2go.CodeOf(err), err.Error())
		} else {
			fmt.Printf("%s: %d\n", name, v)
		}
	}
	v, err := client.Work(ctx, 41, modeReturn)
	report("allowed", v, err)
	v, err = client.Work(ctx, 1, modeForbiddenSyscall)
	report("forbidden", v, err)
	v, err = client.Work(ctx, 41, modeReturn)
	report("after restart", v, err)
	v, err = client.Work(ctx, 1, modeSignalHost)
	report("signal the host", v, err)
	v, err = client.Work(ctx, 1, modeFork)
	report("fork", v, err)
	limits, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", mustPid(client.Work(ctx, 0, modePid))))
	if err != nil {
		fmt.Println("limits:", err)
	}
	for _, line := range strings.Split(string(limits), "\n") {
		if strings.HasPrefix(line, "Max open files") {
			fmt.Println("limits:", strings.Join(strings.Fields(line), " "))
		}
	}
	if err := cxx2go.Stop(); err != nil {
		fmt.Println("stop:", err)
	}
}

// runCrashAtStartChild is a host whose worker dies while it starts, every time (TestWorkerCrashingAtStart):
// it prints its calls' errors, and how long Stop took.
func runCrashAtStartChild() {
	err := cxx2go.Start(cxx2go.Options{Isolate: map[string]cxx2go.Worker{service: {
		Path:              os.Getenv("CXX2GO_ISOLATION_WORKER"),
		Env:               []string{"ISOLATION_WORKER_CRASH_AT_START=1"},
		RestartBackoff:    time.Millisecond,
		MaxRestartBackoff: 20 * time.Millisecond,
	}}})
	if err != nil {
		fmt.Println("start:", err)
		os.Exit(1)
	}
	client := stress.NewCppWorkClient()
	for i := 0; i < 3; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := client.Work(ctx, 0, modeReturn)
		cancel()
		first, _, _ := strings.Cut(fmt.Sprint(err), "\n")
		fmt.Printf("call %d: code %d: %s\n", i, cxx2go.CodeOf(err), first)
	}
	start := time.Now()
	err = cxx2go.Stop()
	fmt.Printf("stop: %v after %v\n", err, time.Since(start).Round(time.Millisecond))
}

func mustPid(pid int64, err error) int64 {
	if err != nil {
		fmt.Println("pid:", err)
		os.Exit(1)
	}
	return pid
}

func runHostChild() {
	err := cxx2go.Start(cxx2go.Options{Isolate: map[string]cxx2go.Worker{service: {Path: os.Getenv("CXX2GO_ISOLATION_WORKER")}}})
	if err != nil {
		fmt.Println("start:", err)
		os.Exit(1)
	}
	pid, err := stress.NewCppWorkClient().Work(context.Background(), 0, modePid)
	if err != nil {
		fmt.Println("call:", err)
		os.Exit(1)
	}
	fmt.Println("worker", pid)
	time.Sleep(time.Hour) // killed by the test
}

func code(err error) cxx2go.Code { return cxx2go.CodeOf(err) }

// workerPid asks the current worker for its pid, waiting for a restart if one is under way. A worker
// killed just before may still take the question and die with it (Unavailable): it is asked again.
func workerPid(t *testing.T) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		pid, err := stress.NewCppWorkClient().Work(ctx, 0, modePid)
		if err == nil {
			return int(pid)
		}
		if code(err) != cxx2go.Unavailable || ctx.Err() != nil {
			t.Fatalf("pid of the worker: %v", err)
		}
	}
}

// waitForNewWorker calls until a worker other than `old` answers (a restart).
func waitForNewWorker(t *testing.T, old int) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		pid, err := stress.NewCppWorkClient().Work(ctx, 0, modePid)
		cancel()
		if err == nil && int(pid) != old {
			return int(pid)
		}
	}
	t.Fatalf("no new worker replaced pid %d within 30s", old)
	return 0
}

func openFds(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func osThreads(t *testing.T) int {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	t.Fatal("no Threads: line in /proc/self/status")
	return 0
}

func processExists(pid int) bool { return syscall.Kill(pid, 0) == nil }

// One Start and one Stop per process: the subtests run in order against the same isolated service.
func TestIsolatedService(t *testing.T) {
	path := workerPath(t)
	if err := stress.RegisterGoWork(goWork{}); err != nil {
		t.Fatal(err)
	}
	err := cxx2go.Start(cxx2go.Options{Isolate: map[string]cxx2go.Worker{service: {
		Path:              path,
		CancelGrace:       500 * time.Millisecond,
		RestartBackoff:    time.Millisecond,
		MaxRestartBackoff: 20 * time.Millisecond,
	}}})
	if err != nil {
		t.Fatal(err)
	}
	client := stress.NewCppWorkClient()
	ctx := context.Background()

	t.Run("calls_cross_the_process_boundary", func(t *testing.T) {
		if got, err := client.Work(ctx, 41, modeReturn); err != nil || got != 42 {
			t.Fatalf("Work(41) = %d, %v; want 42", got, err)
		}
		if got, err := client.AsyncWork(ctx, 1, modeReturn); err != nil || got != 2 {
			t.Fatalf("AsyncWork(1) = %d, %v; want 2", got, err)
		}
		if got, err := client.InlineWork(ctx, 7, modeReturn); err != nil || got != 8 {
			t.Fatalf("InlineWork(7) = %d, %v; want 8 (an @inline method runs in the worker too)", got, err)
		}
		if got, err := client.DirectSum(ctx, 40, 1, "x"); err != nil || got != 42 {
			t.Fatalf("DirectSum(40, 1, \"x\") = %d, %v; want 42 (a @direct method runs in the worker too)", got, err)
		}
		if pid := workerPid(t); pid == os.Getpid() || !processExists(pid) {
			t.Fatalf("the call ran in pid %d; the host is %d", pid, os.Getpid())
		}
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for g := 0; g < 64; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := int64(0); i < 200; i++ {
					if got, err := client.Work(ctx, i, modeReturn); err != nil || got != i+1 {
						errs <- fmt.Errorf("Work(%d) = %d, %v", i, got, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	})

	t.Run("worker_calls_back_into_go", func(t *testing.T) {
		var wg sync.WaitGroup
		for g := 0; g < 16; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := int64(0); i < 50; i++ {
					for _, mode := range []int32{modeCallGoSync, modeCallGoAsync} {
						if got, err := client.Work(ctx, i, mode); err != nil || got != i+1001 {
							t.Errorf("Work(%d, mode %d) = %d, %v; want %d (the host's GoWork + 1000)", i, mode, got, err, i+1001)
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		// An @inline method runs on the worker's ring thread, where a synchronous call into Go would wait for
		// itself (FailedPrecondition), or on an idle executor thread that took it from the ring (then it
		// works): either way it ends.
		if got, err := client.InlineWork(ctx, 1, modeCallGoSync); code(err) != cxx2go.FailedPrecondition && (err != nil || got != 1002) {
			t.Errorf("a synchronous call into Go from an @inline method of a worker: %d, %v; want 1002 or FailedPrecondition", got, err)
		}
	})

	t.Run("payloads_of_any_size_that_fits_the_rings", func(t *testing.T) {
		var wg sync.WaitGroup
		for g, size := range []int{0, 1, 447, 448, 449, 1000, 4096, 65536, 200000} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				data := make([]byte, size)
				for i := range data {
					data[i] = byte(i*31 + g)
				}
				for round := 0; round < 20; round++ {
					got, err := client.Reverse(ctx, data)
					if err != nil || len(got) != size {
						t.Errorf("Reverse(%d bytes) = %d bytes, %v", size, len(got), err)
						return
					}
					for i := range got {
						if got[i] != data[size-1-i] {
							t.Errorf("Reverse(%d bytes): byte %d differs", size, i)
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		_, err := client.Reverse(ctx, make([]byte, 4<<20))
		if code(err) != cxx2go.ResourceExhausted || !strings.Contains(err.Error(), "CXX2GO_RING_SLOTS") {
			t.Fatalf("a call larger than the rings: %v; want ResourceExhausted saying how to make them larger", err)
		}
	})

	t.Run("cancellation_reaches_the_worker", func(t *testing.T) {
		c, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		pid := workerPid(t)
		_, err := client.Work(c, 0, modeWaitCancel)
		if code(err) != cxx2go.DeadlineExceeded || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("a call past its deadline: %v; want DeadlineExceeded", err)
		}
		// The worker honoured the cancellation: it was not killed for ignoring it.
		time.Sleep(time.Second)
		if after := workerPid(t); after != pid {
			t.Fatalf("the worker was replaced (%d → %d) although it answered the cancellation", pid, after)
		}
	})

	t.Run("crash_fails_calls_in_flight_with_its_report", func(t *testing.T) {
		pid := workerPid(t)
		var wg sync.WaitGroup
		waiting := make([]error, 4)
		for i := range waiting {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, waiting[i] = client.Work(ctx, 0, modeWaitCancel)
			}()
		}
		time.Sleep(100 * time.Millisecond) // they are in the worker
		_, err := client.Work(ctx, 0, modeNullDeref)
		wg.Wait()
		if code(err) != cxx2go.Unavailable {
			t.Fatalf("the crashing call: %v; want Unavailable", err)
		}
		msg := err.Error()
		for _, want := range []string{fmt.Sprintf("pid %d", pid), "SIGSEGV", "cxx2go: fatal signal SIGSEGV",
			"null_dereference", "worker.cc:"} {
			if !strings.Contains(msg, want) {
				t.Errorf("the crash's error lacks %q:\n%s", want, msg)
			}
		}
		for i, err := range waiting {
			if code(err) != cxx2go.Unavailable || !strings.Contains(err.Error(), "SIGSEGV") {
				t.Errorf("call %d in flight during the crash: %v; want Unavailable naming SIGSEGV", i, err)
			}
		}
		if next := waitForNewWorker(t, pid); next == pid {
			t.Fatal("not restarted")
		}
	})

	t.Run("abort_and_exit", func(t *testing.T) {
		pid := workerPid(t)
		_, err := client.Work(ctx, 0, modeAbort)
		if code(err) != cxx2go.Unavailable || !strings.Contains(err.Error(), "SIGABRT") {
			t.Fatalf("abort(): %v; want Unavailable naming SIGABRT", err)
		}
		pid = waitForNewWorker(t, pid)
		_, err = client.Work(ctx, 3, modeExit)
		if code(err) != cxx2go.Unavailable || !strings.Contains(err.Error(), "exited with status 3") {
			t.Fatalf("_exit(3): %v; want Unavailable saying it exited with status 3", err)
		}
		waitForNewWorker(t, pid)
	})

	t.Run("hung_worker_is_killed_after_the_grace_period", func(t *testing.T) {
		pid := workerPid(t)
		c, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_, err := client.Work(c, 0, modeHang)
		if code(err) != cxx2go.DeadlineExceeded {
			t.Fatalf("a call to a hung worker: %v; want DeadlineExceeded at its deadline", err)
		}
		waitForNewWorker(t, pid)
	})

	t.Run("worker_that_stops_draining_its_ring", func(t *testing.T) {
		pid := workerPid(t)
		// An @inline method runs on the worker's ring thread: hung there, nothing drains the ring, which
		// fills up. Every call must still end at its deadline, and the worker be replaced.
		// Idle executor threads take @inline calls from the ring too: more hanging calls than the worker has
		// executor threads (8) hang its ring thread for sure.
		const hangs = 12
		hung := make(chan error, hangs)
		for i := 0; i < hangs; i++ {
			go func() {
				c, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
				defer cancel()
				_, err := client.InlineWork(c, 1, modeHang)
				hung <- err
			}()
		}
		time.Sleep(100 * time.Millisecond) // the ring thread is in one
		start := time.Now()
		var wg sync.WaitGroup
		var mu sync.Mutex
		outcomes := map[cxx2go.Code]int{}
		for g := 0; g < 1500; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
				defer cancel()
				_, err := client.InlineWork(c, 1, modeReturn)
				mu.Lock()
				outcomes[code(err)]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		took := time.Since(start)
		t.Logf("1,500 calls to a wedged worker: %v after %v", outcomes, took)
		for i := 0; i < hangs; i++ {
			if err := <-hung; code(err) != cxx2go.DeadlineExceeded {
				t.Errorf("a call that hung its thread: %v; want DeadlineExceeded", err)
			}
		}
		if outcomes[cxx2go.DeadlineExceeded] != 1500 {
			t.Errorf("outcomes %v: want every call DeadlineExceeded (nothing drains the ring)", outcomes)
		}
		waitForNewWorker(t, pid)
	})

	for _, mode := range []int32{modeGarbage, modeGarbageSlots} {
		t.Run(fmt.Sprintf("worker_writes_garbage_mode_%d", mode), func(t *testing.T) {
			pid := workerPid(t)
			c, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			defer cancel()
			// Any outcome but a crash or a hang of the host: the worker broke its own calls.
			_, err := client.Work(c, int64(pid), mode)
			t.Logf("the call that wrecked the region: %v", err)
			// A wrecked worker cannot answer: its calls time out, and it is killed once it ignores their
			// cancellation past the grace period, then replaced.
			waitForNewWorker(t, pid)
		})
	}

	t.Run("calls_made_while_the_worker_restarts_are_answered", func(t *testing.T) {
		// Calls made while the worker restarts are written into the new worker's ring before its runtime
		// has started. They must all be run and answered once it has: none may be refused for a runtime not
		// yet running, nor have its answer dropped because the ring was not open yet.
		for round := 0; round < 20; round++ {
			pid := workerPid(t)
			syscall.Kill(pid, syscall.SIGKILL)
			var wg sync.WaitGroup
			errs := make(chan error, 64)
			for g := 0; g < 64; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c, cancel := context.WithTimeout(ctx, 20*time.Second)
					defer cancel()
					for {
						got, err := client.Work(c, int64(g), modeReturn)
						// The killed worker may still take the call and die with it: at most once, so asked again.
						if code(err) == cxx2go.Unavailable {
							continue
						}
						if err != nil || got != int64(g)+1 {
							errs <- fmt.Errorf("Work(%d) = %d, %v; want %d", g, got, err, g+1)
						}
						return
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	})

	t.Run("kill_loop_leaves_nothing_behind", func(t *testing.T) {
		cycles := 40
		if n, err := strconv.Atoi(os.Getenv("CXX2GO_ISOLATION_KILL_CYCLES")); err == nil {
			cycles = n
		}
		workerPid(t)
		runtime.GC()
		fds, threads, goroutines := openFds(t), osThreads(t), runtime.NumGoroutine()
		outcomes := map[string]int{}
		var mu sync.Mutex
		for cycle := 0; cycle < cycles; cycle++ {
			pid := workerPid(t)
			var wg sync.WaitGroup
			for g := 0; g < 8; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c, cancel := context.WithTimeout(ctx, 20*time.Second)
					defer cancel()
					got, err := client.Work(c, 200, modeSleepMicros)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil && got == 201:
						outcomes["ok"]++
					case code(err) == cxx2go.Unavailable && strings.Contains(err.Error(), "SIGKILL"):
						outcomes["unavailable"]++
					default:
						outcomes[fmt.Sprintf("unexpected: %d, %v", got, err)]++
					}
				}()
			}
			time.Sleep(time.Duration(cycle%5) * 100 * time.Microsecond)
			syscall.Kill(pid, syscall.SIGKILL)
			wg.Wait()
		}
		total := 0
		for outcome, n := range outcomes {
			total += n
			if strings.HasPrefix(outcome, "unexpected") {
				t.Errorf("%d calls: %s", n, outcome)
			}
		}
		if total != 8*cycles || outcomes["unavailable"] == 0 {
			t.Errorf("outcomes %v: want exactly one per call (%d), some of them Unavailable", outcomes, 8*cycles)
		}
		workerPid(t)
		// Settled: every dead worker's goroutines, descriptors and threads are gone.
		var nowFds, nowThreads, nowGoroutines int
		for i := 0; i < 50; i++ {
			runtime.GC()
			nowFds, nowThreads, nowGoroutines = openFds(t), osThreads(t), runtime.NumGoroutine()
			if nowFds <= fds && nowGoroutines <= goroutines+2 && nowThreads <= threads+4 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("%d cycles: outcomes %v; fds %d → %d, threads %d → %d, goroutines %d → %d", cycles, outcomes,
			fds, nowFds, threads, nowThreads, goroutines, nowGoroutines)
		if nowFds > fds || nowGoroutines > goroutines+2 || nowThreads > threads+4 {
			t.Errorf("leaked: fds %d → %d, threads %d → %d, goroutines %d → %d", fds, nowFds, threads, nowThreads,
				goroutines, nowGoroutines)
		}
	})

	t.Run("stop_stops_the_worker", func(t *testing.T) {
		pid := workerPid(t)
		if err := cxx2go.Stop(); err != nil {
			t.Fatal(err)
		}
		if processExists(pid) {
			t.Errorf("worker %d still runs after Stop", pid)
		}
		if _, err := client.Work(ctx, 0, modeReturn); code(err) != cxx2go.Stopped {
			t.Errorf("a call after Stop: %v; want Stopped", err)
		}
	})
}

// A host that dies (SIGKILL: it cannot clean up) takes its workers with it.
func TestHostDeathEndsWorker(t *testing.T) {
	path := workerPath(t)
	host := exec.Command(os.Args[0], "-test.run=^$")
	host.Env = append(os.Environ(), hostChildEnv+"=1", "CXX2GO_ISOLATION_WORKER="+path)
	out, err := host.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	host.Stderr = os.Stderr
	if err := host.Start(); err != nil {
		t.Fatal(err)
	}
	var pid int
	if _, err := fmt.Fscanf(out, "worker %d\n", &pid); err != nil {
		host.Process.Kill()
		host.Wait()
		t.Fatalf("the host did not report its worker: %v", err)
	}
	if !processExists(pid) {
		t.Fatalf("worker %d is not running", pid)
	}
	host.Process.Kill()
	host.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for processExists(pid) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	// The worker is not our child: once it has exited, it is reaped by init and gone.
	if processExists(pid) {
		t.Fatalf("worker %d outlived its host by 10s", pid)
	}
}

// A worker in the seccomp sandbox serves calls, dies of a forbidden system call with an error that names
// it, and comes back confined; its limits hold.
func TestSandbox(t *testing.T) {
	host := exec.Command(os.Args[0], "-test.run=^$")
	host.Env = append(os.Environ(), hostChildEnv+"=sandbox", "CXX2GO_ISOLATION_WORKER="+workerPath(t))
	out, err := host.Output()
	t.Logf("host output:\n%s", out)
	if err != nil {
		t.Fatalf("host: %v", err)
	}
	lines := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if name, result, ok := strings.Cut(line, ": "); ok {
			lines[name] = result
		}
	}
	if lines["allowed"] != "42" || lines["after restart"] != "42" {
		t.Errorf("calls in the sandbox: %q and %q after the restart; want 42", lines["allowed"], lines["after restart"])
	}
	forbidden := lines["forbidden"]
	if !strings.HasPrefix(forbidden, fmt.Sprintf("error %d ", cxx2go.Unavailable)) || !strings.Contains(forbidden, "killed by signal SIGSYS") ||
		!strings.Contains(forbidden, "forbidden system call socket") {
		t.Errorf("a forbidden system call: %s; want Unavailable naming SIGSYS and the call (socket)", forbidden)
	}
	for name, call := range map[string]string{"signal the host": "fcntl", "fork": "clone"} {
		if !strings.Contains(lines[name], "killed by signal SIGSYS") || !strings.Contains(lines[name], "forbidden system call "+call) {
			t.Errorf("%s from the sandbox: %s; want SIGSYS naming %s", name, lines[name], call)
		}
	}
	if !strings.Contains(lines["limits"], "Max open files 64 64") {
		t.Errorf("the worker's open files limit: %q; want 64", lines["limits"])
	}
}

// A worker that dies while it starts, at every restart: calls fail with Unavailable (or at their deadline,
// while a restart is under way), never hang, and Stop ends the restart loop at once.
func TestWorkerCrashingAtStart(t *testing.T) {
	host := exec.Command(os.Args[0], "-test.run=^$")
	host.Env = append(os.Environ(), hostChildEnv+"=crash-at-start", "CXX2GO_ISOLATION_WORKER="+workerPath(t))
	out, err := host.Output()
	t.Logf("host output:\n%s", out)
	if err != nil {
		t.Fatalf("host: %v", err)
	}
	calls, unavailable := 0, 0
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "call ") {
			calls++
			if strings.Contains(line, fmt.Sprintf("code %d: ", cxx2go.Unavailable)) && strings.Contains(line, "SIGABRT") {
				unavailable++
			} else if !strings.Contains(line, fmt.Sprintf("code %d: ", cxx2go.DeadlineExceeded)) {
				t.Errorf("a call to a worker that dies at start: %s; want Unavailable naming SIGABRT, or DeadlineExceeded", line)
			}
		}
		if strings.HasPrefix(line, "stop: ") && !strings.HasPrefix(line, "stop: <nil>") {
			t.Errorf("%s; want Stop to succeed", line)
		}
	}
	if calls != 3 || unavailable == 0 {
		t.Errorf("%d calls, %d of them Unavailable naming SIGABRT: want 3, and at least one", calls, unavailable)
	}
}
