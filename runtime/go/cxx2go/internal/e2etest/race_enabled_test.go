//go:build race

package e2etest

// raceEnabled: the race detector's sync.Pool drops a random share of what is put back, so the runtime's
// pooled encoders and replies are reallocated now and then: allocation counts are meaningless with -race.
const raceEnabled = true
