package c2gimpl

// Isolated services (docs/isolation.md): a cpp service whose C++ implementation runs in a worker process
// of its own. Its generated client does not change: its Methods are bound at Start to the service's
// current worker, and every call of theirs (synchronous, @inline and oneway ones included) travels over the
// worker's rings. This file chooses the worker of a call; worker.go runs and supervises the processes.

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Worker says how to run the C++ implementation of a cpp service in a worker process (Options.Isolate).
type Worker struct {
	// Path is the worker's executable: the service's implementation, linked with the C++ runtime, whose
	// main registers it and calls cxx2go::run_worker (cxx2go/worker.h).
	Path string
	// Args are its arguments (after the program name), Env what it gets on top of this process's environment.
	Args []string
	Env  []string
	// FailFast makes calls fail at once with Unavailable while the worker restarts, instead of waiting for
	// the new worker (up to their context's deadline).
	FailFast bool
	// CancelGrace is how long a worker may keep running a call after it was cancelled (its caller's
	// context ended) before the worker is considered hung, killed and restarted. 0: 10s; negative: never.
	CancelGrace time.Duration
	// StopTimeout bounds how long Stop waits for the worker to stop by itself (it stops its runtime,
	// which cancels its calls) before killing it. 0: 10s.
	StopTimeout time.Duration
	// RestartBackoff is the wait before restarting a worker that ended; it doubles with each worker that
	// ends within 10s of its start, up to MaxRestartBackoff. 0: 50ms and 5s.
	RestartBackoff, MaxRestartBackoff time.Duration
	// Limits of the worker process, which it sets (setrlimit) before it serves calls; 0 leaves a limit as
	// the worker inherits it. A worker past AddressSpace fails to allocate (std::bad_alloc: its calls fail
	// with Exception); past CPUTime it is killed (SIGXCPU) and restarted.
	AddressSpace uint64        // bytes of virtual memory (RLIMIT_AS)
	CPUTime      time.Duration // CPU time of the whole process (RLIMIT_CPU), rounded up to seconds
	OpenFiles    uint64        // descriptors (RLIMIT_NOFILE)
	// NoNewPrivs sets the worker's no_new_privs flag (PR_SET_NO_NEW_PRIVS): nothing it executes gains
	// privileges. Credential runs it as another user and group (the host must be allowed to switch).
	NoNewPrivs bool
	Credential *syscall.Credential
	// Seccomp confines the worker to the system calls of pure computation (docs/isolation.md, "Sandbox")
	// plus these, by name; a worker that makes any other is killed, and its calls' errors name the call.
	// The worker must be linked with the sandbox (cxx2go::use_seccomp_sandbox, cxx2go/seccomp.h), or it
	// refuses to start. nil: no sandbox; an empty non-nil slice: the default list alone.
	Seccomp []string
}

// workerEnv is what the worker reads of its configuration (src/transport/worker.cc).
func (w *Worker) workerEnv() []string {
	var limits []string
	if w.AddressSpace != 0 {
		limits = append(limits, fmt.Sprintf("as=%d", w.AddressSpace))
	}
	if w.CPUTime > 0 {
		limits = append(limits, fmt.Sprintf("cpu=%d", int64((w.CPUTime+time.Second-1)/time.Second)))
	}
	if w.OpenFiles != 0 {
		limits = append(limits, fmt.Sprintf("nofile=%d", w.OpenFiles))
	}
	if w.NoNewPrivs {
		limits = append(limits, "nonewprivs=1")
	}
	env := []string{"CXX2GO_WORKER_LIMITS=" + strings.Join(limits, ",")}
	if w.Seccomp != nil {
		env = append(env, "CXX2GO_WORKER_SECCOMP=default"+strings.Join(append([]string{""}, w.Seccomp...), ","))
	}
	return env
}

