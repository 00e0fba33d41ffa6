package c2gimpl

// Worker processes of isolated services (isolation.go; docs/isolation.md). The host lays out a ring
// region (cxx2go/ring_abi.h) in a memfd, starts the worker with it, its doorbell (an eventfd) and one end
// of a control socket (src/transport/worker.cc says what the worker does with them), and then treats the
// region like the in-process one, except that nothing in it is trusted (ring.go). The worker's stdout and
// stderr go to this process's stderr, each line prefixed with the service's name and the worker's pid.

/*
#include "cxx2go/ring_abi.h"
*/
import "C"

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// workerProcess is one run of an isolated service's worker.
type workerProcess struct {
	service *isolatedService
	pid     int
	proc    *os.Process
	region  []byte   // the shared mapping, unmapped once the transport detached
	control *os.File // the host's end of the control socket
	t       *ringTransport
	output  sync.WaitGroup // the goroutines forwarding stdout and stderr

	crashMu sync.Mutex
	crash   []string // the last crash report the worker printed (docs/debugging.md)

	detachedCh chan struct{} // closed by the dispatcher once it let go of the region
	killReason atomic.Pointer[string]
	violations atomic.Int64
}

var workerTags atomic.Uint64

// nextWorkerTag returns a tag (ringTransport.tag) for a new worker: never 0, the in-process ring's.
func nextWorkerTag() uint64 {
	for {
		if tag := workerTags.Add(1) & ringTagMask; tag != 0 {
			return tag
		}
	}
}

// spawn starts a worker and makes it the service's current one.
func (s *isolatedService) spawn() (*workerProcess, error) {
	slots, spinNs, err := ringGeometry()
	if err != nil {
		return nil, err
	}
	size := int(C.sizeof_cxx2go_ring_region) + 2*slots*ringSlotSize
	var fds workerFds
	defer fds.closeAll()
	if fds.region, err = memfdCreate("cxx2go-" + s.name); err != nil {
		return nil, s.spawnError("memfd_create", err)
	}
	if err = syscall.Ftruncate(fds.region, int64(size)); err != nil {
		return nil, s.spawnError("ftruncate", err)
	}
	mem, err := syscall.Mmap(fds.region, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return nil, s.spawnError("mmap", err)
	}
	ok := false
	defer func() {
		if !ok {
			syscall.Munmap(mem)
		}
	}()
	layOutRegion(mem, slots, spinNs)
	if fds.doorbell, err = eventfd(); err != nil {
		return nil, s.spawnError("eventfd", err)
	}
	var pair [2]int
	if pair, err = syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0); err != nil {
		return nil, s.spawnError("socketpair", err)
	}
	fds.control, fds.childControl = pair[0], pair[1]
	if fds.stdin, err = syscall.Open(os.DevNull, syscall.O_RDONLY|syscall.O_CLOEXEC, 0); err != nil {
		return nil, s.spawnError("open "+os.DevNull, err)
	}
	if fds.stdoutR, fds.stdoutW, err = pipe(); err != nil {
		return nil, s.spawnError("pipe", err)
	}
	if fds.stderrR, fds.stderrW, err = pipe(); err != nil {
		return nil, s.spawnError("pipe", err)
	}
	// The worker's own settings come from here alone: inherited ones (from this process's environment, or
	// Worker.Env) would come first in its environment, and be the ones it reads.
	var env []string
	for _, kv := range append(os.Environ(), s.cfg.Env...) {
		if !strings.HasPrefix(kv, "CXX2GO_WORKER_") {
			env = append(env, kv)
		}
	}
	env = append(env, "CXX2GO_WORKER_FDS=3,4,5", "CXX2GO_WORKER_SERVICE="+s.name,
		"CXX2GO_WORKER_PARENT="+strconv.Itoa(os.Getpid()))
	env = append(env, s.cfg.workerEnv()...)
	attr := &syscall.ProcAttr{
		Env:   env,
		Files: []uintptr{uintptr(fds.stdin), uintptr(fds.stdoutW), uintptr(fds.stderrW), uintptr(fds.region), uintptr(fds.doorbell), uintptr(fds.childControl)},
		Sys:   &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Credential: s.cfg.Credential},
	}
	pid, err := forkExec(s.cfg.Path, append([]string{s.cfg.Path}, s.cfg.Args...), attr)
	if err != nil {
		return nil, s.spawnError("cannot start "+s.cfg.Path, err)
	}
	proc, err := os.FindProcess(pid)
	if err != nil { // never on Unix
		return nil, s.spawnError("find process", err)
	}
	p := &workerProcess{
		service:    s,
		pid:        pid,
		proc:       proc,
		region:     mem,
		detachedCh: make(chan struct{}),
	}
	p.control = fds.take(&fds.control, "cxx2go-control")
	p.t = newRemoteTransport(p, mem, fds.take(&fds.doorbell, "cxx2go-doorbell"), spinNs)
	p.output.Add(2)
	go p.forward(fds.take(&fds.stdoutR, "worker-stdout"), false)
	go p.forward(fds.take(&fds.stderrR, "worker-stderr"), true)
	go p.readControl()
	go p.t.dispatch()
	ok = true
	if !s.workerUp(p) { // Stop came meanwhile
		p.kill("the runtime stopped while it started")
	}
	return p, nil
}

