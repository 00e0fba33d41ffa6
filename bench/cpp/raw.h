// The raw cgo baseline of Go → C++ (bench/README.md): plain C functions taking pointers and lengths,
// called from Go with no encoding, no lookup and no runtime. What a careful hand-written shim costs.
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bench_small {
  int64_t a;
  double b;
  int32_t c;
} bench_small;

void bench_raw_ping(void);
void bench_raw_small(const bench_small* in, bench_small* out);
uint64_t bench_raw_bytes(const uint8_t* data, size_t len);
// list<string> by hand: the strings packed back to back, and their lengths.
uint64_t bench_raw_names(const uint8_t* packed, size_t packed_len, const uint64_t* lens, size_t count);

// The echo workload by hand (bench/README.md). A careful shim passes the request's strings packed back to
// back in one buffer, with their lengths (lens[0]: the name; then the tags), because a C struct holding
// pointers into Go memory may not cross cgo; the callee builds its own request by copying them, and
// answers in a C struct.
typedef struct bench_echo_resp {
  uint64_t id;
  uint32_t n;
} bench_echo_resp;
void bench_raw_echo(uint64_t id, const uint8_t* packed, size_t packed_len, const uint32_t* lens, size_t count,
                    bench_echo_resp* out);
// The same, asynchronous over cgo: copies the request and queues it on a minimal executor (one thread, a
// mutex, a condition variable), whose thread answers through the Go callback bench_raw_echo_done(token, …)
// (//export'ed by the cppbench package: one cgo call from C++ per call).
void bench_raw_echo_submit(uint64_t id, const uint8_t* packed, size_t packed_len, const uint32_t* lens, size_t count,
                           uint64_t token);
// Defined in Go (cppbench): delivers the answer of the raw async call `token`.
extern void bench_raw_echo_done(uint64_t token, uint64_t id, uint32_t n);

// Calls of the global operator new in this process so far (a counting operator new: cpp_impl.cc).
uint64_t bench_cpp_allocs(void);

// Registers the cxx2go implementations of benchgen::CppBench and benchgen::CppBenchInline.
int32_t bench_register_cpp(void);

#ifdef __cplusplus
}
#endif
