package pricing

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
)

// One test, in steps: the runtime starts once per process, and a Start that fails starts nothing, so the
// failures come first, then the Start that succeeds, then the calls.
func TestStartRegistersTheCppImplementation(t *testing.T) {
	failures := []struct{ mode, want string }{
		{"null", "cannot register the C++ implementation of pricing.Pricer made by pricing::make_pricer(): " +
			"pricing::make_pricer() returned null"},
		{"throw", "cannot register the C++ implementation of pricing.Pricer made by pricing::make_pricer(): " +
			"pricing::make_pricer() threw std::runtime_error: no price list"},
	}
	for _, failure := range failures {
		t.Setenv("PRICING_FACTORY", failure.mode)
		err := cxx2go.Start(cxx2go.Options{})
		if err == nil {
			t.Fatalf("PRICING_FACTORY=%s: Start succeeded", failure.mode)
		}
		if !strings.Contains(err.Error(), failure.want) {
			t.Errorf("PRICING_FACTORY=%s: Start's error\n  %v\ndoes not contain\n  %s", failure.mode, err, failure.want)
		}
		var cxxErr *cxx2go.Error
		if !errors.As(err, &cxxErr) || (failure.mode == "null") != (cxxErr.Code == cxx2go.FailedPrecondition) {
			t.Errorf("PRICING_FACTORY=%s: Start's error %#v", failure.mode, err)
		}
	}

	t.Setenv("PRICING_FACTORY", "")
	if err := cxx2go.Start(cxx2go.Options{}); err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer func() {
		if err := cxx2go.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	}()

	ctx := context.Background()
	pricer := NewPricerClient()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				// total: the synchronous C++ form, on an executor thread.
				total, err := pricer.Total(ctx, []Item{{Sku: "a", PriceCents: 250, Quantity: 2}, {Sku: "b", PriceCents: 1, Quantity: uint32(i)}})
				if err != nil || total != 500+int64(i) {
					t.Errorf("Total = %d, %v; want %d", total, err, 500+i)
					return
				}
				// quote: the asynchronous C++ form, a coroutine.
				quote, err := pricer.Quote(ctx, "sku-1", uint32(i))
				if err != nil || quote != 500*int64(i) {
					t.Errorf("Quote = %d, %v; want %d", quote, err, 500*i)
					return
				}
			}
		}()
	}
	wg.Wait()

	_, err := pricer.Quote(ctx, "", 1)
	var cxxErr *cxx2go.Error
	if !errors.As(err, &cxxErr) || cxxErr.Code != cxx2go.InvalidArgument || cxxErr.Message != "empty sku" {
		t.Errorf("Quote of an empty sku: %v, want invalid_argument: empty sku", err)
	}
}

// A program whose C++ lacks the factory does not link, and the linker names the factory: a forgotten
// implementation is never a library silently left out. (A copy of this package without pricer.cc, in a
// throwaway module.)
func TestMissingFactoryFailsToLinkNamingIt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, contents string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(contents), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/app\n\ngo 1.24\n\nrequire github.com/cxx2go/cxx2go v0.0.0\n\n"+
		"replace github.com/cxx2go/cxx2go => "+root+"\n")
	for _, name := range []string{"pricing.c2g.go", "pricing.c2g.cgo.go", "pricing.c2g.cgo.cc", "pricing.c2g.cc", "pricing.c2g.h"} {
		contents, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		write("pricing/"+name, string(contents))
	}
	write("main.go", "package main\n\nimport _ \"example.com/app/pricing\"\n\nfunc main() {}\n")
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "app"), ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off")
	output, err := build.CombinedOutput()
	if err == nil {
		t.Fatal("a program without pricing::make_pricer() linked")
	}
	if !strings.Contains(string(output), "undefined reference to `pricing::make_pricer()'") {
		t.Errorf("the link error does not name pricing::make_pricer():\n%s", output)
	}
}
