// Command cppside is the Go half of the C++ host of `make bench` (bench/README.md), built with
// -buildmode=c-archive: the cxx2go implementation of bench.GoBench, and the raw cgo baseline, plain
// //export'ed functions taking pointers and lengths. Both do the same work, independent of the payload
// size (lengths are returned, bytes are not read).
package main

/*
#include <stddef.h>
#include <stdint.h>
typedef struct bench_small { int64_t a; double b; int32_t c; } bench_small;
*/
import "C"

import (
	"context"
	"unsafe"

	"github.com/cxx2go/cxx2go/bench/internal/gen/bench"
)

type impl struct{}

func (impl) Ping(context.Context) error { return nil }

func (impl) Small(_ context.Context, v bench.Small) (bench.Small, error) {
	return bench.Small{A: v.A + 1, B: v.B * 2, C: v.C - 1}, nil
}

func (impl) Text(_ context.Context, s string) (uint64, error) { return uint64(len(s)), nil }

func (impl) Blob(_ context.Context, b []byte) (uint64, error) { return uint64(len(b)), nil }

func (impl) Names(_ context.Context, l []string) (uint64, error) {
	var n uint64
	for _, s := range l {
		n += uint64(len(s))
	}
	return n, nil
}

func (impl) Nested(_ context.Context, n bench.Nested) (bench.Nested, error) { return n, nil }

func init() {
	if err := bench.RegisterGoBench(impl{}); err != nil {
		panic(err)
	}
}

//export bench_go_raw_ping
func bench_go_raw_ping() {}

//export bench_go_raw_small
func bench_go_raw_small(in, out *C.bench_small) {
	out.a = in.a + 1
	out.b = in.b * 2
	out.c = in.c - 1
}

// The floor: a view of the C++ bytes, no copy (valid only during the call).
//
//export bench_go_raw_bytes
func bench_go_raw_bytes(p *C.uint8_t, n C.size_t) C.uint64_t {
	b := unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n))
	return C.uint64_t(len(b))
}

// list<string> by hand: the strings packed back to back and their lengths; Go gets views (no copies).
//
//export bench_go_raw_names
func bench_go_raw_names(packed *C.uint8_t, plen C.size_t, lens *C.uint64_t, count C.size_t) C.uint64_t {
	buf := unsafe.Slice((*byte)(unsafe.Pointer(packed)), int(plen))
	ls := unsafe.Slice((*uint64)(unsafe.Pointer(lens)), int(count))
	names := make([]string, 0, 128)
	at := uint64(0)
	for _, l := range ls {
		names = append(names, unsafe.String(&buf[at], int(l)))
		at += l
	}
	var n uint64
	for _, s := range names {
		n += uint64(len(s))
	}
	return C.uint64_t(n)
}

func main() {}
