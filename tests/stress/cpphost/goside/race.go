//go:build race

package main

// raceEnabled: this archive is built with the race detector (cmake: stress_cpphost_race).
const raceEnabled = true
