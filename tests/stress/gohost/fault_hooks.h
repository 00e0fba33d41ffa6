/* C entry points of the fault-injection tests (fault_cpp.cc), for fault.go. tests/stress/README.md. */
#ifndef CXX2GO_STRESS_FAULT_HOOKS_H_
#define CXX2GO_STRESS_FAULT_HOOKS_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Allocation failure. This test binary replaces the global operator new: once armed with n > 0, the n-th
 * allocation from now (on any thread) throws std::bad_alloc, then allocation works again. Disarming
 * returns the number of failures injected since arming (0 or 1). Unarmed, the cost is one relaxed load. */
void fault_alloc_arm(int64_t n);
int64_t fault_alloc_disarm(void);

/* Sweeps n = 1, 2, ... over every allocation of one C++ -> Go call of `kind` (0 sync; 1 async, get; 2 async
 * with a deadline, get; 3 async through then()): each call must succeed with the right value, fail with
 * Code::resource_exhausted, or throw std::bad_alloc to its caller before anything was sent, and leave no
 * call alive; the next unarmed call must work. Stops at the first n that injects no failure. Returns 0 and
 * the number of allocation points, or -1 and a message. */
int32_t fault_alloc_sweep_cpp(int32_t kind, int64_t* points, uint64_t* failed_calls, uint64_t* thrown,
                              char* msg, int32_t cap);

/* The C++ stall gate (CppWork mode 6): how many implementations are stalled, and open (1) / close (0). */
int64_t fault_cpp_stalled(void);
void fault_cpp_gate(int32_t open);
/* Registers / unregisters the C++ implementation of stress.CppWork (stress_cpp.cc): the status code. */
int32_t fault_register_cpp_work(void);
int32_t fault_unregister_cpp_work(void);
/* CppWork.work implementations entered so far (every mode). */
uint64_t fault_cpp_work_started(void);

/* C++ -> Go calls kept in flight by the test: GoWork.work(x, mode), synchronous on a new std::thread (how 0),
 * asynchronous (1: a Future; 2: the Future of a then() continuation that counts its runs). timeout_us < 0:
 * no deadline. Returns a handle. */
int64_t fault_go_start(int32_t how, int64_t x, int32_t mode, int64_t timeout_us);
/* 1 if the call has its outcome. */
int32_t fault_go_ready(int64_t handle);
/* Cancels an asynchronous call's Future. */
void fault_go_cancel(int64_t handle);
/* Waits for the outcome (at most 60 s: then returns -1), frees the handle. *value is the value on success;
 * *then_runs how often the continuation ran (asynchronous calls: must be 1). Returns the status code. */
int32_t fault_go_wait(int64_t handle, int64_t* value, int32_t* then_runs, char* msg, int32_t cap);

/* Negative controls of the containment matrix: what the runtime's wrappers prevent, done without them.
 * Throws an int out of an extern "C" function with no catch, into Go's frames (std::terminate). */
void fault_unwrapped_throw_int(void);
/* Calls the Go export faultPanicNoRecover (fault.go), which panics without recovering, from a new
 * std::thread (new_thread = 1) or from the calling thread (a Go thread): the process must die. */
void fault_call_unrecovered_panic(int32_t new_thread);

#ifdef __cplusplus
}
#endif

#endif /* CXX2GO_STRESS_FAULT_HOOKS_H_ */
