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

// Registers the cxx2go implementations of benchgen::CppBench and benchgen::CppBenchInline.
int32_t bench_register_cpp(void);

#ifdef __cplusplus
}
#endif
