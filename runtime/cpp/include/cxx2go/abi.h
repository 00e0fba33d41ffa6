/* cxx2go/abi.h — the C ABI between the cxx2go C++ runtime and the cxx2go Go runtime.
 *
 * This is the only header both languages see. Everything crossing the boundary is described here;
 * generated code never crosses the boundary itself, it goes through one of the two runtimes.
 *
 * Ownership rules (the whole story; docs/design.md explains why):
 *  - cxx2go_call and everything it points to is owned by the caller and valid only for the duration
 *    of the function call that receives it. A callee that needs any of it later copies it.
 *  - cxx2go_reply is owned by the caller. The callee writes the result either into inline_buf
 *    (where == CXX2GO_REPLY_INLINE) or into memory from malloc() (where == CXX2GO_REPLY_MALLOC), which the
 *    caller releases with free(). Nothing in a reply ever points into the callee's memory.
 *  - Data passed to a completion function is valid only during that call; the receiver decodes it
 *    into memory it owns before returning.
 *  - No Go pointer is ever stored in C memory: Go passes its memory only as direct arguments of a
 *    synchronous cgo call, and the C++ side copies whatever must outlive that call.
 *
 * Symbols are versioned by CXX2GO_ABI_VERSION through cxx2go_go_entry_points.abi_version: a Go runtime
 * and a C++ runtime of different versions refuse to attach instead of misbehaving.
 */
#ifndef CXX2GO_ABI_H_
#define CXX2GO_ABI_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CXX2GO_ABI_VERSION 4

/* Status codes. 0..16 match gRPC's canonical codes so users can map them 1:1; 100..105 are cxx2go's own.
 * An error crosses with a positive code: any positive value, defined here or not, is carried unchanged.
 * 0 is success and negative values are reserved for the runtime's reply sentinels, so a user's error with
 * a code <= 0 is sent as CXX2GO_UNKNOWN with "code <N>: " before its message (docs/design.md, "The code
 * space at the boundary"): CXX2GO_PENDING cannot be forged. */
enum {
  CXX2GO_OK = 0,
  CXX2GO_CANCELLED = 1,
  CXX2GO_UNKNOWN = 2,
  CXX2GO_INVALID_ARGUMENT = 3,
  CXX2GO_DEADLINE_EXCEEDED = 4,
  CXX2GO_NOT_FOUND = 5,
  CXX2GO_ALREADY_EXISTS = 6,
  CXX2GO_PERMISSION_DENIED = 7,
  CXX2GO_RESOURCE_EXHAUSTED = 8,
  CXX2GO_FAILED_PRECONDITION = 9,
  CXX2GO_ABORTED = 10,
  CXX2GO_OUT_OF_RANGE = 11,
  CXX2GO_UNIMPLEMENTED = 12,
  CXX2GO_INTERNAL = 13,
  CXX2GO_UNAVAILABLE = 14,
  CXX2GO_DATA_LOSS = 15,
  CXX2GO_UNAUTHENTICATED = 16,
  CXX2GO_PANIC = 100,          /* a Go handler panicked; message carries the panic value */
  CXX2GO_EXCEPTION = 101,      /* a C++ implementation threw; message is "<type>: <what()>" */
  CXX2GO_NOT_STARTED = 102,    /* the runtime has not been started */
  CXX2GO_STOPPED = 103,        /* the runtime is stopping or stopped */
  CXX2GO_UNKNOWN_METHOD = 104, /* no handler for this method id: not registered, or a different schema version */
  CXX2GO_PROTOCOL = 105,       /* malformed arguments or results (a bug, or mismatched bindings) */
  CXX2GO_PENDING = -1          /* reply only: the call continues asynchronously; a completion follows */
};

/* A borrowed run of bytes: the contents of a string or bytes argument, or the elements of a list<scalar>
 * argument. len is in BYTES for every kind (a list of n i32 has len 4n), so that a runtime can copy a view
 * without knowing its element type; the receiver divides by the element size. data is aligned for the
 * element type (both runtimes keep their copies 8-byte aligned); it may be NULL when len is 0. */