// isolatedService is a cpp service served by worker processes, one at a time.
type isolatedService struct {
	name    string
	cfg     Worker
	current atomic.Pointer[ringTransport] // the running worker's transport; nil while it restarts

	mu       sync.Mutex
	up       chan struct{} // closed when a worker starts; replaced when it ends
	stopping bool
	lastEnd  string         // why the last worker ended
	stopReq  chan struct{}  // closed by Stop
	done     chan struct{}  // closed when the supervisor has returned
	proc     *workerProcess // the current worker process, nil between two
}

// isolation holds the isolated services of the process, from Start on.
var isolation struct {
	sync.Mutex
	services map[string]*isolatedService
}

// isolateEnv is the environment variable that isolates services at deploy time, as Options.Isolate does:
// "package.Service=/path/to/worker", several separated by commas. It adds to Options.Isolate.
const isolateEnv = "CXX2GO_ISOLATE"

// isolatedConfig merges Options.Isolate and CXX2GO_ISOLATE.
func isolatedConfig(opts map[string]Worker) (map[string]Worker, error) {
	out := make(map[string]Worker, len(opts))
	for name, w := range opts {
		out[name] = w
	}
	for _, entry := range strings.Split(os.Getenv(isolateEnv), ",") {
		if entry = strings.TrimSpace(entry); entry == "" {
			continue
		}
		name, path, ok := strings.Cut(entry, "=")
		if !ok || name == "" || path == "" {
			return nil, &Error{Code: InvalidArgument, Message: fmt.Sprintf(
				"%s: %q is not package.Service=/path/to/worker", isolateEnv, entry)}
		}
		w := out[name]
		w.Path = path
		out[name] = w
	}
	return out, nil
}

// startIsolation starts a worker for each isolated service and binds the service's Methods to it. On an
// error nothing stays started.
func startIsolation(opts map[string]Worker) error {
	// Workers a C++ host's start left running when it failed after attaching Go: replaced, never doubled.
	isolation.Lock()
	previous := isolation.services
	isolation.services = nil
	isolation.Unlock()
	for _, s := range previous {
		s.stop()
	}
	cfg, err := isolatedConfig(opts)
	if err != nil || len(cfg) == 0 {
		return err
	}
	methods := map[string][]*Method{}
	allMethods.Lock()
	for _, m := range allMethods.list {
		methods[m.serviceName()] = append(methods[m.serviceName()], m)
	}
	allMethods.Unlock()
	names := make([]string, 0, len(cfg))
	for name := range cfg {
		names = append(names, name)
	}
	sort.Strings(names)
	started := map[string]*isolatedService{}
	fail := func(err error) error {
		for _, s := range started {
			s.stop()
		}
		return err
	}
	for _, name := range names {
		w := cfg[name]
		if len(methods[name]) == 0 {
			return fail(&Error{Code: InvalidArgument, Message: fmt.Sprintf(
				"cannot isolate %s: no cpp service of that name is in this program's bindings", name)})
		}
		if w.Path == "" {
			return fail(&Error{Code: InvalidArgument, Message: "cannot isolate " + name + ": no worker executable (Worker.Path)"})
		}
		s := &isolatedService{name: name, cfg: w, up: make(chan struct{}), stopReq: make(chan struct{}),
			done: make(chan struct{})}
		p, err := s.spawn()
		if err != nil {
			close(s.done)
			return fail(err)
		}
		started[name] = s
		go s.supervise(p)
	}
	for name, s := range started {
		for _, m := range methods[name] {
			m.isolated.Store(s)
		}
	}
	isolation.Lock()
	isolation.services = started
	isolation.Unlock()
	return nil
}

// stopIsolation stops every worker (Stop): each stops its runtime, which answers or cancels its calls,
// and exits; one that does not within its StopTimeout is killed. Calls of isolated services fail with
// Stopped from now on.
func stopIsolation() {
	isolation.Lock()
	services := isolation.services
	isolation.Unlock()
	var wg sync.WaitGroup
	for _, s := range services {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.stop()
		}()
	}
	wg.Wait()
}

