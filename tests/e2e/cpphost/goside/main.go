// Command goside is the Go side of the C++ host of the end-to-end tests, built as a C archive:
//
//	go build -buildmode=c-archive -o libe2e_go.a ./tests/e2e/cpphost/goside
//
// Its init registers the Go implementation of e2e.GoSide; the C++ test program (tests/e2e/cpphost)
// links the archive, starts the runtime and registers the C++ services. The exported functions below are
// what the C++ tests need from Go beyond the schema's services: the Go battery's check names, and Go →
// C++ calls for the life-cycle scenarios (a C++ host has no other way to make Go call C++).
package main

/*
#cgo CXXFLAGS: -std=c++20 -Wall -Wextra -Werror -I${SRCDIR}/../../../../runtime/cpp/include
#include <stdint.h>
#include <stdlib.h>
void e2e_cpp_live_counts(uint64_t* outgoing, uint64_t* incoming); // live.cc
*/
import "C"

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	_ "github.com/cxx2go/cxx2go/runtime/cpp" // the runtime headers our C++ includes: rebuild when they change
	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
	"github.com/cxx2go/cxx2go/tests/e2e/goimpl"
	e2e "github.com/cxx2go/cxx2go/tests/gen/e2e"
)

func init() {
	if err := goimpl.Register(); err != nil {
		fmt.Fprintf(os.Stderr, "goside: cannot register GoSide: %v\n", err)
		os.Exit(1)
	}
	goimpl.LiveCounts = func() (uint64, uint64) {
		if cppProcess() != uint64(os.Getpid()) { // isolated: its worker's runtime, which live.cc does not see
			c, err := e2e.NewCppSideClient().LiveCounts(context.Background())
			if err != nil {
				fmt.Fprintf(os.Stderr, "goside: CppSide.live_counts: %v\n", err)
				return ^uint64(0), ^uint64(0)
			}
			return c.Outgoing, c.Incoming
		}
		var o, i C.uint64_t
		C.e2e_cpp_live_counts(&o, &i)
		return uint64(o), uint64(i)
	}
}

// cppProcess returns the process e2e.CppSide runs in: this one, or its worker when CXX2GO_ISOLATE isolates
// it (scripts/run-e2e.sh); 0 if it cannot be asked (the runtime is not running).
func cppProcess() uint64 {
	pid, err := e2e.NewCppSideClient().ProcessID(context.Background())
	if err != nil {
		return 0
	}
	return pid
}

// e2e_go_cpp_process_id returns the process e2e.CppSide runs in (cppProcess).
//
//export e2e_go_cpp_process_id
func e2e_go_cpp_process_id() C.uint64_t { return C.uint64_t(cppProcess()) }

// e2e_go_cpp_active_sleeps returns CppSide.active_sleeps() where CppSide runs, or -1 if it cannot be asked.
//
//export e2e_go_cpp_active_sleeps
func e2e_go_cpp_active_sleeps() C.int {
	n, err := e2e.NewCppSideClient().ActiveSleeps(context.Background())
	if err != nil {
		return -1
	}
	return C.int(n)
}

func main() {}

// e2e_go_check_names returns the names of the Go battery's checks, each followed by '\n', in memory
// from malloc() that the caller frees.
//
//export e2e_go_check_names
func e2e_go_check_names() *C.char {
	var b strings.Builder
	for _, c := range goimpl.Battery() {
		b.WriteString(c.Name)
		b.WriteByte('\n')
	}
	return C.CString(b.String())
}

// e2e_go_call_twice calls CppSide.twice(value) from Go and returns the status code; *out is the result.
//
//export e2e_go_call_twice
func e2e_go_call_twice(value C.int64_t, out *C.int64_t) C.int32_t {
	v, err := e2e.NewCppSideClient().Twice(context.Background(), int64(value))
	*out = C.int64_t(v)
	return C.int32_t(cxx2go.CodeOf(err))
}

type sleepOutcome struct {
	ok  bool
	err error
}

var cppSleep chan sleepOutcome

// e2e_go_start_cpp_sleep starts CppSide.sleep(60 s) from a goroutine; e2e_go_finish_cpp_sleep waits
// (up to 10 s) for it to return and returns its status code (*slept is its result), -2 if it did not
// return in time, -3 if none was started. Not concurrency-safe: one scenario at a time.
//
//export e2e_go_start_cpp_sleep
func e2e_go_start_cpp_sleep() {
	cppSleep = make(chan sleepOutcome, 1)
	go func(done chan<- sleepOutcome) {
		ok, err := e2e.NewCppSideClient().Sleep(context.Background(), 60_000)
		done <- sleepOutcome{ok, err}
	}(cppSleep)
}

//export e2e_go_finish_cpp_sleep
func e2e_go_finish_cpp_sleep(slept *C.int) C.int32_t {
	if cppSleep == nil {
		return -3
	}
	select {
	case o := <-cppSleep:
		cppSleep = nil
		*slept = 0
		if o.ok {
			*slept = 1
		}
		return C.int32_t(cxx2go.CodeOf(o.err))
	case <-time.After(10 * time.Second):
		return -2
	}
}

// e2e_go_unregister_goside unregisters GoSide and returns the status code.
//
//export e2e_go_unregister_goside
func e2e_go_unregister_goside() C.int32_t {
	return C.int32_t(cxx2go.CodeOf(e2e.UnregisterGoSide()))
}
