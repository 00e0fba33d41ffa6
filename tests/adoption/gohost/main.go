// Command gohost is the adoption suite's Go-host sample: a program of its own module that calls a C++
// service through cxx2go, built by `go generate ./... && go build` alone (tests/adoption/README.md).
// It prints what it got and fails unless the C++ side applies the markup given by -want-markup.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync"

	"example.com/adoption/gohost/shop"
	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
)

// ledger implements the go service shop.Ledger, which the C++ Pricer calls for every line it prices.
type ledger struct {
	mu    sync.Mutex
	lines map[string]int64
}

func (l *ledger) Record(_ context.Context, sku string, cents int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines[sku] += cents
	return nil
}

func main() {
	wantMarkup := flag.Int64("want-markup", 100, "the markup in percent the C++ side must apply")
	flag.Parse()
	if err := run(*wantMarkup); err != nil {
		fmt.Fprintln(os.Stderr, "gohost: FAILED:", err)
		os.Exit(1)
	}
}

func run(wantMarkup int64) error {
	book := &ledger{lines: map[string]int64{}}
	if err := shop.RegisterLedger(book); err != nil {
		return err
	}
	if err := cxx2go.Start(cxx2go.Options{}); err != nil {
		return err
	}
	defer cxx2go.Stop()

	ctx := context.Background()
	pricer := shop.NewPricerClient()
	items := []shop.Item{
		{Sku: "apple", PriceCents: 30, Quantity: 4},
		{Sku: "bread", PriceCents: 250, Quantity: 1},
	}
	total, err := pricer.Total(ctx, items)
	if err != nil {
		return err
	}
	markup, err := pricer.MarkupPercent(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("total %d cents at a markup of %d%%, ledger %v\n", total, markup, book.lines)
	if int64(markup) != wantMarkup {
		return fmt.Errorf("markup %d%%, want %d%%: the program does not run the C++ it was built from", markup, wantMarkup)
	}
	if want := (30*4 + 250) * wantMarkup / 100; total != want {
		return fmt.Errorf("total %d, want %d", total, want)
	}
	if book.lines["apple"] != 120 || book.lines["bread"] != 250 || len(book.lines) != 2 {
		return fmt.Errorf("the ledger holds %v, want apple 120 and bread 250", book.lines)
	}
	fmt.Println("gohost: ok")
	return nil
}
