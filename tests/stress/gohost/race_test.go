//go:build race

package gohost_test

// The race detector makes every call several times slower: the storm scales down (see stormCalls).
const raceEnabled = true
