/* cxx2go/ring_abi.h — memory layout of the shared-memory ring transport (docs/ring.md).
 *
 * The C++ runtime allocates one region at start (C memory: no Go pointer is ever stored in it, so the cgo
 * pointer rules and GOEXPERIMENT=cgocheck2 have nothing to check). Both runtimes read and write it with
 * plain loads/stores and atomics, without any cgo call on the hot path. Everything inside the region is
 * addressed by offsets from its start, so that a later cross-process mode over a memfd can map the same
 * layout at another address. The one exception is cxx2go_ring_slot.name, a diagnostic-only address that
 * such a mode would leave 0.
 *
 * Two rings, one per direction; each has many producers and exactly one consumer:
 *   to_go:  written by C++ (requests of C++ → Go calls, completions of Go → C++ calls), drained by one Go
 *           dispatcher goroutine;
 *   to_cpp: written by Go (requests of Go → C++ calls, completions of C++ → Go calls), drained by one C++
 *           thread ("cxx2go-ring").
 *
 * Ownership of a slot (Vyukov's bounded queue: a sequence number per slot):
 *   seq == pos            free for the producer that claims position pos (by CAS on tail);
 *   claimed, seq == pos   written by that producer only;
 *   seq == pos + 1        published: owned by the consumer, which reads (copies) the message;
 *   seq == pos + capacity released by the consumer: free for position pos + capacity.
 * A message's payload lives in its slot (the slot is the arena: fixed size, addressed by offset), so its
 * bytes belong to whoever owns the slot. A message whose payload does not fit its slot continues in the
 * slots after it (claimed, published and released together; docs/ring.md, "Messages of several slots"):
 * after the first slot's CXX2GO_RING_PAYLOAD_CAP bytes, each following slot carries
 * CXX2GO_RING_SLOT_SIZE - 8 more, after its seq. A message larger than the ring is not sent over it: that
 * call takes the cgo path instead, so nothing in a ring ever points to other memory.
 */
#ifndef CXX2GO_RING_ABI_H_
#define CXX2GO_RING_ABI_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CXX2GO_RING_MAGIC 0x31676e6972326763ull /* "cg2ring1" */
#define CXX2GO_RING_VERSION 3
#define CXX2GO_RING_SLOT_SIZE 512
#define CXX2GO_RING_HEADER_SIZE 64
#define CXX2GO_RING_PAYLOAD_CAP (CXX2GO_RING_SLOT_SIZE - CXX2GO_RING_HEADER_SIZE)
#define CXX2GO_RING_DEFAULT_SLOTS 1024

/* cxx2go_ring_slot.kind */
#define CXX2GO_RING_CALL 1     /* a call expecting a completion (call_id != 0) */
#define CXX2GO_RING_ONEWAY 2   /* a oneway call: no completion */
#define CXX2GO_RING_COMPLETE 3 /* the completion of call_id: code and payload (result or error message) */
#define CXX2GO_RING_CANCEL 4   /* cancel call_id. Sent over the ring that carried the call, so the consumer
                                  always sees the call first: a call cancelled while still queued is
                                  cancelled, not missed */

/* cxx2go_ring_region.transport: which calls use the rings */
#define CXX2GO_TRANSPORT_PER_METHOD 0 /* methods of @transport(ring) services (CXX2GO_METHOD_RING) */
#define CXX2GO_TRANSPORT_RING 1       /* every call that can (CXX2GO_TRANSPORT=ring) */
#define CXX2GO_TRANSPORT_CGO 2        /* none (CXX2GO_TRANSPORT=cgo) */

/* One message (its first slot). Payload of a CALL/ONEWAY: nviews uint32 view lengths, then args_len bytes of encoded
 * arguments at the next 8-byte boundary, then each view's bytes, each at an 8-byte boundary (so that a
 * list<number> view can be read in place). Payload of a COMPLETE: len bytes. */
typedef struct cxx2go_ring_slot {
  uint64_t seq;                 /* atomic: the slot's sequence number (above) */
  uint64_t call_id;             /* CALL, COMPLETE; 0 for ONEWAY */
  uint64_t method_id;           /* CALL, ONEWAY */
  int64_t deadline_unix_nanos;  /* CALL, ONEWAY; 0 = none */
  uint64_t name;                /* CALL, ONEWAY: address of the static method name, for messages only; to an
                                   isolated worker (which has the names), the id of the call a
                                   CXX2GO_CALL_NESTED call is nested in */
  uint32_t kind;                /* CXX2GO_RING_* */
  int32_t code;                 /* COMPLETE */
  uint32_t flags;               /* CALL, ONEWAY: cxx2go_call.flags */
  uint32_t nviews;              /* CALL, ONEWAY */
  uint32_t args_len;            /* CALL, ONEWAY */
  uint32_t len;                 /* bytes of payload, in this slot and the continuation slots after it */
  uint8_t payload[CXX2GO_RING_PAYLOAD_CAP];
} cxx2go_ring_slot;

/* One direction. Producers and the consumer touch different cache lines. */
typedef struct cxx2go_ring {
  uint64_t tail;        /* atomic: next position to claim (producers, CAS) */
  uint8_t pad0[56];
  uint64_t head;        /* atomic: next position to read; written only by the consumer (the one thread
                           holding the consumer's role, see helpers) */
  uint8_t pad1[56];
  uint32_t sleeping;    /* atomic: 1 while the consumer is parked (or about to): producers must wake it */
  uint32_t helpers;     /* atomic: threads of the consumer's side that wait for a completion and poll the
                           ring meanwhile, taking completions out of it (docs/ring.md, "Waiting callers
                           help"). While nonzero, producers do not wake the parked consumer: a helper
                           wakes it for any message it leaves in the ring */
  uint64_t wakeups;     /* atomic: wake-ups producers sent (statistics) */
  uint8_t pad3[48];
  uint64_t capacity;    /* slots, a power of two */
  uint64_t slots;       /* offset of slot 0 from the region's start */
  uint8_t pad4[48];
} cxx2go_ring;

typedef struct cxx2go_ring_region {
  uint64_t magic;       /* CXX2GO_RING_MAGIC */
  uint32_t version;     /* CXX2GO_RING_VERSION */
  uint32_t transport;   /* CXX2GO_TRANSPORT_* */
  uint64_t size;        /* bytes of the whole region */
  int32_t go_eventfd;   /* Go's doorbell (non-blocking eventfd): C++ producers write 1 to wake Go */
  uint32_t spin_ns;     /* how long a consumer polls an empty ring before parking */
  uint32_t closing;     /* atomic: C++ stop: the Go side detaches (then every ring call fails or uses cgo) */
  uint32_t go_detached; /* atomic, futex: Go will not touch the region again */
  uint8_t pad0[24];
  cxx2go_ring to_go;    /* C++ → Go */
  cxx2go_ring to_cpp;   /* Go → C++ */
  /* slots of to_go, then slots of to_cpp */
} cxx2go_ring_region;

#ifdef __cplusplus
}
#endif

#endif /* CXX2GO_RING_ABI_H_ */
