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
