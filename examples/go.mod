// The examples are a module of their own: they import Go code generated into a build directory
// (examples/CMakeLists.txt), which only the workspace that build writes (<build>/examples/go.work)
// provides. Kept apart, they cannot break `go build ./...` or `go vet ./...` of the repository.
module github.com/cxx2go/cxx2go/examples

go 1.24
