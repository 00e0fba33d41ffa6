package c2gimpl

import (
	"testing"
	"time"
)

func budgetOf(a *adaptiveSpin) time.Duration { return time.Duration(a.budget.Load()) }

func TestAdaptiveSpinHalvesAfterMissesInARow(t *testing.T) {
	var a adaptiveSpin
	a.reset(20 * time.Microsecond)
	polls := 0
	if a.spin(func() bool { polls++; return false }) {
		t.Fatal("spin found work that never came")
	}
	if polls < 2 || budgetOf(&a) != 20*time.Microsecond {
		t.Fatalf("after one fruitless spin: %d polls, budget %v; want several polls, budget kept", polls, budgetOf(&a))
	}
	for range spinMissesToHalve - 1 {
		a.ranOut()
	}
	if budgetOf(&a) != 10*time.Microsecond {
		t.Fatalf("budget %v after %d misses in a row, want halved", budgetOf(&a), spinMissesToHalve)
	}
	for range 4 * spinMissesToHalve {
		a.ranOut()
	}
	if a.budget.Load() != 0 {
		t.Fatalf("budget %v after %d misses in a row, want 0", budgetOf(&a), 5*spinMissesToHalve)
	}
}

func TestAdaptiveSpinAHitRestoresTheBudget(t *testing.T) {
	var a adaptiveSpin
	a.reset(20 * time.Microsecond)
	for range 2 * spinMissesToHalve {
		a.ranOut()
	}
	if budgetOf(&a) != 5*time.Microsecond {
		t.Fatalf("budget %v, want 5µs", budgetOf(&a))
	}
	n := 0
	if !a.spin(func() bool { n++; return n == 3 }) {
		t.Fatal("spin missed work")
	}
	if budgetOf(&a) != 20*time.Microsecond {
		t.Fatalf("budget %v after a hit, want the full 20µs", budgetOf(&a))
	}
	// The misses are counted in a row: a hit starts the count again.
	for range spinMissesToHalve - 1 {
		a.ranOut()
	}
	if budgetOf(&a) != 20*time.Microsecond {
		t.Fatal("misses before the hit were counted")
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
	// The clock is read every 32 polls: the first read after the gap stops the spin (and one last poll),
	// long before the 10 ms budget.
	if polls != 33 {
		t.Fatalf("%d polls, want 33: the spin went on after losing the CPU", polls)
	}
	if a.misses.Load() != 1 {
		t.Fatalf("%d misses, want the stop counted as one", a.misses.Load())
	}
}

func TestAdaptiveSpinProbesAtZeroAndComesBack(t *testing.T) {
	var a adaptiveSpin
	a.reset(20 * time.Microsecond)
	for range 10 * spinMissesToHalve {
		a.ranOut()
	}
	if a.budget.Load() != 0 {
		t.Fatal("budget not zero")
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
	for i := 0; i < 2*spinProbeEvery && a.budget.Load() == 0; i++ {
		a.spin(func() bool { return true })
	}
	if budgetOf(&a) != 20*time.Microsecond {
		t.Fatalf("budget %v after a probe found work, want the full 20µs", budgetOf(&a))
	}
	for range 10 * spinMissesToHalve {
		a.ranOut()
	}
	a.parkedFor(5 * time.Millisecond)
	if a.budget.Load() != 0 {
		t.Fatal("a long park restored the budget")
	}
	a.parkedFor(8 * time.Microsecond)
	if budgetOf(&a) != 20*time.Microsecond {
		t.Fatalf("budget %v after a short park, want the full 20µs", budgetOf(&a))
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
