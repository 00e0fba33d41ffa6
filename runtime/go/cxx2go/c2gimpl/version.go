package c2gimpl

/*
#include "cxx2go/version.h"
*/
import "C"

// Version is the cxx2go release this runtime belongs to. `cxx2go --version` and the C++ runtime's
// CXX2GO_VERSION_STRING (cxx2go/version.h) say the same: the build fails if the numbers below drift.
const Version = "0.1.0"

const (
	versionMajor = 0
	versionMinor = 1
	versionPatch = 0
)

// Each index is a constant that must be 0 (see abi_check.go).
var (
	_ = [1]struct{}{}[versionMajor-int(C.CXX2GO_VERSION_MAJOR)]
	_ = [1]struct{}{}[versionMinor-int(C.CXX2GO_VERSION_MINOR)]
	_ = [1]struct{}{}[versionPatch-int(C.CXX2GO_VERSION_PATCH)]
)

// SupportPackageIsVersion4 is referenced by generated Go code (`const _ = c2gimpl.SupportPackageIsVersion4`).
// The number is the runtime's ABI version (CXX2GO_ABI_VERSION in cxx2go/abi.h), which changes whenever
// generated code and runtime stop fitting together: code generated for another version then fails to
// compile, naming a constant this runtime does not define, instead of misbehaving at run time.
const SupportPackageIsVersion4 = true

// The name above must follow the ABI version.
var _ = [1]struct{}{}[abiVersion-4]
