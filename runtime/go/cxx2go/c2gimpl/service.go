package c2gimpl

/*
#include "cxx2go/abi.h"
*/
import "C"

import (
	"context"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Handler runs one method of a go service for a C++ caller: generated code decodes in, calls the user's
// implementation and encodes its result into out. A non-nil error is the call's error (see CodeOf).
type Handler func(ctx context.Context, in *Incoming, out *Encoder) error

// MethodDesc describes one method of a go service.
type MethodDesc struct {
	ID      uint64 // fingerprint (docs/design.md)
	Name    string // "package.Service.method"
	Flags   uint32 // CallOneway
	Handler Handler
	// Direct serves the synchronous calls of a @direct method (C++'s call_go_direct); Handler serves its
	// other calls.
	Direct DirectHandler

	// Set by RegisterService, once: the method's pprof labels (labels.go), alone and on the parent
	// contexts of its calls, so that a call's context carries them without an allocation.
	labels    context.Context // context.Background() with the labels: what a handler goroutine is labelled with
	syncCtx   context.Context // rootSyncCtx with the labels: the parent of synchronous calls' contexts
	onewayCtx context.Context // rootCtx with the labels: the parent of oneway calls' contexts
}

// DirectHandler runs a @direct method called synchronously from C++: in holds its views and encoded
// arguments (DirectArgs), words its flat arguments; the result goes back as words. in and words are
// borrowed C memory, valid until it returns.
type DirectHandler func(ctx context.Context, in Incoming, words *DirectWords) (DirectResult, error)

// ServiceDesc describes a go service: generated code builds one around the user's implementation.
type ServiceDesc struct {
	Name    string // "package.Service"
	Methods []MethodDesc
}

// registry is immutable once published: lookups on the call path are one atomic load and a table read,
// with no lock; registration copies it (services are registered a handful of times per process).
type registry struct {
	services map[string]*ServiceDesc
	methods  map[uint64]*MethodDesc
	byID     methodTable // methods, for the call path
}

// methodTable finds a method by id with open addressing. Ids are fingerprints (FNV-1a), so their low bits
// are spread already, and a lookup is a few loads: a map access cost ~80 instructions per call
// (scripts/sync-instructions.sh), a tenth of a synchronous call's own cost.
type methodTable struct {
	mask    uint64
	entries []*MethodDesc // at most half full, so every probe sequence reaches a nil entry
}

func newMethodTable(methods map[uint64]*MethodDesc) methodTable {
	size := 8
	for size < 2*len(methods) {
		size *= 2
	}
	t := methodTable{mask: uint64(size - 1), entries: make([]*MethodDesc, size)}
	for id, m := range methods {
		i := id & t.mask
		for t.entries[i] != nil {
			i = (i + 1) & t.mask
		}
		t.entries[i] = m
	}
	return t
}

func (t *methodTable) find(id uint64) *MethodDesc {
	for i := id & t.mask; ; i = (i + 1) & t.mask {
		if m := t.entries[i]; m == nil || m.ID == id {
			return m
		}
	}
}

var (
	registryMu sync.Mutex // serialises writers
	registered atomic.Pointer[registry]
)

// RegisterService makes sd's methods callable from C++. It fails with AlreadyExists if a service of the
// same name or a method with the same id is registered. sd must not be modified afterwards.
func RegisterService(sd *ServiceDesc) error {
	registryMu.Lock()
	defer registryMu.Unlock()
	old := registered.Load()
	next := &registry{services: map[string]*ServiceDesc{}, methods: map[uint64]*MethodDesc{}}
	if old != nil {
		for k, v := range old.services {
			next.services[k] = v
		}
		for k, v := range old.methods {
			next.methods[k] = v
		}
	}
	if _, dup := next.services[sd.Name]; dup {
		return Errorf(AlreadyExists, "service %s is already registered", sd.Name)
	}
	next.services[sd.Name] = sd
	for i := range sd.Methods {
		m := &sd.Methods[i]
		if m.Handler == nil {
			return Errorf(InvalidArgument, "method %s has no handler", m.Name)
		}
		if prev, dup := next.methods[m.ID]; dup {
			return Errorf(AlreadyExists, "method %s has the id %#x of the registered %s", m.Name, m.ID, prev.Name)
		}
		m.setLabels(sd.Name)
		next.methods[m.ID] = m
	}
	next.byID = newMethodTable(next.methods)
	registered.Store(next)
	return nil
}

// UnregisterService removes a service registered by RegisterService; calls already running finish.
func UnregisterService(name string) error {
	registryMu.Lock()
	defer registryMu.Unlock()
	old := registered.Load()
	if old == nil || old.services[name] == nil {
		return Errorf(NotFound, "service %s is not registered", name)
	}
	next := &registry{services: map[string]*ServiceDesc{}, methods: map[uint64]*MethodDesc{}}
	for k, v := range old.services {
		if k != name {
			next.services[k] = v
		}
	}
	gone := old.services[name]
	for k, v := range old.methods {
		next.methods[k] = v
	}
	for i := range gone.Methods {
		delete(next.methods, gone.Methods[i].ID)
	}
	next.byID = newMethodTable(next.methods)
	registered.Store(next)
	return nil
}

func lookupMethod(id uint64) *MethodDesc {
	if r := registered.Load(); r != nil {
		return r.byID.find(id)
	}
	return nil
}

// Incoming is the input of a call from C++: the encoded non-view arguments and the view arguments.
// It is valid only until the Handler returns.
//
// Ownership (docs/design.md): ViewString returns a Go-owned copy; ViewBytes and ViewSlice return
// BORROWED views of C++ memory, valid until the handler returns; copy them (bytes.Clone, slices.Clone)
// to keep them. Values decoded from Args are Go-owned.
type Incoming struct {
	args  Decoder
	views unsafe.Pointer // *C.cxx2go_view array, C memory of the call (nil when owned is used)
	nview int
	owned [][]byte // copies of the views, for oneway calls whose C memory is gone once submit returns
	trace []byte   // the caller's trace context (CallTrace), copied: not one of the views
}

var incomingPool = sync.Pool{New: func() any { return new(Incoming) }}

// borrowIncoming returns an Incoming reading call's C memory in place.
func borrowIncoming(call *C.cxx2go_call) *Incoming {
	in := incomingPool.Get().(*Incoming)
	in.borrow(call)
	return in
}

// borrow makes in read call's C memory in place.
func (in *Incoming) borrow(call *C.cxx2go_call) {
	in.args.Reset(cBytes(unsafe.Pointer(call.args), int(call.args_len)))
	in.views = unsafe.Pointer(call.views)
	in.nview = int(call.nviews)
	if uint32(call.flags)&CallTrace != 0 {
		in.takeTrace()
	}
}

// copyIncoming returns an Incoming holding Go copies of call's arguments: for oneway calls, whose memory
// C++ may free as soon as submit returns.
func copyIncoming(call *C.cxx2go_call) *Incoming {
	in := new(Incoming)
	in.args.Reset(append([]byte(nil), cBytes(unsafe.Pointer(call.args), int(call.args_len))...))
	cviews := unsafe.Slice((*C.cxx2go_view)(call.views), int(call.nviews))
	in.owned = make([][]byte, len(cviews))
	for i, v := range cviews {
		in.owned[i] = alignedCopy(cBytes(v.data, int(v.len)))
	}
	in.nview = len(cviews)
	if uint32(call.flags)&CallTrace != 0 {
		in.takeTrace()
	}
	return in
}

func (in *Incoming) release() {
	*in = Incoming{}
	incomingPool.Put(in)
}

// alignedCopy copies b into memory aligned for any scalar, so that ViewSlice can view it as []T.
func alignedCopy(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	words := make([]uint64, (len(b)+7)/8)
	dst := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(words))), len(b))
	copy(dst, b)
	return dst
}

