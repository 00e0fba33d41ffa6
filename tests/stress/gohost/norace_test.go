//go:build !race

package gohost_test

const raceEnabled = false
