// C entry points of the C++ side of the end-to-end tests, called by the Go test through driver.go: they
// register the C++ implementation of tiny.CppSvc, and run C++ code that calls tiny.GoSvc.
#ifndef TINY_DRIVER_H_
#define TINY_DRIVER_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// The outcome of a C++ → Go call: its status code (CXX2GO_*), a malloc()ed text (the string result, or the
// error message) that the caller frees, an integer result, and how long the call took.
typedef struct tiny_outcome {
  int32_t code;
  char* text;
  size_t text_len;
  int64_t value;
  int64_t elapsed_ms;
} tiny_outcome;

// How a driver calls Go: the synchronous client method, or the *_async one and Future::get().
enum { TINY_SYNC = 0, TINY_ASYNC = 1 };

int32_t tiny_register_cpp_svc(void);
int32_t tiny_unregister_cpp_svc(void);

// Each of these runs the call on a thread created by C++ (joined before returning), like C++ code of a
// C++ application would. s is copied before the thread starts.
tiny_outcome tiny_go_echo(const char* s, size_t len, int32_t mode);
tiny_outcome tiny_go_add(int64_t a, int64_t b, int32_t mode);
tiny_outcome tiny_go_fail(int32_t code, int32_t mode);
// timeout_ms > 0 sets a deadline; cancel_after_ms > 0 (TINY_ASYNC only) cancels the Future after that long.
tiny_outcome tiny_go_slow(int64_t ms, int64_t timeout_ms, int64_t cancel_after_ms, int32_t mode);
// The @direct methods of GoSvc, called synchronously from a C++ thread. direct_add's deadline is timeout_ms
// (0: none); direct_move's outcome text is "x y quadrant on_axis"; direct_len passes s, the tags "a", ""
// and "xyz", and the bytes {1, 2}.
tiny_outcome tiny_go_direct_add(int64_t a, int64_t b, int64_t timeout_ms);
tiny_outcome tiny_go_direct_move(double x, float y, int32_t quadrant, int32_t on_axis, double dx);
tiny_outcome tiny_go_direct_len(const char* s, size_t len);
tiny_outcome tiny_go_direct_fail(int32_t code);
// Calls a method Go does not implement, as bindings of another schema version would.
tiny_outcome tiny_go_unknown(void);

// Benchmarks: n synchronous (or async + get) GoSvc.add calls from one C++ thread; returns the total time
// in nanoseconds.
int64_t tiny_bench_go_add(int64_t n, int32_t mode);

void tiny_live_counts(uint64_t* outgoing, uint64_t* incoming, uint64_t* records);
// How many CppSvc.slow calls returned because their stop token fired.
int64_t tiny_cpp_slow_cancelled(void);
// The thread (pthread_self) on which CppSvc.inline_add last ran; the calling thread.
int64_t tiny_last_inline_thread(void);
int64_t tiny_thread_identity(void);
// What inline_add and direct_add do, called over plain cgo: the floor of BenchmarkGoToCpp{Inline,Direct}.
int64_t tiny_raw_add(int64_t a, int64_t b);

#ifdef __cplusplus
}
#endif

#endif  // TINY_DRIVER_H_
