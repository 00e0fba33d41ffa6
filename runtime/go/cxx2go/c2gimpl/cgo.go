package c2gimpl

// Build settings of the whole package, in one place.

//go:generate go run ../internal/gensources
//
// The package compiles the C++ runtime itself (cxx2go_runtime.cc includes every runtime/cpp/src/**/*.cc),
// so a process containing Go has exactly one copy of it, whether the host is Go or C++
// (docs/design.md, "Where the C++ runtime lives in a process"). C preambles and C files of the package
// see only the plain-C headers (abi.h, ring_abi.h, version.h), through CFLAGS. Importing runtime/cpp (which embeds the C++ runtime's files) is what makes
// `go mod vendor` copy them and the build cache rebuild this package when they change.

/*
#cgo CFLAGS: -I${SRCDIR}/../../../cpp/include
#cgo CXXFLAGS: -std=c++20 -DCXX2GO_WITH_GO -I${SRCDIR}/../../../cpp/include
#cgo LDFLAGS: -lstdc++ -lpthread
*/
import "C"

import _ "github.com/cxx2go/cxx2go/runtime/cpp"
