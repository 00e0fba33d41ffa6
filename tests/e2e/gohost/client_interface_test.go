package gohost_test

import (
	"context"
	"testing"

	e2e "github.com/cxx2go/cxx2go/tests/gen/e2e"
)

// quadruple is code written against the C++ service's interface, as a user writes it.
func quadruple(ctx context.Context, svc e2e.CppSide, x int64) (int64, error) {
	y, err := svc.Twice(ctx, x)
	if err != nil {
		return 0, err
	}
	return svc.Twice(ctx, y)
}

// fakeCppSide stands in for the C++ implementation: only Twice is faked (calling any other method panics
// on the nil embedded interface).
type fakeCppSide struct {
	e2e.CppSide
	calls int
}

func (f *fakeCppSide) Twice(_ context.Context, value int64) (int64, error) {
	f.calls++
	return 2 * value, nil
}

// The generated interface of a cpp service lets the code that calls it be tested with a fake, and the
// generated client is one of its implementations.
func TestCppServiceInterfaceTakesAFakeAndTheClient(t *testing.T) {
	fake := &fakeCppSide{}
	if got, err := quadruple(context.Background(), fake, 5); err != nil || got != 20 || fake.calls != 2 {
		t.Fatalf("with the fake: %d, %v after %d calls; want 20 after 2", got, err, fake.calls)
	}
	if got, err := quadruple(context.Background(), e2e.NewCppSideClient(), 5); err != nil || got != 20 {
		t.Fatalf("with the C++ implementation: %d, %v; want 20", got, err)
	}
}
