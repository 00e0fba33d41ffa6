/* C entry points of the stress tests' C++ side (stress_cpp.cc), for stress.go. */
#ifndef CXX2GO_STRESS_HOOKS_H_
#define CXX2GO_STRESS_HOOKS_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Outcomes of a batch of calls: every call lands in exactly one of these. */
typedef struct stress_outcomes {
  uint64_t calls;     /* calls made */
  uint64_t ok;        /* correct result */
  uint64_t cancelled; /* Code::cancelled */
  uint64_t deadline;  /* Code::deadline_exceeded */
  uint64_t bad;       /* anything else: a wrong value or an unexpected error (see first_bad) */
  uint64_t then_expected; /* futures given a continuation that must run exactly once */
  uint64_t then_ran;      /* how often those continuations ran */
  char first_bad[256];
} stress_outcomes;

int32_t stress_register_cpp(void);
void stress_live_counts(uint64_t* outgoing, uint64_t* incoming, uint64_t* records);
/* C++ → Go asynchronous calls from `threads` C++ threads, cancelled at random points. */
void stress_cpp_storm(uint64_t calls, uint64_t seed, int32_t threads, stress_outcomes* out);
/* `total` short-lived C++ threads, `batch` at a time, each making one synchronous call to Go. */
void stress_thread_churn(uint64_t total, int32_t batch, stress_outcomes* out);
/* On the calling thread: GoWork.thread_id() synchronously. Returns the status code; *caller_tid is this
 * thread's id, *handler_tid the one the Go handler saw. */
int32_t stress_call_thread_id(uint64_t* caller_tid, uint64_t* handler_tid);
/* Mixed synchronous and asynchronous C++ → Go calls (modes 0, 1, 3) from `threads` threads. */
void stress_cpp_mixed(uint64_t calls, int32_t threads, stress_outcomes* out);
/* EINTR seen (and retried) by CppWork.block: from nanosleep and from read. */
void stress_eintr_counts(uint64_t* nanosleep_eintr, uint64_t* read_eintr);
/* The static constructor's calls (made before the runtime could start): status codes and the sync message;
 * *async_ready is 1 if the async call's future was resolved when the call returned. */
void stress_static_ctor_result(int32_t* sync_code, int32_t* async_code, int32_t* async_ready, char* msg, int32_t cap);
/* Forks; the child calls GoWork.work synchronously and asynchronously and reports through a pipe. Returns
 * 0 if the child reported, else -1 (see msg). */
int32_t stress_fork_child_call(int32_t* sync_code, int32_t* async_code, int32_t* async_ready, int32_t* child_status,
                               char* msg, int32_t cap);
/* Go panics under a C++ caller holding RAII objects: returns the status code; *alive is the number of
 * guard objects still alive after the call's scope ended (must be 0), *made how many were made. On a new
 * std::thread if fresh_thread. */
int32_t stress_panic_raii(int32_t fresh_thread, int32_t async_call, int64_t* alive, int64_t* made, char* msg, int32_t cap);
/* Negative control: throws std::runtime_error out of an extern "C" function with no catch. */
void stress_unwrapped_throw(void);
/* The handler table: for signals 1..64, handler address (0 = SIG_DFL, 1 = SIG_IGN) and sa_flags;
 * valid[i] = 0 where sigaction(2) refuses the signal. */
void stress_sigaction_table(uint64_t* handlers, uint64_t* flags, int32_t* valid);
/* Installs (install=1) or restores (0) a handler of SIGUSR2 with SA_ONSTACK|SA_SIGINFO|SA_RESTART that chains
 * to the previous one: the audit's control. */
void stress_toggle_usr2_handler(int32_t install);

#ifdef __cplusplus
}
#endif

#endif /* CXX2GO_STRESS_HOOKS_H_ */
