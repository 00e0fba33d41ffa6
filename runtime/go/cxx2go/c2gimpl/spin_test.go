package c2gimpl

import (
	"testing"
	"time"
)

func TestAdaptiveSpinStopsSpinningWhenNothingComes(t *testing.T) {
	var a adaptiveSpin
	a.reset(20 * time.Microsecond)
	polls := 0
	if a.spin(func() bool { polls++; return false }) {
		t.Fatal("spin found work that never came")
	}
	if polls < 2 || time.Duration(a.budget.Load()) > 10*time.Microsecond {
		t.Fatalf("after a fruitless spin: %d polls, budget %v; want several polls, budget halved", polls,
			time.Duration(a.budget.Load()))
	}
	for range 10 {
		a.spin(func() bool { return false })
	}
	if a.budget.Load() != 0 {
		t.Fatalf("budget %v after 11 fruitless spins, want 0", time.Duration(a.budget.Load()))
	}
}

func TestAdaptiveSpinKeepsTheBudgetWhileSpinningPaysOff(t *testing.T) {
	var a adaptiveSpin
	a.reset(20 * time.Microsecond)
	for range 100 {
		n := 0
		if !a.spin(func() bool { n++; return n == 3 }) {
			t.Fatal("spin missed work")
		}
	}
	if got := time.Duration(a.budget.Load()); got != 20*time.Microsecond {
		t.Fatalf("budget %v, want 20µs", got)
	}
}

func TestAdaptiveSpinStopsAtOnceWhenItLosesTheCPU(t *testing.T) {
	var a adaptiveSpin
	a.reset(10 * time.Millisecond)
	polls := 0
	a.spin(func() bool {
		if polls++; polls == 20 {
			time.Sleep(2 * spinPreemptedGap) // as if descheduled by a busy machine
		}
		return false
	})
	// The clock is read every 32 polls: the first read after the gap stops the spin (and one last poll).
	if polls != 33 {
		t.Fatalf("%d polls, want 33: the spin went on after losing the CPU", polls)
	}
	if got := time.Duration(a.budget.Load()); got != 2500*time.Microsecond {
		t.Fatalf("budget %v, want a quarter of 10ms", got)
	}
}

func TestAdaptiveSpinProbesAtZeroAndRegrows(t *testing.T) {
	var a adaptiveSpin
	a.reset(20 * time.Microsecond)
	for range 10 {
		a.ranOut(false)
	}
	probes := 0
	for range 4 * spinProbeEvery {
		if a.next() > 0 {
			probes++
		}
	}
	if probes != 4 {
		t.Fatalf("%d probes in %d waits at budget 0, want 4", probes, 4*spinProbeEvery)
	}
	for i := 0; i < 64 && a.budget.Load() < int64(20*time.Microsecond); i++ {
		a.spin(func() bool { return true })
	}
	if got := time.Duration(a.budget.Load()); got != 20*time.Microsecond {
		t.Fatalf("budget %v after spins that found work, want back at 20µs", got)
	}
	a.reset(20 * time.Microsecond)
	for range 10 {
		a.ranOut(false)
	}
	a.parkedFor(5 * time.Millisecond)
	if a.budget.Load() != 0 {
		t.Fatal("a long park regrew the budget")
	}
	a.parkedFor(8 * time.Microsecond)
	if got := time.Duration(a.budget.Load()); got != spinProbe {
		t.Fatalf("budget %v after a short park, want %v", got, spinProbe)
	}
}

// A completion goes through cgo instead of the ring exactly when the ring's consumer is parked and no
// waiting thread helps (ringTransport.complete).
func TestRingConsumerAsleep(t *testing.T) {
	g := newTestRing(t, 4)
	if g.consumerAsleep() {
		t.Fatal("a consumer that never parked is asleep")
	}
	if !g.preparePark() || !g.consumerAsleep() {
		t.Fatal("a parked consumer is not asleep")
	}
	*u32(&g.r.helpers) = 1
	if g.consumerAsleep() {
		t.Fatal("asleep while a waiting thread helps: the helper takes the completion from the ring")
	}
	*u32(&g.r.helpers) = 0
	g.unpark()
	if g.consumerAsleep() {
		t.Fatal("asleep after unpark")
	}
}
