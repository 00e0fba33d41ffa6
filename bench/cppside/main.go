// Command cppside is the Go half of the C++ host of `make bench` (bench/README.md), built with
// -buildmode=c-archive: the cxx2go implementation of bench.GoBench, and the raw cgo baseline, plain
// //export'ed functions taking pointers and lengths. Both do the same work, independent of the payload
// size (lengths are returned, bytes are not read).
package main

/*
#include <stddef.h>
#include <stdint.h>
typedef struct bench_small { int64_t a; double b; int32_t c; } bench_small;

// The echo workload by hand (bench/README.md): C++ passes a C struct of views of its strings, Go copies
// them into a bench.Req and answers in a C struct, or (async) through a callback that completes C++'s
// minimal promise (raw_echo.c calls it: cgo cannot call a C function pointer).
typedef struct bench_view { const char* p; size_t n; } bench_view;
typedef struct bench_echo_req { uint64_t id; bench_view name; const bench_view* tags; size_t ntags; } bench_echo_req;
typedef struct bench_echo_resp { uint64_t id; uint32_t n; } bench_echo_resp;
typedef void (*bench_echo_done_fn)(void* promise, uint64_t id, uint32_t n);
void bench_call_echo_done(bench_echo_done_fn fn, void* promise, uint64_t id, uint32_t n);
*/
import "C"

import (
	"context"
	"runtime/metrics"
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

func (impl) Echo(_ context.Context, req bench.Req) (bench.Resp, error) { return answer(req), nil }

// answer is the echo workload's answer, the same for every mechanism.
func answer(req bench.Req) bench.Resp {
	n := len(req.Name)
	for _, t := range req.Tags {
		n += len(t)
	}
	return bench.Resp{ID: req.ID, N: uint32(n)}
}

func goString(v C.bench_view) string { return C.GoStringN(v.p, C.int(v.n)) }

// rawReq builds the Go request from C++'s views, copying the strings (Go keeps no pointer into C++).
func rawReq(req *C.bench_echo_req) bench.Req {
	r := bench.Req{ID: uint64(req.id), Name: goString(req.name), Tags: make([]string, int(req.ntags))}
	for i, v := range unsafe.Slice(req.tags, int(req.ntags)) {
		r.Tags[i] = goString(v)
	}
	return r
}

//export bench_go_raw_echo
func bench_go_raw_echo(req *C.bench_echo_req, resp *C.bench_echo_resp) {
	a := answer(rawReq(req))
	resp.id, resp.n = C.uint64_t(a.ID), C.uint32_t(a.N)
}

// The raw async baseline: one cgo call submits; the request is copied before it returns, a goroutine
// answers through one cgo call.
//
//export bench_go_raw_echo_async
func bench_go_raw_echo_async(req *C.bench_echo_req, done C.bench_echo_done_fn, promise unsafe.Pointer) {
	r := rawReq(req)
	go func() {
		a := answer(r)
		C.bench_call_echo_done(done, promise, C.uint64_t(a.ID), C.uint32_t(a.N))
	}()
}

var heapObjects = []metrics.Sample{{Name: "/gc/heap/allocs:objects"}}

// The Go heap objects allocated so far, for the cost columns.
//
//export bench_go_heap_objects
func bench_go_heap_objects() C.uint64_t {
	metrics.Read(heapObjects)
	return C.uint64_t(heapObjects[0].Value.Uint64())
}

func init() {
	if err := bench.RegisterGoBench(impl{}); err != nil {
		panic(err)
	}
	if err := bench.RegisterGoBenchDirect(impl{}); err != nil {
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
