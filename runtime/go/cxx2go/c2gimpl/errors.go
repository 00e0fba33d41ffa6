package c2gimpl

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// Code is a status code of a cross-language call. The values are abi.h's CXX2GO_* codes (checked at
// compile time in abi_check.go): 0..16 are gRPC's canonical codes, 100 and above are cxx2go's own.
type Code int32

// Status codes.
const (
	OK                 Code = 0
	Cancelled          Code = 1
	Unknown            Code = 2
	InvalidArgument    Code = 3
	DeadlineExceeded   Code = 4
	NotFound           Code = 5
	AlreadyExists      Code = 6
	PermissionDenied   Code = 7
	ResourceExhausted  Code = 8
	FailedPrecondition Code = 9
	Aborted            Code = 10
	OutOfRange         Code = 11
	Unimplemented      Code = 12
	Internal           Code = 13
	Unavailable        Code = 14
	DataLoss           Code = 15
	Unauthenticated    Code = 16
	Panic              Code = 100 // a Go handler panicked; the message carries the panic value
	Exception          Code = 101 // a C++ implementation threw; the message is "<type>: <what()>"
	NotStarted         Code = 102 // the runtime has not been started
	Stopped            Code = 103 // the runtime is stopping or stopped
	UnknownMethod      Code = 104 // no implementation for this method id (not registered, or another schema version)
	Protocol           Code = 105 // malformed arguments or results
)

var codeNames = map[Code]string{
	OK: "ok", Cancelled: "cancelled", Unknown: "unknown", InvalidArgument: "invalid_argument",
	DeadlineExceeded: "deadline_exceeded", NotFound: "not_found", AlreadyExists: "already_exists",
	PermissionDenied: "permission_denied", ResourceExhausted: "resource_exhausted",
	FailedPrecondition: "failed_precondition", Aborted: "aborted", OutOfRange: "out_of_range",
	Unimplemented: "unimplemented", Internal: "internal", Unavailable: "unavailable",
	DataLoss: "data_loss", Unauthenticated: "unauthenticated", Panic: "panic", Exception: "exception",
	NotStarted: "not_started", Stopped: "stopped", UnknownMethod: "unknown_method", Protocol: "protocol",
}

// String returns the snake_case name used by both runtimes, or "code(N)" for a value it does not know.
func (c Code) String() string {
	if s, ok := codeNames[c]; ok {
		return s
	}
	return "code(" + strconv.Itoa(int(c)) + ")"
}

// Error is the error of a failed cross-language call, in either direction.
type Error struct {
	Code    Code
	Message string
}

// Errorf returns an *Error with the given code and a formatted message. Go handlers return it to choose
// the code the C++ caller sees; any other error reaches C++ as Unknown (or Cancelled/DeadlineExceeded
// for the context errors). A code <= 0 reaches C++ as Unknown with "code N: " before the message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "cxx2go: " + e.Code.String()
	}
	return "cxx2go: " + e.Code.String() + ": " + e.Message
}

// Is makes errors.Is(err, context.Canceled) and errors.Is(err, context.DeadlineExceeded) hold for the
// corresponding codes, so code written against plain contexts keeps working across the boundary. An
// *Error target matches any error with the same Code (the message is not compared).
func (e *Error) Is(target error) bool {
	switch target {
	case context.Canceled:
		return e.Code == Cancelled
	case context.DeadlineExceeded:
		return e.Code == DeadlineExceeded
	}
	if t, ok := target.(*Error); ok {
		return t.Code == e.Code
	}
	return false
}

// CodeOf returns the code C++ would see for err: OK for nil, the Code of an *Error in err's chain,
// Cancelled / DeadlineExceeded for the context errors, and Unknown for anything else, including an
// *Error whose Code is OK or negative (see wireError).
func CodeOf(err error) Code {
	if err == nil {
		return OK
	}
	code, _ := wireError(err)
	return code
}

// wireError splits a non-nil err into what crosses the boundary: a code and a message. It is the one
// place where a Go error becomes a boundary code (docs/design.md, "The code space at the boundary"): a
// code <= 0 cannot be sent, since OK means success and negative numbers are the runtime's reply
// sentinels (CXX2GO_PENDING), so it becomes Unknown and its number moves into the message, where a
// sentinel can no longer be forged. Every positive code crosses unchanged.
func wireError(err error) (Code, string) {
	var e *Error
	if errors.As(err, &e) {
		if e.Code <= OK {
			if e.Message == "" {
				return Unknown, "code " + strconv.Itoa(int(e.Code))
			}
			return Unknown, "code " + strconv.Itoa(int(e.Code)) + ": " + e.Message
		}
		return e.Code, e.Message
	}
	switch {
	case errors.Is(err, context.Canceled):
		return Cancelled, err.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return DeadlineExceeded, err.Error()
	}
	return Unknown, err.Error()
}

// contextError maps the end of a caller's context to the *Error CallCpp returns: errors.Is still
// recognises context.Canceled / context.DeadlineExceeded through (*Error).Is.
func contextError(ctx context.Context) *Error {
	err := ctx.Err()
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: DeadlineExceeded, Message: "context deadline exceeded"}
	}
	if cause := context.Cause(ctx); cause != nil && cause != err {
		return &Error{Code: Cancelled, Message: "context canceled: " + cause.Error()}
	}
	return &Error{Code: Cancelled, Message: "context canceled"}
}
