// Package c2gimpl is the Go runtime of cxx2go as the code generated from .c2g schemas sees it: encoding,
// calling C++ implementations (cpp services) and serving C++ callers (go services). It is for generated
// code only. Users import the package cxx2go, which holds what they call (Start, Stop, Error, Code) as
// aliases of names here (docs/design.md, "The Go packages").
//
// Like protobuf-go's protoimpl, this package makes no compatibility promise: its names change whenever
// generated code and runtime change together. What protects a program is SupportPackageIsVersionN,
// which generated code references: code generated for another runtime fails to compile, naming the
// constant, instead of misbehaving at run time.
//
// The package also compiles the C++ runtime (cxx2go_runtime.cc), so that a process containing Go has
// exactly one. The two runtimes talk over one C ABI, runtime/cpp/include/cxx2go/abi.h, and share one
// state machine, held by the C++ side: calls fail with NotStarted before Start and Stopped after Stop.
//
// # Ownership at the boundary
//
//   - Go → C++ arguments (Encoder bytes, Views of strings, []byte, []number) are borrowed only for the
//     duration of the cgo call: they reach C only as direct arguments of that call, and C++ copies what
//     it keeps. No Go pointer is ever stored in C memory; more than four views are pinned for the call.
//   - A Reply owns its bytes (a copy, or C memory it frees in Release).
//   - In a handler, Incoming.ViewString returns a Go-owned copy; ViewBytes and ViewSlice return views of
//     C++ memory valid until the handler returns. Values decoded from Args are Go-owned. An Incoming and
//     everything borrowed from it must not be used after the handler returns.
//
// # Failures
//
// Every function C++ can reach recovers: a handler's panic reaches C++ as Code Panic with
// "panic: <value>" (and its stack on stderr). Errors cross as a Code and a message: *Error keeps both,
// and errors.Is(err, context.Canceled) / errors.Is(err, context.DeadlineExceeded) hold for the
// corresponding codes. See docs/design.md.
package c2gimpl
