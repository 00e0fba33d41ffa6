package main

// The isolated run (-isolate WORKER; examples/README.md, docs/isolation.md): the same kv.Store, served by
// the worker process built by examples/leveldb/CMakeLists.txt instead of this process. A poison request
// crashes the worker in the middle of a stream of writes; this program keeps serving, prints the crash
// report and the restart, and then verifies every write the store acknowledged.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/cxx2go/cxx2go/examples/leveldb/kv"
	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
)

// poisonKey crashes the process that serves the store (kv/leveldb_store.cc).
const poisonKey = "cxx2go-demo:poison"

func runIsolated(worker string, writers int) (err error) {
	dir, err := os.MkdirTemp("", "cxx2go-leveldb-isolated-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	merger := &counterMerger{}
	if err := kv.RegisterMerger(merger); err != nil {
		return err
	}
	err = cxx2go.Start(cxx2go.Options{Isolate: map[string]cxx2go.Worker{
		"kv.Store": {Path: worker, RestartBackoff: 20 * time.Millisecond},
	}})
	if err != nil {
		return err
	}
	defer func() {
		if stopErr := cxx2go.Stop(); err == nil && stopErr != nil {
			err = stopErr
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	store := kv.NewStoreClient()
	config := kv.OpenOptions{CreateIfMissing: true, WriteBufferBytes: 1 << 20}
	if err := store.Open(ctx, dir, config); err != nil {
		return fmt.Errorf("open: %w", err)
	}
	fmt.Printf("kv.Store runs in a worker process (%s); database %s\n", worker, dir)

	// Writers put keys until the store fails them. A write that failed may or may not have reached
	// LevelDB (at most once: nothing is retried behind the caller's back); every acknowledged one must last.
	var mu sync.Mutex
	acked := map[string]string{}
	uncertain := map[string]string{}
	var firstFailure error
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				key, value := fmt.Sprintf("writer-%02d/%06d", w, i), fmt.Sprintf("value %d of writer %d", i, w)
				err := store.Put(ctx, []byte(key), []byte(value))
				mu.Lock()
				if err == nil {
					acked[key] = value
				} else {
					uncertain[key] = value
					if firstFailure == nil {
						firstFailure = err
					}
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	fmt.Printf("\n%d writers are putting keys; now a poison request crashes the store's native code:\n", writers)
	err = store.Put(ctx, []byte(poisonKey), []byte("boom"))
	if cxx2go.CodeOf(err) != cxx2go.Unavailable {
		return fmt.Errorf("the poison request: %v; want Unavailable from the crashed worker", err)
	}
	// The error carries the worker's crash report (forwarded above as the worker printed it): its
	// first lines name the signal, the method and the crashing frames.
	lines := strings.Split(err.Error(), "\n")
	fmt.Printf("\nthe poison request failed with:\n  %s\n  ...\n", strings.Join(lines[:min(len(lines), 5)], "\n  "))
	wg.Wait()
	first, _, _ := strings.Cut(firstFailure.Error(), "\n")
	fmt.Printf("\n%d writes were acknowledged; the %d in flight during the crash failed (%s)\n", len(acked),
		len(uncertain), first)

	// The supervisor restarts the worker; its store starts closed, like any fresh process.
	if err := store.Open(ctx, dir, config); err != nil {
		return fmt.Errorf("reopen after the restart: %w", err)
	}
	fmt.Println("the worker restarted and reopened the database; this process kept running")
	for key, value := range acked {
		got, err := store.Get(ctx, []byte(key))
		if err != nil {
			return fmt.Errorf("get %s: %w", key, err)
		}
		if got == nil || string(*got) != value {
			return fmt.Errorf("acknowledged write %s is lost after the crash", key)
		}
	}
	applied := 0
	for key, value := range uncertain {
		got, err := store.Get(ctx, []byte(key))
		if err != nil {
			return fmt.Errorf("get %s: %w", key, err)
		}
		if got != nil && string(*got) != value {
			return fmt.Errorf("write %s in flight during the crash left a wrong value %q", key, *got)
		}
		if got != nil {
			applied++
		}
	}
	fmt.Printf("verified: all %d acknowledged writes are there; of the %d that failed, %d had been applied, "+
		"%d had not (none is half-done)\n", len(acked), len(uncertain), applied, len(uncertain)-applied)
	// Calls into Go from the worker work as they did in process: a MERGE calls the Go merger back.
	if err := store.Write(ctx, []kv.Write{{Kind: kv.WriteKindMerge, Key: []byte("counter"), Value: []byte("41")},
		{Kind: kv.WriteKindMerge, Key: []byte("counter"), Value: []byte("1")}}); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	got, err := store.Get(ctx, []byte("counter"))
	if err != nil || got == nil || string(*got) != "42" {
		return fmt.Errorf("merged counter: %v, %v; want 42", got, err)
	}
	fmt.Printf("a MERGE batch called the Go merger back from the worker (%d call): counter = 42\n", merger.calls.Load())
	if err := store.Close(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("close: %w", err)
	}
	return nil
}
