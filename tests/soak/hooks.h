/* C entry points of the soak's C++ side (soak_cpp.cc), for soak.go. */
#ifndef CXX2GO_SOAK_HOOKS_H_
#define CXX2GO_SOAK_HOOKS_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Outcomes of a batch of calls: every call is either what its kind must give (a value or the expected
 * error), or bad (see first_bad). */
typedef struct soak_tally {
  uint64_t calls;
  uint64_t ok;       /* the correct value */
  uint64_t expected; /* the error this kind of call must give (failure, panic, cancellation, deadline) */
  uint64_t bad;
  char first_bad[256];
} soak_tally;

/* Registers the C++ implementations of e2e.CppSide and e2e.Affine. Returns a status code. */
int32_t soak_register_cpp(void);
/* `calls` C++ → Go calls of mixed kinds, split over `threads` C++ threads (started by the
 * first call and kept: soak_stop_drivers ends them), sync and async; returns when all
 * have resolved. `seed` selects the sequence; `first` numbers the first call (payloads depend on it). */
void soak_cpp_calls(uint64_t calls, uint64_t first, uint64_t seed, int32_t threads, soak_tally* out);
/* Ends the threads soak_cpp_calls started (before stopping the runtime). */
void soak_stop_drivers(void);
/* cxx2go::live_counts(). */
void soak_live_counts(uint64_t* outgoing, uint64_t* incoming, uint64_t* records);
/* Hands memory glibc's allocator holds free back to the system (malloc_trim), so that resident memory
 * measures what is allocated rather than what the allocator keeps cached. */
void soak_trim(void);
/* Bytes glibc's malloc has handed out and not got back (mallinfo2: arena and mmapped blocks in use): the C
 * and C++ side's live heap, runtime and implementations included. */
uint64_t soak_malloc_in_use(void);

/* Blocks the calling thread in C until `n` threads are inside this function at once (or `timeout_ms` has
 * passed), then returns how many were. soak.go calls it from n goroutines at the start of the run: each
 * goroutine that sits in C keeps its Go thread, so the Go scheduler starts threads until n are in C. */
int32_t soak_hold_threads(int32_t n, int32_t timeout_ms);

/* Deliberate leaks, for the control runs of SOAK_LEAK (README): one malloc'd block of `bytes` that is
 * never freed; one C++ thread that never ends. */
void soak_leak_malloc(uint64_t bytes);
void soak_leak_thread(void);

#ifdef __cplusplus
}
#endif

#endif /* CXX2GO_SOAK_HOOKS_H_ */
