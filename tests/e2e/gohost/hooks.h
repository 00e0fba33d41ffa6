/* C entry points of the Go host's C++ code (hooks.cc), for gohost.go: what a Go test needs from the C++
 * side beyond the schema's services. C, because cgo's preamble is C. */
#ifndef CXX2GO_E2E_GOHOST_HOOKS_H_
#define CXX2GO_E2E_GOHOST_HOOKS_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Registers the C++ implementations of e2e.CppSide and e2e.Affine; returns a status code. */
int32_t e2e_register_cpp_services(void);
/* Unregisters the C++ service `name` ("e2e.Affine"); returns a status code. */
int32_t e2e_unregister_cpp_service(const char* name);
/* The names of the C++ battery's checks, each followed by '\n'; malloc()ed, the caller frees it. */
char* e2e_cpp_check_names(void);
/* cxx2go::live_counts(): C++ → Go calls, Go → C++ calls, call records. */
void e2e_live_counts(uint64_t* outgoing, uint64_t* incoming, uint64_t* records);
/* How many CppSide.sleep calls are sleeping now. */
int32_t e2e_active_sleeps(void);
/* Calls GoSide.deadline() from C++ (synchronously): returns the status code; *out is the result. */
int32_t e2e_call_go_deadline(int64_t* out);
/* Starts GoSide.sleep_async(60 s) from C++ and keeps its future; e2e_finish_go_sleep waits (up to 10 s)
 * for it and returns its status code, or -2 if it did not resolve in time, -3 if none was started. */
void e2e_start_go_sleep(void);
int32_t e2e_finish_go_sleep(void);

#ifdef __cplusplus
}
#endif

#endif /* CXX2GO_E2E_GOHOST_HOOKS_H_ */
