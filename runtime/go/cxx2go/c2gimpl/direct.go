package c2gimpl

/*
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "cxx2go/abi.h"

// One call of a @direct method's C++ function (abi.h, cxx2go_direct_fn). The words and views arrive as
// direct arguments, so Go memory reaches C only as arguments of this one synchronous cgo call, and the
// arrays the function reads are built here, on the C stack. No `#cgo noescape`, for the reason given in
// call.go: the implementation may call back into Go while it reads the views. fn is an integer, not a
// pointer: it points to C++ code, and cgo would check a pointer argument against Go's heap on every call.
//
// The result is returned by value, and Go copies it out of cgo's frame 16 bytes at a time: written in
// 16-byte stores too (cxx2go_return_direct), each of those loads is forwarded from one store, instead of
// waiting for two 8-byte stores to reach the cache (a store-forwarding stall, ~30 ns per call here).
static inline cxx2go_direct_result cxx2go_return_direct(const cxx2go_direct_result* r) {
  cxx2go_direct_result out;
#if defined(__SSE2__)
  const uint64_t* from = (const uint64_t*)r;
  uint64_t* to = (uint64_t*)&out;
  for (size_t i = 0; i + 1 < sizeof out / 8; i += 2) {
    _mm_storeu_si128((__m128i*)(to + i), _mm_set_epi64x((long long)from[i + 1], (long long)from[i]));
  }
  if ((sizeof out / 8) % 2 != 0) to[sizeof out / 8 - 1] = from[sizeof out / 8 - 1];
#else
  out = *r;
#endif
  return out;
}

static inline cxx2go_direct_result cxx2go_call_direct(uintptr_t fn, int64_t deadline,
    uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3, uint64_t w4, uint64_t w5, uint64_t w6, uint64_t w7,
    const uint8_t* d0, size_t n0, const uint8_t* d1, size_t n1,
    const uint8_t* d2, size_t n2, const uint8_t* d3, size_t n3) {
  const uint64_t words[CXX2GO_DIRECT_WORDS] = {w0, w1, w2, w3, w4, w5, w6, w7};
  const cxx2go_view views[CXX2GO_DIRECT_VIEWS] = {{d0, n0}, {d1, n1}, {d2, n2}, {d3, n3}};
  cxx2go_direct_result result = {{0, 0, 0, 0}, CXX2GO_OK, NULL, 0};
  ((cxx2go_direct_fn)fn)(words, views, deadline, &result);
  return cxx2go_return_direct(&result);
}

// The common case: up to 4 words and no views. Fewer arguments are fewer words for cgo to copy.
static inline cxx2go_direct_result cxx2go_call_direct4(uintptr_t fn, int64_t deadline,
    uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3) {
  const uint64_t words[CXX2GO_DIRECT_WORDS] = {w0, w1, w2, w3, 0, 0, 0, 0};
  cxx2go_direct_result result = {{0, 0, 0, 0}, CXX2GO_OK, NULL, 0};
  ((cxx2go_direct_fn)fn)(words, NULL, deadline, &result);
  return cxx2go_return_direct(&result);
}
*/
import "C"

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"runtime/debug"
	"time"
	"unsafe"
)

// DirectWords are the words of a @direct call's flat arguments: each scalar, bool or enum leaf in one
// word, in parameter and field order (abi.h; the compiler's direct_layout.h decides the layout).
type DirectWords [8]uint64

// DirectResult holds the words of a @direct call's result, laid out like DirectWords. Fields rather than
// an array: Go passes a struct of words in registers, and an array in memory.
type DirectResult struct{ W0, W1, W2, W3 uint64 }

// directResultWords is how many words a DirectResult holds.
const directResultWords = 4

// directViews is how many views a @direct call carries: its view arguments, then its encoded arguments.
const directViews = 4

