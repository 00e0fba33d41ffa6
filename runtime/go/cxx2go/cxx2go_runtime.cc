// The C++ runtime, compiled into the Go runtime package: one translation unit that includes every
// runtime/cpp/src/*.cc, so that a process containing Go has exactly one copy of the runtime
// (docs/design.md). cgo compiles this file with the package's CXXFLAGS (cgo.go), which define
// CXX2GO_WITH_GO. TestUnityFileIncludesEveryRuntimeSource fails when a source file is missing here.
//
// Being one translation unit, the included files must not define the same name twice, anonymous
// namespaces included.

#include "../../cpp/src/error.cc"
#include "../../cpp/src/executor.cc"
#include "../../cpp/src/incoming.cc"
#include "../../cpp/src/outgoing.cc"
#include "../../cpp/src/runtime.cc"
#include "../../cpp/src/state.cc"
#include "../../cpp/src/timer.cc"
#include "../../cpp/src/wire.cc"