func (s *isolatedService) spawnError(what string, err error) error {
	return &Error{Code: Unavailable, Message: fmt.Sprintf("cannot start the worker process of %s: %s: %v", s.name, what, err)}
}

// workerFds are the descriptors of a spawn; closeAll closes those not taken (the child's copies, and
// everything after a failure).
type workerFds struct {
	region, doorbell, control, childControl, stdin, stdoutR, stdoutW, stderrR, stderrW int
}

func (f *workerFds) closeAll() {
	for _, fd := range []*int{&f.region, &f.doorbell, &f.control, &f.childControl, &f.stdin, &f.stdoutR,
		&f.stdoutW, &f.stderrR, &f.stderrW} {
		if *fd > 0 {
			syscall.Close(*fd)
		}
		*fd = -1
	}
}

// take hands *fd over to an *os.File (non-blocking: the netpoller waits on it, no thread does).
func (f *workerFds) take(fd *int, name string) *os.File {
	syscall.SetNonblock(*fd, true)
	file := os.NewFile(uintptr(*fd), name)
	*fd = -1
	return file
}

func pipe() (r, w int, err error) {
	var p [2]int
	err = syscall.Pipe2(p[:], syscall.O_CLOEXEC)
	return p[0], p[1], err
}

func eventfd() (int, error) {
	const efdNonblock, efdCloexec = 0x800, 0x80000
	fd, _, errno := syscall.Syscall(syscall.SYS_EVENTFD2, 0, efdNonblock|efdCloexec, 0)
	if errno != 0 {
		return -1, errno
	}
	return int(fd), nil
}

func memfdCreate(name string) (int, error) {
	const mfdCloexec = 1
	p, err := syscall.BytePtrFromString(name)
	if err != nil {
		return -1, err
	}
	fd, _, errno := syscall.Syscall(sysMemfdCreate, uintptr(unsafe.Pointer(p)), mfdCloexec, 0)
	if errno != 0 {
		return -1, errno
	}
	return int(fd), nil
}

// Workers are started from one thread that never exits: a child's PR_SET_PDEATHSIG (the worker dies with
// its host) fires when the thread that started it exits, not the process.
var spawner = sync.OnceValue(func() chan func() {
	requests := make(chan func())
	go func() {
		runtime.LockOSThread() // never unlocked: the thread lives as long as the process
		for f := range requests {
			f()
		}
	}()
	return requests
})

func forkExec(path string, argv []string, attr *syscall.ProcAttr) (pid int, err error) {
	done := make(chan struct{})
	spawner() <- func() {
		pid, err = syscall.ForkExec(path, argv, attr)
		close(done)
	}
	<-done
	return pid, err
}

// ringGeometry is the size of the worker's rings (CXX2GO_RING_SLOTS, as in-process) and its spin time.
func ringGeometry() (slots int, spinNs uint32, err error) {
	slots = C.CXX2GO_RING_DEFAULT_SLOTS
	if v := os.Getenv("CXX2GO_RING_SLOTS"); v != "" {
		n, convErr := strconv.Atoi(v)
		if convErr != nil || n < 2 || n > 1<<20 || n&(n-1) != 0 {
			return 0, 0, &Error{Code: InvalidArgument, Message: "CXX2GO_RING_SLOTS must be a power of two between 2 and 1048576"}
		}
		slots = n
	}
	spinUs := int64(20)
	if v := os.Getenv("CXX2GO_RING_SPIN_US"); v != "" {
		if n, convErr := strconv.ParseInt(v, 10, 64); convErr == nil && n >= 0 {
			spinUs = n
		}
	}
	return slots, uint32(min(spinUs*1000, int64(^uint32(0)))), nil
}

