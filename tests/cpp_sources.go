// Package tests is the C++ that the repository's cgo test packages compile from outside their own
// directories: the generated C++ of the test schemas (tests/gen/*/cpp) and the end-to-end tests' C++
// implementations (tests/e2e/cppimpl). The go command keys its build cache only on the files of a package's
// own directory and the files it embeds, so those packages import this one: editing any of these files
// changes it, and they are rebuilt. Nothing reads the embedded files at run time.
package tests

import "embed"

//go:embed e2e/cppimpl gen/e2e/cpp gen/stress/cpp
var cppSources embed.FS