typedef struct cxx2go_view {
  const void* data;
  size_t len;
} cxx2go_view;

/* Where an error names a method whose name the callee does not have (an isolated worker's calls carry
 * ids, not names: docs/isolation.md), it writes this instead; a caller getting CXX2GO_UNKNOWN_METHOD puts
 * the method's name in its place. */
#define CXX2GO_UNNAMED_METHOD "<unnamed method>"

/* cxx2go_call.flags */
#define CXX2GO_CALL_ONEWAY 1u     /* no result and no completion: the callee copies what it needs before
                                     returning; a reply (invoke) only says whether the call was accepted */
#define CXX2GO_CALL_SYNC_ONLY 2u  /* the callee must complete before returning (never CXX2GO_PENDING) */
#define CXX2GO_CALL_DIRECT 8u     /* over the ring to an isolated worker (docs/isolation.md) only: a call of a
                                     @direct method, whose args are its CXX2GO_DIRECT_WORDS words (8 bytes
                                     each, little-endian) and whose views are its views; its result is
                                     CXX2GO_DIRECT_RESULT_WORDS words, or an error */
#define CXX2GO_CALL_NESTED 16u    /* over the ring to an isolated worker only: a call made by the host's handler
                                     of the worker's synchronous call whose id is in the slot's `name`
                                     (cxx2go/ring_abi.h); the worker runs it on the thread that waits for that
                                     call, as a re-entrant call runs on the calling thread in process */
#define CXX2GO_CALL_TRACE 4u      /* the last view is not an argument but the caller's trace context: W3C
                                     traceparent and tracestate, and pprof labels, encoded (wire-format.md,
                                     "Trace context"); the callee strips it before the arguments are read */

/* Method flags of generated code (cxx2go::detail::MethodInfo::flags, cxx2go.NewMethod): the CXX2GO_CALL_*
 * bits plus this one. Never sent in cxx2go_call.flags; both runtimes mask it out. */
#define CXX2GO_METHOD_INLINE 0x10000u /* @inline cpp method: runs on the caller's thread, never PENDING */
#define CXX2GO_METHOD_RING 0x20000u   /* a method of a @transport(ring) service: its asynchronous and oneway
                                         calls use the shared-memory rings (cxx2go/ring_abi.h) */
#define CXX2GO_METHOD_DIRECT 0x40000u /* @direct method: called without dispatch (cxx2go_direct_fn, entry_points.direct) */

typedef struct cxx2go_call {
  uint64_t method_id;          /* fingerprint of package.Service.method and its full signature */
  const char* method_name;     /* "package.Service.method", NUL-terminated, static storage: diagnostics */
  uint64_t call_id;            /* nonzero: identifies an asynchronous call to cancel/complete; 0 for
                                  synchronous C++ → Go calls (invoke) and oneway calls */
  int64_t deadline_unix_nanos; /* 0 = no deadline */
  uint32_t flags;              /* CXX2GO_CALL_* */
  uint32_t nviews;             /* number of entries in views */
  const uint8_t* args;         /* encoded non-view arguments, in parameter order (docs/wire-format.md) */
  size_t args_len;
  const cxx2go_view* views;    /* view arguments (string, bytes, list<scalar>), in parameter order */
} cxx2go_call;

/* where the reply's payload is */
#define CXX2GO_REPLY_INLINE 0u
#define CXX2GO_REPLY_MALLOC 1u
#define CXX2GO_REPLY_INLINE_CAP 224

typedef struct cxx2go_reply {
  int32_t code;    /* CXX2GO_OK, an error code, or CXX2GO_PENDING */
  uint32_t where;  /* CXX2GO_REPLY_INLINE or CXX2GO_REPLY_MALLOC */
  uint8_t* heap;   /* where == CXX2GO_REPLY_MALLOC: malloc()ed payload, freed by the caller */
  size_t len;      /* payload length: the result encoding (code == OK) or a UTF-8 message (error) */
  uint8_t inline_buf[CXX2GO_REPLY_INLINE_CAP];
} cxx2go_reply;

