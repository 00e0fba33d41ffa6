package c2gimpl

import (
	"runtime"
	"sync/atomic"
	"time"
)

// adaptiveSpin is the spin budget of one waiting site of the ring transport (the dispatcher, a caller
// waiting for a ring completion), adapted to whether spinning pays off there; the same rules as the C++
// runtime's AdaptiveSpin (src/exec/spin_wait.h), which explains them. In short: a spin that found its work
// restores the full budget; one that lost the CPU for more than spinPreemptedGap (the machine is
// oversubscribed: spinning takes the CPU from the thread that would answer) stops at once; every
// spinMissesToHalve misses in a row halve the budget; a park ended soon by the awaited work restores it;
// and at zero every spinProbeEvery-th wait still spins spinProbe, so that the budget comes back when the
// machine does.
type adaptiveSpin struct {
	max    atomic.Int64 // ns
	budget atomic.Int64 // ns
	misses atomic.Uint32
	probes atomic.Uint32
}

const (
	spinPreemptedGap  = 50 * time.Microsecond
	spinProbe         = 2 * time.Microsecond
	spinProbeEvery    = 32
	spinMissesToHalve = 8
)

func (a *adaptiveSpin) reset(limit time.Duration) {
	limit = max(limit, 0)
	a.max.Store(int64(limit))
	a.budget.Store(int64(limit))
}

// next is the budget of the next wait: the current one, or a probe.
func (a *adaptiveSpin) next() time.Duration {
	if b := a.budget.Load(); b > 0 {
		return time.Duration(b)
	}
	limit := time.Duration(a.max.Load())
	if limit <= 0 || a.probes.Add(1)%spinProbeEvery != 1 {
		return 0
	}
	return min(spinProbe, limit)
}

// spin polls ready for at most next(), letting other goroutines run between polls, and learns from the
// outcome; it returns ready's last value.
func (a *adaptiveSpin) spin(ready func() bool) bool {
	budget := a.next()
	if budget <= 0 {
		return ready()
	}
	start := time.Now()
	last := start
	for i := 1; ; i++ {
		if ready() {
			a.found()
			return true
		}
		if i%32 != 0 {
			continue
		}
		now := time.Now()
		if now.Sub(last) > spinPreemptedGap || now.Sub(start) >= budget {
			if ready() {
				return true
			}
			a.ranOut()
			return false
		}
		runtime.Gosched()
		// The gap that tells a lost CPU is measured over the polls only: time spent in Gosched went to
		// other goroutines of this process (at many calls in flight, the handlers), which is no sign of
		// an oversubscribed machine.
		last = time.Now()
	}
}

// found reports that a wait found its work while spinning.
func (a *adaptiveSpin) found() {
	a.misses.Store(0)
	a.budget.Store(a.max.Load())
}

// ranOut reports that a spin ran out, or stopped because it lost the CPU.
func (a *adaptiveSpin) ranOut() {
	if a.misses.Add(1)%spinMissesToHalve != 0 {
		return
	}
	half := a.budget.Load() / 2
	if half < int64(time.Microsecond) { // a shorter spin is worth less than the clock reads that bound it
		half = 0
	}
	a.budget.Store(half)
}

// parkedFor reports how long a waiter was parked before the work it waited for woke it.
func (a *adaptiveSpin) parkedFor(d time.Duration) {
	if int64(d) < a.max.Load() {
		a.found()
	}
}