// transportFor returns the transport of a call of the service with these arguments: its running worker's,
// after waiting for it while it restarts (unless FailFast).
func (s *isolatedService) transportFor(ctx context.Context, args []byte, views []View) (transport, error) {
	for {
		if t := s.current.Load(); t != nil {
			if !t.fits(args, views) {
				return nil, &Error{Code: ResourceExhausted, Message: fmt.Sprintf(
					"the arguments of a call to %s (%d bytes) do not fit the rings of the isolated transport "+
						"(%d bytes; CXX2GO_RING_SLOTS makes them larger)", s.name, callPayloadSize(args, views),
					t.toCpp.maxPayload())}
			}
			// A handler of one of this worker's synchronous calls calling back into it: nested in that call.
			if served, ok := ctx.Value(servedCallKey{}).(servedCall); ok && served.t == t {
				return nestedCall{t, served.id}, nil
			}
			return t, nil
		}
		s.mu.Lock()
		up, stopping, lastEnd := s.up, s.stopping, s.lastEnd
		s.mu.Unlock()
		switch {
		case stopping:
			return nil, &Error{Code: Stopped, Message: "the cxx2go runtime stopped"}
		case s.current.Load() != nil:
			continue
		case s.cfg.FailFast:
			return nil, &Error{Code: Unavailable, Message: lastEnd + "; it is restarting"}
		}
		select {
		case <-up:
		case <-s.stopReq: // Stop: the next round answers Stopped
		case <-ctx.Done():
			return nil, contextError(ctx)
		}
	}
}

// workerUp makes p the service's worker: calls go to it from now on.
func (s *isolatedService) workerUp(p *workerProcess) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return false
	}
	s.proc = p
	s.current.Store(p.t)
	close(s.up)
	return true
}

// workerDown takes p out of service (it ended, for `reason`): calls wait for the next one.
func (s *isolatedService) workerDown(p *workerProcess, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != p {
		return
	}
	s.proc = nil
	s.current.Store(nil)
	s.lastEnd = reason
	s.up = make(chan struct{})
}

// stop asks the current worker to stop and waits for the supervisor, killing the worker after StopTimeout.
func (s *isolatedService) stop() {
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		<-s.done
		return
	}
	s.stopping = true
	close(s.stopReq)
	p := s.proc
	s.mu.Unlock()
	if p != nil {
		p.requestStop()
	}
	timeout := orDefault(s.cfg.StopTimeout, 10*time.Second)
	select {
	case <-s.done:
	case <-time.After(timeout):
		if p != nil {
			p.kill("did not stop within " + timeout.String())
		}
		<-s.done
	}
}

func (s *isolatedService) isStopping() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopping
}

// Backoff of restarts (Worker.RestartBackoff): doubled after each worker that ends before it ran for
// restartHealthy.
const (
	restartMinBackoff = 50 * time.Millisecond
	restartMaxBackoff = 5 * time.Second
	restartHealthy    = 10 * time.Second
)

func orDefault(d, fallback time.Duration) time.Duration {
	if d <= 0 {
		return fallback
	}
	return d
}

// supervise waits for each worker to end, fails its calls and starts the next, until Stop.
func (s *isolatedService) supervise(p *workerProcess) {
	defer close(s.done)
	first := orDefault(s.cfg.RestartBackoff, restartMinBackoff)
	most := max(orDefault(s.cfg.MaxRestartBackoff, restartMaxBackoff), first)
	backoff := first
	for {
		started := time.Now()
		reason := p.wait()
		s.workerDown(p, reason)
		p.end(reason)
		if s.isStopping() {
			return
		}
		if time.Since(started) >= restartHealthy {
			backoff = first
		}
		first, _, _ := strings.Cut(reason, "\n") // its crash report, if any, was forwarded as it was printed
		fmt.Fprintf(os.Stderr, "cxx2go: %s; restarting it in %v\n", first, backoff)
		for {
			select {
			case <-time.After(backoff):
			case <-s.stopReq:
				return
			}
			backoff = min(2*backoff, most)
			next, err := s.spawn()
			if err == nil {
				p = next
				break
			}
			fmt.Fprintf(os.Stderr, "cxx2go: cannot restart the worker process of %s: %v; retrying in %v\n",
				s.name, err, backoff)
		}
	}
}