/* ---- @direct methods (docs/design.md, "Direct calls") ----
 * A @direct cpp method is called through a function of the generated C++ (a cxx2go_direct_fn) that calls
 * the bound implementation itself: no registry lookup, no call record, no encoding of what fits in words.
 * Its arguments are split into leaves (struct arguments into their fields, recursively) and travel as up
 * to CXX2GO_DIRECT_WORDS words (a scalar, enum or bool leaf in one word), up to CXX2GO_DIRECT_VIEWS views
 * (a string, bytes or list<number> leaf as a view of its bytes; when C++ calls, a list<string> or
 * list<bytes> leaf as a view of an array of cxx2go_view, one per element, len = count * sizeof(cxx2go_view)),
 * and, if some leaf fits neither, one more view: the encoding of the rest in leaf order
 * (docs/wire-format.md). The compiler's direct_layout.h decides. The result travels as up to
 * CXX2GO_DIRECT_RESULT_WORDS words. Everything is borrowed for the call only. */
#define CXX2GO_DIRECT_WORDS 8
#define CXX2GO_DIRECT_VIEWS 4
#define CXX2GO_DIRECT_RESULT_WORDS 4

typedef struct cxx2go_direct_result {
  uint64_t words[CXX2GO_DIRECT_RESULT_WORDS]; /* the result's leaves (code == CXX2GO_OK) */
  int32_t code;                               /* CXX2GO_OK or an error code */
  char* message;      /* code != CXX2GO_OK: malloc()ed UTF-8 message (may be NULL), freed by the caller */
  size_t message_len;
} cxx2go_direct_result;

typedef void (*cxx2go_direct_fn)(const uint64_t* words, const cxx2go_view* views, int64_t deadline_unix_nanos,
                                 cxx2go_direct_result* result);

/* The Go runtime's entry points, handed to the C++ runtime by cxx2go_go_attach. The C++ runtime never
 * names a Go symbol directly, so it also builds and is tested without Go (tests install a fake peer). */
typedef struct cxx2go_go_entry_points {
  uint32_t abi_version;
  /* synchronous C++ → Go call; runs the handler on the calling thread and fills reply. A nonzero call_id
   * (the caller has a stop token) lets C++ cancel it by that id: Go lists the handler's context under it,
   * then calls cxx2go_cpp_sync_listed(call_id) on the calling thread, before running the handler. */
  void (*invoke)(cxx2go_call* call, cxx2go_reply* reply);
  /* asynchronous C++ → Go call: returns at once; the C++ side keeps call's memory alive until
   * cxx2go_cpp_complete(call_id) (not for ONEWAY: then Go copies what it needs before returning).
   * The completion may arrive on another thread before submit returns, so the caller must not touch
   * the call's memory after calling submit. */
  void (*submit)(cxx2go_call* call);
  /* asks Go to cancel call_id (its context is cancelled); a completion still follows. Unknown ids
   * (already completed) are ignored. call_id 0 means the C++ runtime is stopping: Go cancels the
   * contexts of every call it is running for C++, synchronous ones included. */
  void (*cancel)(uint64_t call_id);
  /* completion of an asynchronous Go → C++ call that was answered CXX2GO_PENDING. It may arrive before
   * the cxx2go_cpp_invoke that answers PENDING has returned, so Go registers a call before invoking. */
  void (*complete)(uint64_t call_id, int32_t code, uint8_t* data, size_t len);
  /* optional (NULL: no ring transport): the C++ runtime hands Go the region of the ring transport
   * (cxx2go/ring_abi.h) at start; Go starts draining it and detaches when the region's `closing` is set.
   * Returns CXX2GO_OK if Go attached; otherwise the ring is not used. */
  int32_t (*ring_attach)(void* region);
  /* synchronous C++ → Go call of a @direct method: runs its handler on the calling thread with the words and
   * views of the call (the encoded arguments, if any, last), which it only reads, and fills result.
   * Optional (NULL: no direct calls; C++ answers them Code::unimplemented). Not const-qualified: Go's
   * exported functions cannot say const. */
  void (*direct)(uint64_t method_id, char* method_name, uint64_t* words, cxx2go_view* views, uint32_t nviews,
                 int64_t deadline_unix_nanos, cxx2go_direct_result* result);
} cxx2go_go_entry_points;