// BoolWord is b as a word of a @direct call.
func BoolWord(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// CallDirect calls the @direct method m: its C++ function, found once, calls the bound implementation on
// this thread, with no call record, no dispatch by id and no encoding of the words (docs/design.md,
// "Direct calls"). in holds the flat arguments (nil for none), args the encoded ones (nil for none) and
// views the view arguments; all of them are borrowed for the call only.
//
// ctx is checked before the call, and its deadline reaches the implementation's Context; a cancellation
// during the call does not (the implementation is short by contract), but stopping the runtime does.
func CallDirect(ctx context.Context, m *Method, in *DirectWords, args *Encoder, views []View) (DirectResult, error) {
	fn, deadline, err := prepareDirect(ctx, m)
	if err != nil {
		if err == errIsolatedDirect {
			return callDirectIsolated(ctx, m.isolated.Load(), m, in, args, views)
		}
		return DirectResult{}, err
	}
	var w DirectWords
	if in != nil {
		w = *in
	}
	var v [directViews]View
	n := len(views)
	if args != nil {
		if args.err != nil {
			return DirectResult{}, args.err
		}
		n++
	}
	if n > directViews { // generated code never passes more (direct_layout.h)
		return DirectResult{}, &Error{Code: Protocol, Message: m.name + ": more views than a @direct call carries"}
	}
	for i := range views {
		v[i] = views[i]
	}
	if args != nil && len(args.buf) != 0 {
		v[len(views)] = View{unsafe.Pointer(unsafe.SliceData(args.buf)), len(args.buf)}
	}
	r := C.cxx2go_call_direct(C.uintptr_t(fn), C.int64_t(deadline),
		C.uint64_t(w[0]), C.uint64_t(w[1]), C.uint64_t(w[2]), C.uint64_t(w[3]),
		C.uint64_t(w[4]), C.uint64_t(w[5]), C.uint64_t(w[6]), C.uint64_t(w[7]),
		(*C.uint8_t)(v[0].ptr), C.size_t(v[0].n), (*C.uint8_t)(v[1].ptr), C.size_t(v[1].n),
		(*C.uint8_t)(v[2].ptr), C.size_t(v[2].n), (*C.uint8_t)(v[3].ptr), C.size_t(v[3].n))
	return directResult(&r)
}

// CallDirect4 is CallDirect for a method whose arguments are up to 4 words: the common case, with less
// to copy across cgo.
func CallDirect4(ctx context.Context, m *Method, w0, w1, w2, w3 uint64) (DirectResult, error) {
	fn, deadline, err := prepareDirect(ctx, m)
	if err != nil {
		if err == errIsolatedDirect {
			return callDirectIsolated(ctx, m.isolated.Load(), m, &DirectWords{w0, w1, w2, w3}, nil, nil)
		}
		return DirectResult{}, err
	}
	r := C.cxx2go_call_direct4(C.uintptr_t(fn), C.int64_t(deadline),
		C.uint64_t(w0), C.uint64_t(w1), C.uint64_t(w2), C.uint64_t(w3))
	return directResult(&r)
}

// prepareDirect checks ctx and finds m's C++ function; it returns the function and ctx's deadline.
func prepareDirect(ctx context.Context, m *Method) (uintptr, int64, error) {
	var deadline int64
	if ctx.Done() != nil { // contexts that can never end (Background, TODO) skip the rest
		if ctx.Err() != nil {
			return 0, 0, contextError(ctx)
		}
		if d, ok := ctx.Deadline(); ok {
			deadline = max(d.UnixNano(), 1) // 0 means "no deadline"
		}
	}
	if fn := m.direct.Load(); fn != 0 {
		return fn, deadline, nil
	}
	fn, err := resolveDirect(m)
	return fn, deadline, err
}

func directResult(r *C.cxx2go_direct_result) (DirectResult, error) {
	if r.code != C.CXX2GO_OK {
		return DirectResult{}, directError(Code(r.code), r.message, r.message_len)
	}
	return DirectResult{W0: uint64(r.words[0]), W1: uint64(r.words[1]), W2: uint64(r.words[2]), W3: uint64(r.words[3])}, nil
}

// resolveDirect finds m's C++ function, or the error that says why there is none now (the runtime is not
// running, no registered service has the method). Only a found function is kept.
func resolveDirect(m *Method) (uintptr, error) {
	if m.isolated.Load() != nil {
		return 0, errIsolatedDirect // never kept: CallDirect sends the call to the worker process instead
	}
	var code C.int32_t
	var message *C.char
	fn := uintptr(unsafe.Pointer(C.cxx2go_cpp_direct_entry(C.uint64_t(m.id), &code, &message)))
	if fn == 0 {
		if message == nil {
			return 0, &Error{Code: Code(code), Message: m.name + ": no C++ function"}
		}
		return 0, directError(Code(code), message, C.size_t(C.strlen(message)))
	}
	m.direct.Store(fn)
	return fn, nil
}

// directError is the error of a failed direct call; it frees the message C++ malloc()ed.
func directError(code Code, message *C.char, n C.size_t) *Error {
	err := &Error{Code: code}
	if message != nil {
		err.Message = C.GoStringN(message, C.int(n))
		C.free(unsafe.Pointer(message))
	}
	return err
}

// cxx2go_go_direct runs the direct handler of a @direct go method called synchronously from C++ (abi.h,
// entry_points.direct), on the calling thread: no call record, no pooled Incoming or Encoder, no result
// encoding. Its context is the root of synchronous calls (ended when the runtime stops), with the
// deadline if there is one; the C++ caller's stop token is not watched during the call.
//
//export cxx2go_go_direct
func cxx2go_go_direct(id C.uint64_t, name *C.char, words *C.uint64_t, views *C.cxx2go_view, nviews C.uint32_t,
	deadline C.int64_t, result *C.cxx2go_direct_result) {
	var md *MethodDesc
	running := false // md's handler is running: a panic now is the handler's
	defer func() {
		if v := recover(); v != nil {
			if running {
				fmt.Fprintf(os.Stderr, "cxx2go: Go handler of %s panicked: %v\n%s", md.Name, v, debug.Stack())
				failDirect(result, Panic, fmt.Sprint("panic: ", v))
			} else {
				reportInternalPanic("cxx2go_go_direct", v)
				failDirect(result, Internal, fmt.Sprint("internal error in the Go runtime: ", v))
			}
		}
	}()
	md = lookupMethod(uint64(id))
	if md == nil || md.Direct == nil {
		msg := unknownMethodMessage(C.GoString(name), uint64(id))
		if md != nil {
			msg = md.Name + " is not @direct in the Go bindings (the Go and C++ bindings differ)"
		}
		failDirect(result, UnknownMethod, msg)
		return
	}
	ctx := md.syncCtx
	if deadline != 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(md.syncCtx, time.Unix(0, int64(deadline)))
		defer cancel()
	}
	running = true
	out, err := md.Direct(ctx, Incoming{views: unsafe.Pointer(views), nview: int(nviews)}, (*DirectWords)(unsafe.Pointer(words)))
	running = false
	if err != nil {
		code, msg := wireError(err)
		failDirect(result, code, msg)
		return
	}
	result.words[0] = C.uint64_t(out.W0)
	result.words[1] = C.uint64_t(out.W1)
	result.words[2] = C.uint64_t(out.W2)
	result.words[3] = C.uint64_t(out.W3)
}

