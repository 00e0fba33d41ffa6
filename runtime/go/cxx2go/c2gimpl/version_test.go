package c2gimpl

import (
	"fmt"
	"testing"
)

func TestVersionIsItsNumbers(t *testing.T) {
	if want := fmt.Sprintf("%d.%d.%d", versionMajor, versionMinor, versionPatch); Version != want {
		t.Fatalf("Version = %q, but its numbers (checked against cxx2go/version.h) say %q", Version, want)
	}
}
