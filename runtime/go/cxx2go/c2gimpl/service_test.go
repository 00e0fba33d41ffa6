package c2gimpl

import (
	"context"
	"testing"
)

func TestRegistry(t *testing.T) {
	h := func(context.Context, *Incoming, *Encoder) error { return nil }
	a := &ServiceDesc{Name: "test.A", Methods: []MethodDesc{{ID: 1, Name: "test.A.x", Handler: h}, {ID: 2, Name: "test.A.y", Handler: h}}}
	if err := RegisterService(a); err != nil {
		t.Fatal(err)
	}
	defer UnregisterService("test.A")
	if lookupMethod(1) != &a.Methods[0] || lookupMethod(2) != &a.Methods[1] || lookupMethod(3) != nil {
		t.Fatal("lookup after register")
	}
	if err := RegisterService(a); CodeOf(err) != AlreadyExists {
		t.Fatalf("same service twice: %v", err)
	}
	clash := &ServiceDesc{Name: "test.B", Methods: []MethodDesc{{ID: 2, Name: "test.B.z", Handler: h}}}
	if err := RegisterService(clash); CodeOf(err) != AlreadyExists {
		t.Fatalf("clashing method id: %v", err)
	}
	if lookupMethod(2) != &a.Methods[1] {
		t.Fatal("a failed registration changed the registry")
	}
	noHandler := &ServiceDesc{Name: "test.C", Methods: []MethodDesc{{ID: 9, Name: "test.C.w"}}}
	if err := RegisterService(noHandler); CodeOf(err) != InvalidArgument {
		t.Fatalf("method without handler: %v", err)
	}
	if err := UnregisterService("test.A"); err != nil {
		t.Fatal(err)
	}
	if lookupMethod(1) != nil || lookupMethod(2) != nil {
		t.Fatal("methods still found after unregister")
	}
	if err := UnregisterService("test.A"); CodeOf(err) != NotFound {
		t.Fatalf("unregister twice: %v", err)
	}
}

// Ids that share their low bits probe on; ids that are not there are not found, also in a full-looking
// neighbourhood, and the table of no methods finds nothing.
func TestMethodTableFindsEveryIDAndOnlyThose(t *testing.T) {
	methods := map[uint64]*MethodDesc{}
	for i := uint64(0); i < 20; i++ {
		id := (i+1)<<32 | 5 // every id in the same bucket
		methods[id] = &MethodDesc{ID: id}
	}
	methods[6] = &MethodDesc{ID: 6}
	table := newMethodTable(methods)
	for id, m := range methods {
		if got := table.find(id); got != m {
			t.Fatalf("find(%#x) = %v, want %v", id, got, m)
		}
	}
	for _, id := range []uint64{5, 7, 22<<32 | 5, 1<<63 | 6} {
		if got := table.find(id); got != nil {
			t.Fatalf("find(%#x) = %v for an id that is not registered", id, got)
		}
	}
	empty := newMethodTable(nil)
	if got := empty.find(42); got != nil {
		t.Fatalf("the empty table found %v", got)
	}
}
