package c2gimpl

import (
	"strings"
	"testing"
)

// Generated decoders insert every map entry through InsertUnique: a key sent twice must fail the
// decoder (the wire format allows each key once) and keep the first value.
func TestInsertUniqueRejectsADuplicateKey(t *testing.T) {
	d := NewDecoder(nil)
	m := map[string]int32{}
	if !InsertUnique(d, m, "a", 1) || !InsertUnique(d, m, "b", 2) {
		t.Fatalf("distinct keys rejected: %v", d.Err())
	}
	if err := d.Err(); err != nil {
		t.Fatalf("decoder failed on distinct keys: %v", err)
	}
	if InsertUnique(d, m, "a", 3) {
		t.Fatal("a duplicate key was accepted")
	}
	if err := d.Err(); err == nil || !strings.Contains(err.Error(), "duplicate map key") {
		t.Fatalf("decoder error after a duplicate key = %v, want one naming the duplicate map key", err)
	}
	if m["a"] != 1 || len(m) != 2 {
		t.Fatalf("map after a rejected duplicate = %v, want a:1 b:2", m)
	}
}
