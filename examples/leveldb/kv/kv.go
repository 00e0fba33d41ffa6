// Package kv is the LevelDB example's store: the bindings of kv.c2g together with kv.Store's C++
// implementation over LevelDB (leveldb_store.cc), in one cgo package. `go generate` writes the bindings
// with cxx2go; `go build` compiles the C++, links LevelDB, and cxx2go.Start registers the store that
// make_store() makes.
package kv

//go:generate cxx2go --go_out=. --go_opt=paths=source_relative,cgo --cpp_out=. kv.c2g

// #cgo LDFLAGS: -lleveldb
import "C"