/* ---- implemented by the C++ runtime ---- */

/* Go → C++ call. With call_id == 0 or CXX2GO_CALL_SYNC_ONLY the call completes before returning.
 * Otherwise reply->code may be CXX2GO_PENDING: the C++ side has copied what it needs, and
 * entry_points.complete(call_id, …) follows exactly once (possibly before this function returns).
 * The implementation may call back into Go on the calling thread while it still reads call's memory,
 * so Go memory passed here must stay where it is for the whole call (heap, not a movable stack). */
void cxx2go_cpp_invoke(cxx2go_call* call, cxx2go_reply* reply);
/* Go asks C++ to cancel a pending Go → C++ call. Idempotent; unknown ids are ignored. */
void cxx2go_cpp_cancel(uint64_t call_id);
/* Go has listed the synchronous C++ → Go call call_id (entry_points.invoke) for cancellation: from now on
 * C++ may cancel it. Called on the thread that called invoke; unknown ids are ignored. */
void cxx2go_cpp_sync_listed(uint64_t call_id);
/* Completion of an asynchronous C++ → Go call. data is valid only during this call. Exactly once per
 * submitted non-oneway call, including cancelled ones: only then does C++ free the call's memory. */
void cxx2go_cpp_complete(uint64_t call_id, int32_t code, uint8_t* data, size_t len);
/* The cxx2go_direct_fn of the @direct method method_id, or NULL with *code and *message (malloc()ed,
 * NUL-terminated or NULL, freed by the caller) saying why: the runtime is not running, or no registered
 * service has the method. The function stays valid for the life of the process; each call checks that the
 * runtime runs and that the method's service is still registered. */
cxx2go_direct_fn cxx2go_cpp_direct_entry(uint64_t method_id, int32_t* code, char** message);
/* Runtime lifecycle, for Go hosts. Return a status code. spin_nanos: how long an executor thread polls for
 * work before it sleeps (RuntimeOptions::spin_before_park); negative means the default, 0 never spin.
 * stuck_call_nanos: RuntimeOptions::stuck_call_threshold (0: no watchdog). */
int32_t cxx2go_cpp_start(int32_t executor_threads, int64_t spin_nanos, int64_t stuck_call_nanos);
int32_t cxx2go_cpp_stop(void);
/* 0 = not started, 1 = running, 2 = stopping, 3 = stopped */
int32_t cxx2go_cpp_state(void);
/* Metrics (cxx2go/metrics.h), for the Go runtime's cxx2go.Metrics: turns counting on (1) or off (0); and
 * the snapshot in the wire format (src/debug/metrics.cc), in *data (malloc()ed, freed by the caller) and
 * *len; *data is NULL when out of memory. */
void cxx2go_cpp_set_metrics(int32_t enabled);
void cxx2go_cpp_metrics_snapshot(uint8_t** data, size_t* len);
/* The calls in flight (cxx2go::live_calls), for the Go runtime's cxx2go.LiveCalls, in the wire format
 * (src/debug/live.cc): *data malloc()ed, freed by the caller; NULL when out of memory. */
void cxx2go_cpp_live_calls(uint8_t** data, size_t* len);

/* ---- implemented by the Go runtime (exported with //export) ---- */

/* Fills *eps with the Go runtime's entry points and CXX2GO_ABI_VERSION. Called by cxx2go::start() in
 * builds with CXX2GO_WITH_GO; in a C++ host it also waits until the Go runtime of the archive is
 * initialised, and the reference keeps the archive's Go code linked. */
void cxx2go_go_attach(cxx2go_go_entry_points* eps);

#ifdef __cplusplus
}
#endif

#endif /* CXX2GO_ABI_H_ */