// layOutRegion writes an empty region of two rings of `slots` slots into mem (Ring::init's layout).
func layOutRegion(mem []byte, slots int, spinNs uint32) {
	region := (*C.cxx2go_ring_region)(unsafe.Pointer(&mem[0]))
	region.magic = C.CXX2GO_RING_MAGIC
	region.version = C.CXX2GO_RING_VERSION
	region.transport = C.CXX2GO_TRANSPORT_RING
	region.size = C.uint64_t(len(mem))
	region.go_eventfd = -1 // the worker has the doorbell as a descriptor of its own
	region.spin_ns = C.uint32_t(spinNs)
	ringBytes := uint64(slots) * ringSlotSize
	first := uint64(C.sizeof_cxx2go_ring_region)
	for i, r := range []*C.cxx2go_ring{&region.to_go, &region.to_cpp} {
		r.capacity = C.uint64_t(slots)
		r.slots = C.uint64_t(first + uint64(i)*ringBytes)
		for j := 0; j < slots; j++ {
			s := (*C.cxx2go_ring_slot)(unsafe.Pointer(&mem[uint64(r.slots)+uint64(j)*ringSlotSize]))
			s.seq = C.uint64_t(j)
		}
	}
}

// newRemoteTransport is the transport of a worker's region, whose geometry the host chose (layOutRegion):
// it is taken from there, never read back from the shared memory.
func newRemoteTransport(p *workerProcess, mem []byte, doorbell *os.File, spinNs uint32) *ringTransport {
	base := unsafe.Pointer(&mem[0])
	region := (*C.cxx2go_ring_region)(base)
	slots := (uint64(len(mem)) - uint64(C.sizeof_cxx2go_ring_region)) / 2 / ringSlotSize
	first := uint64(C.sizeof_cxx2go_ring_region)
	ctx, cancel := context.WithCancel(rootCtx)
	t := &ringTransport{
		region: region,
		toGo:   goRing{r: &region.to_go, slots: unsafe.Add(base, first), mask: slots - 1},
		toCpp:  goRing{r: &region.to_cpp, slots: unsafe.Add(base, first+slots*ringSlotSize), mask: slots - 1},
		mode:   C.CXX2GO_TRANSPORT_RING,
		spinNs: time.Duration(spinNs),
		efd:    doorbell,
		calls:  &callContexts{root: ctx},
		remote: p,
		tag:    nextWorkerTag(),
	}
	t.endCancel = cancel
	t.overflow = make(chan uint64, 1024)
	go t.answerOverflow()
	t.dispatchSpin.reset(t.spinNs)
	t.callerSpin.reset(t.spinNs)
	return t
}

// forward copies the worker's stdout or stderr to this process's stderr, a line at a time, and keeps the
// last crash report it sees.
func (p *workerProcess) forward(f *os.File, isStderr bool) {
	defer p.output.Done()
	defer f.Close()
	prefix := fmt.Sprintf("[%s worker %d] ", p.service.name, p.pid)
	r := bufio.NewReaderSize(f, 64<<10)
	var report []string
	inReport := false
	for {
		// A line longer than the buffer is cut into pieces of its size: the worker's output never grows
		// this process's memory.
		chunk, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			err = nil
		}
		if line := string(chunk); line != "" {
			line = strings.TrimRight(line, "\n")
			fmt.Fprintln(os.Stderr, prefix+line)
			if isStderr {
				if strings.HasPrefix(line, "cxx2go: fatal signal") {
					inReport, report = true, nil
				}
				if inReport && len(report) < 64 {
					report = append(report, line)
				}
				if strings.HasPrefix(line, "cxx2go: end of the crash report") {
					inReport = false
					p.crashMu.Lock()
					p.crash = report
					p.crashMu.Unlock()
				}
			}
		}
		if err != nil {
			if inReport { // cut short: the process died in the middle of it
				p.crashMu.Lock()
				p.crash = report
				p.crashMu.Unlock()
			}
			if err != io.EOF && !isClosedError(err) {
				fmt.Fprintf(os.Stderr, "%scannot read its output: %v\n", prefix, err)
			}
			return
		}
	}
}

func isClosedError(err error) bool { return strings.Contains(err.Error(), "file already closed") }

// readControl waits for the worker's 'R' (it serves calls).
func (p *workerProcess) readControl() {
	var b [1]byte
	for {
		n, err := p.control.Read(b[:])
		if n == 1 && b[0] == 'R' {
			return
		}
		if err != nil {
			return
		}
	}
}

// requestStop asks the worker to stop its runtime and exit.
func (p *workerProcess) requestStop() {
	p.control.Write([]byte{'S'}) // an error means it is gone already
}

// kill ends the worker with SIGKILL; reason (the first one given) says why in its calls' errors.
func (p *workerProcess) kill(reason string) {
	p.killReason.CompareAndSwap(nil, &reason)
	p.proc.Signal(syscall.SIGKILL)
}

