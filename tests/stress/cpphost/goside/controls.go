package main

// A file without //export, so that its preamble may define C functions (cgo: a file with //export may
// only declare them).

/*
#include <stdint.h>
static void stress_call_fn(uintptr_t f) { ((void (*)(void))f)(); }
*/
import "C"

// callControl calls the C function at address f from this goroutine's thread.
func callControl(f uintptr) { C.stress_call_fn(C.uintptr_t(f)) }