// cBytes views n bytes of C memory at p (nil for an empty run).
func cBytes(p unsafe.Pointer, n int) []byte {
	if n == 0 || p == nil {
		return nil
	}
	return unsafe.Slice((*byte)(p), n)
}

// Args returns the Decoder of the encoded (non-view) arguments.
func (in *Incoming) Args() *Decoder { return &in.args }

// DirectArgs returns a decoder of view i, where a @direct call carries its encoded arguments.
func (in *Incoming) DirectArgs(i int) *Decoder {
	in.args.Reset(in.viewBytes(i))
	return &in.args
}

// ViewCount returns the number of view arguments.
func (in *Incoming) ViewCount() int { return in.nview }

// viewBytes returns view i as bytes, borrowed. Bindings of the same schema always agree on the views
// (the method id fingerprints the parameter list), so a missing view reads as empty.
func (in *Incoming) viewBytes(i int) []byte {
	if i < 0 || i >= in.nview {
		return nil
	}
	if in.owned != nil {
		return in.owned[i]
	}
	v := unsafe.Slice((*C.cxx2go_view)(in.views), in.nview)[i]
	return cBytes(v.data, int(v.len))
}

// ViewString returns view i (a string argument) as a Go-owned string.
func (in *Incoming) ViewString(i int) string { return string(in.viewBytes(i)) }

// ViewBytes returns view i (a bytes argument), BORROWED: valid until the handler returns.
func (in *Incoming) ViewBytes(i int) []byte { return in.viewBytes(i) }

// ViewSlice returns view i (a list<T> argument), BORROWED: valid until the handler returns. It returns
// nil if the view's size or alignment does not fit T, which bindings of one schema never produce.
func ViewSlice[T Scalar](in *Incoming, i int) []T {
	b := in.viewBytes(i)
	var zero T
	size := int(unsafe.Sizeof(zero))
	if len(b) == 0 || len(b)%size != 0 || uintptr(unsafe.Pointer(unsafe.SliceData(b)))%unsafe.Alignof(zero) != 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/size)
}
