package c2gimpl

/*
#include <stdlib.h>
*/
import "C"

import (
	"strings"
	"sync"
	"sync/atomic"
)

// Method flags of generated code, abi.h's CXX2GO_CALL_* and CXX2GO_METHOD_INLINE.
const (
	CallOneway   uint32 = 1       // @oneway: no result, no completion
	MethodInline uint32 = 0x10000 // @inline cpp method: runs on the calling thread, never pending
	MethodRing   uint32 = 0x20000 // a method of a @transport(ring) service (docs/ring.md)
	MethodDirect uint32 = 0x40000 // @direct cpp method: called through its C++ direct function (CallDirect)

	callSyncOnly   uint32 = 2  // cxx2go_call.flags: the callee must complete before returning
	callDirect     uint32 = 8  // cxx2go_call.flags, to an isolated worker: a @direct call in message form
	callNested     uint32 = 16 // cxx2go_call.flags, to an isolated worker: made by the handler of its sync call
	methodOnlyMask        = MethodInline | MethodRing | MethodDirect
	codePending    Code   = -1 // cxx2go_reply.code: a completion follows
	replyInlineCap        = 224
	abiVersion            = 4
)

// Method identifies one method of a cpp service for the Go clients that call it. Generated code creates
// one per method in a package-level variable; it is immutable and never freed.
type Method struct {
	id    uint64
	name  string
	cname *C.char // C copy of name: cxx2go_call.method_name must point to C memory (no Go pointers in C)
	flags uint32
	// A @direct method's cxx2go_direct_fn, found on its first call (CallDirect). C++ code lives as long as
	// the process, so it never goes stale: the function itself checks the runtime and the registration.
	direct atomic.Uintptr
	// The isolated service (isolation.go) whose worker process serves m, bound at Start; nil in-process.
	isolated atomic.Pointer[isolatedService]
}

// allMethods lists every Method of the program's bindings, for Start to bind the isolated ones.
var allMethods struct {
	sync.Mutex
	list []*Method
}

// NewMethod returns the Method with the given fingerprint id (docs/design.md), full name
// ("package.Service.method") and flags (CallOneway, MethodInline).
func NewMethod(id uint64, name string, flags uint32) *Method {
	// Allocated once per method for the life of the process, like the string constants it mirrors.
	m := &Method{id: id, name: name, cname: C.CString(name), flags: flags}
	allMethods.Lock()
	allMethods.list = append(allMethods.list, m)
	allMethods.Unlock()
	return m
}

// serviceName is the service part of a method's full name ("package.Service").
func (m *Method) serviceName() string { return m.name[:max(strings.LastIndexByte(m.name, '.'), 0)] }

// ID returns the method's fingerprint.
func (m *Method) ID() uint64 { return m.id }

// Name returns "package.Service.method".
func (m *Method) Name() string { return m.name }

// Flags returns the flags given to NewMethod.
func (m *Method) Flags() uint32 { return m.flags }
