// Package cpp is the cxx2go C++ runtime's headers and sources, as files of a Go package.
//
// The Go runtime package (runtime/go/cxx2go) compiles these sources into every process that contains Go
// (docs/design.md, "Where the C++ runtime lives in a process"), from outside its own directory. The go
// command vendors, and keys its build cache on, only the files of a package's own directory and the files
// it embeds. Embedding include/ and src/ here makes both follow: `go mod vendor` copies them next to the
// Go runtime package, and editing any of them changes this package, so everything importing it is
// rebuilt. Nothing reads the embedded files at run time, and the linker drops them from binaries.
package cpp

import "embed"

//go:embed include src symbolizer
var sources embed.FS