// failDirect answers a direct call with an error; C++ frees the message.
func failDirect(result *C.cxx2go_direct_result, code Code, msg string) {
	result.code = C.int32_t(code)
	result.message = nil
	result.message_len = 0
	if msg != "" {
		result.message = C.CString(msg)
		result.message_len = C.size_t(len(msg))
	}
}

// directMessageHandler serves md, a @direct go method, called by a worker process in message form
// (CXX2GO_CALL_DIRECT): its words are the arguments, its views the views (a list's elements flattened,
// see Incoming.elementViews), and the result's words the answer.
func directMessageHandler(md *MethodDesc) Handler {
	return func(ctx context.Context, in *Incoming, out *Encoder) error {
		var words DirectWords
		data := in.args.data
		if len(data) != 8*len(words) {
			return &Error{Code: Protocol, Message: fmt.Sprintf("%s: a @direct call of %d argument bytes from the worker", md.Name, len(data))}
		}
		for i := range words {
			words[i] = binary.LittleEndian.Uint64(data[8*i:])
		}
		res, err := md.Direct(ctx, *in, &words)
		if err != nil {
			return err
		}
		for _, w := range [...]uint64{res.W0, res.W1, res.W2, res.W3} {
			out.buf = binary.LittleEndian.AppendUint64(out.buf, w)
		}
		return nil
	}
}

// errIsolatedDirect is resolveDirect's answer for a method of an isolated service: CallDirect then takes
// callDirectIsolated (an error made once, as this is every such call's path).
var errIsolatedDirect = &Error{Code: Unimplemented, Message: "a @direct method of an isolated service"}

// callDirectIsolated makes a @direct call of an isolated service: in message form over its worker's rings
// (CXX2GO_CALL_DIRECT: the words as the arguments, the views as views), where the worker's ring thread
// calls the method's function as this thread would have in process, and answers its result words.
func callDirectIsolated(ctx context.Context, s *isolatedService, m *Method, in *DirectWords, args *Encoder,
	views []View) (DirectResult, error) {
	var w DirectWords
	if in != nil {
		w = *in
	}
	if len(views) > directViews { // generated code never passes more (direct_layout.h)
		return DirectResult{}, &Error{Code: Protocol, Message: m.name + ": more views than a @direct call carries"}
	}
	var v [directViews]View
	n := copy(v[:], views)
	if args != nil {
		if args.err != nil {
			return DirectResult{}, args.err
		}
		if n == directViews {
			return DirectResult{}, &Error{Code: Protocol, Message: m.name + ": more views than a @direct call carries"}
		}
		v[n] = View{unsafe.Pointer(unsafe.SliceData(args.buf)), len(args.buf)}
		n++
	}
	var buf [8 * len(DirectWords{})]byte
	for i, word := range w {
		binary.LittleEndian.PutUint64(buf[8*i:], word)
	}
	if ctx.Err() != nil {
		return DirectResult{}, contextError(ctx)
	}
	var deadline int64
	if d, ok := ctx.Deadline(); ok {
		deadline = max(d.UnixNano(), 1)
	}
	tr, err := s.transportFor(ctx, buf[:], v[:n])
	if err != nil {
		return DirectResult{}, err
	}
	r := replyFor(nil)
	defer r.Release()
	id, p, tr := sendCpp(tr, m, deadline, callDirect, buf[:], v[:n], r)
	code, err := awaitCpp(ctx, tr, id, p, r)
	if err != nil {
		return DirectResult{}, err
	}
	if code != OK {
		return DirectResult{}, callError(m, code, r.data)
	}
	if len(r.data) != 8*directResultWords {
		return DirectResult{}, &Error{Code: Protocol, Message: fmt.Sprintf("%s: a result of %d bytes from the worker", m.name, len(r.data))}
	}
	return DirectResult{W0: binary.LittleEndian.Uint64(r.data), W1: binary.LittleEndian.Uint64(r.data[8:]),
		W2: binary.LittleEndian.Uint64(r.data[16:]), W3: binary.LittleEndian.Uint64(r.data[24:])}, nil
}
