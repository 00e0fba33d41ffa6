// cgo cannot call a C function pointer: the raw async echo answers C++ through this.
#include <stddef.h>
#include <stdint.h>

typedef void (*bench_echo_done_fn)(void* promise, uint64_t id, uint32_t n);

void bench_call_echo_done(bench_echo_done_fn fn, void* promise, uint64_t id, uint32_t n) { fn(promise, id, n); }
