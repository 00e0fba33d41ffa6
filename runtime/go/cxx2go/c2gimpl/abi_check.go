package c2gimpl

/*
#include "cxx2go/abi.h"
#include "cxx2go/ring_abi.h"
*/
import "C"

// Compile-time checks that the Go constants are abi.h's: each index is a constant that must be 0, so a
// drifting value fails the build ("index out of bounds") instead of miscoding errors at run time.
var (
	_ = [1]struct{}{}[OK-Code(C.CXX2GO_OK)]
	_ = [1]struct{}{}[Cancelled-Code(C.CXX2GO_CANCELLED)]
	_ = [1]struct{}{}[Unknown-Code(C.CXX2GO_UNKNOWN)]
	_ = [1]struct{}{}[InvalidArgument-Code(C.CXX2GO_INVALID_ARGUMENT)]
	_ = [1]struct{}{}[DeadlineExceeded-Code(C.CXX2GO_DEADLINE_EXCEEDED)]
	_ = [1]struct{}{}[NotFound-Code(C.CXX2GO_NOT_FOUND)]
	_ = [1]struct{}{}[AlreadyExists-Code(C.CXX2GO_ALREADY_EXISTS)]
	_ = [1]struct{}{}[PermissionDenied-Code(C.CXX2GO_PERMISSION_DENIED)]
	_ = [1]struct{}{}[ResourceExhausted-Code(C.CXX2GO_RESOURCE_EXHAUSTED)]
	_ = [1]struct{}{}[FailedPrecondition-Code(C.CXX2GO_FAILED_PRECONDITION)]
	_ = [1]struct{}{}[Aborted-Code(C.CXX2GO_ABORTED)]
	_ = [1]struct{}{}[OutOfRange-Code(C.CXX2GO_OUT_OF_RANGE)]
	_ = [1]struct{}{}[Unimplemented-Code(C.CXX2GO_UNIMPLEMENTED)]
	_ = [1]struct{}{}[Internal-Code(C.CXX2GO_INTERNAL)]
	_ = [1]struct{}{}[Unavailable-Code(C.CXX2GO_UNAVAILABLE)]
	_ = [1]struct{}{}[DataLoss-Code(C.CXX2GO_DATA_LOSS)]
	_ = [1]struct{}{}[Unauthenticated-Code(C.CXX2GO_UNAUTHENTICATED)]
	_ = [1]struct{}{}[Panic-Code(C.CXX2GO_PANIC)]
	_ = [1]struct{}{}[Exception-Code(C.CXX2GO_EXCEPTION)]
	_ = [1]struct{}{}[NotStarted-Code(C.CXX2GO_NOT_STARTED)]
	_ = [1]struct{}{}[Stopped-Code(C.CXX2GO_STOPPED)]
	_ = [1]struct{}{}[UnknownMethod-Code(C.CXX2GO_UNKNOWN_METHOD)]
	_ = [1]struct{}{}[Protocol-Code(C.CXX2GO_PROTOCOL)]
	_ = [1]struct{}{}[codePending-Code(C.CXX2GO_PENDING)]

	_ = [1]struct{}{}[CallOneway-uint32(C.CXX2GO_CALL_ONEWAY)]
	_ = [1]struct{}{}[CallTrace-uint32(C.CXX2GO_CALL_TRACE)]
	_ = [1]struct{}{}[callDirect-uint32(C.CXX2GO_CALL_DIRECT)]
	_ = [1]struct{}{}[callNested-uint32(C.CXX2GO_CALL_NESTED)]
	_ = [1]struct{}{}[callSyncOnly-uint32(C.CXX2GO_CALL_SYNC_ONLY)]
	_ = [1]struct{}{}[MethodInline-uint32(C.CXX2GO_METHOD_INLINE)]
	_ = [1]struct{}{}[MethodRing-uint32(C.CXX2GO_METHOD_RING)]
	_ = [1]struct{}{}[MethodDirect-uint32(C.CXX2GO_METHOD_DIRECT)]
	_ = [1]struct{}{}[len(DirectWords{})-int(C.CXX2GO_DIRECT_WORDS)]
	_ = [1]struct{}{}[directResultWords-int(C.CXX2GO_DIRECT_RESULT_WORDS)]
	_ = [1]struct{}{}[directViews-int(C.CXX2GO_DIRECT_VIEWS)]
	_ = [1]struct{}{}[replyInlineCap-int(C.CXX2GO_REPLY_INLINE_CAP)]
	_ = [1]struct{}{}[abiVersion-int(C.CXX2GO_ABI_VERSION)]
)