// violation reports a message of the worker that breaks the protocol. It is not acted on: a broken worker
// can only fail its own calls (docs/isolation.md), and it is counted and reported once.
func (p *workerProcess) violation(what string) {
	if p.violations.Add(1) == 1 {
		fmt.Fprintf(diagnostics, "cxx2go: the worker process of %s (pid %d) broke the ring protocol: %s "+
			"(ignored; reported once)\n", p.service.name, p.pid, what)
	}
}

// wait waits for the worker to exit and returns why it did, in words, with its crash report if it printed one.
func (p *workerProcess) wait() string {
	state, err := p.proc.Wait()
	// Its output ends with it, unless a process it started still holds the pipes: bounded.
	outputDone := make(chan struct{})
	go func() { p.output.Wait(); close(outputDone) }()
	select {
	case <-outputDone:
	case <-time.After(2 * time.Second):
	}
	how := "exited"
	switch {
	case err != nil:
		how = "could not be waited for: " + err.Error()
	case state.Sys().(syscall.WaitStatus).Signaled():
		sig := state.Sys().(syscall.WaitStatus).Signal()
		how = fmt.Sprintf("was killed by signal %s (%v)", signalName(sig), sig)
	default:
		how = fmt.Sprintf("exited with status %d", state.ExitCode())
	}
	reason := fmt.Sprintf("the worker process of %s (pid %d) %s", p.service.name, p.pid, how)
	if why := p.killReason.Load(); why != nil {
		reason += ": cxx2go killed it because it " + *why
	}
	p.crashMu.Lock()
	if len(p.crash) != 0 {
		reason += "\n" + strings.Join(p.crash, "\n")
	}
	p.crashMu.Unlock()
	return reason
}

func signalName(sig syscall.Signal) string {
	names := map[syscall.Signal]string{syscall.SIGSEGV: "SIGSEGV", syscall.SIGABRT: "SIGABRT",
		syscall.SIGBUS: "SIGBUS", syscall.SIGFPE: "SIGFPE", syscall.SIGILL: "SIGILL", syscall.SIGKILL: "SIGKILL",
		syscall.SIGTERM: "SIGTERM", syscall.SIGSYS: "SIGSYS", syscall.SIGXCPU: "SIGXCPU"}
	if n, ok := names[sig]; ok {
		return n
	}
	return "signal " + strconv.Itoa(int(sig))
}

// end fails the worker's calls with Unavailable (Stopped during Stop) and the reason, once its dispatcher
// has delivered what the worker answered before it exited, and frees the region.
func (p *workerProcess) end(reason string) {
	t := p.t
	t.endCode, t.endReason = Unavailable, reason
	if p.service.isStopping() {
		t.endCode = Stopped
	}
	t.ended.Store(true)
	t.efd.Write([]byte{1, 0, 0, 0, 0, 0, 0, 0}) // wakes the dispatcher, which detaches (an error: it has)
	<-p.detachedCh                              // it completed every call still pending, abandoned ones too (their timers stopped)
	p.control.Close()
	syscall.Munmap(p.region)
}

// detached is the dispatcher's last word on t (ring.go, detach): no goroutine touches the region any more.
func (p *workerProcess) detached(t *ringTransport) {
	t.endCancel()
	close(p.detachedCh)
}

// abandon gives up on pending call id (its caller's context ended): the caller returns at once, and p
// replaces the call's entry with one that waits for the worker's answer to the cancellation that follows.
// A worker that has not answered within Worker.CancelGrace is hung: it is killed (and restarted). false if
// the completion came first.
func (p *workerProcess) abandon(id uint64, pc *pendingCall) bool {
	grace := p.service.cfg.CancelGrace
	if grace == 0 {
		grace = 10 * time.Second
	}
	// The timer starts once the tombstone is in the table: firing earlier, it would not find it.
	tomb := &pendingCall{}
	tomb.abandoned = time.AfterFunc(math.MaxInt64, func() {
		if pendingCalls.DeleteIf(id, func(v *pendingCall) bool { return v == tomb }) {
			p.kill(fmt.Sprintf("did not answer a call of %s within %v of its cancellation", p.service.name, grace))
		}
	})
	if !pendingCalls.ReplaceIf(id, tomb, func(v *pendingCall) bool { return v == pc }) {
		tomb.abandoned.Stop()
		return false
	}
	if grace >= 0 { // negative: never killed for it; the entry waits for the answer, or the worker's end
		tomb.abandoned.Reset(grace)
	}
	livePending.Add(-1)
	pendingPool.Put(pc) // no completion can reach it any more
	return true
}
